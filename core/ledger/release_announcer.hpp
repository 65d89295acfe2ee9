#pragma once
// What hears of each change to a release, inside the write transaction that makes it: whatever
// it writes (the notifications outbox, notify/notify_queue.hpp) is committed or rolled back with
// the change itself.

#include "clock/clock.hpp"
#include "ledger/release_view.hpp"
#include "policy/policy.hpp"
#include "store/store.hpp"

namespace beaver {

class ReleaseAnnouncer {
 public:
  virtual ~ReleaseAnnouncer() = default;
  // `before` is null for a new release. Database faults are thrown, as inside any unit of work.
  virtual void announce(StoreTransaction& tx, const Policy& policy, const ReleaseView* before,
                        const ReleaseView& after, Timestamp now) const = 0;
  // A new alert from monitoring, linked to `release`.
  virtual void announce_alert(StoreTransaction& /*tx*/, const Policy& /*policy*/,
                              const ReleaseView& /*release*/, const AlertRecord& /*alert*/,
                              Timestamp /*now*/) const {}
};

}  // namespace beaver
