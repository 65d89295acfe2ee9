// The ledger's side of deploys: the lease on a service's environment, the checks made inside it,
// the steps recorded as they happen, the outcome, and rollbacks.

#include <algorithm>

#include "audit/audit.hpp"
#include "ledger/ledger.hpp"
#include "ledger/release_lookup.hpp"
#include "model/names.hpp"
#include "process/process.hpp"

namespace beaver {
namespace {

Result<void> may_deploy(const User& u) {
  if (u.has(Role::ops) || u.has(Role::admin)) return {};
  return fail(ErrorKind::refused, "only ops or an admin deploys; {} is {}", u.name,
              roles_text(u.roles));
}

// Whether the lease's holder is gone: its time ran out, or it ran on this machine and its process
// is no longer there.
std::optional<std::string> holder_gone(const DeployLease& l, Timestamp now) {
  if (now >= l.expires_at) return fmt::format("its lease expired at {}", format_utc(l.expires_at));
  if (l.machine == machine_name() && process_start_time(l.pid) != l.pid_start)
    return fmt::format("its process {} on {} is gone", l.pid, l.machine);
  return std::nullopt;
}

Error held_by(const DeployLease& l) {
  return Error{ErrorKind::conflict,
               fmt::format("{} on {} is being deployed by {}: deploy {} (pid {} on {}, since {}); "
                           "its lease runs until {}",
                           l.service, l.env, l.actor, l.deploy_id, l.pid, l.machine,
                           format_utc(l.acquired_at), format_utc(l.expires_at))};
}

// Ends the deploy holding `l`, which died, as interrupted, with its release.
std::string recover(StoreTransaction& tx, const DeployLease& l, const std::string& why,
                    const std::string& actor, Timestamp now) {
  std::string line =
      fmt::format("deploy {} of {} on {} was interrupted ({}); its lease is taken over",
                  l.deploy_id, l.service, l.env, why);
  if (auto d = tx.find_deploy(l.deploy_id); d && d->status == "running") {
    d->status = "interrupted";
    d->finished_at = now;
    d->message = fmt::format("interrupted: {}", why);
    tx.update_deploy(*d);
    if (auto r = tx.find_release(d->release_id); r && r->state == ReleaseState::deploying) {
      r->state = ReleaseState::interrupted;
      tx.update_release(*r);
      append_audit(tx, now, actor, "release.deploy_interrupted", release_subject(r->id),
                   AuditPayload()
                       .set("deploy", d->id)
                       .set("why", why)
                       .set("status", std::string(to_string(r->state))));
    }
  }
  tx.delete_lease(l.service, l.env, l.deploy_id);
  return line;
}

// The package `claim` is about to upload, which must be the one recorded for `r`.
Result<PackageRecord> claimed_package(StoreTransaction& tx, const Release& r,
                                      const DeployClaim& claim) {
  if (!r.package_sha256)
    return fail(ErrorKind::refused,
                "release {} names no package; only a release submitted with --package FILE is "
                "deployed",
                r.id);
  if (claim.package_sha256 != *r.package_sha256)
    return fail(ErrorKind::refused,
                "the package file for release {} has sha256 {}, but the ledger recorded {}: it "
                "changed after packaging; refused",
                r.id, claim.package_sha256, *r.package_sha256);
  auto package = tx.find_package(*r.package_sha256);
  if (!package)
    return fail(ErrorKind::internal, "release {} names package {}, which the ledger lacks", r.id,
                *r.package_sha256);
  return *package;
}

// A repair puts back what runs: only the release live on its environment.
Result<PackageRecord> repair_checks(StoreTransaction& tx, const Release& r,
                                    const DeployClaim& claim) {
  auto live = tx.deployed_releases(r.service, r.env, 1);
  if (live.empty() || live.front().id != r.id)
    return fail(ErrorKind::conflict,
                "release {} is {}, not the release live on {}{}: a repair puts the live release "
                "back on the hosts that drift",
                r.id, to_string(r.state), r.env,
                live.empty() ? std::string()
                             : fmt::format(" (that is release {}, {})", live.front().id,
                                           live.front().version));
  return claimed_package(tx, r, claim);
}

// "ops or leaders": who may break glass.
std::string glass_breakers(const std::vector<Role>& roles) {
  std::vector<std::string> names;
  for (Role role : roles) names.push_back(plural(to_string(role)));
  return fmt::format("{}", fmt::join(names, " or "));
}

// Where the policy lets an emergency on `env` break glass, the words that say how.
std::string break_glass_hint(const Policy& p, const Release& r) {
  auto env = p.environments.find(r.env);
  if (r.type != ReleaseType::emergency || env == p.environments.end() || !env->second.break_glass)
    return {};
  return fmt::format(
      " (an emergency here may break glass, by {}: beaver deploy {} --break-glass "
      "--reason TEXT)",
      glass_breakers(env->second.break_glass->roles), r.id);
}

// Breaking the glass on `r`: a submitted emergency, where its environment's policy lets one of
// `me`'s roles, and while its team owes no overdue signature. Returns the record to keep.
Result<BreakGlass> break_glass_checks(StoreTransaction& tx, const Policy& p, const User& me,
                                      const Release& r, const std::string& reason, Timestamp now) {
  BEAVER_TRY(in_field("reason", check_text("a break glass's reason", reason, 4000, false)));
  if (r.type != ReleaseType::emergency)
    return fail(ErrorKind::refused,
                "release {} is a {} release; only an emergency is deployed by break glass", r.id,
                to_string(r.type));
  if (r.state == ReleaseState::approved)
    return fail(ErrorKind::refused,
                "release {} is approved already; deploy it without --break-glass", r.id);
  if (r.state != ReleaseState::submitted) {
    if (tx.find_break_glass(r.id))
      return fail(ErrorKind::conflict,
                  "release {} is {}; its glass is broken already, so it is deployed again "
                  "without --break-glass",
                  r.id, to_string(r.state));
    return fail(ErrorKind::conflict,
                "release {} is {}; only a submitted emergency is deployed by break glass", r.id,
                to_string(r.state));
  }
  auto env = p.environment(r.env);
  if (!env) return std::unexpected(env.error());
  const auto& rule = (*env)->break_glass;
  if (!rule)
    return fail(ErrorKind::refused,
                "the policy lets nobody break glass on {}: its emergency chain has no break_glass",
                r.env);
  if (std::none_of(rule->roles.begin(), rule->roles.end(), [&](Role role) { return me.has(role); }))
    return fail(ErrorKind::refused, "{} may not break glass on {}: only {} may, and {} is {}",
                me.name, r.env, glass_breakers(rule->roles), me.name, roles_text(me.roles));
  auto service = tx.find_service(r.service);
  std::string team = service ? service->team : "";
  if (auto owed = tx.overdue_break_glass(team, now))
    return fail(ErrorKind::refused,
                "team {} owes the approvals of release {}, deployed by break glass by {} on {} and "
                "due by {}; the team breaks no glass again until they are given",
                team, owed->release_id, owed->actor, format_utc(owed->at),
                format_utc(owed->sign_by));
  return BreakGlass{r.id, team, me.name, reason, now, now + rule->sign_within, std::nullopt};
}

// What must hold for `r` to be deployed now, whoever holds the lease; returns its package. With
// `glass`, the release is deployed before its approvals (break_glass_checks has passed).
Result<PackageRecord> deploy_checks(StoreTransaction& tx, const Policy& p, const Release& r,
                                    const DeployClaim& claim, Timestamp now, bool glass) {
  using S = ReleaseState;
  if (r.state == S::submitted && !glass)
    return fail(ErrorKind::refused, "release {} is not approved yet; it cannot be deployed{}", r.id,
                break_glass_hint(p, r));
  if (!glass && r.state != S::approved && r.state != S::failed && r.state != S::interrupted)
    return fail(ErrorKind::conflict, "release {} is {}; only an approved release is deployed", r.id,
                to_string(r.state));
  // A failed or interrupted release is tried again on the approvals it had, while they hold, or
  // on its broken glass while its approvals are owed.
  Release as_approved = r;
  as_approved.state = S::approved;
  auto view = build_release_view(tx, p, as_approved, now);
  if (!glass && view.approval_expired && !view.owes_signature)
    return fail(ErrorKind::refused,
                "the approval of release {} expired (approvals hold {} before a deploy); "
                "approve it again",
                r.id, format_duration(p.approval_expires));
  auto package = claimed_package(tx, r, claim);
  if (!package) return std::unexpected(package.error());
  auto live = tx.deployed_releases(r.service, r.env, 1);
  if (!live.empty() && live.front().id != r.id && r.type != ReleaseType::rollback) {
    const Release& l = live.front();
    bool older = r.id < l.id || compare_versions(r.version, l.version) < 0;
    if (older)
      return fail(ErrorKind::refused,
                  "release {} ({} {}) is older than release {} ({}), live on {}; an older "
                  "version goes back only as a rollback: beaver rollback {} --env {} --to {}",
                  r.id, r.service, r.version, l.id, l.version, r.env, r.service, r.env, r.version);
  }
  return *package;
}

}  // namespace

Result<DeployStarted> Ledger::start_deploy(const std::string& actor, int64_t release_id,
                                           const DeployClaim& claim) {
  auto pol = policy();
  if (!pol) return std::unexpected(pol.error());
  const Policy& p = **pol;
  DeployStarted out;
  BEAVER_TRY(store_.write([&](StoreTransaction& tx) -> Result<void> {
    out = {};
    auto now = clock_.now();
    auto me = acting_user(tx, actor);
    if (!me) return std::unexpected(me.error());
    BEAVER_TRY(may_deploy(*me));
    auto found = find_release(tx, release_id);
    if (!found) return std::unexpected(found.error());
    Release r = *found;
    if (auto l = tx.find_lease(r.service, r.env)) {
      auto gone = holder_gone(*l, now);
      if (!gone) return std::unexpected(held_by(*l));
      out.recovered.push_back(recover(tx, *l, *gone, actor, now));
      if (auto again = tx.find_release(release_id)) r = *again;
    }
    bool repair = claim.batches == DeployRecord::kRepair;
    std::optional<BreakGlass> glass;
    if (claim.break_glass && !repair) {
      auto checked = break_glass_checks(tx, p, *me, r, *claim.break_glass, now);
      if (!checked) return std::unexpected(checked.error());
      glass = *checked;
    }
    std::optional<ReleaseView> before;
    if (glass) before = build_release_view(tx, p, r, now);
    auto package = repair ? repair_checks(tx, r, claim)
                          : deploy_checks(tx, p, r, claim, now, glass.has_value());
    if (!package) return std::unexpected(package.error());
    if (!repair) {
      BEAVER_TRY(transition(r.id, r.state, ReleaseState::deploying));
      tx.update_release(r);
    }
    if (glass) {
      tx.insert_break_glass(*glass);
      append_audit(tx, now, actor, "release.break_glass", release_subject(r.id),
                   AuditPayload()
                       .set("reason", glass->reason)
                       .set("team", glass->team)
                       .set("sign_by", format_utc(glass->sign_by)));
      // Its approvers hear that they owe them, now and later.
      announcer_.announce(tx, p, &*before, build_release_view(tx, p, r, now), now);
    }
    DeployRecord d{0, r.id, actor, "running", claim.batches, now, std::nullopt, std::nullopt};
    d.id = tx.insert_deploy(d);
    tx.put_lease(DeployLease{r.service, r.env, d.id, actor, claim.machine, claim.pid,
                             claim.pid_start, now, now + claim.lease, std::nullopt});
    append_audit(tx, now, actor, repair ? "release.repair" : "release.deploy",
                 release_subject(r.id),
                 AuditPayload()
                     .set("deploy", d.id)
                     .set("package_sha256", *r.package_sha256)
                     .set("batches", claim.batches)
                     .set("status", std::string(to_string(r.state))));
    out.deploy = d;
    out.release = r;
    out.package = *package;
    return {};
  }));
  return out;
}

Result<std::vector<std::string>> Ledger::check_deploy(const std::string& actor, int64_t release_id,
                                                      const DeployClaim& claim) {
  auto pol = policy();
  if (!pol) return std::unexpected(pol.error());
  std::vector<std::string> notes;
  BEAVER_TRY(store_.read([&](StoreTransaction& tx) -> Result<void> {
    auto now = clock_.now();
    auto me = acting_user(tx, actor);
    if (!me) return std::unexpected(me.error());
    BEAVER_TRY(may_deploy(*me));
    auto r = find_release(tx, release_id);
    if (!r) return std::unexpected(r.error());
    if (auto l = tx.find_lease(r->service, r->env)) {
      auto gone = holder_gone(*l, now);
      if (!gone) return std::unexpected(held_by(*l));
      notes.push_back(fmt::format("deploy {} holds the lease but {}: it would be taken over",
                                  l->deploy_id, *gone));
    }
    std::optional<BreakGlass> glass;
    if (claim.break_glass && claim.batches != DeployRecord::kRepair) {
      auto checked = break_glass_checks(tx, **pol, *me, *r, *claim.break_glass, now);
      if (!checked) return std::unexpected(checked.error());
      glass = *checked;
    }
    auto package = claim.batches == DeployRecord::kRepair
                       ? repair_checks(tx, *r, claim)
                       : deploy_checks(tx, **pol, *r, claim, now, glass.has_value());
    if (!package) return std::unexpected(package.error());
    return {};
  }));
  return notes;
}

Result<void> Ledger::record_steps(const std::vector<DeployStep>& steps) {
  return record_progress(steps, {});
}

Result<void> Ledger::record_progress(const std::vector<DeployStep>& steps,
                                     const std::vector<DeployEvent>& events) {
  return store_.write([&](StoreTransaction& tx) -> Result<void> {
    for (const auto& step : steps) tx.insert_deploy_step(step);
    for (const auto& event : events) tx.insert_deploy_event(event);
    return {};
  });
}

Result<void> Ledger::renew_lease(int64_t deploy_id, const std::string& service,
                                 const std::string& env, std::chrono::seconds lease) {
  return store_.write([&](StoreTransaction& tx) -> Result<void> {
    auto l = tx.find_lease(service, env);
    if (!l || l->deploy_id != deploy_id)
      return fail(ErrorKind::conflict,
                  "deploy {} lost its lease on {} {} (it ran out and was taken over)", deploy_id,
                  service, env);
    l->expires_at = clock_.now() + lease;
    tx.put_lease(*l);
    return {};
  });
}

Result<std::optional<std::string>> Ledger::deploy_stop_request(int64_t deploy_id,
                                                               const std::string& service,
                                                               const std::string& env) {
  std::optional<std::string> out;
  BEAVER_TRY(store_.read([&](StoreTransaction& tx) -> Result<void> {
    auto l = tx.find_lease(service, env);
    if (!l || l->deploy_id != deploy_id)
      return fail(ErrorKind::conflict,
                  "deploy {} lost its lease on {} {} (it ran out and was taken over)", deploy_id,
                  service, env);
    out = l->stop_requested_by;
    return {};
  }));
  return out;
}

Result<ReleaseView> Ledger::finish_deploy(const std::string& actor, int64_t deploy_id,
                                          const std::string& status,
                                          const std::optional<std::string>& message,
                                          const std::vector<DeployEvent>& outcomes) {
  auto to = release_state_from_string(status);
  using S = ReleaseState;
  if (!to ||
      (*to != S::deployed && *to != S::failed && *to != S::rolled_back && *to != S::interrupted))
    return fail(ErrorKind::internal, "a deploy cannot end as '{}'", status);
  auto pol = policy();
  if (!pol) return std::unexpected(pol.error());
  const Policy& p = **pol;
  ReleaseView view;
  BEAVER_TRY(store_.write([&](StoreTransaction& tx) -> Result<void> {
    auto now = clock_.now();
    auto d = tx.find_deploy(deploy_id);
    if (!d) return fail(ErrorKind::not_found, "no deploy {}", deploy_id);
    if (d->status != "running")
      return fail(ErrorKind::conflict, "deploy {} already ended as {}", deploy_id, d->status);
    auto found = find_release(tx, d->release_id);
    if (!found) return std::unexpected(found.error());
    Release r = *found;
    // What ran there before, read before this deploy counts as live.
    auto before = tx.deployed_releases(r.service, r.env, 1);
    d->status = status;
    d->finished_at = now;
    d->message = message;
    tx.update_deploy(*d);
    for (const auto& outcome : outcomes) tx.insert_deploy_event(outcome);
    if (d->repair()) {
      // The release stays live, whatever became of the hosts it was put back on.
      tx.delete_lease(r.service, r.env, deploy_id);
      AuditPayload payload;
      payload.set("deploy", deploy_id).set("repair", status);
      if (message) payload.set("message", *message);
      append_audit(tx, now, actor, "release.repaired", release_subject(r.id), payload);
      view = build_release_view(tx, p, r, now);
      return {};
    }
    BEAVER_TRY(transition(r.id, r.state, *to));
    if (*to == S::deployed) r.deployed_at = now;
    tx.update_release(r);
    tx.delete_lease(r.service, r.env, deploy_id);
    AuditPayload payload;
    payload.set("deploy", deploy_id).set("status", std::string(to_string(r.state)));
    if (message) payload.set("message", *message);
    append_audit(tx, now, actor, *to == S::deployed ? "release.deployed" : "release.deploy_ended",
                 release_subject(r.id), payload);
    // The release that ran there before is live no more: rolled back when a rollback landed,
    // replaced otherwise. So `deployed` always means what runs now.
    if (*to == S::deployed && !before.empty() && before.front().id != r.id &&
        before.front().state == S::deployed) {
      Release replaced = before.front();
      bool rolled_back = r.type == ReleaseType::rollback;
      replaced.state = rolled_back ? S::rolled_back : S::replaced;
      tx.update_release(replaced);
      append_audit(tx, now, actor, rolled_back ? "release.rolled_back" : "release.replaced",
                   release_subject(replaced.id),
                   AuditPayload()
                       .set("by_release", r.id)
                       .set("status", std::string(to_string(replaced.state))));
    }
    view = build_release_view(tx, p, r, now);
    // Only the state changed: what it waits for (a broken glass's approvals) is as it was.
    ReleaseView deploying = view;
    deploying.release = *found;
    announcer_.announce(tx, p, &deploying, view, now);
    return {};
  }));
  return view;
}

Result<ReleaseView> Ledger::rollback(const std::string& actor, const std::string& service,
                                     const std::string& env, const std::optional<std::string>& to,
                                     bool deploy_at_once) {
  BEAVER_TRY(check_name("service", service));
  BEAVER_TRY(check_name("environment", env));
  if (to) BEAVER_TRY(check_name("version", *to));
  auto pol = policy();
  if (!pol) return std::unexpected(pol.error());
  // An environment the policy does not know is refused by the submit below, as any other.
  auto env_policy = (*pol)->environment(env);
  bool approved_on_submit = env_policy && (*env_policy)->chain_for(ReleaseType::rollback).empty();
  std::optional<Release> target;
  BEAVER_TRY(store_.read([&](StoreTransaction& tx) -> Result<void> {
    auto me = acting_user(tx, actor);
    if (!me) return std::unexpected(me.error());
    if (deploy_at_once && approved_on_submit) {
      if (auto refused = may_deploy(*me); !refused)
        return fail(ErrorKind::refused,
                    "{}; a rollback on {} needs no approval, so it is deployed at once",
                    refused.error().message, env);
    }
    auto deployed = tx.deployed_releases(service, env, 1000);
    if (deployed.empty())
      return fail(ErrorKind::not_found,
                  "the ledger has no deploy of {} on {}: nothing to roll back", service, env);
    const Release& live = deployed.front();
    if (to && *to == live.version)
      return fail(ErrorKind::refused, "{} {} is already live on {} (release {})", service, *to, env,
                  live.id);
    for (const auto& r : std::vector<Release>(deployed.begin() + 1, deployed.end())) {
      if (r.state == ReleaseState::rolled_back || !r.package_sha256) continue;
      if (to ? r.version == *to : r.version != live.version) {
        target = r;
        break;
      }
    }
    if (!target)
      return fail(ErrorKind::not_found,
                  to ? fmt::format("{} {} was never deployed on {} (or was rolled back since)",
                                   service, *to, env)
                     : fmt::format("no earlier version of {} was deployed on {}", service, env));
    return {};
  }));
  SubmitRequest req;
  req.service = service;
  req.env = env;
  req.package_sha256 = target->package_sha256;
  req.package_file = fmt::format("the package of release {}", target->id);
  req.rollback = true;
  return submit(actor, req);
}

Result<LiveState> Ledger::live(const std::string& actor, const std::string& service,
                               const std::string& env) {
  BEAVER_TRY(check_name("service", service));
  BEAVER_TRY(check_name("environment", env));
  LiveState out;
  BEAVER_TRY(store_.read([&](StoreTransaction& tx) -> Result<void> {
    auto me = acting_user(tx, actor);
    if (!me) return std::unexpected(me.error());
    if (!tx.find_service(service)) return unknown_service(tx, service);
    out.deployed = tx.deployed_releases(service, env, 100);
    if (!out.deployed.empty() && out.deployed.front().package_sha256)
      out.package = tx.find_package(*out.deployed.front().package_sha256);
    out.lease = tx.find_lease(service, env);
    return {};
  }));
  return out;
}

Result<PackageRecord> Ledger::package(const std::string& actor, const std::string& sha256) {
  PackageRecord out;
  BEAVER_TRY(store_.read([&](StoreTransaction& tx) -> Result<void> {
    auto me = acting_user(tx, actor);
    if (!me) return std::unexpected(me.error());
    auto p = tx.find_package(sha256);
    if (!p) return fail(ErrorKind::not_found, "no package {} in the ledger", sha256);
    out = *p;
    return {};
  }));
  return out;
}

Result<std::vector<PackageRecord>> Ledger::packages(const std::string& actor,
                                                    const std::optional<std::string>& service,
                                                    int64_t limit) {
  if (service) BEAVER_TRY(check_name("service", *service));
  std::vector<PackageRecord> out;
  BEAVER_TRY(store_.read([&](StoreTransaction& tx) -> Result<void> {
    auto me = acting_user(tx, actor);
    if (!me) return std::unexpected(me.error());
    out = tx.list_packages(service, limit);
    return {};
  }));
  return out;
}

Result<DeployDetail> Ledger::deploy(const std::string& actor, int64_t deploy_id) {
  DeployDetail out;
  BEAVER_TRY(store_.read([&](StoreTransaction& tx) -> Result<void> {
    auto me = acting_user(tx, actor);
    if (!me) return std::unexpected(me.error());
    auto d = tx.find_deploy(deploy_id);
    if (!d) return fail(ErrorKind::not_found, "no deploy {}", deploy_id);
    auto r = find_release(tx, d->release_id);
    if (!r) return std::unexpected(r.error());
    out = {*d, *r, tx.deploy_steps(deploy_id), tx.deploy_events(deploy_id)};
    return {};
  }));
  return out;
}

Result<DeployDetail> Ledger::stop_deploy(const std::string& actor, int64_t deploy_id,
                                         const std::function<Result<void>()>& deliver) {
  DeployDetail out;
  BEAVER_TRY(store_.write([&](StoreTransaction& tx) -> Result<void> {
    auto me = acting_user(tx, actor);
    if (!me) return std::unexpected(me.error());
    BEAVER_TRY(may_deploy(*me));
    auto d = tx.find_deploy(deploy_id);
    if (!d) return fail(ErrorKind::not_found, "no deploy {}", deploy_id);
    if (d->status != "running")
      return fail(ErrorKind::conflict, "deploy {} has ended ({}): nothing to stop", deploy_id,
                  d->status);
    auto r = find_release(tx, d->release_id);
    if (!r) return std::unexpected(r.error());
    auto now = clock_.now();
    auto lease = tx.find_lease(r->service, r->env);
    if (!lease || lease->deploy_id != deploy_id)
      return fail(ErrorKind::conflict,
                  "deploy {} no longer holds {} {}: its process is gone; deploying release {} "
                  "again ends it",
                  deploy_id, r->service, r->env, r->id);
    if (auto gone = holder_gone(*lease, now))
      return fail(ErrorKind::conflict,
                  "deploy {} no longer runs: {}; deploying release {} again ends it", deploy_id,
                  *gone, r->id);
    lease->stop_requested_by = actor;
    tx.put_lease(*lease);
    // Only quicker: a process that does not run it refuses, and the lease tells the one that does.
    if (deliver) (void)deliver();
    append_audit(tx, now, actor, "release.deploy_stop", release_subject(r->id),
                 AuditPayload().set("deploy", deploy_id));
    out = {*d, *r, tx.deploy_steps(deploy_id), tx.deploy_events(deploy_id)};
    return {};
  }));
  return out;
}

Result<std::vector<std::pair<DeployRecord, Release>>> Ledger::deploys(
    const std::string& actor, const std::optional<std::string>& service,
    const std::optional<std::string>& env, int64_t limit) {
  if (service) BEAVER_TRY(check_name("service", *service));
  if (env) BEAVER_TRY(check_name("environment", *env));
  std::vector<std::pair<DeployRecord, Release>> out;
  BEAVER_TRY(store_.read([&](StoreTransaction& tx) -> Result<void> {
    auto me = acting_user(tx, actor);
    if (!me) return std::unexpected(me.error());
    std::map<int64_t, Release> releases;
    for (auto& d : tx.list_deploys(service, env, limit)) {
      auto known = releases.find(d.release_id);
      if (known == releases.end()) {
        auto r = find_release(tx, d.release_id);
        if (!r) return std::unexpected(r.error());
        known = releases.emplace(d.release_id, *r).first;
      }
      out.emplace_back(std::move(d), known->second);
    }
    return {};
  }));
  return out;
}

Result<bool> Ledger::host_received(const std::string& host, int64_t release_id) {
  bool out = false;
  BEAVER_TRY(store_.read([&](StoreTransaction& tx) -> Result<void> {
    out = tx.host_received(host, release_id);
    return {};
  }));
  return out;
}

}  // namespace beaver
