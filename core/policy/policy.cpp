#include "policy/policy.hpp"

namespace beaver {

const std::vector<ApprovalRule>& EnvironmentPolicy::chain_for(ReleaseType type) const {
  // The loader has already filled `rollback` from `emergency` when the policy gave none.
  switch (type) {
    case ReleaseType::normal:
      return normal;
    case ReleaseType::emergency:
      return emergency;
    case ReleaseType::rollback:
      return rollback;
  }
  return normal;  // unreachable: every ReleaseType is handled above
}

Result<const EnvironmentPolicy*> Policy::environment(std::string_view name) const {
  if (auto it = environments.find(name); it != environments.end()) return &it->second;
  std::string known;
  for (const auto& [env_name, env] : environments) known += (known.empty() ? "" : ", ") + env_name;
  return fail(ErrorKind::bad_input, "environment '{}' is not in policy {} (it has: {})", name, path,
              known.empty() ? "none" : known);
}

}  // namespace beaver
