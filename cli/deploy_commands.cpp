// beaver deploy | rollback | status: putting releases on hosts and asking what runs there. On a
// local ledger a deploy runs here in the foreground; through a server it runs there, and this
// command follows its record and prints what the foreground run prints.

#include <Poco/JSON/Array.h>
#include <unistd.h>

#include <csignal>
#include <iostream>

#include "command_help.hpp"
#include "commands.hpp"
#include "deploy/deploy.hpp"
#include "deploy_progress.hpp"
#include "model/names.hpp"
#include "ops/follow_deploy.hpp"
#include "ops/ops_json.hpp"
#include "release_text.hpp"

namespace beaver::cli {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_interrupt(int) {
  g_stop = true;
  // A second Ctrl-C is not caught: it ends beaver at once.
  std::signal(SIGINT, SIG_DFL);
}

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

// Follows a deploy started on a server for at most BEAVER_DEPLOY_WAIT: how it ended.
Result<JsonObject> follow_started(Operations& ops, const JsonObject& started,
                                  DeployProgress& progress) {
  auto wait = deploy_wait();
  if (!wait) return std::unexpected(wait.error());
  return follow_deploy(ops, started, progress, *wait, g_stop);
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
  int64_t pause = plan->optValue<int64_t>("pause_s", 0);
  bool repair = plan->optValue<bool>("repair", false);
  std::vector<std::string> text{
      fmt::format("dry run: {} {} ({} {}) {} {}, {}{}; nothing is changed",
                  repair ? "repair of release"
                         : (plan->isNull("break_glass") ? "release" : "break glass: release"),
                  t("release"), t("service"), t("version"), repair ? "on" : "to", t("env"),
                  repair ? "the hosts that drift" : "batches " + t("batches_spec"),
                  pause > 0 && !repair ? fmt::format(", a pause of {}s between them", pause) : "")};
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

// Deploys release `id` through `ops` and prints how it ended; an outcome but deployed is an error.
// Here, the deploy runs in the foreground and Ctrl-C stops it between steps; through a server,
// it runs there and this follows it (Ctrl-C stops only the following).
Result<void> deploy_release(Context& ctx, Operations& ops, int64_t id,
                            const DeployRequest& request) {
  DeployProgress progress(DeployProgress::live_terminal());
  g_stop = false;
  auto previous = std::signal(SIGINT, on_interrupt);
  auto ended = [&]() -> Result<JsonObject> {
    if (!ctx.remote()) {
      HostAccess* hosts = ctx.host_access();
      hosts->observer = &progress;
      hosts->options.stop = &g_stop;
      auto answer = ops.deploy(id, request);
      hosts->observer = nullptr;
      return answer;
    }
    auto started = ops.deploy(id, request);
    if (!started) return started;
    return follow_started(ops, *started, progress);
  }();
  std::signal(SIGINT, previous);
  progress.finish();
  if (!ended) return std::unexpected(ended.error());
  return print_outcome(ctx, id, *ended);
}

// On a terminal, a deploy to an environment whose policy wants it confirmed (`confirm`, prod and
// production by default) asks first; anything but yes refuses it, and nothing changes. Scripts,
// whose stdin is no terminal, deploy as asked.
Result<void> confirm_deploy(Context& ctx, Operations& ops, int64_t id,
                            const DeployRequest& request) {
  if (isatty(STDIN_FILENO) == 0) return {};
  auto release = ops.show(id);
  if (!release) return std::unexpected(release.error());
  // A release the deploy will refuse (not approved, deployed already) is not worth a question.
  std::string status = text_of(*release, "status");
  bool glass = request.break_glass && status == "submitted";
  if (!request.repair && !glass && status != "approved" && status != "failed" &&
      status != "interrupted")
    return {};
  auto policy = ops.policy();
  if (!policy) return std::unexpected(policy.error());
  std::string env = text_of(*release, "env");
  bool wanted = false;
  if (auto list = (*policy)->getArray("confirm_environments"))
    for (const auto& name : *list) wanted = wanted || name.convert<std::string>() == env;
  if (!wanted) return {};
  std::string what = fmt::format(
      "{} release {} ({} {}) on {}",
      request.repair ? "repair with"
                     : (glass ? "break glass: deploy, before its approvals," : "deploy"),
      id, text_of(*release, "service"), text_of(*release, "version"), env);
  if (ctx.out.confirm(fmt::format("beaver: {}?", what), std::cin)) return {};
  return fail(ErrorKind::refused, "{}: not confirmed; nothing changed (--yes skips the question)",
              what);
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
  if (!st->getValue<bool>("ok")) {
    auto repair = optional_of(st, "repair");
    return fail(
        ErrorKind::refused, "{} on {}: {} of {} hosts drift or are down{}", text_of(st, "service"),
        text_of(st, "env"), bad, count,
        repair ? fmt::format("; to put the live release back where it drifts: {}", *repair) : "");
  }
  return {};
}

}  // namespace

void register_deploy_commands(CLI::App& app, Context& ctx) {
  struct DeployArgs {
    std::string id, batches;
    bool dry_run = false;
    bool repair = false;
    bool break_glass = false;
    std::string reason;
    bool yes = false;
    int64_t parallel = DeployRequest::kDefaultParallel;
  };
  auto da = std::make_shared<DeployArgs>();
  auto* deploy = app.add_subcommand("deploy", "deploy an approved release, batch by batch");
  add_help(
      *deploy,
      "Puts an approved release on every host of its environment, batch by batch.\n\nThrough "
      "a server (--server, BEAVER_SERVER) the deploy runs there; this command follows it "
      "until it ends (at most BEAVER_DEPLOY_WAIT, 2h by default) and Ctrl-C stops only the "
      "following: beaver deploy-stop DEPLOY stops the deploy itself.\n\nWith --repair, ID is the "
      "release live on its environment: its package goes back on the hosts whose status shows "
      "drift (edited or missing files, another release, nothing), recorded as a repair run "
      "of that release (ops or an admin).\n\nWith --break-glass, ID is a submitted emergency "
      "deployed before its approvals, where the policy allows it (emergency: break_glass): "
      "they stay owed, and its approvers are reminded until they are given within "
      "sign_within. A team with an overdue one breaks no glass again.",
      {"beaver deploy 42 --dry-run --batches 1,50%,100%",
       "beaver deploy 43 --break-glass --reason 'payments down since 02:10'"});
  ctx.values.declare(deploy->add_option("ID", da->id, "the release"), ValueKind::release)
      ->required();
  deploy->add_flag("--dry-run", da->dry_run, "print the plan and the checks; change nothing");
  deploy->add_flag("--yes,-y", da->yes,
                   "deploy without asking, on a terminal, where the policy wants it confirmed");
  deploy->add_flag("--repair", da->repair,
                   "put the live release ID back on the hosts that drift (see beaver status)");
  deploy->add_flag("--break-glass", da->break_glass,
                   "deploy the submitted emergency ID before its approvals (needs --reason)");
  deploy->add_option("--reason", da->reason, "why the glass is broken (with --break-glass)");
  deploy->add_option("--batches", da->batches,
                     "hosts per batch, e.g. 1,50%,100% (default: beaver.yaml's, else all at once)");
  deploy->add_option("--parallel", da->parallel,
                     fmt::format("hosts of a batch deployed at once, 1 to {} (default {})",
                                 DeployRequest::kMostParallel, DeployRequest::kDefaultParallel));
  add_output_option(*deploy, ctx, {"table", "json"});
  on_release_change(deploy, ctx, [&ctx, da]() -> Result<void> {
    auto id = parse_id("release", da->id);
    if (!id) return std::unexpected(id.error());
    if (da->break_glass && da->reason.empty())
      return fail(ErrorKind::bad_input, "--break-glass needs --reason TEXT: why it cannot wait");
    if (!da->break_glass && !da->reason.empty())
      return fail(ErrorKind::bad_input, "--reason goes with --break-glass");
    DeployRequest request{da->batches.empty() ? std::nullopt : std::optional(da->batches),
                          da->parallel, da->dry_run, da->repair,
                          da->break_glass ? std::optional(da->reason) : std::nullopt};
    auto ops = ctx.ops(Access::write, true);
    if (!ops) return std::unexpected(ops.error());
    if (!da->dry_run) {
      if (!da->yes) BEAVER_TRY(confirm_deploy(ctx, **ops, *id, request));
      return deploy_release(ctx, **ops, *id, request);
    }
    auto plan = (*ops)->deploy(*id, request);
    if (!plan) return std::unexpected(plan.error());
    print_plan(ctx, *plan);
    return {};
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
    auto id = parse_id("deploy", *stop_id);
    if (!id) return std::unexpected(id.error());
    auto ops = ctx.ops(Access::write, false);
    if (!ops) return std::unexpected(ops.error());
    auto d = (*ops)->stop_deploy(*id);
    if (!d) return std::unexpected(d.error());
    auto release = text_of(*d, "release_id");
    ctx.out.record({fmt::format("deploy {} of release {} ({} {} on {}) asked to stop: it stops at "
                                "its next step; beaver release show {} tells how it ended",
                                *id, release, text_of(*d, "service"), text_of(*d, "version"),
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
  ctx.values
      .declare(rollback->add_option("SERVICE", ra->service, "the service"), ValueKind::service)
      ->required();
  ctx.values
      .declare(rollback->add_option("--env", ra->env, "the environment"), ValueKind::environment)
      ->required();
  rollback->add_option("--to", ra->to, "the version to go back to (one deployed there before)");
  add_output_option(*rollback, ctx, {"table", "json"});
  on_release_change(rollback, ctx, [&ctx, ra]() -> Result<void> {
    auto ops = ctx.ops(Access::write, true);
    if (!ops) return std::unexpected(ops.error());
    // A rollback the policy lets through is deployed at once: here in the foreground, or on the
    // server, followed from here.
    DeployProgress progress(DeployProgress::live_terminal());
    g_stop = false;
    auto previous = std::signal(SIGINT, on_interrupt);
    if (!ctx.remote()) {
      HostAccess* hosts = ctx.host_access();
      hosts->observer = &progress;
      hosts->options.stop = &g_stop;
    }
    auto answer = (*ops)->rollback(
        {ra->service, ra->env, ra->to.empty() ? std::nullopt : std::optional(ra->to)});
    if (HostAccess* hosts = ctx.host_access()) hosts->observer = nullptr;
    std::optional<JsonObject> view;
    std::optional<Result<JsonObject>> ended;  // how its deploy ended, when one started
    if (answer) {
      view = (*answer)->getObject("release");
      if (auto started = (*answer)->getObject("deploy"))
        ended = ctx.remote() ? follow_started(**ops, started, progress) : started;
    }
    std::signal(SIGINT, previous);
    progress.finish();
    if (!answer) return std::unexpected(answer.error());
    auto t = [&view](const char* key) { return text_of(*view, key); };
    if (t("status") != "approved") {
      ctx.out.record({fmt::format("release {} submitted: a rollback of {} on {} to {}", t("id"),
                                  t("service"), t("env"), t("version")),
                      fmt::format("  waiting for {}", t("waiting_for")),
                      fmt::format("  then: beaver deploy {}", t("id"))},
                     *view);
      return {};
    }
    ctx.out.line(fmt::format("release {} approved: a rollback of {} on {} to {}", t("id"),
                             t("service"), t("env"), t("version")));
    if (!ended)
      return fail(ErrorKind::refused,
                  "release {} is not deployed: {}; deploy it with 'beaver "
                  "deploy {}'",
                  t("id"), optional_of(*answer, "deploy_error").value_or("no deploy started"),
                  t("id"));
    if (!*ended) return std::unexpected(ended->error());
    return print_outcome(ctx, (*view)->getValue<int64_t>("id"), **ended);
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
  ctx.values.declare(status->add_option("SERVICE", sa->service, "the service"), ValueKind::service)
      ->required();
  ctx.values
      .declare(status->add_option("--env", sa->env, "the environment"), ValueKind::environment)
      ->required();
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
