#pragma once
// An alert from monitoring, as one record from its first firing to its resolution, and the
// release it is attributed to, if any.

#include <cstdint>
#include <optional>
#include <string>

#include "clock/clock.hpp"

namespace beaver {

struct AlertRecord {
  int64_t id = 0;
  std::string source;  // alertmanager | zabbix
  // One alert's identity at its source: Alertmanager's fingerprint with its start, Zabbix's
  // event id. Its firing and resolved events share it.
  std::string key;
  std::string name;
  std::string severity;  // as the source says it
  std::string grade;     // critical | warning | info, read through the policy
  std::string status;    // firing | resolved
  std::optional<std::string> service, env, host;  // read off its labels or tags
  std::optional<std::string> summary;
  std::string labels_json;  // the labels (or tags) as received
  Timestamp fired_at{};
  std::optional<Timestamp> resolved_at;
  Timestamp received_at{};
  // The release deployed there last, when the alert fired within the attribution window after
  // that deploy, and how sure the match is: host (the host and service), service, environment.
  std::optional<int64_t> release_id;
  std::optional<std::string> confidence;
};

}  // namespace beaver
