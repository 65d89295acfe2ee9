#include "ledger/release_view.hpp"

#include <Poco/JSON/Array.h>

#include "policy/release_window.hpp"

namespace beaver {
namespace {

Poco::Dynamic::Var optional_var(const std::optional<std::string>& s) {
  return s ? Poco::Dynamic::Var(*s) : Poco::Dynamic::Var();
}

Poco::Dynamic::Var optional_time(const std::optional<Timestamp>& t) {
  return t ? Poco::Dynamic::Var(format_utc(*t)) : Poco::Dynamic::Var();
}

Poco::JSON::Array::Ptr string_array(const std::vector<std::string>& items) {
  Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
  for (const auto& s : items) out->add(s);
  return out;
}

}  // namespace

std::optional<Timestamp> review_due(const Release& r, const Policy& policy) {
  if (r.type != ReleaseType::emergency) return std::nullopt;
  auto from = r.deployed_at ? r.deployed_at : r.approved_at;
  bool past_approval = r.state != ReleaseState::submitted && r.state != ReleaseState::rejected &&
                       r.state != ReleaseState::cancelled;
  if (!from || !past_approval) return std::nullopt;
  return *from + policy.review_deadline;
}

bool ReleaseView::waiting() const {
  return release.state == ReleaseState::submitted || approval_expired || owes_signature;
}

std::string ReleaseView::waiting_for() const {
  if (!waiting() || !chain.open_step) return {};
  size_t i = *chain.open_step;
  return fmt::format("step {} of {}: {}", i + 1, chain.steps.size(),
                     describe_need(chain.steps[i], team));
}

ReleaseView build_release_view(StoreTransaction& tx, const Policy& policy, Release release,
                               Timestamp now) {
  ReleaseView v;
  auto service = tx.find_service(release.service);
  v.team = service ? service->team : "";
  auto records = tx.release_records(release.id);
  v.approvals = std::move(records.approvals);
  auto live = live_approvals(release, v.approvals, now, policy.approval_expires);
  auto binding = approval_binding(release);
  for (const auto& a : v.approvals)
    v.counts.push_back(a.binding == binding && now < a.approved_at + policy.approval_expires);
  const auto* env = policy.environments.find(release.env) != policy.environments.end()
                        ? &policy.environments.find(release.env)->second
                        : nullptr;
  static const std::vector<ApprovalRule> kNone;
  // A release at 23:30 there should read as one, wherever its reader sits.
  if (env) v.submitted_local = format_local(*env, release.submitted_at);
  v.chain = evaluate_chain(env ? env->chain_for(release.type) : kNone, live);
  v.approval_expired = release.state == ReleaseState::approved && !v.chain.complete();
  if (release.type == ReleaseType::emergency) v.break_glass = tx.find_break_glass(release.id);
  v.owes_signature = v.break_glass && v.break_glass->owing();
  v.signature_overdue = v.break_glass && v.break_glass->overdue(now);
  if (v.waiting() && v.chain.open_step) {
    const auto& step = v.chain.steps[*v.chain.open_step];
    auto team = step.rule.same_team ? std::optional<std::string_view>(v.team) : std::nullopt;
    std::vector<std::string> approved;  // the people counted, and those who gave approvals
    for (const auto& a : live) {
      approved.push_back(a.principal());
      if (a.for_user) approved.push_back(a.approver);
    }
    auto is_in = [](const std::vector<std::string>& names, const std::string& name) {
      return std::find(names.begin(), names.end(), name) != names.end();
    };
    auto holders = tx.users_with_role(step.rule.role, team);
    std::vector<std::string> eligible;
    for (const auto& user : holders)
      if (!is_in(approved, user.name) &&
          !why_not_eligible(step.rule, user, v.team, release.submitter))
        eligible.push_back(user.name);
    v.may_approve = eligible;
    // Their stand-ins too, while a delegation holds: never for the stand-in's own release.
    for (const auto& d : tx.standing_delegations())
      if (d.holds(now) && is_in(eligible, d.user) && d.delegate != release.submitter &&
          !is_in(approved, d.delegate) && !is_in(v.may_approve, d.delegate)) {
        v.may_approve.push_back(d.delegate);
        v.stand_ins.push_back(fmt::format("{} for {}", d.delegate, d.user));
      }
    if (v.may_approve.empty())
      v.nobody_can_approve = beaver::nobody_can_approve(
          step, *v.chain.open_step, holders, v.team, release.submitter, approved,
          fmt::format("{} {}", release.env, to_string(release.type)));
  }
  v.review_due = review_due(release, policy);
  v.owing_review = v.review_due && !release.reviewed_at && now > *v.review_due;
  for (auto& [d, steps] : records.deploys) {
    std::optional<std::string> stop;
    if (d.status == "running")
      if (auto lease = tx.find_lease(release.service, release.env);
          lease && lease->deploy_id == d.id)
        stop = lease->stop_requested_by;
    v.deploys.push_back({std::move(d), std::move(steps), std::move(stop)});
  }
  v.release = std::move(release);
  return v;
}

Poco::JSON::Object::Ptr release_json(const Release& r) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", r.id);
  o->set("service", r.service);
  o->set("env", r.env);
  o->set("version", r.version);
  o->set("commit", optional_var(r.commit));
  o->set("package_sha256", optional_var(r.package_sha256));
  o->set("type", std::string(to_string(r.type)));
  o->set("status", std::string(to_string(r.state)));
  o->set("category", optional_var(r.category));
  o->set("reason", optional_var(r.reason));
  o->set("submitter", r.submitter);
  o->set("submitted_at", format_utc(r.submitted_at));
  o->set("approved_at", optional_time(r.approved_at));
  o->set("deployed_at", optional_time(r.deployed_at));
  o->set("closed_by", optional_var(r.closed_by));
  o->set("close_comment", optional_var(r.close_comment));
  o->set("closed_at", optional_time(r.closed_at));
  o->set("policy_sha256", optional_var(r.policy_sha256));
  o->set("reviewed_by", optional_var(r.reviewed_by));
  o->set("reviewed_at", optional_time(r.reviewed_at));
  o->set("review_notes", optional_var(r.review_notes));
  return o;
}

Poco::JSON::Object::Ptr alert_json(const AlertRecord& a) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", a.id);
  o->set("source", a.source);
  o->set("name", a.name);
  o->set("grade", a.grade);
  o->set("severity", a.severity);
  o->set("status", a.status);
  o->set("fired_at", format_utc(a.fired_at));
  o->set("resolved_at", optional_time(a.resolved_at));
  o->set("service", optional_var(a.service));
  o->set("env", optional_var(a.env));
  o->set("host", optional_var(a.host));
  o->set("summary", optional_var(a.summary));
  o->set("release", a.release_id ? Poco::Dynamic::Var(*a.release_id) : Poco::Dynamic::Var());
  o->set("confidence", optional_var(a.confidence));
  return o;
}

Poco::JSON::Object::Ptr deploy_step_json(const DeployStep& st) {
  Poco::JSON::Object::Ptr k = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  k->set("host", st.host);
  k->set("batch", st.batch + 1);
  k->set("step", st.step);
  k->set("status", st.status);
  k->set("started_at", format_utc(st.started_at));
  k->set("elapsed_ms", st.elapsed_ms);
  k->set("output", st.output);
  return k;
}

Poco::JSON::Object::Ptr release_view_json(const ReleaseView& v) {
  auto o = release_json(v.release);
  o->set("team", v.team);
  o->set("submitted_local",
         v.submitted_local.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(v.submitted_local));
  Poco::JSON::Array::Ptr approvals = new Poco::JSON::Array;
  for (size_t i = 0; i < v.approvals.size(); ++i) {
    const auto& a = v.approvals[i];
    Poco::JSON::Object::Ptr j = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    j->set("approver", a.approver);
    j->set("for", optional_var(a.for_user));
    j->set("step", a.step + 1);
    j->set("role", a.role);
    j->set("comment", optional_var(a.comment));
    j->set("approved_at", format_utc(a.approved_at));
    j->set("counts", static_cast<bool>(v.counts[i]));
    approvals->add(j);
  }
  o->set("approvals", approvals);
  Poco::JSON::Array::Ptr steps = new Poco::JSON::Array;
  for (const auto& s : v.chain.steps) {
    Poco::JSON::Object::Ptr j = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    j->set("role", std::string(to_string(s.rule.role)));
    j->set("count", s.rule.count);
    j->set("same_team", s.rule.same_team);
    j->set("approvers", string_array(s.approvers));
    j->set("complete", s.complete());
    steps->add(j);
  }
  o->set("chain", steps);
  o->set("approval_expired", v.approval_expired);
  auto waiting = v.waiting_for();
  o->set("waiting_for", waiting.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(waiting));
  o->set("may_approve", string_array(v.may_approve));
  o->set("stand_ins", string_array(v.stand_ins));
  o->set("nobody_can_approve", v.nobody_can_approve.empty()
                                   ? Poco::Dynamic::Var()
                                   : Poco::Dynamic::Var(v.nobody_can_approve));
  if (v.break_glass) {
    const BreakGlass& b = *v.break_glass;
    Poco::JSON::Object::Ptr j = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    j->set("by", b.actor);
    j->set("reason", b.reason);
    j->set("at", format_utc(b.at));
    j->set("sign_by", format_utc(b.sign_by));
    j->set("signed_at", optional_time(b.signed_at));
    j->set("signed_late", b.signed_late());
    j->set("overdue", v.signature_overdue);
    o->set("break_glass", j);
  } else {
    o->set("break_glass", Poco::Dynamic::Var());
  }
  o->set("owes_signature", v.owes_signature);
  o->set("review_due", optional_time(v.review_due));
  o->set("owing_review", v.owing_review);
  Poco::JSON::Array::Ptr deploys = new Poco::JSON::Array;
  for (const auto& d : v.deploys) {
    Poco::JSON::Object::Ptr j = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    j->set("id", d.record.id);
    j->set("actor", d.record.actor);
    j->set("status", d.record.status);
    j->set("batches", d.record.batches);
    j->set("repair", d.record.repair());
    j->set("started_at", format_utc(d.record.started_at));
    j->set("finished_at", optional_time(d.record.finished_at));
    j->set("message", optional_var(d.record.message));
    j->set("stop_requested_by", optional_var(d.stop_requested_by));
    Poco::JSON::Array::Ptr done = new Poco::JSON::Array;
    for (const auto& st : d.steps) done->add(deploy_step_json(st));
    j->set("steps", done);
    deploys->add(j);
  }
  o->set("deploy", deploys);
  if (v.context) set_context_json(*o, *v.context);
  if (v.alerts) {
    Poco::JSON::Array::Ptr alerts = new Poco::JSON::Array;
    for (const auto& a : *v.alerts) alerts->add(alert_json(a));
    o->set("alerts", alerts);
  }
  return o;
}

}  // namespace beaver
