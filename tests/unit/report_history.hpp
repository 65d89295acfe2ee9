#pragma once
// The small fixed history the report's unit tests work their figures out from by hand.

#include <doctest/doctest.h>

#include "ledger_world.hpp"
#include "report/read_report.hpp"

namespace beaver::test {

// kPolicy with emergency categories and a freeze on Thursday 2026-11-19.
inline constexpr const char* kReportPolicy = R"(timezone: UTC
approval_expires: 24h
review_deadline: 48h
emergency_categories: [hotfix, security, data-fix]
environments:
  prod:
    windows: [{days: [mon, tue, wed, thu, fri], from: "09:00", to: "18:00"}]
    freezes: [{from: "2026-11-19T00:00", to: "2026-11-20T00:00", reason: "test freeze"}]
    normal:
      approvals: [{role: developer, count: 2}, {role: leader, same_team: true}]
    emergency:
      approvals: [{role: leader, same_team: true}]
  test:
    normal: {approvals: []}
    emergency: {approvals: []}
)";

// The fixed history every figure below was worked out from by hand (UTC; window Mon-Fri
// 09:00-18:00; night 22:00-07:00; review deadline 48h; report judged at Tue 2026-11-24 10:00):
//  R1  normal    hello    prod  Tue 11-24 10:00  approved by dan, dora, lea at 12:00 (wait 7200)
//  R2  emergency hello    prod  Sat 11-21 23:30  hotfix; lea at 23:45 (900); night, weekend,
//                                                outside windows; review owed since 11-23 23:45
//  R3  emergency hello    prod  Wed 11-18 03:00  security; rejected; night, outside windows
//  R4  normal    hello    test  Sun 11-22 14:00  approved on submit (no wait); weekend
//  R5  normal    hello    test  Mon 11-23 08:00  cancelled: counts nowhere
//  R6  emergency core-api prod  Mon 11-23 09:30  hotfix; leo at 10:30 (3600); reviewed
//  R7  emergency hello    prod  Fri 11-20 17:00  data-fix; lea at 17:10 (600); review owed
//  R8  emergency hello    prod  Thu 11-19 12:00  hotfix; waiting; inside the freeze
//  R9  rollback  hello    prod  Tue 11-24 09:00  written straight to the store, waiting
//  and one normal release in October, before the period.
// Waits, ascending: 600 900 3600 7200: median (rank 2) 900, p90 (rank 4) 7200.
struct History {
  World w{kReportPolicy};
  Ledger l = w.ledger();
  Timestamp since = *parse_iso8601("2026-11-01T00:00:00Z");
  Timestamp until = *parse_iso8601("2026-12-01T00:00:00Z");
  Timestamp report_time = *parse_iso8601("2026-11-24T10:00:00Z");

  void at(const char* iso) { w.now = *parse_iso8601(iso); }

  int64_t submit(const char* iso, const char* service, const char* env, const char* version,
                 std::optional<std::string> category = std::nullopt) {
    at(iso);
    SubmitRequest r{service,
                    env,
                    version,
                    std::nullopt,
                    category.has_value(),
                    category,
                    category ? std::optional<std::string>("urgent") : std::nullopt,
                    {},
                    {}};
    auto v = l.submit("bob", r);
    REQUIRE_MESSAGE(v.has_value(), v.error().message);
    return v->release.id;
  }

  void approve(const char* iso, const char* who, int64_t id) {
    at(iso);
    auto v = l.approve(who, id, std::nullopt);
    REQUIRE_MESSAGE(v.has_value(), v.error().message);
  }

  History() {
    REQUIRE(l.add_service("ann", "core-api", "core").has_value());
    REQUIRE(l.add_user("ann", {"cole", "core", {Role::developer}}).has_value());
    submit("2026-10-06T10:00:00Z", "hello", "test", "0.9.0");
    auto r1 = submit("2026-11-24T10:00:00Z", "hello", "prod", "1.0.0");
    approve("2026-11-24T10:30:00Z", "dan", r1);
    approve("2026-11-24T11:00:00Z", "dora", r1);
    approve("2026-11-24T12:00:00Z", "lea", r1);
    auto r2 = submit("2026-11-21T23:30:00Z", "hello", "prod", "1.0.1", "hotfix");
    approve("2026-11-21T23:45:00Z", "lea", r2);
    auto r3 = submit("2026-11-18T03:00:00Z", "hello", "prod", "1.0.2", "security");
    at("2026-11-18T04:00:00Z");
    REQUIRE(l.reject("lea", r3, "not like this"));
    submit("2026-11-22T14:00:00Z", "hello", "test", "1.0.3");
    auto r5 = submit("2026-11-23T08:00:00Z", "hello", "test", "1.0.4");
    REQUIRE(l.cancel("bob", r5, std::nullopt));
    at("2026-11-23T09:30:00Z");
    SubmitRequest r6{"core-api", "prod", "3.0.0", std::nullopt, true, "hotfix", "down", {}, {}};
    auto v6 = l.submit("cole", r6);
    REQUIRE_MESSAGE(v6.has_value(), v6.error().message);
    approve("2026-11-23T10:30:00Z", "leo", v6->release.id);
    at("2026-11-23T11:00:00Z");
    REQUIRE(l.review("leo", v6->release.id, "fixed for good"));
    auto r7 = submit("2026-11-20T17:00:00Z", "hello", "prod", "1.0.5", "data-fix");
    approve("2026-11-20T17:10:00Z", "lea", r7);
    submit("2026-11-19T12:00:00Z", "hello", "prod", "1.0.6", "hotfix");
    REQUIRE(w.store->write([](StoreTransaction& tx) -> Result<void> {
      Release r;
      r.service = "hello";
      r.env = "prod";
      r.version = "0.9.9";
      r.type = ReleaseType::rollback;
      r.submitter = "bob";
      r.submitted_at = *parse_iso8601("2026-11-24T09:00:00Z");
      tx.insert_release(r);
      return {};
    }));
    at("2026-11-24T10:00:00Z");
  }

  Report report(ReportBy by) {
    auto r = read_report(l, "ann", since, until, by);
    REQUIRE_MESSAGE(r.has_value(), r.error().message);
    return *r;
  }
};

}  // namespace beaver::test
