#pragma once
// beaver deploy: an approved release's package onto every host of its environment, in batches,
// each host through the same steps (upload, verify, unpack, stop, switch, start, health, prune),
// a bad version switched back everywhere it went, every step recorded in the ledger.

#include <atomic>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "clock/clock.hpp"
#include "deploy/transport.hpp"
#include "error/error.hpp"
#include "ledger/ledger.hpp"
#include "service/manifest.hpp"

namespace beaver {

struct DeployOptions {
  std::optional<std::string> batches;  // "1,50%,100%"; else beaver.yaml's; else all at once
  // Plans a repair: the live release back on the hosts that drift, in one batch.
  bool repair = false;
  std::optional<std::string> break_glass;  // the reason, when deploying before the approvals
  int parallel = 10;                       // hosts deployed at the same time within a batch
  std::chrono::seconds lease{60};          // renewed every third of it while the deploy runs
  std::filesystem::path home;              // BEAVER_HOME, whose packages/ holds the package files
  TransportOptions transport;
  const std::atomic<bool>* stop = nullptr;  // set (by Ctrl-C) to stop between steps
  // Who set `stop`, for the deploy's message when no user asked through the ledger.
  std::string stopped_by = "the user (Ctrl-C)";
};

// The options set by BEAVER_SSH_CONFIG (an ssh_config for ssh:// hosts) and BEAVER_DEPLOY_LEASE
// (the lease's length), with `home` and `data_dir`; bad_input for a lease that is not a duration
// of 3s or more.
Result<DeployOptions> deploy_options_from_environment(const std::filesystem::path& home,
                                                      const std::filesystem::path& data_dir);

struct PlannedHost {
  HostSpec host;
  int port = 0;  // the service's port there
  int batch = 0;
};

struct DeployPlan {
  Release release;
  PackageRecord package;
  std::filesystem::path package_file;
  ServiceManifest spec;  // the beaver.yaml the package carries: approved with it
  std::vector<std::vector<PlannedHost>> batches;
  std::string batches_text;
  int keep = 5;
  std::chrono::seconds pause{0};  // between batches (beaver.yaml's)
  std::string release_dir;        // releases/<this> on each host: "<version>-<release id>"
  // A repair (batches_text is DeployRecord::kRepair): the hosts are those that drift; one that
  // runs the release gets its files back in place, and a failed host is not switched back.
  bool repair = false;
  std::optional<std::string> break_glass;  // deployed before its approvals, for this reason
};

// Told of a deploy's progress, from several threads (one per host), never at the same time.
class DeployObserver {
 public:
  virtual ~DeployObserver() = default;
  virtual void started(const DeployPlan&, int64_t /*deploy_id*/) {}
  virtual void step_started(const std::string& /*host*/, const std::string& /*step*/) {}
  virtual void step_finished(const DeployStep&) {}
  virtual void host_finished(const std::string& /*host*/, const std::string& /*outcome*/) {}
  virtual void note(const std::string& /*line*/) {}
};

struct HostOutcome {
  std::string host;
  int batch = 0;
  // deployed, unchanged (already ran it), restored (switched back), failed, not_started
  std::string outcome;
  std::string note;
};

struct DeployResult {
  int64_t deploy_id = 0;
  std::string status;  // deployed, rolled_back, failed, interrupted
  std::optional<std::string> message;
  std::vector<HostOutcome> hosts;
  std::vector<std::string> recovered;
};

// Splits `hosts` hosts by "1,50%,100%": each entry is a count or a share of all hosts (rounded
// up) reached by the end of that batch; hosts left after the last entry form one more batch.
Result<std::vector<int>> batch_sizes(const std::string& spec, int hosts);

// Reads what a deploy of `release_id` would do, checking the package file and the deploy spec it
// carries; changes nothing. With options.repair, what a repair would: the hosts whose status
// shows drift (see status.hpp), refused when the release is not live there or none drifts.
Result<DeployPlan> plan_deploy(Ledger& ledger, const std::string& actor, int64_t release_id,
                               const DeployOptions& options);

// Where a host is started and health-checked when it runs a release: its port there, and the
// health check's path and time limit.
struct HealthTarget {
  int port = 0;
  std::string path;
  std::chrono::seconds timeout{30};
};

// The package of the release in `release_dir` (a plan's release_dir: "<version>-<release id>") of
// the plan's service, when the ledger knows it: what a host switched back to that release runs.
std::optional<PackageRecord> earlier_package(Ledger& ledger, const std::string& actor,
                                             const DeployPlan& plan,
                                             const std::string& release_dir);

// The health target of `host_url` in the plan's environment as `package`'s own beaver.yaml says
// (read from the package store): a host switched back to an earlier release is started and
// checked as that release expects, not as the release that failed does. None when the package
// file is not at hand or not readable.
std::optional<HealthTarget> packaged_health_target(const PackageRecord& package,
                                                   const DeployPlan& plan,
                                                   const DeployOptions& options,
                                                   const std::string& host_url);

// Runs `plan`: takes the lease, deploys batch after batch, and records the outcome. A refusal
// before any host is touched is an error; once started, the result says how it ended.
Result<DeployResult> run_deploy(Ledger& ledger, const Clock& clock, const std::string& actor,
                                const DeployPlan& plan, const DeployOptions& options,
                                DeployObserver& observer);

}  // namespace beaver
