// The deploy options a process takes from its environment: the same for the command line and
// for the server, so both reach hosts the same way.

#include <cstdlib>

#include "deploy/deploy.hpp"

namespace beaver {

Result<DeployOptions> deploy_options_from_environment(const std::filesystem::path& home,
                                                      const std::filesystem::path& data_dir) {
  DeployOptions o;
  o.home = home;
  o.transport.data_dir = data_dir;
  if (const char* cfg = std::getenv("BEAVER_SSH_CONFIG"); cfg && *cfg) o.transport.ssh_config = cfg;
  if (const char* lease = std::getenv("BEAVER_DEPLOY_LEASE"); lease && *lease) {
    auto d = parse_duration(lease);
    if (!d || d->count() < 3)
      return fail(ErrorKind::bad_input, "BEAVER_DEPLOY_LEASE '{}' is not a duration of 3s or more",
                  lease);
    o.lease = *d;
  }
  return o;
}

}  // namespace beaver
