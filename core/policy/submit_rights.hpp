#pragma once
// Who may submit a release: by role for its type, and by team for its service. The ledger applies
// these when a release is submitted, and the policy check asks them who could submit one.

#include "error/error.hpp"
#include "model/release.hpp"
#include "model/user.hpp"
#include "policy/policy.hpp"

namespace beaver {

// Developers and leaders submit releases; ops may also ask for a rollback. Refused otherwise,
// naming the user's roles.
Result<void> may_submit_type(const User& user, ReleaseType type);

// A service's releases come from its own team, admins, the teams the environment's `submit`
// names (or any), and, for a rollback, ops of any team. Refused otherwise, naming who may.
Result<void> may_submit_for(const EnvironmentPolicy& env, const User& user, const Service& service,
                            ReleaseType type);

}  // namespace beaver
