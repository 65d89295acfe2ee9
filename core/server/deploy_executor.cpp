#include "server/deploy_executor.hpp"

#include <future>

#include "notify/notify_queue.hpp"

namespace beaver {

struct DeployExecutor::Job {
  std::thread thread;
  std::atomic<bool> done{false};
  std::atomic<int64_t> deploy_id{0};  // once it holds the lease
  std::atomic<bool> stop{false};      // the deploy's: set by stop_deploy or by stop()
};

namespace {

using Started = DeployExecutor::Started;

// Hands the deploy's id and plan to the waiting request as soon as the deploy has started; the
// notes before that are the leases it took over.
class StartSignal final : public DeployObserver {
 public:
  StartSignal(std::promise<Result<Started>>& started, std::atomic<int64_t>& deploy_id)
      : started_(started), deploy_id_(deploy_id) {}
  void note(const std::string& line) override {
    if (!settled_) recovered_.push_back(line);
  }
  void started(const DeployPlan& plan, int64_t deploy_id) override {
    deploy_id_ = deploy_id;
    settle(Started{deploy_id, plan, recovered_});
  }
  void settle(Result<Started> outcome) {
    if (settled_.exchange(true)) return;
    started_.set_value(std::move(outcome));
  }

 private:
  std::promise<Result<Started>>& started_;
  std::atomic<int64_t>& deploy_id_;
  std::vector<std::string> recovered_;
  std::atomic<bool> settled_{false};
};

}  // namespace

DeployExecutor::DeployExecutor(StoreOpener open_store, const Clock& clock, const Policy& policy,
                               DeployOptions base, int slots)
    : open_store_(std::move(open_store)),
      clock_(clock),
      policy_(policy),
      base_(std::move(base)),
      slots_(slots) {}

DeployExecutor::~DeployExecutor() { stop(); }

void DeployExecutor::reap() {
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    if ((*it)->done) {
      (*it)->thread.join();
      it = jobs_.erase(it);
    } else {
      ++it;
    }
  }
}

Result<Started> DeployExecutor::start(const std::string& actor, int64_t release_id,
                                      const std::optional<std::string>& batches, int parallel,
                                      bool repair, const std::optional<std::string>& break_glass) {
  auto started = std::make_shared<std::promise<Result<Started>>>();
  auto outcome = started->get_future();
  {
    std::lock_guard hold(lock_);
    reap();
    if (stop_) return fail(ErrorKind::unavailable, "the server is stopping; deploy later");
    if (static_cast<int>(jobs_.size()) >= slots_)
      return fail(ErrorKind::unavailable,
                  "{} deploys are running, as many as this server runs at once; try again when "
                  "one ends",
                  jobs_.size());
    auto job = std::make_shared<Job>();
    DeployOptions options = base_;
    options.batches = batches;
    options.parallel = parallel;
    options.repair = repair;
    options.break_glass = break_glass;
    options.stop = &job->stop;
    // A stop asked through the API is named on the lease; one with no name there is the server's.
    options.stopped_by = "the server stopping (SIGTERM or SIGINT)";
    job->thread = std::thread([this, job, started, actor, release_id, options] {
      StartSignal signal(*started, job->deploy_id);
      auto store = open_store_();
      if (!store) {
        signal.settle(std::unexpected(store.error()));
      } else {
        Ledger ledger(**store, clock_, &policy_, notification_outbox());
        auto plan = plan_deploy(ledger, actor, release_id, options);
        if (!plan) {
          signal.settle(std::unexpected(plan.error()));
        } else {
          auto result = run_deploy(ledger, clock_, actor, *plan, options, signal);
          // Settled by `started` when the deploy began; here only when it was refused.
          if (!result) signal.settle(std::unexpected(result.error()));
        }
      }
      job->done = true;
    });
    jobs_.push_back(job);
  }
  return outcome.get();
}

Result<void> DeployExecutor::stop_deploy(int64_t deploy_id) {
  std::lock_guard hold(lock_);
  for (auto& job : jobs_)
    if (!job->done && job->deploy_id == deploy_id) {
      job->stop = true;
      return {};
    }
  return fail(ErrorKind::conflict, "deploy {} is not run by this server", deploy_id);
}

void DeployExecutor::stop() {
  std::list<std::shared_ptr<Job>> jobs;
  {
    std::lock_guard hold(lock_);
    stop_ = true;
    jobs.swap(jobs_);
  }
  for (auto& job : jobs) {
    job->stop = true;
    job->thread.join();
  }
}

}  // namespace beaver
