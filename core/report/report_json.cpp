#include "report/report_json.hpp"

#include <Poco/JSON/Array.h>

namespace beaver {
namespace {

Poco::JSON::Object::Ptr totals_json(const ReportTotals& t) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("releases", t.releases);
  o->set("normal", t.normal);
  o->set("emergency", t.emergency);
  o->set("rollback", t.rollback);
  o->set("emergency_ratio", t.emergency_ratio());
  o->set("rejected", t.rejected);
  o->set("deployed", t.deployed);
  o->set("failed", t.failed);
  return o;
}

}  // namespace

Poco::JSON::Object::Ptr report_json(const Report& r) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("since", format_utc(r.since));
  o->set("until", format_utc(r.until));
  o->set("totals", totals_json(r.totals));
  Poco::JSON::Array::Ptr groups = new Poco::JSON::Array;
  for (const auto& g : r.groups) {
    Poco::JSON::Object::Ptr j = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    j->set("key", g.key);
    j->set("totals", totals_json(g.totals));
    groups->add(j);
  }
  o->set("groups", groups);
  Poco::JSON::Object::Ptr categories = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& [category, n] : r.emergency_by_category) categories->set(category, n);
  o->set("emergency_by_category", categories);
  return o;
}

}  // namespace beaver
