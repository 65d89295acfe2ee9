#include "server/json_body.hpp"

#include <Poco/JSON/Array.h>

#include "text/json_parse.hpp"

namespace beaver {

Result<JsonBody> JsonBody::parse(const std::string& text) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    return JsonBody(new Poco::JSON::Object);
  auto object = parse_json_object(text, "the body");
  if (!object) return std::unexpected(object.error());
  return JsonBody(*object);
}

Result<std::optional<Poco::Dynamic::Var>> JsonBody::field(const std::string& key) {
  asked_.insert(key);
  if (!object_->has(key) || object_->isNull(key)) return std::optional<Poco::Dynamic::Var>{};
  return std::optional<Poco::Dynamic::Var>{object_->get(key)};
}

Result<std::optional<std::string>> JsonBody::optional_text(const std::string& key) {
  auto v = field(key);
  if (!v) return std::unexpected(v.error());
  if (!*v) return std::optional<std::string>{};
  if (!(*v)->isString()) return bad_field(key, "field '{}' must be a string", key);
  return std::optional<std::string>{(*v)->extract<std::string>()};
}

Result<std::string> JsonBody::text(const std::string& key) {
  auto v = optional_text(key);
  if (!v) return std::unexpected(v.error());
  if (!*v) return bad_field(key, "field '{}' is required", key);
  return **v;
}

Result<bool> JsonBody::flag(const std::string& key) {
  auto v = field(key);
  if (!v) return std::unexpected(v.error());
  if (!*v) return false;
  if ((*v)->type() != typeid(bool)) return bad_field(key, "field '{}' must be true or false", key);
  return (*v)->extract<bool>();
}

Result<std::optional<int64_t>> JsonBody::optional_integer(const std::string& key) {
  auto v = field(key);
  if (!v) return std::unexpected(v.error());
  if (!*v) return std::optional<int64_t>{};
  if (!(*v)->isInteger()) return bad_field(key, "field '{}' must be a whole number", key);
  return std::optional<int64_t>{(*v)->convert<int64_t>()};
}

Result<std::vector<std::string>> JsonBody::optional_texts(const std::string& key) {
  auto v = field(key);
  if (!v) return std::unexpected(v.error());
  if (!*v) return std::vector<std::string>{};
  return texts(key);
}

Result<std::vector<std::string>> JsonBody::texts(const std::string& key) {
  auto v = field(key);
  if (!v) return std::unexpected(v.error());
  if (!*v) return bad_field(key, "field '{}' is required", key);
  if ((*v)->type() != typeid(Poco::JSON::Array::Ptr))
    return bad_field(key, "field '{}' must be an array of strings", key);
  std::vector<std::string> out;
  for (const auto& item : *(*v)->extract<Poco::JSON::Array::Ptr>()) {
    if (!item.isString()) return bad_field(key, "field '{}' must be an array of strings", key);
    out.push_back(item.extract<std::string>());
  }
  return out;
}

Result<void> JsonBody::finish() const {
  for (const auto& name : object_->getNames())
    if (!asked_.contains(name)) return fail(ErrorKind::bad_input, "unknown field '{}'", name);
  return {};
}

}  // namespace beaver
