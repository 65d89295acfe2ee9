#pragma once
// People and services: who acts, in which team, with which roles.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clock/clock.hpp"

namespace beaver {

// alerts: monitoring's account, which posts alerts and can do nothing else.
enum class Role { developer, leader, ops, manager, admin, alerts };

std::string_view to_string(Role r);
std::optional<Role> role_from_string(std::string_view s);
// "developer, leader, ops, manager, admin", for messages.
std::string all_roles_text();

// Where a user is @-mentioned in chat: the id the channel's kind knows them by (WeCom's userid,
// DingTalk's mobile number, Feishu's open_id, Slack's member id).
struct ImId {
  std::string kind;  // wecom | dingtalk | feishu | slack
  std::string id;
  bool operator==(const ImId&) const = default;
};

// The kinds of chat a user may have an id in: "wecom, dingtalk, feishu, slack".
std::string all_im_kinds_text();
bool is_im_kind(std::string_view kind);
// "dingtalk:13800000000 wecom:lee", as stored and shown; and back (entries it cannot read are
// left out).
std::string im_text(const std::vector<ImId>& ids);
std::vector<ImId> im_from_text(std::string_view text);

struct User {
  std::string name;
  std::string team;
  std::vector<Role> roles;  // sorted, no duplicates
  Timestamp created_at{};
  // Where mail for the user goes (a channel's `to_roles`); none: the user gets no mail.
  std::optional<std::string> email{};
  std::vector<ImId> im{};  // sorted by kind, one id per kind

  bool has(Role r) const;
  // The user's id in chat of `kind`, if any.
  std::optional<std::string> im_id(std::string_view kind) const;
};

// "developer+leader", for tables and messages.
std::string roles_text(const std::vector<Role>& roles);

// A role, or roles_text(), with the article a sentence needs before it: "a developer",
// "a leader", "an ops", "an admin", "an admin+ops". Every message that puts an article before a
// role name takes it from here.
std::string with_article(std::string_view roles);
// A role's name for several people: "developers", "leaders", "ops", "admins".
std::string plural(std::string_view role);

struct Service {
  std::string name;
  std::string team;
  Timestamp created_at{};
};

}  // namespace beaver
