#pragma once
// A YAML file read for checking against a JSON Schema and for building typed values from it. It
// keeps the yaml-cpp tree (for building), the same data as a JSON value (for the schema), and
// where every value and mapping key sits in the file, so any error can point at "NAME:LINE:COL".

#include <yaml-cpp/yaml.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "error/error.hpp"

namespace Poco::Dynamic {
class Var;
}

namespace beaver {

// Where a value sits in a document: mapping keys and list indices (as decimal text) from the
// root, e.g. {"environments", "prod", "windows", "0"}. The root is the empty path.
using DocumentPath = std::vector<std::string>;

class YamlDocument {
 public:
  // Parses one YAML document. Syntax errors, duplicate mapping keys, non-text keys, several
  // documents in one file and aliases that expand too far are bad_input "NAME:LINE:COL: what".
  // An empty file gives a null root. Plain scalars are typed as in YAML 1.2's core schema
  // (null, true/false, integers, floats); quoted and block scalars stay strings.
  static Result<YamlDocument> parse(std::string content, std::string display_name);

  const YAML::Node& root() const { return root_; }
  const std::string& display_name() const { return display_name_; }

  // The document as a Poco JSON value (objects and arrays held as Object::Ptr / Array::Ptr).
  const Poco::Dynamic::Var& json() const { return *json_; }

  // The node at `path`, if the document has one.
  std::optional<YAML::Node> node_at(const DocumentPath& path) const;

  // "NAME:LINE:COL" (1-based) of the value at `path`, or of its mapping key when `at_key`; a path
  // the document lacks falls back to its nearest ancestor.
  std::string where(const DocumentPath& path, bool at_key = false) const;
  std::string where(const YAML::Node& node) const;

  // A bad_input error "NAME:LINE:COL: message", for problems found after schema validation.
  Error error_at(const YAML::Node& node, std::string message) const;
  // The same at the character `offset` bytes into the text of the scalar `node`, where the file
  // spells the text as it reads up to there (no escapes or folded lines before it); otherwise at
  // the scalar.
  Error error_at(const YAML::Node& node, size_t offset, std::string message) const;
  Error error_at(const DocumentPath& path, std::string message, bool at_key = false) const;

 private:
  struct Location {
    YAML::Node node;
    YAML::Mark value;
    std::optional<YAML::Mark> key;  // set for mapping values
  };
  class Builder;

  YamlDocument() = default;  // only parse() makes one, so json_ is never null

  std::string where(const YAML::Mark& mark) const;

  std::string display_name_;
  std::string content_;
  YAML::Node root_;
  std::shared_ptr<const Poco::Dynamic::Var> json_;
  std::map<std::string, Location> locations_;  // by encode_path()
};

}  // namespace beaver
