#pragma once
// The notifications outbox, on the writing side: the ledger calls these inside the write
// transaction of a change, so a notification is queued exactly once, atomically with it, and
// sending it later can never fail or hold up the change.

#include <optional>

#include "ledger/release_announcer.hpp"
#include "ledger/release_view.hpp"
#include "policy/policy.hpp"
#include "store/store.hpp"

namespace beaver {

// What a change of a release announces, if anything. `before` is null for a new release.
// approval_needed when it waits for a step it did not wait for before (the first, or the next
// once one completes); approved when it becomes approved; rejected; deploy_failed when a deploy
// ends failed or rolled_back.
std::optional<NotifyEvent> event_of_change(const ReleaseView* before, const ReleaseView& after);

// Queues, in `tx`, one pending notification per channel of `policy` that wants `event` for the
// release's team, with its body rendered now, to be sent from `due` (now when not given). An
// email channel's recipients are resolved now too: the addresses of the users holding one of its
// `to_roles` (whatever their team), then its `to`; a channel with no recipient queues nothing.
// Returns how many were queued.
int queue_notifications(StoreTransaction& tx, const Policy& policy, NotifyEvent event,
                        const ReleaseView& view, Timestamp now,
                        std::optional<Timestamp> due = std::nullopt);

// event_of_change, then queue_notifications when there is an event; and for an emergency
// deployed by break glass, its reminders (queue_signature_reminders).
int queue_change_notifications(StoreTransaction& tx, const Policy& policy,
                               const ReleaseView* before, const ReleaseView& after, Timestamp now);

// The reminders of a broken glass's owed approvals. When the glass is broken: signature_owed now
// and at half its time, and signature_overdue at its deadline. When a step of its chain is
// completed: the reminders still ahead again, for the next step's approvers, and signature_owed
// now to them. When the chain is complete: the reminders still pending are cancelled, and
// `approved` is announced.
int queue_signature_reminders(StoreTransaction& tx, const Policy& policy, const ReleaseView* before,
                              const ReleaseView& after, Timestamp now);

// A new alert linked to the release of `view`, announced by its grade: on the channels the
// policy's alerts.channels names for it, else for a critical one on every channel that takes
// the event alert; to the release's team and its submitter. Returns how many were queued.
int queue_alert_notifications(StoreTransaction& tx, const Policy& policy, const ReleaseView& view,
                              const AlertRecord& alert, Timestamp now);

// The outbox as the ledger's announcer: queue_change_notifications for every change. The one
// every Ledger that serves people is given.
const ReleaseAnnouncer& notification_outbox();

}  // namespace beaver
