#pragma once
// Checks a valid policy against the people registered in the ledger: a rule nobody can meet is
// a release stuck forever, so it is worth a warning before it bites, and a refusal of the change
// of users that would make it.

#include <optional>
#include <string>
#include <vector>

#include "model/release.hpp"
#include "model/user.hpp"
#include "policy/policy.hpp"

namespace beaver {

// An approval chain that some release cannot get through with the registered users.
struct StuckChain {
  std::string env;
  ReleaseType type = ReleaseType::normal;
  std::optional<std::string> team;      // the service team, for a chain with a same-team step
  std::vector<std::string> submitters;  // whose own releases are stuck; empty: everyone's
  std::string message;                  // the finding in one line
};

// Every chain (normal, emergency, rollback) of every environment that a user who may submit it
// could not get approved: a step with more approvers required than users who could give them,
// the submitter left out, or steps that distinct people cannot fill at once (one person counts
// toward one step only). Same-team chains are checked per team of the registered services.
std::vector<StuckChain> stuck_chains(const Policy& policy, const std::vector<User>& users,
                                     const std::vector<Service>& services);

// stuck_chains' messages.
std::vector<std::string> unmeetable_rules(const Policy& policy, const std::vector<User>& users,
                                          const std::vector<Service>& services);

// The first chain that the users `after` leave stuck and the users `before` did not (a release
// of someone who could get one approved before could not): the reason to refuse that change.
std::optional<StuckChain> newly_stuck(const Policy& policy, const std::vector<User>& before,
                                      const std::vector<User>& after,
                                      const std::vector<Service>& services);

// One line per email channel that would reach nobody: no address in `to`, and no registered user
// holding one of its `to_roles` has an e-mail address. Such a channel queues nothing.
std::vector<std::string> unreachable_channels(const Policy& policy, const std::vector<User>& users);

// A line when the policy has channels and no notify_base_url: its messages then carry no link to
// the release's page, and chat cards no Review button.
std::vector<std::string> unlinked_channels(const Policy& policy);

}  // namespace beaver
