#pragma once
// Zabbix's events, as the webhook media type beaver ships (templates/zabbix/
// beaver_media_type.yaml) posts them: one event a body, read strictly.
//
//   {"event_id": "{EVENT.ID}", "value": "{EVENT.VALUE}", "nseverity": "{EVENT.NSEVERITY}",
//    "name": "{EVENT.NAME}", "host": "{HOST.NAME}", "host_ip": "{HOST.IP}",
//    "tags": {"service": "...", ...} (from {EVENT.TAGS}), "timestamp": "{EVENT.TIMESTAMP}",
//    "recovery_timestamp": "{EVENT.RECOVERY.TIMESTAMP}" or null}
//
// A recovery names its problem's event id, so both are one record.

#include <string>
#include <vector>

#include "error/error.hpp"
#include "model/alert_event.hpp"

namespace beaver {

// The event of a body, or bad_input naming the field at fault.
Result<std::vector<AlertEvent>> read_zabbix(const std::string& body);

}  // namespace beaver
