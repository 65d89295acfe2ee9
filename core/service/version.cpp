#include "service/version.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/NodeList.h>
#include <Poco/Exception.h>
#include <Poco/SAX/InputSource.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "git/git.hpp"
#include "model/names.hpp"

namespace beaver {
namespace {

namespace fs = std::filesystem;

// The project's own <version>, a direct child of <project> (not the parent's or a dependency's).
Result<std::string> pom_version(const fs::path& pom) {
  std::ifstream in(pom);
  if (!in) return fail(ErrorKind::bad_input, "cannot read {}", pom.string());
  try {
    Poco::XML::InputSource source(in);
    Poco::XML::DOMParser parser;
    parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACES, false);
    Poco::AutoPtr<Poco::XML::Document> doc = parser.parse(&source);
    for (auto* n = doc->documentElement()->firstChild(); n != nullptr; n = n->nextSibling())
      if (n->nodeType() == Poco::XML::Node::ELEMENT_NODE && n->nodeName() == "version")
        return n->innerText();
  } catch (const Poco::Exception& e) {
    return fail(ErrorKind::bad_input, "{}: {}", pom.string(), e.displayText());
  }
  return fail(ErrorKind::bad_input, "{} has no <version> of its own", pom.string());
}

Result<std::string> gradle_version(const fs::path& root) {
  static const std::regex property(R"(^\s*version\s*[=:]\s*['"]?([^'"\s]+)['"]?\s*$)");
  for (const char* name : {"gradle.properties", "build.gradle", "build.gradle.kts"}) {
    std::ifstream in(root / name);
    std::string line;
    std::smatch m;
    while (std::getline(in, line))
      if (std::regex_match(line, m, property)) return m[1].str();
  }
  return fail(ErrorKind::bad_input,
              "no version in gradle.properties or build.gradle (version = '1.2.3')");
}

}  // namespace

Result<std::string> resolve_version(const ServiceManifest& m, const fs::path& root) {
  Result<std::string> version;
  if (m.version_source == "pom") {
    version = pom_version(root / "pom.xml");
  } else if (m.version_source == "gradle") {
    version = gradle_version(root);
  } else if (m.version_source == "git") {
    auto facts = read_git_facts(root);
    if (!facts) return std::unexpected(facts.error());
    version = facts->describe.starts_with('v') && facts->describe.size() > 1 &&
                      std::isdigit(static_cast<unsigned char>(facts->describe[1]))
                  ? facts->describe.substr(1)
                  : facts->describe;
  } else {
    version = m.version_source;
  }
  if (!version) return version;
  auto checked = check_name("version", *version);
  if (!checked)
    return fail(ErrorKind::bad_input, "{} (from {})", checked.error().message, m.version_source);
  return version;
}

}  // namespace beaver
