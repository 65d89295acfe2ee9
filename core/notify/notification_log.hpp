#pragma once
// Reading the notifications outbox: what was queued, its status and every delivery attempt.

#include <optional>
#include <string>
#include <vector>

#include "error/error.hpp"
#include "store/store.hpp"

namespace beaver {

struct NotificationEntry {
  Notification notification;
  std::vector<NotificationAttempt> attempts;  // in order
};

// Notifications newest first (those with `status` when given: pending, sent or failed), with
// their attempts, for any registered user; an unknown `actor` is unauthenticated.
Result<std::vector<NotificationEntry>> notification_log(Store& store, const std::string& actor,
                                                        const std::optional<std::string>& status,
                                                        int64_t limit);

}  // namespace beaver
