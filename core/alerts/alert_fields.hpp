#pragma once
// How the readers of monitoring's bodies (alertmanager.cpp, zabbix.cpp) read a field: strictly,
// each refusal naming the field; text kept as sent but never able to steer a terminal, a mail
// header or the order text is shown in, since it may quote what anyone wrote (a log line).

#include <Poco/JSON/Object.h>
#include <fmt/format.h>

#include <string>

#include "error/error.hpp"
#include "model/names.hpp"

namespace beaver {

inline Error bad_alert_field(const std::string& field, const std::string& why) {
  return Error{ErrorKind::bad_input, fmt::format("{}: {}", field, why), field};
}

// The string `key` of `o`, at most `most` bytes of UTF-8, as displayable_text; "" when it is
// absent or null and not `required`.
inline Result<std::string> alert_text(const Poco::JSON::Object::Ptr& o, const std::string& key,
                                      const std::string& field, size_t most, bool required = true) {
  if ((!o->has(key) || o->isNull(key)) && !required) return std::string();
  if (!o->has(key) || !o->get(key).isString())
    return std::unexpected(bad_alert_field(field, "a string is needed here"));
  auto v = o->getValue<std::string>(key);
  if (v.size() > most)
    return std::unexpected(bad_alert_field(field, fmt::format("longer than {} bytes", most)));
  if (!valid_utf8(v)) return std::unexpected(bad_alert_field(field, "not UTF-8 text"));
  return displayable_text(v, false);
}

}  // namespace beaver
