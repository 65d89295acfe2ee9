// valijson aborts on a bad schema unless told to throw; the throw becomes an internal error here.
#define VALIJSON_USE_EXCEPTIONS 1
// GCC 12 reports a false "may be used uninitialized" inside libstdc++'s <regex> (which valijson
// uses) when optimising with sanitizers on; it is not in this code, so keep it from failing
// -Werror.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "schema/schema.hpp"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>
#include <tuple>
#include <valijson/adapters/poco_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "text/nearest.hpp"

namespace beaver {
namespace {

using Json = Poco::Dynamic::Var;
using ObjectPtr = Poco::JSON::Object::Ptr;
using ArrayPtr = Poco::JSON::Array::Ptr;

// The schema twice: compiled for valijson, and as JSON for finding what a place expects.
struct LoadedSchema {
  Json json;
  valijson::Schema compiled;
};

ObjectPtr as_object(const Json& v) {
  return v.type() == typeid(ObjectPtr) ? v.extract<ObjectPtr>() : ObjectPtr();
}
ArrayPtr as_array(const Json& v) {
  return v.type() == typeid(ArrayPtr) ? v.extract<ArrayPtr>() : ArrayPtr();
}

Result<std::shared_ptr<const LoadedSchema>> load_schema(const std::filesystem::path& file) {
  static std::mutex mutex;
  static std::map<std::filesystem::path,
                  std::pair<std::filesystem::file_time_type, std::shared_ptr<const LoadedSchema>>>
      cache;
  std::error_code ec;
  auto mtime = std::filesystem::last_write_time(file, ec);
  std::ifstream in(file, std::ios::binary);
  if (ec || !in)
    return fail(ErrorKind::internal, "cannot read schema {}: {}", file.string(),
                ec ? ec.message() : "cannot open");
  std::lock_guard lock(mutex);
  if (auto it = cache.find(file); it != cache.end() && it->second.first == mtime)
    return it->second.second;

  std::ostringstream text;
  text << in.rdbuf();
  auto schema = std::make_shared<LoadedSchema>();
  try {
    schema->json = Poco::JSON::Parser().parse(text.str());
    valijson::SchemaParser(valijson::SchemaParser::kDraft7)
        .populateSchema(valijson::adapters::PocoJsonAdapter(schema->json), schema->compiled);
  } catch (const std::exception& e) {  // Poco::Exception derives from std::exception
    return fail(ErrorKind::internal, "schema {} is not valid: {}", file.string(), e.what());
  }
  cache[file] = {mtime, schema};
  return schema;
}

// ---- Which schema objects apply at a place in the instance ----

// Follows "$ref": "#/definitions/x" (or any local JSON Pointer) inside the root schema.
ObjectPtr resolve_ref(const Json& root, const std::string& ref) {
  if (ref.rfind("#", 0) != 0) return {};
  Json at = root;
  std::istringstream parts(ref.substr(1));
  std::string part;
  std::getline(parts, part, '/');  // the empty text before the first '/'
  while (std::getline(parts, part, '/')) {
    ObjectPtr o = as_object(at);
    if (!o || !o->has(part)) return {};
    at = o->get(part);
  }
  return as_object(at);
}

bool equal_values(const Json& a, const Json& b) {
  if (a.isEmpty() || b.isEmpty()) return a.isEmpty() && b.isEmpty();
  if (a.isString() != b.isString()) return false;
  return a.toString() == b.toString();
}

// A cheap reading of an "if" schema: its required keys are present and the properties it pins
// with const or enum hold those values. Enough for "if channel is email" discriminators.
bool roughly_matches(const ObjectPtr& schema, const Json& instance) {
  ObjectPtr object = as_object(instance);
  if (!object) return false;
  if (ArrayPtr required = schema->getArray("required"))
    for (const auto& key : *required)
      if (!object->has(key.toString())) return false;
  ObjectPtr properties = schema->getObject("properties");
  if (!properties) return true;
  for (const auto& [key, sub] : *properties) {
    ObjectPtr s = as_object(sub);
    if (!s || !object->has(key)) continue;
    const Json value = object->get(key);
    if (s->has("const") && !equal_values(s->get("const"), value)) return false;
    if (ArrayPtr options = s->getArray("enum"))
      if (std::none_of(options->begin(), options->end(),
                       [&](const Json& o) { return equal_values(o, value); }))
        return false;
  }
  return true;
}

// Adds `schema` and every schema it brings in for `instance` ($ref, the if/then/else branch the
// instance takes, allOf/anyOf/oneOf branches) to `out`, the schema's own object first.
void add_applicable(const Json& root, const ObjectPtr& schema, const Json& instance,
                    std::vector<ObjectPtr>& out, int depth = 0) {
  if (!schema || depth > 32) return;
  out.push_back(schema);
  if (schema->has("$ref"))
    add_applicable(root, resolve_ref(root, schema->getValue<std::string>("$ref")), instance, out,
                   depth + 1);
  if (ObjectPtr cond = schema->getObject("if")) {
    const char* branch = roughly_matches(cond, instance) ? "then" : "else";
    add_applicable(root, schema->getObject(branch), instance, out, depth + 1);
  }
  for (const char* keyword : {"allOf", "anyOf", "oneOf"})
    if (ArrayPtr branches = schema->getArray(keyword))
      for (const auto& b : *branches) add_applicable(root, as_object(b), instance, out, depth + 1);
}

// The schemas applying to the child `step` of a value: a key of a mapping, or an index of a list.
std::vector<ObjectPtr> child_schemas(const Json& root, const std::vector<ObjectPtr>& parents,
                                     const Json& parent, const std::string& step,
                                     const Json& child) {
  const bool in_list = !as_object(parent);
  std::vector<ObjectPtr> out;
  for (const ObjectPtr& s : parents) {
    ObjectPtr next;
    if (in_list) {
      next = s->getObject("items");
    } else if (ObjectPtr props = s->getObject("properties"); props && props->has(step)) {
      next = props->getObject(step);
    } else {
      if (ObjectPtr patterns = s->getObject("patternProperties"))
        for (const auto& [pattern, sub] : *patterns)
          if (std::regex_search(step, std::regex(pattern))) next = as_object(sub);
      if (!next) next = s->getObject("additionalProperties");
    }
    add_applicable(root, next, child, out);
  }
  return out;
}

Json child_value(const Json& instance, const std::string& step) {
  if (ObjectPtr o = as_object(instance)) return o->has(step) ? o->get(step) : Json();
  if (ArrayPtr a = as_array(instance)) {
    size_t i = std::stoul(step);
    return i < a->size() ? a->get(static_cast<unsigned>(i)) : Json();
  }
  return {};
}

struct Place {
  std::vector<ObjectPtr> schemas;  // most specific first at each level, outer levels dropped
  Json value;
};

Place place_at(const LoadedSchema& schema, const Json& document, const DocumentPath& path) {
  Place p;
  p.value = document;
  add_applicable(schema.json, as_object(schema.json), document, p.schemas);
  for (const auto& step : path) {
    Json child = child_value(p.value, step);
    p.schemas = child_schemas(schema.json, p.schemas, p.value, step, child);
    p.value = child;
  }
  return p;
}

// ---- Turning valijson's findings into a message ----

std::string quoted_list(const ArrayPtr& values) {
  std::string out;
  for (const auto& v : *values) out += (out.empty() ? "" : ", ") + v.toString();
  return out;
}

// What the schema wants at a place, in words.
std::string expectation(const std::vector<ObjectPtr>& schemas) {
  for (const auto& s : schemas)
    if (ArrayPtr options = s->getArray("enum")) return "one of: " + quoted_list(options);
  for (const auto& s : schemas)
    if (s->has("description")) return s->getValue<std::string>("description");
  for (const auto& s : schemas) {
    if (s->has("const")) return "'" + s->get("const").toString() + "'";
    if (!s->has("type")) continue;
    static const std::map<std::string, std::string> kTypes{
        {"string", "a text"},         {"integer", "a whole number"}, {"number", "a number"},
        {"boolean", "true or false"}, {"object", "a mapping"},       {"array", "a list"},
        {"null", "nothing"}};
    auto it = kTypes.find(s->get("type").toString());
    if (it != kTypes.end()) return it->second;
  }
  return "something else";
}

// What the document holds at a place, in words: the scalar's text as written, or its shape. For a
// wrong type, a quoted scalar says so: `count: "2"` holds a text, though it reads like a number.
std::string found(const YamlDocument& doc, const DocumentPath& path, bool wrong_type = false) {
  auto node = doc.node_at(path);
  if (!node || node->IsNull()) return path.empty() ? "an empty document" : "nothing";
  if (node->IsMap()) return "a mapping";
  if (node->IsSequence()) return node->size() == 0 ? "an empty list" : "a list";
  std::string text = node->Scalar();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  if (wrong_type && node->Tag() != "?") return "the text \"" + text + "\"";
  return "'" + text + "'";
}

std::string unknown_key_message(const std::vector<ObjectPtr>& schemas, const std::string& key) {
  std::vector<std::string> names;
  for (const auto& s : schemas)
    if (ObjectPtr props = s->getObject("properties"))
      for (const auto& [name, sub] : *props) names.push_back(name);
  auto near = nearest_names(key, names, 1);
  if (near.empty()) return fmt::format("unknown key '{}'", key);
  return fmt::format("unknown key '{}' ({})", key, did_you_mean(near));
}

struct Finding {
  DocumentPath path;
  std::string description;
};

// Text between the first "'" after `marker` and the last "'" (valijson quotes names that way).
std::optional<std::string> quoted_after(const std::string& text, const std::string& marker) {
  auto at = text.find(marker);
  if (at == std::string::npos) return std::nullopt;
  auto open = text.find('\'', at + marker.size() - 1);
  auto close = text.rfind('\'');
  if (open == std::string::npos || close <= open) return std::nullopt;
  return text.substr(open + 1, close - open - 1);
}

bool is_value_problem(const std::string& d) {
  for (const char* prefix :
       {"Value type not permitted", "Failed to match against any enum", "Failed to match regex",
        "Expected number", "Failed to match expected value set by 'const'", "String should be",
        "Array should contain", "Object should have", "Value should be a multiple"})
    if (d.rfind(prefix, 0) == 0) return true;
  return false;
}

std::string message_for(const YamlDocument& doc, const LoadedSchema& schema,
                        const std::vector<Finding>& all, const Finding& f) {
  const std::string& d = f.description;
  if (auto key = quoted_after(d, "or 'additionalProperties' constraints: '")) {
    DocumentPath at = f.path;
    at.push_back(*key);
    return doc.where(at, true) + ": " +
           unknown_key_message(place_at(schema, doc.json(), f.path).schemas, *key);
  }
  if (auto key = quoted_after(d, "Missing required property '")) {
    // Under anyOf, several keys are each enough: name them all.
    std::string keys = "'" + *key + "'";
    bool any_of = std::any_of(all.begin(), all.end(), [&](const Finding& o) {
      return o.path == f.path && o.description.find("anyOf") != std::string::npos;
    });
    for (const auto& o : all)
      if (auto other = quoted_after(o.description, "Missing required property '");
          any_of && other && o.path == f.path && *other != *key)
        keys += " or '" + *other + "'";
    return doc.where(f.path, true) + ": missing key " + keys;
  }
  // "dependencies": one key needs another beside it (an SMTP user its password_env).
  if (auto key = quoted_after(d, "Missing dependency '")) {
    Place p = place_at(schema, doc.json(), f.path);
    std::vector<std::string> with;
    ObjectPtr given = as_object(p.value);
    for (const auto& sub : p.schemas) {
      ObjectPtr deps = sub->getObject("dependencies");
      if (!deps || !given) continue;
      for (const auto& [name, needs] : *deps) {
        ArrayPtr list = as_array(needs);
        bool names_key = list && std::any_of(list->begin(), list->end(),
                                             [&](const Json& n) { return n.toString() == *key; });
        if (names_key && given->has(name)) with.push_back("'" + name + "'");
      }
    }
    return fmt::format(
        "{}: missing key '{}'{}", doc.where(f.path, true), *key,
        with.empty() ? "" : fmt::format(", needed with {}", fmt::join(with, " and ")));
  }
  if (d.rfind("Elements at indexes #", 0) == 0) {
    DocumentPath at = f.path;
    at.push_back(std::to_string(std::stoul(d.substr(d.rfind('#') + 1))));
    return doc.where(at) + ": " + found(doc, at) + " is listed more than once";
  }
  Place p = place_at(schema, doc.json(), f.path);
  // "expected a list of steps" alone would not say why a long list is refused.
  std::string limit;
  for (const auto& [prefix, keyword, unit] :
       {std::tuple{"Array should contain no more", "maxItems", ""},
        std::tuple{"String should be no more", "maxLength", " characters"}})
    if (d.rfind(prefix, 0) == 0)
      for (const auto& sub : p.schemas)
        if (sub->has(keyword) && limit.empty())
          limit = fmt::format(" (at most {}{})", sub->get(keyword).toString(), unit);
  return fmt::format("{}: expected {}{}, got {}", doc.where(f.path), expectation(p.schemas), limit,
                     found(doc, f.path, d.rfind("Value type not permitted", 0) == 0));
}

// valijson reports a failed "propertyNames" without any message, so look for the name ourselves.
std::optional<std::string> bad_property_name(const YamlDocument& doc, const LoadedSchema& schema,
                                             const DocumentPath& path, const Place& place) {
  ObjectPtr object = as_object(place.value);
  if (object) {
    for (const auto& s : place.schemas) {
      ObjectPtr names = s->getObject("propertyNames");
      if (!names) continue;
      std::vector<ObjectPtr> rules;
      add_applicable(schema.json, names, Json(), rules);
      for (const auto& [key, value] : *object)
        for (const auto& r : rules)
          if (r->has("pattern") &&
              !std::regex_search(key, std::regex(r->getValue<std::string>("pattern")))) {
            DocumentPath at = path;
            at.push_back(key);
            return fmt::format("{}: expected {}, got '{}'", doc.where(at, true), expectation(rules),
                               key);
          }
    }
  }
  std::vector<std::string> steps;
  if (object)
    for (const auto& [key, value] : *object) steps.push_back(key);
  if (ArrayPtr array = as_array(place.value))
    for (size_t i = 0; i < array->size(); ++i) steps.push_back(std::to_string(i));
  for (const auto& step : steps) {
    Place child;
    child.value = child_value(place.value, step);
    child.schemas = child_schemas(schema.json, place.schemas, place.value, step, child.value);
    DocumentPath at = path;
    at.push_back(step);
    if (auto found_name = bad_property_name(doc, schema, at, child)) return found_name;
  }
  return std::nullopt;
}

}  // namespace

Result<void> validate(const YamlDocument& doc, const std::filesystem::path& schema_file) {
  auto schema = load_schema(schema_file);
  if (!schema) return std::unexpected(schema.error());
  const LoadedSchema& s = **schema;

  valijson::Validator validator;  // strict types: "10" is not a number
  valijson::ValidationResults results;
  if (validator.validate(s.compiled, valijson::adapters::PocoJsonAdapter(doc.json()), &results))
    return {};

  // valijson reports the innermost failure first, then each enclosing "failed to validate ..."
  // wrapper; the first finding that names a concrete problem is the one to show.
  std::vector<Finding> findings;
  valijson::ValidationResults::Error e;
  while (results.popError(e)) {
    Finding f;
    for (size_t i = 1; i < e.context.size(); ++i)  // [0] is "<root>"; the rest are "[step]"
      f.path.push_back(e.context[i].substr(1, e.context[i].size() - 2));
    f.description = e.description;
    findings.push_back(std::move(f));
  }
  auto concrete = [](const Finding& f) {
    const auto& d = f.description;
    return is_value_problem(d) || d.rfind("Missing required", 0) == 0 ||
           d.rfind("Missing dependency", 0) == 0 ||
           d.find("could not be validated using 'properties'") != std::string::npos ||
           d.rfind("Elements at indexes", 0) == 0;
  };
  auto first = std::find_if(findings.begin(), findings.end(), concrete);
  if (first != findings.end())
    return fail(ErrorKind::bad_input, message_for(doc, s, findings, *first));
  if (auto name = bad_property_name(doc, s, {}, place_at(s, doc.json(), {})))
    return fail(ErrorKind::bad_input, *name);
  if (!findings.empty())
    return fail(ErrorKind::bad_input, "{}: {}", doc.where(findings.front().path),
                findings.front().description);
  return fail(ErrorKind::bad_input, "{}: does not match {}", doc.where(DocumentPath{}),
              schema_file.filename().string());
}

}  // namespace beaver
