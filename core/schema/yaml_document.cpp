#include "schema/yaml_document.hpp"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <sstream>

namespace beaver {
namespace {

// Aliases can make a small file expand into an enormous tree ("billion laughs"); nothing beaver
// reads comes near these.
constexpr size_t kMaxNodes = 200'000;
constexpr int kMaxDepth = 64;

// A JSON Pointer, escaped so that keys holding '/' or '~' cannot collide.
std::string encode_path(const DocumentPath& path) {
  std::string out;
  for (const auto& part : path) {
    out += '/';
    for (char c : part) {
      if (c == '~')
        out += "~0";
      else if (c == '/')
        out += "~1";
      else
        out += c;
    }
  }
  return out;
}

bool parse_int(std::string_view s, int base, Poco::Int64& out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);  // from_chars refuses a leading '+'
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
  return ec == std::errc{} && end == s.data() + s.size() && !s.empty();
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// [-+]? ( digits ( "." digits? )? | "." digits ) ( [eE] [-+]? digits )?
bool is_float(std::string_view s) {
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  std::string_view exponent;
  if (auto e = s.find_first_of("eE"); e != std::string_view::npos) {
    exponent = s.substr(e + 1);
    s = s.substr(0, e);
    if (!exponent.empty() && (exponent.front() == '-' || exponent.front() == '+'))
      exponent.remove_prefix(1);
    if (!all_digits(exponent)) return false;
  }
  auto dot = s.find('.');
  if (dot == std::string_view::npos) return all_digits(s);
  std::string_view whole = s.substr(0, dot), fraction = s.substr(dot + 1);
  return (whole.empty() || all_digits(whole)) && (fraction.empty() || all_digits(fraction)) &&
         !(whole.empty() && fraction.empty());
}

// A plain scalar typed by YAML 1.2's core schema. yaml-cpp has already turned "", "~" and the
// spellings of null into null nodes.
Poco::Dynamic::Var plain_scalar(const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (s == "null" || s == "Null" || s == "NULL" || s == "~") return {};
  std::string_view v = s;
  Poco::Int64 n = 0;
  // Octal (0o) and hex (0x) integers stay text: beaver's files never need them, and the typed
  // values are later read back by yaml-cpp, which would not understand them.
  std::string_view unsigned_part = v.starts_with('-') || v.starts_with('+') ? v.substr(1) : v;
  if (all_digits(unsigned_part)) {
    if (parse_int(v, 10, n)) return n;
    return std::strtod(s.c_str(), nullptr);  // too large for 64 bits: keep it as a float
  }
  for (const char* special : {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf",
                              "-.INF", ".nan", ".NaN", ".NAN"})
    if (v == special) return std::strtod(s.c_str(), nullptr);
  if (is_float(v)) return std::strtod(s.c_str(), nullptr);
  return s;
}

// Where a second document starts, if the text holds one. yaml-cpp's LoadAll() builds every
// document, and on some malformed text (found by fuzzing) it finds empty ones without end until
// memory runs out; documents are only counted here, and no further than two.
class DocumentCounter final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  std::vector<YAML::Mark> starts;
};

std::optional<YAML::Mark> second_document(const std::string& content) {
  std::istringstream in(content);
  YAML::Parser parser(in);
  DocumentCounter counter;
  for (int documents = 0; documents < 2 && parser.HandleNextDocument(counter); ++documents) {
  }
  if (counter.starts.size() < 2) return std::nullopt;
  return counter.starts[1];
}

}  // namespace

// Walks the yaml-cpp tree once, building the JSON value and recording every location.
class YamlDocument::Builder {
 public:
  explicit Builder(YamlDocument& doc) : doc_(doc) {}

  Result<Poco::Dynamic::Var> convert(const YAML::Node& node, DocumentPath& path, int depth) {
    if (++nodes_ > kMaxNodes || depth > kMaxDepth)
      return std::unexpected(
          doc_.error_at(node, "the document is nested too deeply or its aliases expand too far"));
    switch (node.Type()) {
      case YAML::NodeType::Scalar:
        // yaml-cpp tags plain scalars "?" and quoted or block ones "!"; an explicit tag such as
        // !!str also keeps the text as it is.
        if (node.Tag() == "?") return plain_scalar(node.Scalar());
        return Poco::Dynamic::Var(node.Scalar());
      case YAML::NodeType::Sequence: {
        Poco::JSON::Array::Ptr array = new Poco::JSON::Array();
        size_t index = 0;
        for (const YAML::Node& item : node) {
          path.push_back(std::to_string(index++));
          doc_.locations_[encode_path(path)] = {item, item.Mark(), std::nullopt};
          auto value = convert(item, path, depth + 1);
          path.pop_back();
          if (!value) return value;
          array->add(*value);
        }
        return Poco::Dynamic::Var(array);
      }
      case YAML::NodeType::Map:
        return convert_map(node, path, depth);
      default:
        return Poco::Dynamic::Var();  // null (and undefined, which a parse never yields)
    }
  }

 private:
  Result<Poco::Dynamic::Var> convert_map(const YAML::Node& node, DocumentPath& path, int depth) {
    // Key order is kept so that the JSON written back (say, notify lists) reads like the file.
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    std::map<std::string, YAML::Mark> seen;
    for (const auto& pair : node) {
      const YAML::Node& key = pair.first;
      if (!key.IsScalar())
        return std::unexpected(doc_.error_at(key, "a mapping key must be plain text"));
      const std::string& name = key.Scalar();
      // yaml-cpp keeps both entries of a repeated key; later lookups would silently pick one.
      if (auto [it, fresh] = seen.emplace(name, key.Mark()); !fresh)
        return std::unexpected(doc_.error_at(
            key, fmt::format("duplicate key '{}' (first at line {})", name, it->second.line + 1)));

      const YAML::Node& value = pair.second;
      // An empty value ("key:") gets the mark of whatever follows it; the key is a better place.
      YAML::Mark mark = value.Mark();
      if (value.IsNull() && mark.line != key.Mark().line) mark = key.Mark();
      path.push_back(name);
      doc_.locations_[encode_path(path)] = {value, mark, key.Mark()};
      auto converted = convert(value, path, depth + 1);
      path.pop_back();
      if (!converted) return converted;
      object->set(name, *converted);
    }
    return Poco::Dynamic::Var(object);
  }

  YamlDocument& doc_;
  size_t nodes_ = 0;
};

Result<YamlDocument> YamlDocument::parse(std::string content, std::string display_name) {
  YamlDocument doc;
  doc.display_name_ = std::move(display_name);
  std::optional<YAML::Mark> second;
  try {
    second = second_document(content);
    doc.root_ = YAML::Load(content);
    doc.content_ = std::move(content);
  } catch (const YAML::Exception& e) {
    return fail(ErrorKind::bad_input, "{}: {}", doc.where(e.mark), e.msg);
  }
  if (second)
    return fail(ErrorKind::bad_input, "{}: the file holds more than one YAML document",
                doc.where(*second));

  DocumentPath path;
  doc.locations_[encode_path(path)] = {doc.root_, doc.root_.Mark(), std::nullopt};
  Builder builder(doc);
  auto json = builder.convert(doc.root_, path, 0);
  if (!json) return std::unexpected(std::move(json.error()));
  doc.json_ = std::make_shared<const Poco::Dynamic::Var>(std::move(*json));
  return doc;
}

std::optional<YAML::Node> YamlDocument::node_at(const DocumentPath& path) const {
  auto it = locations_.find(encode_path(path));
  if (it == locations_.end()) return std::nullopt;
  return it->second.node;
}

std::string YamlDocument::where(const DocumentPath& path, bool at_key) const {
  DocumentPath p = path;
  for (;;) {
    if (auto it = locations_.find(encode_path(p)); it != locations_.end()) {
      const Location& loc = it->second;
      return where(at_key && loc.key ? *loc.key : loc.value);
    }
    if (p.empty()) return where(YAML::Mark::null_mark());
    p.pop_back();
    at_key = false;  // the ancestor's value encloses the missing entry; its key does not
  }
}

std::string YamlDocument::where(const YAML::Node& node) const { return where(node.Mark()); }

std::string YamlDocument::where(const YAML::Mark& mark) const {
  // yaml-cpp counts from 0 and marks an empty document with -1.
  return fmt::format("{}:{}:{}", display_name_, std::max(mark.line, 0) + 1,
                     std::max(mark.column, 0) + 1);
}

Error YamlDocument::error_at(const YAML::Node& node, std::string message) const {
  return Error{ErrorKind::bad_input, fmt::format("{}: {}", where(node), message)};
}

Error YamlDocument::error_at(const YAML::Node& node, size_t offset, std::string message) const {
  YAML::Mark mark = node.Mark();
  const std::string& text = node.Scalar();
  if (mark.pos < 0 || offset >= text.size()) return error_at(node, std::move(message));
  auto start = static_cast<size_t>(mark.pos);
  if (start < content_.size() && (content_[start] == '"' || content_[start] == '\'')) ++start;
  // yaml-cpp counts columns in bytes, as the offset is.
  if (content_.compare(start, offset + 1, text, 0, offset + 1) == 0)
    mark.column += static_cast<int>(start + offset - static_cast<size_t>(mark.pos));
  return Error{ErrorKind::bad_input, fmt::format("{}: {}", where(mark), message)};
}

Error YamlDocument::error_at(const DocumentPath& path, std::string message, bool at_key) const {
  return Error{ErrorKind::bad_input, fmt::format("{}: {}", where(path, at_key), message)};
}

}  // namespace beaver
