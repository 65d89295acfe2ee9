#include "policy/policy_check.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "policy/submit_rights.hpp"

namespace beaver {
namespace {

bool eligible(const ApprovalRule& rule, const User& u, const std::string* team) {
  return u.has(rule.role) && (!rule.same_team || team == nullptr || u.team == *team);
}

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

// Who may submit a release of `type` in a scope: for the services of `team`, or of any team;
// by role alone while no service is registered.
class Submitters {
 public:
  Submitters(const EnvironmentPolicy& env, ReleaseType type, const std::vector<Service>& services,
             const std::string* team)
      : env_(env), type_(type) {
    for (const auto& s : services)
      if (team == nullptr || s.team == *team) services_.push_back(&s);
    any_service_ = !services.empty();
  }

  bool may_submit(const User& u) const {
    if (!may_submit_type(u, type_)) return false;
    if (!any_service_) return true;
    return std::any_of(services_.begin(), services_.end(), [&](const Service* s) {
      return static_cast<bool>(may_submit_for(env_, u, *s, type_));
    });
  }

 private:
  const EnvironmentPolicy& env_;
  ReleaseType type_;
  std::vector<const Service*> services_;
  bool any_service_ = false;
};

std::string step_need(const ApprovalRule& rule, const std::string* team) {
  std::string role(to_string(rule.role));
  return fmt::format("{} {}{}", rule.count, rule.count == 1 ? role : "distinct " + plural(role),
                     rule.same_team && team ? fmt::format(" of team {}", *team) : "");
}

// One chain in one scope. `everyone`: also report what stops every submitter alike (off for a
// rollback chain that is the emergency chain, whose findings the emergency's already are);
// `counts`: whether a submitter's own findings are reported (the same case: only those who
// submit rollbacks and not emergencies).
struct ChainCheck {
  std::string env;
  ReleaseType type;
  const std::vector<ApprovalRule>& chain;
  const std::string* team;
  bool everyone = true;
  std::function<bool(const User&)> counts = [](const User&) { return true; };
};

void check_chain(const ChainCheck& c, const Submitters& submitters, const std::vector<User>& users,
                 std::vector<StuckChain>& out) {
  if (c.chain.empty()) return;
  std::string where = fmt::format("{} {}{}", c.env, to_string(c.type),
                                  c.team != nullptr ? fmt::format(" for team {}", *c.team) : "");
  auto finding = [&](std::vector<std::string> who, std::string message) {
    out.push_back({c.env, c.type, c.team ? std::optional<std::string>(*c.team) : std::nullopt,
                   std::move(who), fmt::format("{}: {}", where, message)});
  };
  std::vector<const User*> all;
  for (const auto& u : users) all.push_back(&u);
  auto holders = [&](const ApprovalRule& rule) {
    return std::count_if(all.begin(), all.end(),
                         [&](const User* u) { return eligible(rule, *u, c.team); });
  };
  // First the plainest reason: a step with too few qualified people.
  bool short_step = false;
  for (size_t i = 0; i < c.chain.size(); ++i) {
    auto n = holders(c.chain[i]);
    if (n >= c.chain[i].count) continue;
    short_step = true;
    if (c.everyone)
      finding({}, fmt::format("step {} needs {}, but {} registered user{} qualif{}", i + 1,
                              step_need(c.chain[i], c.team), n, n == 1 ? "" : "s",
                              n == 1 ? "ies" : "y"));
  }
  if (short_step) return;
  if (!ChainMatcher(c.chain, all, c.team).satisfiable()) {
    if (c.everyone)
      finding({},
              "no set of distinct users can meet every step at once (one person counts "
              "toward one step only)");
    return;
  }
  // The submitter never counts: whose own releases would be stuck, and at which step?
  std::map<size_t, std::vector<std::string>> short_without;  // by step; chain.size(): no step
  for (const auto* u : all) {
    if (!c.counts(*u) || !submitters.may_submit(*u)) continue;
    std::vector<const User*> others;
    for (const auto* o : all)
      if (o != u) others.push_back(o);
    if (ChainMatcher(c.chain, others, c.team).satisfiable()) continue;
    size_t step = c.chain.size();
    for (size_t i = 0; i < c.chain.size() && step == c.chain.size(); ++i)
      if (eligible(c.chain[i], *u, c.team) && holders(c.chain[i]) - 1 < c.chain[i].count) step = i;
    short_without[step].push_back(u->name);
  }
  for (auto& [step, who] : short_without) {
    std::string why;
    if (step == c.chain.size()) {
      why =
          "too few other users can meet every step at once (one person counts toward one step "
          "only)";
    } else {
      auto others = holders(c.chain[step]) - 1;
      why = fmt::format(
          "step {} needs {}, and {} qualif{}", step + 1, step_need(c.chain[step], c.team),
          others == 0 ? std::string("nobody else")
                      : fmt::format("only {} other user{}", others, others == 1 ? "" : "s"),
          others == 1 || others == 0 ? "ies" : "y");
    }
    std::string names = fmt::format("{}", fmt::join(who, ", "));
    finding(std::move(who),
            fmt::format("a release submitted by {} cannot be approved: {}", names, why));
  }
}

void check_chain_per_team(ChainCheck c, const EnvironmentPolicy& env,
                          const std::vector<User>& users, const std::vector<Service>& services,
                          std::vector<StuckChain>& out) {
  bool any_same_team = std::any_of(c.chain.begin(), c.chain.end(),
                                   [](const ApprovalRule& r) { return r.same_team; });
  if (!any_same_team) {
    c.team = nullptr;
    return check_chain(c, Submitters(env, c.type, services, nullptr), users, out);
  }
  std::set<std::string> teams;
  for (const auto& s : services) teams.insert(s.team);
  for (const auto& team : teams) {
    c.team = &team;
    check_chain(c, Submitters(env, c.type, services, &team), users, out);
  }
}

}  // namespace

std::vector<StuckChain> stuck_chains(const Policy& policy, const std::vector<User>& users,
                                     const std::vector<Service>& services) {
  std::vector<StuckChain> out;
  for (const auto& [name, env] : policy.environments) {
    check_chain_per_team({name, ReleaseType::normal, env.normal, nullptr}, env, users, services,
                         out);
    check_chain_per_team({name, ReleaseType::emergency, env.emergency, nullptr}, env, users,
                         services, out);
    ChainCheck rollback{name, ReleaseType::rollback, env.rollback, nullptr};
    if (env.rollback == env.emergency) {
      // The emergency's findings hold for this chain; only who rolls back but submits no
      // emergency (ops) is left to check.
      rollback.everyone = false;
      rollback.counts = [](const User& u) {
        return !may_submit_type(u, ReleaseType::emergency).has_value();
      };
    }
    check_chain_per_team(rollback, env, users, services, out);
  }
  return out;
}

std::vector<std::string> unmeetable_rules(const Policy& policy, const std::vector<User>& users,
                                          const std::vector<Service>& services) {
  std::vector<std::string> out;
  for (auto& s : stuck_chains(policy, users, services)) out.push_back(std::move(s.message));
  return out;
}

std::optional<StuckChain> newly_stuck(const Policy& policy, const std::vector<User>& before,
                                      const std::vector<User>& after,
                                      const std::vector<Service>& services) {
  auto was = stuck_chains(policy, before, services);
  for (auto& now : stuck_chains(policy, after, services)) {
    bool covered = false;
    for (const auto& old : was) {
      if (old.env != now.env || old.type != now.type || old.team != now.team) continue;
      if (old.submitters.empty()) covered = true;
      if (covered || now.submitters.empty()) continue;
      covered = std::all_of(now.submitters.begin(), now.submitters.end(), [&](const auto& n) {
        return std::find(old.submitters.begin(), old.submitters.end(), n) != old.submitters.end();
      });
      if (covered) break;
    }
    if (!covered) return std::move(now);
  }
  return std::nullopt;
}

std::vector<std::string> unlinked_channels(const Policy& policy) {
  if (policy.notify.empty() || !policy.notify_base_url.empty()) return {};
  return {fmt::format(
      "notify_base_url is not set: the messages of its {} channel{} link to no release page, and "
      "chat cards have no Review button (set it to the server's address, as people open it)",
      policy.notify.size(), policy.notify.size() == 1 ? "" : "s")};
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
