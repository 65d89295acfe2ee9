#include "report/report_json.hpp"

#include <Poco/JSON/Array.h>

#include "report/dora_bands.hpp"

namespace beaver {
namespace {

using Poco::JSON::Object;

Poco::Dynamic::Var optional_number(const std::optional<int64_t>& n) {
  return n ? Poco::Dynamic::Var(*n) : Poco::Dynamic::Var();
}

Object::Ptr totals_json(const ReportTotals& t) {
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("releases", t.releases);
  o->set("normal", t.normal);
  o->set("emergency", t.emergency);
  o->set("rollback", t.rollback);
  o->set("emergency_ratio", t.emergency_ratio());
  o->set("rejected", t.rejected);
  o->set("deployed", t.deployed);
  o->set("failed", t.failed);
  o->set("outside_windows", t.outside_windows);
  o->set("at_night", t.at_night);
  o->set("at_weekend", t.at_weekend);
  o->set("owing_review", t.owing_review);
  Object::Ptr wait = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  wait->set("approved", t.approval_wait.approved);
  wait->set("median_seconds", optional_number(t.approval_wait.median_seconds));
  wait->set("p90_seconds", optional_number(t.approval_wait.p90_seconds));
  o->set("approval_wait", wait);
  return o;
}

Poco::Dynamic::Var optional_number(const std::optional<double>& n) {
  return n ? Poco::Dynamic::Var(*n) : Poco::Dynamic::Var();
}

std::optional<double> hours(const std::optional<int64_t>& seconds) {
  if (!seconds) return std::nullopt;
  return static_cast<double>(*seconds) / 3600.0;
}

// {median, p90} in seconds or in hours; null when there is nothing to rank.
Poco::Dynamic::Var percentiles_json(const Percentiles& p, bool in_hours) {
  if (p.n == 0) return {};
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  if (in_hours) {
    o->set("median", optional_number(hours(p.median)));
    o->set("p90", optional_number(hours(p.p90)));
  } else {
    o->set("median", optional_number(p.median));
    o->set("p90", optional_number(p.p90));
  }
  return o;
}

Object::Ptr dora_json(const DeployFigures& f) {
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("deployment_frequency", optional_number(f.deployment_frequency()));
  o->set("deploys", f.deployed);
  o->set("lead_time_hours", percentiles_json(f.lead_time, true));
  o->set("change_failure_rate", optional_number(f.change_failure_rate()));
  o->set("deploys_ended", f.ended);
  o->set("failed_changes", f.failed_changes);
  o->set("time_to_restore_hours", optional_number(hours(f.time_to_restore.median)));
  o->set("failures", f.failures);
  o->set("restored", f.time_to_restore.n);
  o->set("still_open", f.still_open);
  auto bands = dora_bands(f);
  Object::Ptr b = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  auto band = [](const std::optional<DoraBand>& x) {
    return x ? Poco::Dynamic::Var(std::string(to_string(*x))) : Poco::Dynamic::Var();
  };
  b->set("deployment_frequency", band(bands.deployment_frequency));
  b->set("lead_time", band(bands.lead_time));
  b->set("change_failure_rate", band(bands.change_failure_rate));
  b->set("time_to_restore", band(bands.time_to_restore));
  o->set("bands", b);
  return o;
}

void set_deploy_figures(Object& o, const DeployFigures& f) {
  o.set("dora", dora_json(f));
  o.set("deploy_duration_seconds", percentiles_json(f.duration, false));
}

Object::Ptr counts_json(const std::map<std::string, int64_t>& counts) {
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& [key, n] : counts) o->set(key, n);
  return o;
}

}  // namespace

Object::Ptr report_json(const Report& r) {
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("since", format_utc(r.since));
  o->set("until", format_utc(r.until));
  o->set("by", std::string(to_string(r.by)));
  Object::Ptr scope = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  auto text = [](const std::optional<std::string>& x) {
    return x ? Poco::Dynamic::Var(*x) : Poco::Dynamic::Var();
  };
  scope->set("team", text(r.scope.team));
  scope->set("service", text(r.scope.service));
  scope->set("env", text(r.scope.env));
  o->set("scope", scope);
  o->set("totals", totals_json(r.totals));
  if (r.previous) {
    o->set("previous", totals_json(r.previous->totals));
    Object::Ptr period = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    period->set("since", format_utc(r.previous->since));
    period->set("until", format_utc(r.previous->until));
    o->set("previous_period", period);
    o->set("previous_dora", dora_json(r.previous->deploys));
  } else {
    o->set("previous", Poco::Dynamic::Var());
    o->set("previous_period", Poco::Dynamic::Var());
    o->set("previous_dora", Poco::Dynamic::Var());
  }
  Poco::JSON::Array::Ptr groups = new Poco::JSON::Array;
  for (const auto& g : r.groups) {
    Object::Ptr j = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    j->set("key", g.key);
    j->set("totals", totals_json(g.totals));
    if (g.deploys) set_deploy_figures(*j, *g.deploys);
    groups->add(j);
  }
  o->set("groups", groups);
  o->set("emergency_by_category", counts_json(r.emergency_by_category));
  o->set("emergency_by_approver", counts_json(r.emergency_by_approver));
  Object::Ptr reasons = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& [category, top] : r.emergency_reasons) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& reason : top) {
      Object::Ptr j = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
      j->set("reason", reason.reason);
      j->set("count", reason.count);
      list->add(j);
    }
    reasons->set(category, list);
  }
  o->set("emergency_reasons", reasons);
  Object::Ptr glass = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  glass->set("deploys", r.break_glass.deploys);
  glass->set("signed_in_time", r.break_glass.signed_in_time);
  glass->set("signed_late", r.break_glass.signed_late);
  glass->set("owing", r.break_glass.owing);
  glass->set("never_signed", r.break_glass.never_signed);
  o->set("break_glass", glass);
  set_deploy_figures(*o, r.deploys);
  return o;
}

}  // namespace beaver
