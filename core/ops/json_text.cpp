#include "ops/json_text.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <fmt/format.h>

#include <cmath>
#include <sstream>

#include "audit/audit.hpp"

namespace beaver {
namespace {

void append_object(std::string& out, const Poco::JSON::Object& object) {
  out += '{';
  bool first = true;
  // In insertion order when the object keeps it, as the documents here all do.
  for (const auto& name : object.getNames()) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, name);
    out += ':';
    append_json(out, object.get(name));
  }
  out += '}';
}

void append_array(std::string& out, const Poco::JSON::Array& array) {
  out += '[';
  bool first = true;
  for (const auto& value : array) {
    if (!first) out += ',';
    first = false;
    append_json(out, value);
  }
  out += ']';
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  // The audit log's quoting: valid JSON whatever the bytes (malformed UTF-8 becomes U+FFFD).
  append_json_quoted(out, text);
}

void append_json(std::string& out, const Poco::Dynamic::Var& value) {
  if (value.isEmpty()) {
    out += "null";
    return;
  }
  const auto& type = value.type();
  if (type == typeid(Poco::JSON::Object::Ptr)) {
    const auto& p = value.extract<Poco::JSON::Object::Ptr>();
    if (p.isNull())
      out += "null";
    else
      append_object(out, *p);
  } else if (type == typeid(Poco::JSON::Array::Ptr)) {
    const auto& p = value.extract<Poco::JSON::Array::Ptr>();
    if (p.isNull())
      out += "null";
    else
      append_array(out, *p);
  } else if (type == typeid(Poco::JSON::Object)) {
    append_object(out, value.extract<Poco::JSON::Object>());
  } else if (type == typeid(Poco::JSON::Array)) {
    append_array(out, value.extract<Poco::JSON::Array>());
  } else if (type == typeid(std::string)) {
    append_json_string(out, value.extract<std::string>());
  } else if (type == typeid(bool)) {
    out += value.extract<bool>() ? "true" : "false";
  } else if (value.isInteger()) {
    if (value.isSigned())
      fmt::format_to(std::back_inserter(out), "{}", value.convert<int64_t>());
    else
      fmt::format_to(std::back_inserter(out), "{}", value.convert<uint64_t>());
  } else if (value.isNumeric()) {
    double d = value.convert<double>();
    if (std::isfinite(d))
      fmt::format_to(std::back_inserter(out), "{}", d);
    else
      out += "null";  // JSON has no infinities; no figure here should be one
  } else {
    // Anything else (a date, a struct): as Poco would write it.
    std::ostringstream text;
    Poco::JSON::Stringifier::stringify(value, text);
    out += text.str();
  }
}

std::string json_text(const Poco::Dynamic::Var& value) {
  std::string out;
  out.reserve(1024);
  append_json(out, value);
  return out;
}

}  // namespace beaver
