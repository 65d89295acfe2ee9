#pragma once
// A message of the notifications outbox and each attempt to send it.

#include <cstdint>
#include <optional>
#include <string>

#include "clock/clock.hpp"

namespace beaver {

// One message in the notifications outbox: queued with the change it announces, then sent.
struct Notification {
  int64_t id = 0;
  // approval_needed | approved | rejected | deploy_failed (approval_requested in rows queued
  // before migration 0007 renamed it)
  std::string event;
  int64_t release_id = 0;
  std::string channel;             // the channel's name in the policy
  std::string channel_type;        // webhook | wecom | dingtalk | feishu | slack | email
  std::string target;              // the URL, or "smtp://host:port"
  std::string body;                // rendered when queued (see 0005_notifications.sql)
  std::string status = "pending";  // pending | sent | failed
  int attempts = 0;
  Timestamp next_attempt_at{};
  Timestamp created_at{};
  std::optional<Timestamp> sent_at;
  std::optional<std::string> last_error;
};

struct NotificationAttempt {
  int64_t notification_id = 0;
  int attempt = 0;  // from 1
  Timestamp at{};
  bool ok = false;
  std::string detail;  // "HTTP 200", the SMTP reply, or the connection error
};

}  // namespace beaver
