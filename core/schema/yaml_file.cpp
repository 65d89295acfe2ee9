#include "schema/yaml_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "schema/schema.hpp"

namespace beaver {
namespace fs = std::filesystem;

std::vector<std::string> scalars(const YAML::Node& list) {
  std::vector<std::string> out;
  if (list)
    for (const auto& item : list) out.push_back(item.Scalar());
  return out;
}

Result<std::string> read_small_file(const fs::path& file, std::string_view what,
                                    std::uintmax_t max_bytes) {
  std::error_code ec;
  if (fs::is_directory(file, ec))
    return fail(ErrorKind::bad_input, "cannot read {} {}: it is a folder", what, file.string());
  std::uintmax_t size = fs::file_size(file, ec);
  if (ec)
    return fail(ErrorKind::bad_input, "cannot read {} {}: {}", what, file.string(), ec.message());
  if (size > max_bytes)
    return fail(ErrorKind::bad_input, "{}: larger than {} bytes", file.string(), max_bytes);
  std::ifstream in(file, std::ios::binary);
  std::string content(size, '\0');
  if (!in || !in.read(content.data(), static_cast<std::streamsize>(size)))
    return fail(ErrorKind::bad_input, "cannot read {} {}: {}", what, file.string(),
                std::strerror(errno));
  return content;
}

Result<YamlDocument> load_yaml_file(const fs::path& file, std::string_view what,
                                    const fs::path& schema_file, std::uintmax_t max_bytes) {
  auto content = read_small_file(file, what, max_bytes);
  if (!content) return std::unexpected(content.error());
  auto doc = YamlDocument::parse(std::move(*content), file.string());
  if (!doc) return std::unexpected(doc.error());
  BEAVER_TRY(validate(*doc, schema_file));
  return doc;
}

}  // namespace beaver
