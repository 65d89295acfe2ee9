// beaver deploy | rollback | status: putting releases on hosts and asking what runs there. On a
// local ledger a deploy runs here in the foreground; through a server it runs there, and this
// command follows its record and prints what the foreground run prints.

#include <Poco/JSON/Array.h>
#include <unistd.h>

#include <charconv>
#include <csignal>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "command_help.hpp"
#include "commands.hpp"
#include "deploy/deploy.hpp"
#include "ops/ops_json.hpp"
#include "paths/paths.hpp"
#include "release_text.hpp"

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

// How long a command line follows a deploy running on a server: BEAVER_DEPLOY_WAIT, else 2h.
Result<std::chrono::seconds> deploy_wait() {
  const char* wait = std::getenv("BEAVER_DEPLOY_WAIT");
  if (wait == nullptr || *wait == '\0') return std::chrono::hours(2);
  auto d = parse_duration(wait);
  if (!d || d->count() < 1)
    return fail(ErrorKind::bad_input, "BEAVER_DEPLOY_WAIT '{}' is not a duration of 1s or more",
                wait);
  return *d;
}

bool live_terminal() {
  return isatty(STDERR_FILENO) != 0 && std::getenv("TERM") != nullptr &&
         std::string_view(std::getenv("TERM")) != "dumb";
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

// How a deploy ended ({deploy_id, status, message, hosts}); an outcome but deployed is an error.
Result<void> print_outcome(Context& ctx, int64_t release_id, const Poco::JSON::Object::Ptr& r) {
  Table t{{"HOST", "BATCH", "OUTCOME", "NOTE"}, {}};
  auto hosts = r->getArray("hosts");
  for (size_t i = 0; hosts && i < hosts->size(); ++i) {
    auto h = hosts->getObject(static_cast<unsigned>(i));
    t.rows.push_back(
        {text_of(h, "host"), text_of(h, "batch"), text_of(h, "outcome"), text_of(h, "note")});
  }
  std::string status = text_of(r, "status");
  ctx.out.line(
      fmt::format("deploy {} of release {}: {}", text_of(r, "deploy_id"), release_id, status));
  ctx.out.rows(t, r);
  if (status != "deployed")
    return fail(ErrorKind::refused, "deploy {} of release {} ended {}: {}", text_of(r, "deploy_id"),
                release_id, status, optional_of(r, "message").value_or("see beaver release show"));
  return {};
}

// A dry run's plan and notes (deploy_plan_json with notes).
void print_plan(Context& ctx, const Poco::JSON::Object::Ptr& plan) {
  auto t = [&plan](const char* key) { return text_of(plan, key); };
  std::vector<std::string> text{
      fmt::format("dry run: release {} ({} {}) to {}, batches {}; nothing is changed", t("release"),
                  t("service"), t("version"), t("env"), t("batches_spec"))};
  if (auto notes = plan->getArray("notes"))
    for (size_t i = 0; i < notes->size(); ++i)
      text.push_back("  note: " + notes->getElement<std::string>(static_cast<unsigned>(i)));
  auto health = plan->getObject("health");
  auto hosts = plan->getArray("hosts");
  int batch = 0;
  for (size_t i = 0; hosts && i < hosts->size(); ++i) {
    auto h = hosts->getObject(static_cast<unsigned>(i));
    if (int b = h->getValue<int>("batch"); b != batch) {
      batch = b;
      text.push_back(fmt::format("  batch {}:", batch));
    }
    text.push_back(fmt::format(
        "    {} (port {}): upload {}, verify, unpack into releases/{}, stop, switch current, "
        "start, GET {} until healthy (at most {}s), keep {}",
        text_of(h, "host"), text_of(h, "port"), t("package_file"), t("release_dir"),
        text_of(health, "path"), text_of(health, "timeout_s"), t("keep")));
  }
  ctx.out.record(text, plan);
}

// Runs the deploy of release `id` here and prints how it ended; non-deployed outcomes are errors.
Result<void> deploy_release(Context& ctx, Ledger& ledger, const std::string& actor, int64_t id,
                            const std::optional<std::string>& batches, int parallel = 10) {
  auto home = beaver_home();
  if (!home) return std::unexpected(home.error());
  auto options = deploy_options_from_environment(*home, data_dir());
  if (!options) return std::unexpected(options.error());
  options->batches = batches;
  options->parallel = parallel;
  options->stop = &g_stop;
  auto plan = plan_deploy(ledger, actor, id, *options);
  if (!plan) return std::unexpected(plan.error());
  TerminalDeploy progress(live_terminal());
  auto previous = std::signal(SIGINT, on_interrupt);
  auto clock = ctx.clock();
  if (!clock) return std::unexpected(clock.error());
  auto result = run_deploy(ledger, **clock, actor, *plan, *options, progress);
  std::signal(SIGINT, previous);
  progress.finish();
  if (!result) return std::unexpected(result.error());
  return print_outcome(ctx, id, result_json(*result));
}

// Follows a deploy that runs on a server (`started`: its 202 answer) by reading its record until
// it ends, telling `progress` what the foreground run would have told it, in the same order.
Result<void> follow_deploy(Context& ctx, Operations& ops, const Poco::JSON::Object::Ptr& started) {
  auto wait = deploy_wait();
  if (!wait) return std::unexpected(wait.error());
  int64_t deploy_id = started->getValue<int64_t>("deploy_id");
  int64_t release_id = started->getValue<int64_t>("release_id");
  TerminalDeploy progress(live_terminal());
  if (auto recovered = started->getArray("recovered"))
    for (size_t i = 0; i < recovered->size(); ++i)
      progress.note(recovered->getElement<std::string>(static_cast<unsigned>(i)));
  progress.started(deploy_plan_from_json(started->getObject("plan")), deploy_id);
  // Ctrl-C stops following, not the deploy: it goes on on the server.
  g_stop = false;
  auto previous = std::signal(SIGINT, on_interrupt);
  auto deadline = std::chrono::steady_clock::now() + *wait;
  auto pause = std::chrono::milliseconds(50);
  size_t steps_told = 0, events_told = 0;
  Result<Poco::JSON::Object::Ptr> ended = fail(ErrorKind::internal, "not read yet");
  for (;;) {
    auto d = ops.show_deploy(deploy_id);
    if (!d) {
      ended = std::unexpected(d.error());
      break;
    }
    auto steps = (*d)->getArray("steps");
    auto events = (*d)->getArray("events");
    size_t step_count = steps ? steps->size() : 0, event_count = events ? events->size() : 0;
    auto tell_events = [&](size_t after) {
      for (; events_told < event_count; ++events_told) {
        auto e = events->getObject(static_cast<unsigned>(events_told));
        if (e->getValue<size_t>("after_steps") > after) return;
        if (text_of(e, "kind") == "note")
          progress.note(text_of(e, "note"));
        else
          progress.host_finished(text_of(e, "host"), text_of(e, "outcome"));
      }
    };
    for (; steps_told < step_count; ++steps_told) {
      tell_events(steps_told);
      progress.step_finished(
          deploy_step_from_json(steps->getObject(static_cast<unsigned>(steps_told))));
    }
    tell_events(steps_told);
    if (text_of(*d, "status") != "running") {
      ended = *d;
      break;
    }
    if (g_stop || std::chrono::steady_clock::now() >= deadline) {
      ended = fail(
          ErrorKind::refused,
          "deploy {} goes on on the server{}; follow it with 'beaver release show {}'", deploy_id,
          g_stop ? "" : fmt::format(" after {} (BEAVER_DEPLOY_WAIT)", format_duration(*wait)),
          release_id);
      break;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(500));
  }
  std::signal(SIGINT, previous);
  progress.finish();
  if (!ended) return std::unexpected(ended.error());
  Poco::JSON::Object::Ptr result = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  result->set("deploy_id", deploy_id);
  result->set("status", (*ended)->get("status"));
  result->set("message", (*ended)->get("message"));
  result->set("hosts", (*ended)->get("hosts"));
  return print_outcome(ctx, release_id, result);
}

// What `beaver status` prints (env_status_json); drift or a host down is an error.
Result<void> print_status(Context& ctx, const Poco::JSON::Object::Ptr& st) {
  Table t{{"HOST", "RELEASE", "VERSION", "COMMIT", "RUNNING", "HEALTHY", "DRIFT"}, {}};
  auto hosts = st->getArray("hosts");
  size_t bad = 0, count = hosts ? hosts->size() : 0;
  for (size_t i = 0; i < count; ++i) {
    auto h = hosts->getObject(static_cast<unsigned>(i));
    auto dash = [&h](const char* key) {
      auto v = text_of(h, key);
      return v.empty() ? std::string("-") : v;
    };
    std::vector<std::string> drift;
    if (auto list = h->getArray("drift"))
      for (size_t j = 0; j < list->size(); ++j)
        drift.push_back(list->getElement<std::string>(static_cast<unsigned>(j)));
    bad += h->getValue<bool>("ok") ? 0 : 1;
    t.rows.push_back({text_of(h, "host"), dash("release"), dash("version"),
                      text_of(h, "commit").empty() ? "-" : text_of(h, "commit").substr(0, 12),
                      h->getValue<bool>("running") ? "yes" : "no",
                      h->getValue<bool>("healthy") ? "yes" : "no",
                      h->getValue<bool>("reachable")
                          ? (drift.empty() ? "none" : fmt::format("{}", fmt::join(drift, "; ")))
                          : "unreachable: " + text_of(h, "error")});
  }
  auto running = optional_of(st, "deploy_running");
  ctx.out.line(fmt::format("{} on {}: the ledger's live release is {} ({}){}",
                           text_of(st, "service"), text_of(st, "env"), text_of(st, "live_release"),
                           text_of(st, "live_version"),
                           running ? fmt::format("; deploy {} is running", *running) : ""));
  ctx.out.rows(t, st);
  if (!st->getValue<bool>("ok"))
    return fail(ErrorKind::refused, "{} on {}: {} of {} hosts drift or are down",
                text_of(st, "service"), text_of(st, "env"), bad, count);
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
  auto* deploy = app.add_subcommand("deploy", "deploy an approved release, batch by batch");
  add_help(*deploy,
           "Puts an approved release on every host of its environment, batch by batch.\n\nThrough "
           "a server (--server, BEAVER_SERVER) the deploy runs there; this command follows it "
           "until it ends (at most BEAVER_DEPLOY_WAIT, 2h by default) and Ctrl-C stops only the "
           "following: beaver deploy-stop DEPLOY stops the deploy itself.",
           {"beaver deploy 42 --dry-run", "beaver deploy 42 --batches 1,50%,100%"});
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
    DeployRequest request{da->batches.empty() ? std::nullopt : std::optional(da->batches),
                          da->parallel, da->dry_run};
    if (da->dry_run || ctx.remote()) {
      auto ops = ctx.ops(Access::write, true);
      if (!ops) return std::unexpected(ops.error());
      auto answer = (*ops)->deploy(*id, request);
      if (!answer) return std::unexpected(answer.error());
      if (da->dry_run) {
        print_plan(ctx, *answer);
        return {};
      }
      return follow_deploy(ctx, **ops, *answer);
    }
    auto session = ctx.session(Access::write, true);
    if (!session) return std::unexpected(session.error());
    auto& [actor, ledger] = *session;
    return deploy_release(ctx, ledger, actor, *id, request.batches, request.parallel);
  });

  auto stop_id = std::make_shared<std::string>();
  auto* stop = app.add_subcommand("deploy-stop", "stop a running deploy between steps");
  add_help(*stop,
           "As Ctrl-C does where it runs: hosts already switched are seen through, later ones are "
           "not started, and the release ends interrupted. For ops or an admin; whichever process "
           "runs the deploy, the command line or a server, stops within a second.",
           {"beaver deploy-stop 7"});
  stop->add_option("DEPLOY", *stop_id, "the deploy (its id, as deploy and release show print it)")
      ->required();
  add_output_option(*stop, ctx, {"table", "json"});
  on_run(stop, ctx, [&ctx, stop_id]() -> Result<void> {
    int64_t id = 0;
    auto [end, ec] = std::from_chars(stop_id->data(), stop_id->data() + stop_id->size(), id);
    if (ec != std::errc{} || end != stop_id->data() + stop_id->size() || id <= 0)
      return fail(ErrorKind::bad_input, "'{}' is not a deploy id (a positive number)", *stop_id);
    auto ops = ctx.ops(Access::write, false);
    if (!ops) return std::unexpected(ops.error());
    auto d = (*ops)->stop_deploy(id);
    if (!d) return std::unexpected(d.error());
    auto release = text_of(*d, "release_id");
    ctx.out.record({fmt::format("deploy {} of release {} ({} {} on {}) asked to stop: it stops at "
                                "its next step; beaver release show {} tells how it ended",
                                id, release, text_of(*d, "service"), text_of(*d, "version"),
                                text_of(*d, "env"), release)},
                   *d);
    return {};
  });

  struct RollbackArgs {
    std::string service, env, to;
  };
  auto ra = std::make_shared<RollbackArgs>();
  auto* rollback =
      app.add_subcommand("rollback", "put back the version deployed before the live one");
  add_help(*rollback,
           "Or the version --to names, one deployed there before. It is a rollback release, "
           "deployed at once when the policy needs no approval for it.",
           {"beaver rollback hello-service --env prod",
            "beaver rollback hello-service --env prod --to 1.4.1"});
  rollback->add_option("SERVICE", ra->service, "the service")->required();
  rollback->add_option("--env", ra->env, "the environment")->required();
  rollback->add_option("--to", ra->to, "the version to go back to (one deployed there before)");
  add_output_option(*rollback, ctx, {"table", "json"});
  on_release_change(rollback, ctx, [&ctx, ra]() -> Result<void> {
    auto ops = ctx.ops(Access::write, true);
    if (!ops) return std::unexpected(ops.error());
    auto answer = (*ops)->rollback(
        {ra->service, ra->env, ra->to.empty() ? std::nullopt : std::optional(ra->to)});
    if (!answer) return std::unexpected(answer.error());
    auto view = (*answer)->getObject("release");
    auto t = [&view](const char* key) { return text_of(view, key); };
    if (t("status") != "approved") {
      ctx.out.record({fmt::format("release {} submitted: a rollback of {} on {} to {}", t("id"),
                                  t("service"), t("env"), t("version")),
                      fmt::format("  waiting for {}", t("waiting_for")),
                      fmt::format("  then: beaver deploy {}", t("id"))},
                     view);
      return {};
    }
    ctx.out.line(fmt::format("release {} approved: a rollback of {} on {} to {}", t("id"),
                             t("service"), t("env"), t("version")));
    if (ctx.remote()) {
      auto started = (*answer)->getObject("deploy");
      if (!started)
        return fail(ErrorKind::unavailable, "the server started no deploy of release {}", t("id"));
      return follow_deploy(ctx, **ops, started);
    }
    auto session = ctx.session(Access::write, true);
    if (!session) return std::unexpected(session.error());
    auto& [actor, ledger] = *session;
    return deploy_release(ctx, ledger, actor, view->getValue<int64_t>("id"), std::nullopt);
  });

  struct StatusArgs {
    std::string service, env;
  };
  auto sa = std::make_shared<StatusArgs>();
  auto* status = app.add_subcommand("status", "what runs on each host of an environment");
  add_help(
      *status,
      "Each host's version, commit, whether it runs and is healthy, and its drift from the ledger "
      "(changed files, a release never deployed there). Exits 1 when any host drifts or is down.",
      {"beaver status hello-service --env prod"});
  status->add_option("SERVICE", sa->service, "the service")->required();
  status->add_option("--env", sa->env, "the environment")->required();
  add_output_option(*status, ctx, {"table", "json"});
  on_run(status, ctx, [&ctx, sa]() -> Result<void> {
    // Through a server, the hosts are asked from there, as it deploys to them.
    auto ops = ctx.ops(Access::read, true);
    if (!ops) return std::unexpected(ops.error());
    auto st = (*ops)->env_status(sa->service, sa->env);
    if (!st) return std::unexpected(st.error());
    return print_status(ctx, *st);
  });
}

}  // namespace beaver::cli
