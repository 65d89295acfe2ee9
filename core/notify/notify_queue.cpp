#include "notify/notify_queue.hpp"

#include <algorithm>
#include <functional>

#include "notify/notify_format.hpp"

namespace beaver {
namespace {

// Whether mail about `event` is for `u`: for approval_needed and signature_owed, whether they may
// approve the open step, whatever their team; for signature_overdue, also whether they are an
// admin or a manager; for an outcome, whether they are in the service's team or submitted it.
bool concerned(NotifyEvent event, const ReleaseView& view, const User& u) {
  bool may_approve =
      std::find(view.may_approve.begin(), view.may_approve.end(), u.name) != view.may_approve.end();
  switch (event) {
    case NotifyEvent::approval_needed:
    case NotifyEvent::signature_owed:
      return may_approve;
    case NotifyEvent::signature_overdue:
      return may_approve || u.has(Role::admin) || u.has(Role::manager);
    default:
      return u.team == view.team || u.name == view.release.submitter;
  }
}

// An email channel's addresses, each once: its roles' holders' (in the order of their names),
// then its own. Mail goes only to those who may act on it (concerned): not to every leader of the
// company, and a step waiting for a developer mails no leader.
std::vector<std::string> mail_recipients(const NotifyChannel& channel, NotifyEvent event,
                                         const ReleaseView& view, const std::vector<User>& users) {
  std::vector<std::string> out;
  auto add = [&out](const std::string& address) {
    if (std::find(out.begin(), out.end(), address) == out.end()) out.push_back(address);
  };
  if (!channel.to_roles.empty()) {
    for (const auto& u : users) {
      bool holds = std::any_of(channel.to_roles.begin(), channel.to_roles.end(),
                               [&u](Role r) { return u.has(r); });
      if (holds && concerned(event, view, u) && u.email) add(*u.email);
    }
  }
  for (const auto& address : channel.to) add(address);
  return out;
}

}  // namespace

std::optional<NotifyEvent> event_of_change(const ReleaseView* before, const ReleaseView& after) {
  using S = ReleaseState;
  S to = after.release.state;
  std::optional<S> from;
  if (before) from = before->release.state;
  if (to == S::submitted && after.chain.open_step) {
    bool was_waiting_here = before && from == S::submitted && !before->approval_expired &&
                            before->chain.open_step == after.chain.open_step;
    if (!was_waiting_here) return NotifyEvent::approval_needed;
    return std::nullopt;
  }
  // A new release approved on submit needs nobody's attention.
  if (to == S::approved && before && (from != S::approved || before->approval_expired))
    return NotifyEvent::approved;
  if (to == S::rejected && from != S::rejected) return NotifyEvent::rejected;
  if ((to == S::failed || to == S::rolled_back) && from == S::deploying)
    return NotifyEvent::deploy_failed;
  // A repair leaves its release deployed: what runs there did not change, so nothing is said.
  if (to == S::deployed && from == S::deploying)
    return after.release.type == ReleaseType::rollback ? NotifyEvent::rolled_back
                                                       : NotifyEvent::deployed;
  return std::nullopt;
}

namespace {

// Queues `event` about `view` on each channel `takes` accepts; `alert` for the event alert.
int queue_on(StoreTransaction& tx, const Policy& policy, NotifyEvent event, const ReleaseView& view,
             Timestamp now, Timestamp due, const std::function<bool(const NotifyChannel&)>& takes,
             const AlertRecord* alert) {
  int queued = 0;
  std::optional<NotifyMessage> message;
  // Read on first use, so that a policy without channels for the event costs no read.
  std::optional<std::vector<User>> users;
  auto all_users = [&]() -> const std::vector<User>& {
    if (!users) users = tx.list_users();
    return *users;
  };
  for (const auto& channel : policy.notify) {
    if (!takes(channel)) continue;
    std::vector<std::string> mail_to;
    if (channel.type == ChannelType::email) {
      mail_to = mail_recipients(channel, event, view, all_users());
      if (mail_to.empty()) continue;
    }
    if (!message)
      message = compose_message(event, view, policy.notify_base_url,
                                addressees(event, view, all_users()), alert);
    Notification n;
    n.event = std::string(to_string(event));
    n.release_id = view.release.id;
    n.channel = channel.name;
    n.channel_type = std::string(to_string(channel.type));
    n.target = channel.smtp ? channel.smtp->target() : channel.url;
    n.body = render_body(*message, channel, mail_to);
    n.next_attempt_at = due;
    n.created_at = now;
    tx.insert_notification(n);
    ++queued;
  }
  return queued;
}

}  // namespace

int queue_notifications(StoreTransaction& tx, const Policy& policy, NotifyEvent event,
                        const ReleaseView& view, Timestamp now, std::optional<Timestamp> due) {
  return queue_on(
      tx, policy, event, view, now, due.value_or(now),
      [&](const NotifyChannel& c) { return c.wants(event, view.team); }, nullptr);
}

int queue_alert_notifications(StoreTransaction& tx, const Policy& policy, const ReleaseView& view,
                              const AlertRecord& alert, Timestamp now) {
  auto named = policy.alerts.channels.find(alert.grade);
  auto takes = [&](const NotifyChannel& c) {
    bool team =
        c.teams.empty() || std::find(c.teams.begin(), c.teams.end(), view.team) != c.teams.end();
    if (named != policy.alerts.channels.end())
      return team &&
             std::find(named->second.begin(), named->second.end(), c.name) != named->second.end();
    return alert.grade == "critical" && c.wants(NotifyEvent::alert, view.team);
  };
  return queue_on(tx, policy, NotifyEvent::alert, view, now, now, takes, &alert);
}

int queue_signature_reminders(StoreTransaction& tx, const Policy& policy, const ReleaseView* before,
                              const ReleaseView& after, Timestamp now) {
  bool was_owed = before && before->owes_signature;
  if (!was_owed && !after.owes_signature) return 0;
  const Release& r = after.release;
  auto cancel_pending = [&] {
    for (auto event : {NotifyEvent::signature_owed, NotifyEvent::signature_overdue})
      tx.cancel_notifications(r.id, to_string(event));
  };
  if (!after.owes_signature) {
    cancel_pending();
    return queue_notifications(tx, policy, NotifyEvent::approved, after, now);
  }
  // Owed still: nothing to say unless the glass was just broken or the chain moved on a step.
  if (was_owed && before->chain.open_step == after.chain.open_step) return 0;
  if (was_owed) cancel_pending();
  const BreakGlass& glass = *after.break_glass;
  int queued = queue_notifications(tx, policy, NotifyEvent::signature_owed, after, now);
  Timestamp half = glass.at + (glass.sign_by - glass.at) / 2;
  if (half > now)
    queued += queue_notifications(tx, policy, NotifyEvent::signature_owed, after, now, half);
  // The deadline is told once: a step completed after it is not a new deadline.
  if (!was_owed || glass.sign_by > now)
    queued += queue_notifications(tx, policy, NotifyEvent::signature_overdue, after, now,
                                  std::max(now, glass.sign_by));
  return queued;
}

int queue_change_notifications(StoreTransaction& tx, const Policy& policy,
                               const ReleaseView* before, const ReleaseView& after, Timestamp now) {
  auto event = event_of_change(before, after);
  int queued = event ? queue_notifications(tx, policy, *event, after, now) : 0;
  return queued + queue_signature_reminders(tx, policy, before, after, now);
}

namespace {

class NotificationOutbox final : public ReleaseAnnouncer {
 public:
  void announce(StoreTransaction& tx, const Policy& policy, const ReleaseView* before,
                const ReleaseView& after, Timestamp now) const override {
    queue_change_notifications(tx, policy, before, after, now);
  }
  void announce_alert(StoreTransaction& tx, const Policy& policy, const ReleaseView& release,
                      const AlertRecord& alert, Timestamp now) const override {
    queue_alert_notifications(tx, policy, release, alert, now);
  }
};

}  // namespace

const ReleaseAnnouncer& notification_outbox() {
  static const NotificationOutbox outbox;
  return outbox;
}

}  // namespace beaver
