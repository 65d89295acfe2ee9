// beaver deploy | rollback | status: putting releases on hosts and asking what runs there.

#include <Poco/JSON/Array.h>
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "commands.hpp"
#include "deploy/deploy.hpp"
#include "deploy/status.hpp"
#include "package/archive.hpp"
#include "paths/paths.hpp"

namespace beaver::cli {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_interrupt(int) {
  g_stop = true;
  // A second Ctrl-C is not caught: it ends beaver at once.
  std::signal(SIGINT, SIG_DFL);
}

std::string seconds(int64_t ms) { return fmt::format("{:.2f}s", static_cast<double>(ms) / 1000.0); }

// Progress on stderr. On a terminal: a line per host with its step and elapsed time, and an
// overall bar, redrawn in place; otherwise one timestamped line per step.
class TerminalDeploy final : public DeployObserver {
 public:
  explicit TerminalDeploy(bool live) : live_(live) {}
  ~TerminalDeploy() override { finish(); }

  void started(const DeployPlan& plan, int64_t deploy_id) override {
    std::lock_guard lock(m_);
    for (const auto& b : plan.batches)
      for (const auto& h : b) {
        order_.push_back(h.host.url);
        hosts_[h.host.url] = {h.batch, "waiting", {}, {}, false};
      }
    plain(fmt::format("deploy {}: release {} ({} {}) to {} host{} of {}, batches {}", deploy_id,
                      plan.release.id, plan.release.service, plan.release.version, order_.size(),
                      order_.size() == 1 ? "" : "s", plan.release.env, plan.batches_text));
    if (live_) ticker_ = std::thread([this] { tick(); });
  }
  void step_started(const std::string& host, const std::string& step) override {
    std::lock_guard lock(m_);
    auto& h = hosts_[host];
    h.step = step;
    h.since = std::chrono::steady_clock::now();
    if (h.first == std::chrono::steady_clock::time_point{}) h.first = h.since;
    redraw();
  }
  void step_finished(const DeployStep& s) override {
    std::lock_guard lock(m_);
    if (!live_ || s.status != "ok") {
      std::string last = s.output;
      if (auto nl = last.rfind('\n'); nl != std::string::npos) last = last.substr(nl + 1);
      plain(fmt::format("{} {} {} {} {}{}",
                        format_utc(std::chrono::time_point_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now())),
                        s.host, s.step, s.status, seconds(s.elapsed_ms),
                        s.status == "ok" || last.empty() ? "" : ": " + last));
    }
    redraw();
  }
  void host_finished(const std::string& host, const std::string& outcome) override {
    std::lock_guard lock(m_);
    auto& h = hosts_[host];
    h.step = outcome;
    h.done = true;
    if (!live_) plain(fmt::format("{} {}", host, outcome));
    redraw();
  }
  void note(const std::string& line) override {
    std::lock_guard lock(m_);
    plain(line);
  }

  void finish() {
    {
      std::lock_guard lock(m_);
      if (finished_) return;
      finished_ = true;
      redraw();
    }
    if (ticker_.joinable()) ticker_.join();
  }

 private:
  struct Host {
    int batch = 0;
    std::string step;
    std::chrono::steady_clock::time_point since, first;
    bool done = false;
  };

  // A line above the live block (which is redrawn under it).
  void plain(const std::string& line) {
    clear_block();
    std::cerr << line << "\n";
    drawn_ = 0;
    redraw();
  }
  void clear_block() {
    if (!live_ || drawn_ == 0) return;
    std::cerr << fmt::format("\x1b[{}A\x1b[J", drawn_);
    drawn_ = 0;
  }
  void redraw() {
    if (!live_ || order_.empty()) return;
    clear_block();
    auto now = std::chrono::steady_clock::now();
    size_t done = 0;
    for (const auto& url : order_) {
      const Host& h = hosts_[url];
      done += h.done ? 1 : 0;
      auto ms = h.first == std::chrono::steady_clock::time_point{}
                    ? 0
                    : std::chrono::duration_cast<std::chrono::milliseconds>(now - h.first).count();
      std::cerr << fmt::format("  [{}] {:<40.40} {:<12} {}\n", h.batch + 1, url, h.step,
                               h.done || ms == 0 ? "" : seconds(ms));
    }
    const size_t width = 30, filled = width * done / order_.size();
    std::cerr << fmt::format("  [{}{}] {}/{} hosts\n", std::string(filled, '#'),
                             std::string(width - filled, '-'), done, order_.size());
    std::cerr << std::flush;
    drawn_ = order_.size() + 1;
  }
  void tick() {
    std::unique_lock lock(m_);
    while (!finished_) {
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      lock.lock();
      if (!finished_) redraw();
    }
  }

  bool live_;
  std::mutex m_;
  std::vector<std::string> order_;
  std::map<std::string, Host> hosts_;
  size_t drawn_ = 0;
  bool finished_ = false;
  std::thread ticker_;
};

Result<DeployOptions> deploy_options() {
  DeployOptions o;
  auto home = beaver_home();
  if (!home) return std::unexpected(home.error());
  o.home = *home;
  o.transport.data_dir = data_dir();
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

Poco::JSON::Object::Ptr result_json(const DeployResult& r) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("deploy_id", r.deploy_id);
  o->set("status", r.status);
  o->set("message", r.message ? Poco::Dynamic::Var(*r.message) : Poco::Dynamic::Var());
  Poco::JSON::Array::Ptr hosts = new Poco::JSON::Array;
  for (const auto& h : r.hosts) {
    Poco::JSON::Object::Ptr j = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    j->set("host", h.host);
    j->set("batch", h.batch + 1);
    j->set("outcome", h.outcome);
    j->set("note", h.note);
    hosts->add(j);
  }
  o->set("hosts", hosts);
  return o;
}

// Runs the deploy of release `id` and prints how it ended; non-deployed outcomes are errors.
Result<void> deploy_release(Context& ctx, Ledger& ledger, const std::string& actor, int64_t id,
                            const std::optional<std::string>& batches, bool dry_run,
                            int parallel = 10) {
  auto options = deploy_options();
  if (!options) return std::unexpected(options.error());
  options->batches = batches;
  options->parallel = parallel;
  options->stop = &g_stop;
  auto plan = plan_deploy(ledger, actor, id, *options);
  if (!plan) return std::unexpected(plan.error());
  if (dry_run) {
    auto sha = sha256_file(plan->package_file);
    if (!sha) return std::unexpected(sha.error());
    DeployClaim claim;
    claim.package_sha256 = *sha;
    auto notes = ledger.check_deploy(actor, id, claim);
    if (!notes) return std::unexpected(notes.error());
    std::vector<std::string> text{fmt::format(
        "dry run: release {} ({} {}) to {}, batches {}; nothing is changed", id,
        plan->release.service, plan->release.version, plan->release.env, plan->batches_text)};
    for (const auto& n : *notes) text.push_back("  note: " + n);
    Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("release", id);
    json->set("batches_spec", plan->batches_text);
    Poco::JSON::Array::Ptr batches_json = new Poco::JSON::Array;
    for (size_t b = 0; b < plan->batches.size(); ++b) {
      text.push_back(fmt::format("  batch {}:", b + 1));
      Poco::JSON::Array::Ptr hosts = new Poco::JSON::Array;
      for (const auto& h : plan->batches[b]) {
        text.push_back(
            fmt::format("    {} (port {}): upload {}, verify, unpack into releases/{}, "
                        "stop, switch current, start, GET {} until healthy (at most "
                        "{}s), keep {}",
                        h.host.url, h.port, plan->package.file_name, plan->release_dir,
                        plan->spec.health.path, plan->spec.health.timeout.count(), plan->keep));
        hosts->add(h.host.url);
      }
      batches_json->add(hosts);
    }
    json->set("batches", batches_json);
    ctx.out.record(text, json);
    return {};
  }
  TerminalDeploy progress(isatty(STDERR_FILENO) != 0 && std::getenv("TERM") != nullptr &&
                          std::string_view(std::getenv("TERM")) != "dumb");
  auto previous = std::signal(SIGINT, on_interrupt);
  auto clock = ctx.clock();
  if (!clock) return std::unexpected(clock.error());
  auto result = run_deploy(ledger, **clock, actor, *plan, *options, progress);
  std::signal(SIGINT, previous);
  progress.finish();
  if (!result) return std::unexpected(result.error());
  Table t{{"HOST", "BATCH", "OUTCOME", "NOTE"}, {}};
  for (const auto& h : result->hosts)
    t.rows.push_back({h.host, std::to_string(h.batch + 1), h.outcome, h.note});
  ctx.out.line(fmt::format("deploy {} of release {}: {}", result->deploy_id, id, result->status));
  ctx.out.rows(t, result_json(*result));
  if (result->status != "deployed")
    return fail(ErrorKind::refused, "deploy {} of release {} ended {}: {}", result->deploy_id, id,
                result->status, result->message.value_or("see beaver release show"));
  return {};
}

}  // namespace

void register_deploy_commands(CLI::App& app, Context& ctx) {
  struct DeployArgs {
    std::string id, batches;
    bool dry_run = false;
    int parallel = 10;
  };
  auto da = std::make_shared<DeployArgs>();
  auto* deploy = app.add_subcommand(
      "deploy", "put an approved release on every host of its environment, batch by batch");
  deploy->add_option("ID", da->id, "the release")->required();
  deploy->add_flag("--dry-run", da->dry_run, "print the plan and the checks; change nothing");
  deploy->add_option("--batches", da->batches,
                     "hosts per batch, e.g. 1,50%,100% (default: beaver.yaml's, else all at once)");
  deploy->add_option("--parallel", da->parallel, "hosts of a batch deployed at once (default 10)")
      ->check(CLI::Range(1, 100));
  add_output_option(*deploy, ctx, {"table", "json"});
  on_release_change(deploy, ctx, [&ctx, da]() -> Result<void> {
    auto id = parse_release_id(da->id);
    if (!id) return std::unexpected(id.error());
    if (!da->batches.empty()) BEAVER_TRY(batch_sizes(da->batches, 1));
    auto session = ctx.session(Access::write, true);
    if (!session) return std::unexpected(session.error());
    auto& [actor, ledger] = *session;
    return deploy_release(ctx, ledger, actor, *id,
                          da->batches.empty() ? std::nullopt : std::optional(da->batches),
                          da->dry_run, da->parallel);
  });

  struct RollbackArgs {
    std::string service, env, to;
  };
  auto ra = std::make_shared<RollbackArgs>();
  auto* rollback = app.add_subcommand(
      "rollback",
      "put back the version deployed before the live one (or --to VERSION): a rollback release, "
      "deployed at once when the policy needs no approval for it");
  rollback->add_option("SERVICE", ra->service, "the service")->required();
  rollback->add_option("--env", ra->env, "the environment")->required();
  rollback->add_option("--to", ra->to, "the version to go back to (one deployed there before)");
  add_output_option(*rollback, ctx, {"table", "json"});
  on_release_change(rollback, ctx, [&ctx, ra]() -> Result<void> {
    auto session = ctx.session(Access::write, true);
    if (!session) return std::unexpected(session.error());
    auto& [actor, ledger] = *session;
    auto view = ledger.rollback(actor, ra->service, ra->env,
                                ra->to.empty() ? std::nullopt : std::optional(ra->to));
    if (!view) return std::unexpected(view.error());
    const Release& r = view->release;
    if (r.state != ReleaseState::approved) {
      ctx.out.record({fmt::format("release {} submitted: a rollback of {} on {} to {}", r.id,
                                  r.service, r.env, r.version),
                      fmt::format("  waiting for {}", view->waiting_for()),
                      fmt::format("  then: beaver deploy {}", r.id)},
                     release_view_json(*view));
      return {};
    }
    ctx.out.line(fmt::format("release {} approved: a rollback of {} on {} to {}", r.id, r.service,
                             r.env, r.version));
    return deploy_release(ctx, ledger, actor, r.id, std::nullopt, false);
  });

  struct StatusArgs {
    std::string service, env;
  };
  auto sa = std::make_shared<StatusArgs>();
  auto* status = app.add_subcommand(
      "status",
      "what runs on each host of an environment: version, commit, running, healthy, and drift "
      "from the ledger (changed files, a release never deployed there); exit 1 when any host "
      "drifts or is down");
  status->add_option("SERVICE", sa->service, "the service")->required();
  status->add_option("--env", sa->env, "the environment")->required();
  add_output_option(*status, ctx, {"table", "json"});
  on_run(status, ctx, [&ctx, sa]() -> Result<void> {
    auto session = ctx.session(Access::read, true);
    if (!session) return std::unexpected(session.error());
    auto& [actor, ledger] = *session;
    auto options = deploy_options();
    if (!options) return std::unexpected(options.error());
    auto st = env_status(ledger, actor, sa->service, sa->env, *options);
    if (!st) return std::unexpected(st.error());
    Table t{{"HOST", "RELEASE", "VERSION", "COMMIT", "RUNNING", "HEALTHY", "DRIFT"}, {}};
    Poco::JSON::Array::Ptr hosts = new Poco::JSON::Array;
    for (const auto& h : st->hosts) {
      std::string drift =
          h.reachable ? (h.drift.empty() ? "none" : fmt::format("{}", fmt::join(h.drift, "; ")))
                      : "unreachable: " + h.error;
      t.rows.push_back({h.host, h.release_dir.empty() ? "-" : h.release_dir,
                        h.version.empty() ? "-" : h.version,
                        h.commit.empty() ? "-" : h.commit.substr(0, 12), h.running ? "yes" : "no",
                        h.healthy ? "yes" : "no", drift});
      Poco::JSON::Object::Ptr j = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      j->set("host", h.host);
      j->set("reachable", h.reachable);
      j->set("release", h.release_dir);
      j->set("release_id", h.release_id ? Poco::Dynamic::Var(*h.release_id) : Poco::Dynamic::Var());
      j->set("version", h.version);
      j->set("commit", h.commit);
      j->set("running", h.running);
      j->set("healthy", h.healthy);
      j->set("health", h.health);
      Poco::JSON::Array::Ptr drift_json = new Poco::JSON::Array;
      for (const auto& d : h.drift) drift_json->add(d);
      j->set("drift", drift_json);
      j->set("error", h.error);
      hosts->add(j);
    }
    Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("service", st->service);
    json->set("env", st->env);
    json->set("live_release", st->live ? Poco::Dynamic::Var(st->live->id) : Poco::Dynamic::Var());
    json->set("live_version",
              st->live ? Poco::Dynamic::Var(st->live->version) : Poco::Dynamic::Var());
    json->set("ok", st->ok());
    json->set("hosts", hosts);
    ctx.out.line(
        fmt::format("{} on {}: the ledger's live release is {} ({}){}", st->service, st->env,
                    st->live->id, st->live->version,
                    st->lease ? fmt::format("; deploy {} is running", st->lease->deploy_id) : ""));
    ctx.out.rows(t, json);
    if (!st->ok())
      return fail(ErrorKind::refused, "{} on {}: {} of {} hosts drift or are down", st->service,
                  st->env,
                  std::count_if(st->hosts.begin(), st->hosts.end(),
                                [](const HostStatus& h) { return !h.ok(); }),
                  st->hosts.size());
    return {};
  });
}

}  // namespace beaver::cli
