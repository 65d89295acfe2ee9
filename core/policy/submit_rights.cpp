#include "policy/submit_rights.hpp"

#include <algorithm>

namespace beaver {

Result<void> may_submit_type(const User& me, ReleaseType type) {
  if (me.has(Role::developer) || me.has(Role::leader)) return {};
  if (type == ReleaseType::rollback) {
    if (me.has(Role::ops)) return {};
    return fail(ErrorKind::refused, "only a developer, a leader or ops roll back; {} is {}",
                me.name, roles_text(me.roles));
  }
  return fail(ErrorKind::refused, "only a developer or a leader submits releases; {} is {}",
              me.name, roles_text(me.roles));
}

// Ops roll back whatever runs, which is their job across teams.
Result<void> may_submit_for(const EnvironmentPolicy& env, const User& me, const Service& service,
                            ReleaseType type) {
  if (me.team == service.team || me.has(Role::admin) || env.submit_any_team) return {};
  if (type == ReleaseType::rollback && me.has(Role::ops)) return {};
  const auto& teams = env.submit_teams;
  if (std::find(teams.begin(), teams.end(), me.team) != teams.end()) return {};
  return fail(ErrorKind::refused,
              "{} is of team {}; releases of {} to {} are submitted by team {}{}{} and admins",
              me.name, me.team, service.name, env.name, service.team, teams.empty() ? "" : ", ",
              fmt::join(teams, ", "));
}

}  // namespace beaver
