#pragma once
// One event about an alert as a source sent it (firing or resolved), before the policy reads
// its labels: what every source's reader gives the ledger.

#include <map>
#include <optional>
#include <string>

#include "clock/clock.hpp"

namespace beaver {

inline constexpr size_t kMostAlertsPerBody = 1000;
inline constexpr size_t kMostLabels = 64;
inline constexpr size_t kMostLabelText = 1024;

struct AlertEvent {
  std::string source;  // alertmanager | zabbix
  std::string key;     // the alert's identity at its source (AlertRecord::key)
  std::string name;
  bool resolved = false;
  Timestamp fired_at{};
  std::optional<Timestamp> resolved_at;  // when resolved
  // Labels (Alertmanager) or tags (Zabbix), read through the policy's label names.
  std::map<std::string, std::string> labels;
  std::optional<std::string> summary;
  // Facts a source states outside its labels (Zabbix's host, its address and its severity);
  // when given, they stand for the policy's host and severity labels.
  std::optional<std::string> host, host_ip, severity;
};

}  // namespace beaver
