#include "notify/notify_queue.hpp"

#include "notify/notify_format.hpp"

namespace beaver {

std::optional<NotifyEvent> event_of_change(const ReleaseView* before, const ReleaseView& after) {
  using S = ReleaseState;
  S to = after.release.state;
  std::optional<S> from;
  if (before) from = before->release.state;
  if (to == S::submitted && after.chain.open_step) {
    bool was_waiting_here = before && from == S::submitted && !before->approval_expired &&
                            before->chain.open_step == after.chain.open_step;
    if (!was_waiting_here) return NotifyEvent::approval_requested;
    return std::nullopt;
  }
  // A new release approved on submit needs nobody's attention.
  if (to == S::approved && before && (from != S::approved || before->approval_expired))
    return NotifyEvent::approved;
  if (to == S::rejected && from != S::rejected) return NotifyEvent::rejected;
  if ((to == S::failed || to == S::rolled_back) && from == S::deploying)
    return NotifyEvent::deploy_failed;
  return std::nullopt;
}

int queue_notifications(StoreTransaction& tx, const Policy& policy, NotifyEvent event,
                        const ReleaseView& view, Timestamp now) {
  const auto& channels = policy.notifications.channels;
  int queued = 0;
  std::optional<NotifyMessage> message;
  for (const auto& channel : channels) {
    if (!channel.wants(event, view.team)) continue;
    if (!message) message = compose_message(event, view, policy.notifications.base_url);
    Notification n;
    n.event = std::string(to_string(event));
    n.release_id = view.release.id;
    n.channel = channel.name;
    n.channel_type = std::string(to_string(channel.type));
    n.target = channel.smtp ? fmt::format("smtp://{}:{}", channel.smtp->host, channel.smtp->port)
                            : channel.url;
    n.body = render_body(*message, channel);
    n.next_attempt_at = now;
    n.created_at = now;
    tx.insert_notification(n);
    ++queued;
  }
  return queued;
}

int queue_change_notifications(StoreTransaction& tx, const Policy& policy,
                               const ReleaseView* before, const ReleaseView& after, Timestamp now) {
  auto event = event_of_change(before, after);
  return event ? queue_notifications(tx, policy, *event, after, now) : 0;
}

}  // namespace beaver
