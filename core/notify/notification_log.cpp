#include "notify/notification_log.hpp"

namespace beaver {

Result<std::vector<NotificationEntry>> notification_log(Store& store, const std::string& actor,
                                                        const std::optional<std::string>& status,
                                                        int64_t limit) {
  if (status && *status != "pending" && *status != "sent" && *status != "failed")
    return fail(ErrorKind::bad_input, "unknown notification status '{}' (pending, sent, failed)",
                *status);
  std::vector<NotificationEntry> out;
  BEAVER_TRY(store.read([&](StoreTransaction& tx) -> Result<void> {
    if (!tx.find_user(actor))
      return fail(ErrorKind::unauthenticated,
                  "unknown user '{}': act as a registered user with --as NAME or BEAVER_USER",
                  actor);
    for (auto& n : tx.list_notifications(status, limit)) {
      auto attempts = tx.notification_attempts(n.id);
      out.push_back({std::move(n), std::move(attempts)});
    }
    return {};
  }));
  return out;
}

}  // namespace beaver
