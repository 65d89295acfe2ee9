#include "report/report_json.hpp"

#include <Poco/JSON/Array.h>

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
  o->set("totals", totals_json(r.totals));
  Poco::JSON::Array::Ptr groups = new Poco::JSON::Array;
  for (const auto& g : r.groups) {
    Object::Ptr j = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    j->set("key", g.key);
    j->set("totals", totals_json(g.totals));
    groups->add(j);
  }
  o->set("groups", groups);
  o->set("emergency_by_category", counts_json(r.emergency_by_category));
  o->set("emergency_by_approver", counts_json(r.emergency_by_approver));
  return o;
}

}  // namespace beaver
