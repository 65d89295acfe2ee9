// Running a deploy: the lease, batches of hosts in parallel, each host's steps, and switching a
// bad version back wherever it went.

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <variant>

#include "deploy/deploy.hpp"
#include "deploy/health.hpp"
#include "package/archive.hpp"
#include "process/process.hpp"

namespace beaver {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// One host of a running deploy.
struct HostRun {
  PlannedHost planned;
  std::unique_ptr<HostTransport> transport;
  std::string previous;  // the release current pointed at before, or empty
  bool switched = false;
  HostOutcome outcome;
};

class Runner {
 public:
  Runner(Ledger& ledger, const Clock& clock, const std::string& actor, const DeployPlan& plan,
         const DeployOptions& options, DeployObserver& observer, int64_t deploy_id)
      : ledger_(ledger),
        clock_(clock),
        actor_(actor),
        plan_(plan),
        options_(options),
        observer_(observer),
        deploy_id_(deploy_id) {}

  bool stop_requested() const {
    return lost_lease_.load() || asked_to_stop_.load() ||
           (options_.stop != nullptr && options_.stop->load());
  }

  // One step on one host: told to the observer, recorded in the ledger.
  Result<HostReply> step(HostRun& h, const std::string& name,
                         const std::function<Result<HostReply>()>& action) {
    {
      std::lock_guard lock(mutex_);
      observer_.step_started(h.planned.host.url, name);
    }
    auto at = clock_.now();
    auto started = std::chrono::steady_clock::now();
    auto reply = action();
    DeployStep s;
    s.deploy_id = deploy_id_;
    s.host = h.planned.host.url;
    s.batch = h.planned.batch;
    s.step = name;
    s.started_at = at;
    s.elapsed_ms =
        std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started)
            .count();
    if (!reply) {
      s.status = "failed";
      s.output = reply.error().message;
    } else {
      s.status = reply->exit_code == 0 ? "ok" : "failed";
      s.output = reply->output;
      while (!s.output.empty() && s.output.back() == '\n') s.output.pop_back();
    }
    {
      std::lock_guard lock(mutex_);
      observer_.step_finished(s);
    }
    queue(std::move(s));
    return reply;
  }

  // For the writer, in the order things happened: steps, and the lines among them.
  void queue(std::variant<DeployStep, DeployEvent> item) {
    {
      std::lock_guard lock(queue_mutex_);
      queue_.push_back(std::move(item));
    }
    queue_cv_.notify_one();
  }

  // A note told to the observer and recorded, so a follower elsewhere prints it too.
  void note(const std::string& line) {
    {
      std::lock_guard lock(mutex_);
      observer_.note(line);
    }
    DeployEvent e;
    e.deploy_id = deploy_id_;
    e.kind = "note";
    e.note = line;
    queue(std::move(e));
  }

  // Records the steps the hosts' threads queue, each wake-up's worth in one transaction: a
  // durable commit per step, under one lock, would make hosts wait on each other's commits.
  void write_steps() {
    std::unique_lock lock(queue_mutex_);
    for (;;) {
      queue_cv_.wait(lock, [&] { return !queue_.empty() || writer_done_; });
      if (queue_.empty()) return;
      std::vector<std::variant<DeployStep, DeployEvent>> batch;
      batch.swap(queue_);
      lock.unlock();
      std::vector<DeployStep> steps;
      std::vector<DeployEvent> events;
      for (auto& item : batch) {
        if (auto* step = std::get_if<DeployStep>(&item)) {
          steps.push_back(std::move(*step));
        } else {
          auto& event = std::get<DeployEvent>(item);
          event.after_steps = steps_recorded_ + static_cast<int64_t>(steps.size());
          events.push_back(std::move(event));
        }
      }
      Result<void> recorded;
      {
        std::lock_guard ledger_lock(ledger_mutex_);
        recorded = ledger_.record_progress(steps, events);
      }
      if (recorded) {
        steps_recorded_ += static_cast<int64_t>(steps.size());
      } else {
        std::lock_guard observer_lock(mutex_);
        observer_.note(
            fmt::format("could not record {} step(s): {}", steps.size(), recorded.error().message));
      }
      lock.lock();
    }
  }

  void start_writer() {
    writer_ = std::thread([this] { write_steps(); });
  }
  // Returns once every step queued so far is recorded.
  void stop_writer() {
    {
      std::lock_guard lock(queue_mutex_);
      writer_done_ = true;
    }
    queue_cv_.notify_one();
    if (writer_.joinable()) writer_.join();
  }

  static bool ok(const Result<HostReply>& r) { return r && r->exit_code == 0; }
  static std::string why(const Result<HostReply>& r) {
    if (!r) return r.error().message;
    std::string text = r->output;
    while (!text.empty() && text.back() == '\n') text.pop_back();
    auto nl = text.rfind('\n');
    return nl == std::string::npos ? text : text.substr(nl + 1);
  }

  // Where the release being deployed runs on `h`.
  HealthTarget target(const HostRun& h) const {
    return {h.planned.port, plan_.spec.health.path, plan_.spec.health.timeout};
  }

  // Where the release `h` ran before runs there: as its own beaver.yaml says, read once per
  // release and host; as the plan's when the ledger or the package store cannot tell. The
  // package is read outside the ledger's lock, which the other hosts' steps wait for.
  HealthTarget earlier_target(const HostRun& h) {
    auto key = h.previous + '\n' + h.planned.host.url;
    {
      std::lock_guard guard(earlier_mutex_);
      if (auto known = earlier_.find(key); known != earlier_.end())
        return known->second.value_or(target(h));
    }
    std::optional<PackageRecord> package;
    {
      std::lock_guard guard(ledger_mutex_);
      package = earlier_package(ledger_, actor_, plan_, h.previous);
    }
    auto found = package ? packaged_health_target(*package, plan_, options_, h.planned.host.url)
                         : std::nullopt;
    std::lock_guard guard(earlier_mutex_);
    earlier_.emplace(key, found);
    return found.value_or(target(h));
  }

  // The arguments of the host's `start` that runs release `release_dir` on `port`: the host writes
  // them down (conf/env), so whoever starts it next starts it the same way.
  std::vector<std::string> start_args(const std::string& release_dir, int port) const {
    std::vector<std::string> args{plan_.release.service, std::to_string(port)};
    auto dash = release_dir.rfind('-');
    int64_t id = 0;
    const char* end = release_dir.data() + release_dir.size();
    if (dash != std::string::npos) {
      auto [at, ec] = std::from_chars(release_dir.data() + dash + 1, end, id);
      if (ec == std::errc{} && at == end && id > 0)
        args.insert(args.end(), {std::to_string(id), plan_.release.env});
    }
    return args;
  }

  Result<HostReply> health(HostRun& h, const HealthTarget& t) {
    return step(h, "health", [&]() -> Result<HostReply> {
      auto r = check_health(h.transport->address(), t.port, t.path, t.timeout, [&] {
        auto s = h.transport->run("status", {plan_.release.service}, {}, std::chrono::seconds(30));
        return !s || s->exit_code != 3;
      });
      return HostReply{
          r.healthy ? 0 : 1,
          fmt::format("GET http://{}:{}{}: {} after {} attempt{} in {:.2f}s",
                      h.transport->address(), t.port, t.path, r.last, r.attempts,
                      r.attempts == 1 ? "" : "s", static_cast<double>(r.elapsed.count()) / 1000.0),
          r.elapsed};
    });
  }

  // Puts a host back on the release it ran before this deploy (or stops it when there was none).
  bool restore(HostRun& h) {
    const std::string& svc = plan_.release.service;
    step(h, "stop", [&] { return h.transport->run("stop", {svc}, {}, std::chrono::minutes(2)); });
    if (h.previous.empty()) {
      bool unlinked = ok(step(h, "unlink", [&] { return h.transport->run("unlink", {}); }));
      h.switched = !unlinked;
      h.outcome.outcome = unlinked ? "restored" : "failed";
      h.outcome.note =
          unlinked ? "stopped; no earlier release to go back to" : "could not remove current";
      return unlinked;
    }
    if (!ok(step(h, "switch-back", [&] { return h.transport->run("switch", {h.previous}); }))) {
      h.outcome.outcome = "failed";
      h.outcome.note = "could not switch back to " + h.previous;
      return false;
    }
    h.switched = false;
    HealthTarget earlier = earlier_target(h);
    bool back = ok(step(h, "start",
                        [&] {
                          return h.transport->run("start", start_args(h.previous, earlier.port), {},
                                                  std::chrono::minutes(2));
                        })) &&
                ok(health(h, earlier));
    h.outcome.outcome = back ? "restored" : "failed";
    h.outcome.note = back ? "back on " + h.previous
                          : "switched back to " + h.previous + ", but it is not healthy";
    return back;
  }

  void deploy_host(HostRun& h) {
    const std::string& svc = plan_.release.service;
    const std::string& dir = plan_.release_dir;
    std::string upload = plan_.package.sha256 + ".tar.gz";
    h.outcome.host = h.planned.host.url;
    h.outcome.batch = h.planned.batch;
    auto transport = make_transport(h.planned.host, svc, options_.transport);
    auto fail_with = [&](const std::string& note) {
      h.outcome.outcome = "failed";
      h.outcome.note = note;
    };
    if (!transport) return fail_with(transport.error().message);
    h.transport = std::move(*transport);
    if (stop_requested()) {
      h.outcome.outcome = "not_started";
      return;
    }
    if (auto r = step(h, "prepare", [&] { return h.transport->prepare(); }); !ok(r))
      return fail_with(why(r));
    auto current = step(h, "current", [&] { return h.transport->run("current", {}); });
    if (!ok(current)) return fail_with(why(current));
    h.previous = current->output;
    while (!h.previous.empty() && (h.previous.back() == '\n' || h.previous.back() == '\r'))
      h.previous.pop_back();
    // A repair of a host that runs the release but drifted: its files replaced by the
    // package's, the service stopped meanwhile. What drifted is not kept, so a failure there
    // leaves the host failed rather than switched back.
    bool in_place = plan_.repair && h.previous == dir;
    if (h.previous == dir && !in_place) {
      // An earlier attempt got this host there already.
      if (ok(health(h, target(h)))) {
        h.outcome.outcome = "unchanged";
        h.outcome.note = "already on " + dir;
        return;
      }
      return fail_with(dir + " is current there but not healthy");
    }
    std::vector<std::tuple<const char*, const char*, std::vector<std::string>>> staging{
        {"upload", "receive", {upload}}, {"verify", "verify", {upload, plan_.package.sha256}}};
    if (!in_place) staging.push_back({"unpack", "unpack", {upload, dir}});
    for (const auto& [name, op, args] : staging) {
      if (stop_requested()) {
        h.outcome.outcome = "not_started";
        h.outcome.note = "stopped before the switch; still on " +
                         (h.previous.empty() ? std::string("nothing") : h.previous);
        return;
      }
      fs::path input = std::string(op) == "receive" ? plan_.package_file : fs::path{};
      auto r = step(h, name, [&] { return h.transport->run(op, args, input); });
      if (!ok(r)) return fail_with(fmt::format("{}: {}", name, why(r)));
    }
    // From here the host changes; it is seen through (or switched back) even when asked to stop.
    if (auto r = step(h, "stop",
                      [&] { return h.transport->run("stop", {svc}, {}, std::chrono::minutes(2)); });
        !ok(r))
      return fail_with(fmt::format("stop: {}", why(r)));
    const char* change = in_place ? "replace" : "switch";
    std::vector<std::string> change_args{dir};
    if (in_place) change_args.insert(change_args.begin(), upload);
    if (auto r = step(h, change, [&] { return h.transport->run(change, change_args); }); !ok(r)) {
      fail_with(fmt::format("{}: {}", change, why(r)));
      if (!in_place) restore(h);
      h.outcome.outcome = "failed";
      return;
    }
    h.switched = !in_place;
    auto started = step(h, "start", [&] {
      return h.transport->run("start", start_args(plan_.release_dir, h.planned.port), {},
                              std::chrono::minutes(2));
    });
    auto healthy = ok(started) ? health(h, target(h)) : started;
    if (!ok(healthy)) {
      std::string note = fmt::format("{}: {}", ok(started) ? "health" : "start", why(healthy));
      if (in_place) return fail_with(note);
      restore(h);
      h.outcome.outcome = "failed";
      h.outcome.note = note + (h.switched ? "; could not switch back" : "; switched back");
      return;
    }
    if (!in_place)
      step(h, "prune", [&] { return h.transport->run("prune", {std::to_string(plan_.keep)}); });
    h.outcome.outcome = "deployed";
    h.outcome.note = in_place ? "repaired: " + dir + " as packaged" : "on " + dir;
  }

  // The plan's pause before batch `next` (counted from 0): the hosts moved so far are checked
  // until it ends, and must answer every time. One that does not fails as if its own deploy had,
  // and is switched back; false then. A stop asked meanwhile ends the pause at once.
  bool hold(const std::vector<HostRun*>& moved, size_t next) {
    using Steady = std::chrono::steady_clock;
    note(fmt::format("pausing {} before batch {}: the {} host{} moved so far must stay healthy",
                     format_duration(plan_.pause), next + 1, moved.size(),
                     moved.size() == 1 ? "" : "s"));
    const auto every =
        std::clamp<milliseconds>(std::chrono::duration_cast<milliseconds>(plan_.pause) / 10,
                                 milliseconds(500), milliseconds(10000));
    const auto end = Steady::now() + plan_.pause;
    int rounds = 0;
    for (;;) {
      ++rounds;
      for (auto* h : moved) {
        HealthTarget t = target(*h);
        auto r = check_health(h->transport->address(), t.port, t.path, std::chrono::seconds(2));
        if (r.healthy) continue;
        std::string why = fmt::format("GET http://{}:{}{}: {} during the pause before batch {}",
                                      h->transport->address(), t.port, t.path, r.last, next + 1);
        step(*h, "pause", [&]() -> Result<HostReply> { return HostReply{1, why, r.elapsed}; });
        restore(*h);
        h->outcome.outcome = "failed";
        h->outcome.note = "unhealthy during the pause: " + r.last +
                          (h->switched ? "; could not switch back" : "; switched back");
        host_finished(*h);
        return false;
      }
      if (Steady::now() >= end || stop_requested()) break;
      auto wake = std::min(end, Steady::now() + every);
      while (Steady::now() < wake && !stop_requested())
        std::this_thread::sleep_for(
            std::min<Steady::duration>(milliseconds(100), wake - Steady::now()));
    }
    for (auto* h : moved)
      step(*h, "pause", [&]() -> Result<HostReply> {
        return HostReply{0, fmt::format("healthy through the pause before batch {} ({} check{})",
                                        next + 1, rounds, rounds == 1 ? "" : "s")};
      });
    return true;
  }

  // Runs `work` on each host, at most options_.parallel at a time.
  void each(std::vector<HostRun*>& hosts, const std::function<void(HostRun&)>& work) {
    size_t next = 0;
    std::mutex m;
    auto worker = [&] {
      for (;;) {
        HostRun* h;
        {
          std::lock_guard lock(m);
          if (next == hosts.size()) return;
          h = hosts[next++];
        }
        work(*h);
      }
    };
    size_t n = std::min<size_t>(hosts.size(), static_cast<size_t>(std::max(1, options_.parallel)));
    std::vector<std::thread> threads;
    for (size_t i = 1; i < n; ++i) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
  }

  void host_finished(const HostRun& h) {
    {
      std::lock_guard lock(mutex_);
      observer_.host_finished(h.outcome.host, h.outcome.outcome);
    }
    queue(host_event("host", h.outcome));
  }

  DeployEvent host_event(const char* kind, const HostOutcome& o) const {
    return DeployEvent{deploy_id_, 0, kind, o.host, o.batch, o.outcome, o.note};
  }

  // Each host's outcome, placed after every step: what finish_deploy records.
  std::vector<DeployEvent> outcomes(const DeployResult& result) const {
    std::vector<DeployEvent> out;
    for (const auto& h : result.hosts) {
      out.push_back(host_event("outcome", h));
      out.back().after_steps = steps_recorded_;
    }
    return out;
  }

  DeployResult run() {
    DeployResult result;
    result.deploy_id = deploy_id_;
    std::vector<std::unique_ptr<HostRun>> all;
    bool failed = false, interrupted = false;
    for (const auto& batch : plan_.batches) {
      std::vector<HostRun*> runs;
      for (const auto& p : batch) {
        all.push_back(std::make_unique<HostRun>());
        all.back()->planned = p;
        all.back()->outcome = {p.host.url, p.batch, "not_started", ""};
        runs.push_back(all.back().get());
      }
      // Before each batch the lease is read as well: a stop asked before a batch starts always
      // keeps it from starting, however short the one before.
      if (!failed && !interrupted && !asked_to_stop_) look_for_stop_request();
      if (plan_.pause.count() > 0 && &batch != &plan_.batches.front() && !failed && !interrupted &&
          !stop_requested()) {
        std::vector<HostRun*> moved;
        for (auto& h : all)
          if (h->outcome.outcome == "deployed" || h->outcome.outcome == "unchanged")
            moved.push_back(h.get());
        if (!moved.empty() && !hold(moved, static_cast<size_t>(&batch - &plan_.batches.front())))
          failed = true;
      }
      if (failed || interrupted || stop_requested()) {
        interrupted = interrupted || (!failed && stop_requested());
        continue;
      }
      each(runs, [&](HostRun& h) {
        deploy_host(h);
        host_finished(h);
      });
      for (auto* h : runs) {
        if (h->outcome.outcome == "failed") failed = true;
        if (h->outcome.outcome == "not_started") interrupted = true;
      }
      if (!failed && stop_requested()) interrupted = true;
    }
    bool restored_all = true;
    // A repair moves hosts back to the live release: nothing to switch back to.
    if (failed && !plan_.repair) {
      // A bad version never stays up: every host this deploy moved goes back.
      std::vector<HostRun*> moved;
      for (auto& h : all)
        if (h->outcome.outcome == "deployed") moved.push_back(h.get());
      if (!moved.empty())
        note(fmt::format("switching {} host{} back", moved.size(), moved.size() == 1 ? "" : "s"));
      each(moved, [&](HostRun& h) {
        restore(h);
        host_finished(h);
      });
      for (auto& h : all) restored_all = restored_all && !h->switched;
    }
    for (auto& h : all) {
      if (h->transport) h->transport->close();
      result.hosts.push_back(h->outcome);
    }
    std::vector<std::string> problems;
    for (const auto& h : result.hosts)
      if (h.outcome == "failed") problems.push_back(fmt::format("{}: {}", h.host, h.note));
    if (failed) {
      result.status = restored_all && !plan_.repair ? "rolled_back" : "failed";
      result.message = fmt::format("{}", fmt::join(problems, "; "));
    } else if (interrupted) {
      result.status = "interrupted";
      if (lost_lease_) {
        result.message = lease_message_;
      } else {
        // Told at once by its server's executor, the request is on the lease all the same.
        if (!asked_to_stop_) look_for_stop_request();
        result.message = fmt::format("stopped by {} between steps",
                                     asked_to_stop_ ? stopped_by() : options_.stopped_by);
      }
    } else {
      result.status = "deployed";
    }
    return result;
  }

  // Until `done`: looks every second for a stop asked of this deploy on its lease (by a user of
  // any process: `beaver deploy-stop`, the API of any server), and renews the lease every third
  // of its length; a lease lost stops the deploy between steps.
  void keep_lease(const std::atomic<bool>& done, std::mutex& m, std::condition_variable& cv) {
    using Clock = std::chrono::steady_clock;
    const auto every = std::chrono::milliseconds(options_.lease) / 3;
    const auto look = std::min<std::chrono::milliseconds>(std::chrono::seconds(1), every);
    auto renew_at = Clock::now() + every;
    std::unique_lock lock(m);
    while (!cv.wait_for(lock, look, [&] { return done.load(); })) {
      if (!asked_to_stop_ && look_for_stop_request())
        note(fmt::format("{} asked to stop this deploy", stopped_by()));
      if (Clock::now() < renew_at) continue;
      renew_at = Clock::now() + every;
      Result<void> renewed;
      {
        std::lock_guard guard(ledger_mutex_);
        renewed = ledger_.renew_lease(deploy_id_, plan_.release.service, plan_.release.env,
                                      options_.lease);
      }
      if (!renewed && renewed.error().kind == ErrorKind::conflict) {
        lease_message_ = renewed.error().message;
        lost_lease_ = true;
        note(lease_message_);
      }
    }
  }

  // Whether someone asked this deploy to stop (then named in stopped_by_), as its lease says.
  // A ledger that cannot tell now is asked again at the next look.
  bool look_for_stop_request() {
    Result<std::optional<std::string>> asked;
    {
      std::lock_guard guard(ledger_mutex_);
      asked = ledger_.deploy_stop_request(deploy_id_, plan_.release.service, plan_.release.env);
    }
    if (!asked || !*asked) return false;
    std::lock_guard hold(stopped_by_mutex_);
    stopped_by_ = **asked;
    asked_to_stop_ = true;
    return true;
  }

  std::string stopped_by() {
    std::lock_guard hold(stopped_by_mutex_);
    return stopped_by_;
  }

 private:
  Ledger& ledger_;
  const Clock& clock_;
  const std::string& actor_;
  const DeployPlan& plan_;
  const DeployOptions& options_;
  DeployObserver& observer_;
  int64_t deploy_id_;
  std::mutex mutex_;         // the observer: one thread at a time
  std::mutex ledger_mutex_;  // the ledger's connection: one thread at a time
  // By the release a host ran before and the host: where that release runs (earlier_target).
  std::mutex earlier_mutex_;
  std::map<std::string, std::optional<HealthTarget>> earlier_;
  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::vector<std::variant<DeployStep, DeployEvent>> queue_;  // done, not recorded yet
  int64_t steps_recorded_ = 0;  // by the writer only, then read after it stopped
  bool writer_done_ = false;
  std::thread writer_;
  std::atomic<bool> lost_lease_{false};
  std::string lease_message_;
  std::atomic<bool> asked_to_stop_{false};  // through the ledger, by stopped_by_
  std::mutex stopped_by_mutex_;             // the lease's thread and the deploy's may both look
  std::string stopped_by_;
};

}  // namespace

Result<DeployResult> run_deploy(Ledger& ledger, const Clock& clock, const std::string& actor,
                                const DeployPlan& plan, const DeployOptions& options,
                                DeployObserver& observer) {
  auto sha = sha256_file(plan.package_file);
  if (!sha) return std::unexpected(sha.error());
  DeployClaim claim;
  claim.package_sha256 = *sha;
  claim.batches = plan.batches_text;
  claim.machine = machine_name();
  claim.pid = getpid();
  claim.pid_start = process_start_time(claim.pid);
  claim.lease = options.lease;
  claim.break_glass = plan.break_glass;
  auto started = ledger.start_deploy(actor, plan.release.id, claim);
  if (!started) return std::unexpected(started.error());
  for (const auto& line : started->recovered) observer.note(line);
  observer.started(plan, started->deploy.id);
  Runner runner(ledger, clock, actor, plan, options, observer, started->deploy.id);
  std::atomic<bool> done{false};
  std::mutex m;
  std::condition_variable cv;
  std::thread lease([&] { runner.keep_lease(done, m, cv); });
  runner.start_writer();
  auto result = runner.run();
  runner.stop_writer();
  {
    std::lock_guard lock(m);
    done = true;
  }
  cv.notify_all();
  lease.join();
  result.recovered = started->recovered;
  auto finished = ledger.finish_deploy(actor, result.deploy_id, result.status, result.message,
                                       runner.outcomes(result));
  if (!finished) return std::unexpected(finished.error());
  return result;
}

}  // namespace beaver
