#include "alerts/alertmanager.hpp"

#include <fmt/format.h>

#include "alerts/alert_fields.hpp"
#include "text/json_parse.hpp"

namespace beaver {
namespace {

using Poco::JSON::Object;

Result<std::string> text_at(const Object::Ptr& o, const std::string& key, const std::string& field,
                            size_t most = kMostLabelText) {
  return alert_text(o, key, field, most);
}

// A label set ({name: value}, strings) of at most kMostLabels, each at most kMostLabelText.
Result<std::map<std::string, std::string>> labels_at(const Object::Ptr& o, const std::string& key,
                                                     const std::string& field, bool required) {
  std::map<std::string, std::string> out;
  if (!o->has(key) || o->isNull(key)) {
    if (required)
      return std::unexpected(bad_alert_field(field, "an object of labels is needed here"));
    return out;
  }
  auto set = o->getObject(key);
  if (!set) return std::unexpected(bad_alert_field(field, "an object of labels is needed here"));
  if (set->size() > kMostLabels)
    return std::unexpected(bad_alert_field(field, fmt::format("more than {} labels", kMostLabels)));
  for (const auto& [name, value] : *set) {
    if (name.empty() || name.size() > 128 || !valid_utf8(name))
      return std::unexpected(
          bad_alert_field(field, "a label name must be 1 to 128 bytes of UTF-8"));
    auto v = text_at(set, name, fmt::format("{}.{}", field, name));
    if (!v) return std::unexpected(v.error());
    out[name] = *v;
  }
  return out;
}

Result<Timestamp> time_at(const Object::Ptr& o, const std::string& key, const std::string& field) {
  auto text = text_at(o, key, field, 64);
  if (!text) return std::unexpected(text.error());
  auto t = parse_iso8601(*text);
  if (!t) return std::unexpected(bad_alert_field(field, t.error().message));
  return *t;
}

// `text` cut to at most kMostLabelText bytes, at a character's start, marked when cut.
std::string shortened(std::string text) {
  if (text.size() <= kMostLabelText) return text;
  size_t end = kMostLabelText - 3;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "...";
}

// Alertmanager's fingerprint: the hash of the alert's labels, in hexadecimal.
bool is_fingerprint(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

}  // namespace

Result<std::vector<AlertEvent>> read_alertmanager(const std::string& body) {
  auto parsed = parse_json_object(body, "the webhook's body");
  if (!parsed) return std::unexpected(parsed.error());
  const Object::Ptr& root = *parsed;
  auto version = text_at(root, "version", "version", 16);
  if (!version) return std::unexpected(version.error());
  if (*version != "4")
    return std::unexpected(
        bad_alert_field("version", fmt::format("version {} is not 4, the webhook's version "
                                               "beaver reads",
                                               *version)));
  auto alerts = root->getArray("alerts");
  if (!alerts) return std::unexpected(bad_alert_field("alerts", "a list of alerts is needed here"));
  if (alerts->size() > kMostAlertsPerBody)
    return std::unexpected(bad_alert_field(
        "alerts", fmt::format("more than {} alerts in one body", kMostAlertsPerBody)));
  std::vector<AlertEvent> out;
  for (size_t i = 0; i < alerts->size(); ++i) {
    std::string at = fmt::format("alerts[{}]", i);
    auto a = alerts->getObject(static_cast<unsigned>(i));
    if (!a) return std::unexpected(bad_alert_field(at, "an object is needed here"));
    AlertEvent e;
    e.source = "alertmanager";
    auto status = text_at(a, "status", at + ".status", 16);
    if (!status) return std::unexpected(status.error());
    if (*status != "firing" && *status != "resolved")
      return std::unexpected(bad_alert_field(
          at + ".status", fmt::format("'{}' is neither firing nor resolved", *status)));
    e.resolved = *status == "resolved";
    auto labels = labels_at(a, "labels", at + ".labels", true);
    if (!labels) return std::unexpected(labels.error());
    e.labels = std::move(*labels);
    auto name = e.labels.find("alertname");
    if (name == e.labels.end() || name->second.empty())
      return std::unexpected(bad_alert_field(at + ".labels.alertname", "every alert has a name"));
    e.name = name->second;
    // Of the annotations only a summary is kept, shortened to kMostLabelText: a long description
    // must not lose its group's alerts, which Alertmanager would send again and again.
    if (a->has("annotations") && !a->isNull("annotations")) {
      auto notes = a->getObject("annotations");
      if (!notes)
        return std::unexpected(bad_alert_field(at + ".annotations", "an object is needed here"));
      for (const char* key : {"summary", "description", "message"})
        if (notes->has(key) && notes->get(key).isString() && !e.summary)
          e.summary = shortened(displayable_text(notes->getValue<std::string>(key), false));
    }
    auto starts = time_at(a, "startsAt", at + ".startsAt");
    if (!starts) return std::unexpected(starts.error());
    e.fired_at = *starts;
    if (e.resolved) {
      auto ends = time_at(a, "endsAt", at + ".endsAt");
      if (!ends) return std::unexpected(ends.error());
      if (*ends < e.fired_at)
        return std::unexpected(
            bad_alert_field(at + ".endsAt", "a resolved alert ends after it starts"));
      e.resolved_at = *ends;
    }
    auto fingerprint = text_at(a, "fingerprint", at + ".fingerprint", 64);
    if (!fingerprint) return std::unexpected(fingerprint.error());
    if (!is_fingerprint(*fingerprint))
      return std::unexpected(bad_alert_field(at + ".fingerprint", "a fingerprint is hexadecimal"));
    // The same labels firing again later are another alert: its start tells them apart.
    e.key = fmt::format("{}@{}", *fingerprint, format_utc(e.fired_at));
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace beaver
