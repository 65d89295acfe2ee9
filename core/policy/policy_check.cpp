#include "policy/policy_check.hpp"

#include <algorithm>
#include <set>

namespace beaver {
namespace {

bool eligible(const ApprovalRule& rule, const User& u, const std::string* team) {
  return u.has(rule.role) && (!rule.same_team || team == nullptr || u.team == *team);
}

bool may_submit(const User& u) { return u.has(Role::developer) || u.has(Role::leader); }

// Whether distinct users can fill every step's count, one person toward one step only: a
// bipartite matching of approval slots to users (Kuhn's augmenting paths; chains are small).
class ChainMatcher {
 public:
  ChainMatcher(const std::vector<ApprovalRule>& chain, const std::vector<const User*>& users,
               const std::string* team)
      : users_(users), team_(team) {
    for (const auto& rule : chain)
      for (int k = 0; k < rule.count; ++k) slots_.push_back(&rule);
  }

  bool satisfiable() {
    owner_.assign(users_.size(), -1);
    for (size_t slot = 0; slot < slots_.size(); ++slot) {
      seen_.assign(users_.size(), false);
      if (!augment(slot)) return false;
    }
    return true;
  }

 private:
  bool augment(size_t slot) {
    for (size_t u = 0; u < users_.size(); ++u) {
      if (seen_[u] || !eligible(*slots_[slot], *users_[u], team_)) continue;
      seen_[u] = true;
      if (owner_[u] < 0 || augment(static_cast<size_t>(owner_[u]))) {
        owner_[u] = static_cast<int>(slot);
        return true;
      }
    }
    return false;
  }

  const std::vector<const User*>& users_;
  const std::string* team_;
  std::vector<const ApprovalRule*> slots_;
  std::vector<int> owner_;  // per user: the slot they fill, or -1
  std::vector<bool> seen_;
};

void check_chain(const std::string& where, const std::vector<ApprovalRule>& chain,
                 const std::vector<User>& users, const std::string* team,
                 std::vector<std::string>& out) {
  if (chain.empty()) return;
  std::string scope = team != nullptr ? fmt::format(" for team {}", *team) : "";
  std::vector<const User*> all;
  for (const auto& u : users) all.push_back(&u);
  // First the plainest reason: a step with too few qualified people.
  bool short_step = false;
  for (size_t i = 0; i < chain.size(); ++i) {
    const auto& rule = chain[i];
    auto n = std::count_if(all.begin(), all.end(),
                           [&](const User* u) { return eligible(rule, *u, team); });
    if (n >= rule.count) continue;
    short_step = true;
    out.push_back(
        fmt::format("{}{}: step {} needs {} distinct {}{}, but {} registered user{} "
                    "qualif{}",
                    where, scope, i + 1, rule.count,
                    rule.count == 1 ? to_string(rule.role) : plural(to_string(rule.role)),
                    rule.same_team && team ? fmt::format(" of team {}", *team) : "", n,
                    n == 1 ? "" : "s", n == 1 ? "ies" : "y"));
  }
  if (short_step) return;
  if (!ChainMatcher(chain, all, team).satisfiable()) {
    out.push_back(
        fmt::format("{}{}: no set of distinct users can meet every step at once (one "
                    "person counts toward one step only)",
                    where, scope));
    return;
  }
  // The submitter never counts: whose own releases would be stuck?
  std::vector<std::string> stuck;
  for (const auto* u : all) {
    if (!may_submit(*u)) continue;
    std::vector<const User*> others;
    for (const auto* o : all)
      if (o != u) others.push_back(o);
    if (!ChainMatcher(chain, others, team).satisfiable()) stuck.push_back(u->name);
  }
  if (!stuck.empty())
    out.push_back(
        fmt::format("{}{}: a release submitted by {} cannot be approved (too few other "
                    "users qualify)",
                    where, scope, fmt::join(stuck, ", ")));
}

void check_chain_per_team(const std::string& where, const std::vector<ApprovalRule>& chain,
                          const std::vector<User>& users, const std::set<std::string>& teams,
                          std::vector<std::string>& out) {
  bool any_same_team =
      std::any_of(chain.begin(), chain.end(), [](const ApprovalRule& r) { return r.same_team; });
  if (!any_same_team) return check_chain(where, chain, users, nullptr, out);
  for (const auto& team : teams) check_chain(where, chain, users, &team, out);
}

}  // namespace

std::vector<std::string> unmeetable_rules(const Policy& policy, const std::vector<User>& users,
                                          const std::vector<Service>& services) {
  std::set<std::string> teams;
  for (const auto& s : services) teams.insert(s.team);
  std::vector<std::string> out;
  for (const auto& [name, env] : policy.environments) {
    check_chain_per_team(fmt::format("{} normal", name), env.normal, users, teams, out);
    check_chain_per_team(fmt::format("{} emergency", name), env.emergency, users, teams, out);
    if (env.rollback != env.emergency)
      check_chain_per_team(fmt::format("{} rollback", name), env.rollback, users, teams, out);
  }
  return out;
}

std::vector<std::string> unreachable_channels(const Policy& policy,
                                              const std::vector<User>& users) {
  std::vector<std::string> out;
  for (const auto& c : policy.notify) {
    if (c.type != ChannelType::email || !c.to.empty()) continue;
    bool reachable = std::any_of(users.begin(), users.end(), [&c](const User& u) {
      return u.email &&
             std::any_of(c.to_roles.begin(), c.to_roles.end(), [&u](Role r) { return u.has(r); });
    });
    if (reachable) continue;
    std::vector<std::string> roles;
    for (Role r : c.to_roles) roles.emplace_back(to_string(r));
    out.push_back(fmt::format(
        "notify channel {} has no recipients: no registered {} has an e-mail address (beaver "
        "user update NAME ... --email ADDRESS)",
        c.name, fmt::join(roles, " or ")));
  }
  return out;
}

}  // namespace beaver
