#pragma once
// Prometheus Alertmanager's webhook (version 4), read strictly: what beaver keeps of each alert
// in it, or the first field that is wrong. Alertmanager sends every alert of a group again on
// each notification, so the same alert arrives many times; one record is kept per alert.

#include <string>
#include <vector>

#include "error/error.hpp"
#include "model/alert_event.hpp"

namespace beaver {

// The alerts of a webhook body: bad_input naming the field ("alerts[2].startsAt") otherwise.
// At most kMostAlertsPerBody alerts, each with at most kMostLabels labels and annotations of at
// most kMostLabelText bytes.
Result<std::vector<AlertEvent>> read_alertmanager(const std::string& body);

}  // namespace beaver
