#include "package/jar.hpp"

#include <Poco/Exception.h>
#include <Poco/Zip/ZipArchive.h>
#include <Poco/Zip/ZipStream.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace beaver {

Result<std::string> jar_main_class(const std::filesystem::path& jar) {
  std::ifstream in(jar, std::ios::binary);
  if (!in) return fail(ErrorKind::bad_input, "cannot read {}", jar.string());
  std::string manifest;
  try {
    Poco::Zip::ZipArchive archive(in);
    auto header = archive.findHeader("META-INF/MANIFEST.MF");
    if (header == archive.headerEnd())
      return fail(ErrorKind::refused, "{} has no META-INF/MANIFEST.MF", jar.string());
    in.clear();
    Poco::Zip::ZipInputStream zip(in, header->second);
    std::ostringstream text;
    text << zip.rdbuf();
    manifest = text.str();
  } catch (const Poco::Exception& e) {
    return fail(ErrorKind::refused, "{} is not a readable jar: {}", jar.string(), e.displayText());
  }
  // Manifest lines wrap at 72 bytes; a continuation line starts with one space.
  std::string joined;
  std::istringstream lines(manifest);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.starts_with(' '))
      joined += line.substr(1);
    else
      joined += '\n' + line;
  }
  static const std::regex main_class(R"(\nMain-Class:\s*([A-Za-z0-9_.$]+))");
  std::smatch m;
  if (!std::regex_search(joined, m, main_class))
    return fail(ErrorKind::refused,
                "{} names no Main-Class in its manifest: beaver's launcher needs one",
                jar.string());
  return m[1].str();
}

}  // namespace beaver
