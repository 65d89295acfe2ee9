#pragma once
// beaver status: what runs on each host of an environment, and whether it is what the ledger
// says: the release `current` points at, its files against the package's checksums, the
// launcher's answer and the health check.

#include <optional>
#include <string>
#include <vector>

#include "deploy/deploy.hpp"

namespace beaver {

struct HostStatus {
  std::string host;
  bool reachable = false;
  std::string release_dir;  // "1.4.2-42", empty when nothing is current
  std::optional<int64_t> release_id;
  std::string version;
  std::string commit;
  bool running = false;
  bool healthy = false;
  std::string health;              // the health check's last answer
  std::vector<std::string> drift;  // one line per difference from the ledger
  std::string error;               // when unreachable
  bool ok() const { return reachable && running && healthy && drift.empty(); }
};

struct EnvStatus {
  std::string service;
  std::string env;
  std::optional<Release> live;  // the ledger's live release there
  std::optional<DeployLease> lease;
  std::vector<HostStatus> hosts;
  bool ok() const;
};

// Inspects every host of `env` (as the live release's package lists them), in parallel.
Result<EnvStatus> env_status(Ledger& ledger, const std::string& actor, const std::string& service,
                             const std::string& env, const DeployOptions& options);

// The command that puts the live release back on the hosts that drift, when some do and can be
// reached: "beaver deploy 42 --repair".
std::optional<std::string> repair_command(const EnvStatus& status);

// `plan` (of a whole environment) narrowed to a repair: the hosts that drift, as status finds
// them now, in one batch. A conflict when the release is not the live one there; refused when no
// reachable host drifts.
Result<DeployPlan> repair_plan(Ledger& ledger, const std::string& actor, DeployPlan plan,
                               const DeployOptions& options);

}  // namespace beaver
