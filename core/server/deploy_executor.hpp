#pragma once
// Deploys started through the API run here, never on an HTTP worker: at most `slots` at once,
// each on its own thread with its own connection to the ledger. The request that starts one
// waits only until the deploy holds its lease (or was refused), then answers 202; the steps are
// recorded as they happen, so the release's page shows the progress.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "deploy/deploy.hpp"
#include "policy/policy.hpp"

namespace beaver {

class DeployExecutor {
 public:
  using StoreOpener = std::function<Result<std::unique_ptr<Store>>()>;

  DeployExecutor(StoreOpener open_store, const Clock& clock, const Policy& policy,
                 DeployOptions base, int slots);
  ~DeployExecutor();  // stop()
  DeployExecutor(const DeployExecutor&) = delete;
  DeployExecutor& operator=(const DeployExecutor&) = delete;

  // A deploy that holds its lease: its id, its plan, and the leases of dead deploys it took over.
  struct Started {
    int64_t deploy_id = 0;
    DeployPlan plan;
    std::vector<std::string> recovered;
  };

  // Starts the deploy of `release_id` as `actor`, once it holds the lease, or says why not (the
  // ledger's refusal, or unavailable when every slot is taken).
  Result<Started> start(const std::string& actor, int64_t release_id,
                        const std::optional<std::string>& batches, int parallel,
                        bool repair = false,
                        const std::optional<std::string>& break_glass = std::nullopt);
  // What deploys here read: the packages' home and the transports.
  const DeployOptions& options() const { return base_; }
  // Asks the running deploy `deploy_id` to stop between steps, as Ctrl-C does; a conflict when
  // this server does not run it.
  Result<void> stop_deploy(int64_t deploy_id);
  // Asks running deploys to stop between steps, as Ctrl-C does, and waits for them.
  void stop();

 private:
  struct Job;
  void reap();  // joins the threads of deploys that ended

  StoreOpener open_store_;
  const Clock& clock_;
  const Policy& policy_;
  DeployOptions base_;
  int slots_;
  std::atomic<bool> stop_{false};
  std::mutex lock_;
  std::list<std::shared_ptr<Job>> jobs_;
};

}  // namespace beaver
