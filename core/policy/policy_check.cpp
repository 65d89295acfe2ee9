#include "policy/policy_check.hpp"

#include <set>

namespace beaver {
namespace {

struct Count {
  int eligible = 0;
  bool one_may_submit = false;  // then their own release has one approver fewer
};

Count count_eligible(const ApprovalRule& rule, const std::vector<User>& users,
                     const std::string* team) {
  Count c;
  for (const auto& u : users) {
    if (!u.has(rule.role) || (team != nullptr && u.team != *team)) continue;
    ++c.eligible;
    c.one_may_submit = c.one_may_submit || u.has(Role::developer) || u.has(Role::leader);
  }
  return c;
}

void check_chain(const std::string& where, const std::vector<ApprovalRule>& chain,
                 const std::vector<User>& users, const std::set<std::string>& teams,
                 std::vector<std::string>& out) {
  for (size_t i = 0; i < chain.size(); ++i) {
    const auto& rule = chain[i];
    auto check = [&](const std::string* team) {
      auto c = count_eligible(rule, users, team);
      std::string who = team != nullptr ? fmt::format("{} of team {}", to_string(rule.role), *team)
                                        : std::string(to_string(rule.role));
      if (c.eligible < rule.count)
        out.push_back(
            fmt::format("{} step {} needs approvals by {} distinct {}, but {} "
                        "registered user(s) qualify",
                        where, i + 1, rule.count, who, c.eligible));
      else if (c.eligible == rule.count && c.one_may_submit)
        out.push_back(
            fmt::format("{} step {} needs approvals by {} distinct {}, and exactly {} "
                        "user(s) qualify: a release one of them submits cannot be "
                        "approved",
                        where, i + 1, rule.count, who, c.eligible));
    };
    if (!rule.same_team) {
      check(nullptr);
    } else {
      for (const auto& team : teams) check(&team);
    }
  }
}

}  // namespace

std::vector<std::string> unmeetable_rules(const Policy& policy, const std::vector<User>& users,
                                          const std::vector<Service>& services) {
  std::set<std::string> teams;
  for (const auto& s : services) teams.insert(s.team);
  std::vector<std::string> out;
  for (const auto& [name, env] : policy.environments) {
    check_chain(fmt::format("{} normal", name), env.normal, users, teams, out);
    check_chain(fmt::format("{} emergency", name), env.emergency, users, teams, out);
    if (env.rollback != env.emergency)
      check_chain(fmt::format("{} rollback", name), env.rollback, users, teams, out);
  }
  return out;
}

}  // namespace beaver
