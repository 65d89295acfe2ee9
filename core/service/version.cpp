#include "service/version.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/NodeList.h>
#include <Poco/Exception.h>
#include <Poco/SAX/InputSource.h>

#include <cctype>
#include <fstream>
#include <optional>
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

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// What follows "version" at the start of a line, when the line sets it: "version = x",
// "version x" (Groovy's call syntax, a .properties file's separator) or "version: x"; not
// "versionCode = x".
std::optional<std::string_view> version_setting(std::string_view line) {
  line = trimmed(line);
  if (!line.starts_with("version")) return std::nullopt;
  std::string_view rest = line.substr(7);
  if (rest.empty() || !(std::isspace(static_cast<unsigned char>(rest.front())) ||
                        rest.front() == '=' || rest.front() == ':'))
    return std::nullopt;
  rest = trimmed(rest);
  if (!rest.empty() && (rest.front() == '=' || rest.front() == ':')) rest = trimmed(rest.substr(1));
  return rest;
}

// The version a build script gives as a literal: 'x' or "x" (without ${...}), then at most a
// comment; a version the script computes cannot be known without running Gradle.
Result<std::string> build_script_version(const fs::path& script) {
  std::ifstream in(script);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    auto value = version_setting(line);
    if (!value) continue;
    std::string_view v = *value;
    auto where =
        fmt::format("{}:{}:{}", script.string(), number, line.find_first_not_of(" \t") + 1);
    if (!v.empty() && (v.front() == '\'' || v.front() == '"')) {
      auto close = v.find(v.front(), 1);
      if (close != std::string_view::npos) {
        std::string_view literal = v.substr(1, close - 1), after = trimmed(v.substr(close + 1));
        bool interpolated = v.front() == '"' && literal.find('$') != std::string_view::npos;
        if (!interpolated && (after.empty() || after.starts_with("//")))
          return std::string(literal);
      }
    }
    return fail(ErrorKind::bad_input,
                "{}: the version is computed ({}); beaver reads a literal like version = '1.2.3' "
                "here or in gradle.properties, or name it in beaver.yaml (version: 1.2.3)",
                where, trimmed(line));
  }
  return fail(ErrorKind::not_found, "no version in {}", script.string());
}

// gradle.properties: "version=1.2.3" (or "version: 1.2.3", "version 1.2.3"); '#' and '!' start
// comments.
std::optional<std::string> properties_version(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    auto t = trimmed(line);
    if (t.starts_with('#') || t.starts_with('!')) continue;
    if (auto value = version_setting(t); value && !value->empty()) return std::string(*value);
  }
  return std::nullopt;
}

// As Gradle decides: a version the build script sets wins over the gradle.properties property.
Result<std::string> gradle_version(const fs::path& root) {
  for (const char* name : {"build.gradle", "build.gradle.kts"}) {
    std::error_code ec;
    if (!fs::is_regular_file(root / name, ec)) continue;
    auto v = build_script_version(root / name);
    if (v || v.error().kind != ErrorKind::not_found) return v;
  }
  if (auto v = properties_version(root / "gradle.properties")) return *v;
  return fail(ErrorKind::bad_input,
              "no version in build.gradle or gradle.properties: add a line version = '1.2.3' to "
              "build.gradle (or version=1.2.3 to gradle.properties)");
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
