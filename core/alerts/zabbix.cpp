#include "alerts/zabbix.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>

#include "alerts/alert_fields.hpp"
#include "text/json_parse.hpp"

namespace beaver {
namespace {

using Poco::JSON::Object;

// {EVENT.NSEVERITY}: 0 to 5, named as Zabbix names them.
constexpr std::array<const char*, 6> kSeverities{"not_classified", "information", "warning",
                                                 "average",        "high",        "disaster"};

Result<std::string> text_at(const Object::Ptr& o, const std::string& key, size_t most,
                            bool required = true) {
  return alert_text(o, key, key, most, required);
}

Result<int64_t> number_at(const Object::Ptr& o, const std::string& key, int64_t least,
                          int64_t most) {
  auto text = text_at(o, key, 20);
  if (!text) return std::unexpected(text.error());
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc{} || end != text->data() + text->size() || n < least || n > most)
    return std::unexpected(bad_alert_field(
        key, fmt::format("'{}' is not a whole number from {} to {}", *text, least, most)));
  return n;
}

// A UNIX time in seconds, from 2000 to 2100: what Zabbix's *.TIMESTAMP macros expand to.
Result<Timestamp> time_at(const Object::Ptr& o, const std::string& key) {
  auto seconds = number_at(o, key, 946684800, 4102444800);
  if (!seconds) return std::unexpected(seconds.error());
  return Timestamp{std::chrono::seconds{*seconds}};
}

}  // namespace

Result<std::vector<AlertEvent>> read_zabbix(const std::string& body) {
  auto parsed = parse_json_object(body, "the webhook's body");
  if (!parsed) return std::unexpected(parsed.error());
  const Object::Ptr& o = *parsed;
  AlertEvent e;
  e.source = "zabbix";
  auto id = number_at(o, "event_id", 1, INT64_MAX);
  if (!id) return std::unexpected(id.error());
  e.key = std::to_string(*id);
  auto value = number_at(o, "value", 0, 1);
  if (!value) return std::unexpected(value.error());
  e.resolved = *value == 0;
  auto severity = number_at(o, "nseverity", 0, 5);
  if (!severity) return std::unexpected(severity.error());
  e.severity = kSeverities[static_cast<size_t>(*severity)];
  auto name = text_at(o, "name", kMostLabelText);
  if (!name) return std::unexpected(name.error());
  if (name->empty()) return std::unexpected(bad_alert_field("name", "every event has a name"));
  e.name = *name;
  auto host = text_at(o, "host", 255);
  if (!host) return std::unexpected(host.error());
  if (!host->empty()) e.host = *host;
  auto ip = text_at(o, "host_ip", 64, false);
  if (!ip) return std::unexpected(ip.error());
  if (!ip->empty()) e.host_ip = *ip;
  if (o->has("tags") && !o->isNull("tags")) {
    auto tags = o->getObject("tags");
    if (!tags) return std::unexpected(bad_alert_field("tags", "an object of tags is needed here"));
    if (tags->size() > kMostLabels)
      return std::unexpected(
          bad_alert_field("tags", fmt::format("more than {} tags", kMostLabels)));
    for (const auto& [tag, v] : *tags) {
      auto text = text_at(tags, tag, kMostLabelText);
      if (!text) return std::unexpected(bad_alert_field("tags." + tag, text.error().message));
      if (tag.empty() || tag.size() > 128 || !valid_utf8(tag))
        return std::unexpected(
            bad_alert_field("tags", "a tag name must be 1 to 128 bytes of UTF-8"));
      e.labels[tag] = *text;
    }
  }
  auto fired = time_at(o, "timestamp");
  if (!fired) return std::unexpected(fired.error());
  e.fired_at = *fired;
  if (e.resolved) {
    auto recovered = time_at(o, "recovery_timestamp");
    if (!recovered) return std::unexpected(recovered.error());
    if (*recovered < e.fired_at)
      return std::unexpected(
          bad_alert_field("recovery_timestamp", "a recovery comes after its problem"));
    e.resolved_at = *recovered;
  }
  return std::vector<AlertEvent>{std::move(e)};
}

}  // namespace beaver
