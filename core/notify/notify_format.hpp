#pragma once
// What a notification says about a release, and the shape each channel type wants it in: the
// generic webhook's JSON, Slack, WeCom, DingTalk and Feishu bodies, and mail.

#include <string>

#include "ledger/release_view.hpp"
#include "policy/policy.hpp"

namespace beaver {

// A message about a release, before a channel shapes it.
struct NotifyMessage {
  NotifyEvent event = NotifyEvent::approval_needed;
  std::string title;  // one line; an emergency's starts with "[EMERGENCY]"
  std::string text;   // the title, then one line per detail
  std::string url;    // {base_url}/releases/{id}, empty without a base_url
  ReleaseView view;
  // Who the message is for, @-mentioned in chat by their ids there: those who may approve the
  // open step, or for an outcome the submitter.
  std::vector<User> mentioned;
};

// Says what happened to the release in `view`: its service, version, environment, type (with the
// emergency's category and reason), submitter, who may approve now, and the link.
// For the event alert, `alert` is the alert linked to the release: what fired, where, and for a
// critical one the link to roll the release's service back ({base_url}/rollback?service=&env=).
NotifyMessage compose_message(NotifyEvent event, const ReleaseView& view,
                              const std::string& base_url, std::vector<User> mentioned = {},
                              const AlertRecord* alert = nullptr);

// The users a message about `event` is for: who may approve the open step for approval_needed
// and signature_owed, and admins and managers too for signature_overdue; else the submitter (when
// registered). In `users`' order.
std::vector<User> addressees(NotifyEvent event, const ReleaseView& view,
                             const std::vector<User>& users);

// The body stored with a notification and sent as it is: the JSON of a POST for the webhook
// types, and for email a JSON object {"from", "to", "subject", "text"} with `mail_to` as "to".
std::string render_body(const NotifyMessage& message, const NotifyChannel& channel,
                        const std::vector<std::string>& mail_to = {});

}  // namespace beaver
