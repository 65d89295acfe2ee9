#pragma once
// Checks a valid policy against the people registered in the ledger: a rule nobody can meet is
// a release stuck forever, so it is worth a warning before it bites.

#include <string>
#include <vector>

#include "model/user.hpp"
#include "policy/policy.hpp"

namespace beaver {

// One line per approval step that the registered users cannot meet (more approvers required than
// users who could give them, the submitter excluded), per service team for same-team steps.
std::vector<std::string> unmeetable_rules(const Policy& policy, const std::vector<User>& users,
                                          const std::vector<Service>& services);

// One line per email channel that would reach nobody: no address in `to`, and no registered user
// holding one of its `to_roles` has an e-mail address. Such a channel queues nothing.
std::vector<std::string> unreachable_channels(const Policy& policy, const std::vector<User>& users);

}  // namespace beaver
