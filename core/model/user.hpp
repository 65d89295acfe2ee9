#pragma once
// People and services: who acts, in which team, with which roles.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clock/clock.hpp"

namespace beaver {

enum class Role { developer, leader, ops, manager, admin };

std::string_view to_string(Role r);
std::optional<Role> role_from_string(std::string_view s);
// "developer, leader, ops, manager, admin", for messages.
std::string all_roles_text();

struct User {
  std::string name;
  std::string team;
  std::vector<Role> roles;  // sorted, no duplicates
  Timestamp created_at{};
  // Where mail for the user goes (a channel's `to_roles`); none: the user gets no mail.
  std::optional<std::string> email{};

  bool has(Role r) const;
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
