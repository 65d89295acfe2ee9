#include "model/user.hpp"

#include <algorithm>
#include <array>

namespace beaver {
namespace {
constexpr std::array kRoleNames{"developer", "leader", "ops", "manager", "admin", "alerts"};
constexpr std::array kImKinds{"wecom", "dingtalk", "feishu", "slack"};
}  // namespace

std::string all_im_kinds_text() { return fmt::format("{}", fmt::join(kImKinds, ", ")); }

bool is_im_kind(std::string_view kind) {
  return std::find(kImKinds.begin(), kImKinds.end(), kind) != kImKinds.end();
}

std::string im_text(const std::vector<ImId>& ids) {
  std::string out;
  for (const auto& i : ids) {
    if (!out.empty()) out += ' ';
    out += i.kind + ':' + i.id;
  }
  return out;
}

std::vector<ImId> im_from_text(std::string_view text) {
  std::vector<ImId> out;
  while (!text.empty()) {
    auto end = text.find(' ');
    auto entry = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    auto colon = entry.find(':');
    if (colon == std::string_view::npos || colon + 1 == entry.size()) continue;
    out.push_back({std::string(entry.substr(0, colon)), std::string(entry.substr(colon + 1))});
  }
  return out;
}

std::optional<std::string> User::im_id(std::string_view kind) const {
  for (const auto& i : im)
    if (i.kind == kind) return i.id;
  return std::nullopt;
}

std::string_view to_string(Role r) { return kRoleNames[static_cast<size_t>(r)]; }

std::optional<Role> role_from_string(std::string_view s) {
  for (size_t i = 0; i < kRoleNames.size(); ++i)
    if (s == kRoleNames[i]) return static_cast<Role>(i);
  return std::nullopt;
}

std::string all_roles_text() { return fmt::format("{}", fmt::join(kRoleNames, ", ")); }

bool User::has(Role r) const { return std::find(roles.begin(), roles.end(), r) != roles.end(); }

// By the first letter, which is how every role name is said ("an ops", "an admin").
std::string with_article(std::string_view roles) {
  bool vowel = !roles.empty() &&
               std::string_view("aeiouAEIOU").find(roles.front()) != std::string_view::npos;
  return fmt::format("{} {}", vowel ? "an" : "a", roles);
}

std::string plural(std::string_view role) {
  return role.ends_with('s') ? std::string(role) : fmt::format("{}s", role);
}

std::string roles_text(const std::vector<Role>& roles) {
  std::string out;
  for (Role r : roles) {
    if (!out.empty()) out += '+';
    out += to_string(r);
  }
  return out;
}

}  // namespace beaver
