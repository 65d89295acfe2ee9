// On PostgreSQL the report reads the deploy runs on a second connection, in the first one's
// snapshot (exported by PostgreSQL), while the first reads the releases. Over a seeded history,
// every grouping gives the figures one connection gives, and a run committed meanwhile by someone
// else is counted by neither. Runs only with BEAVER_TEST_POSTGRESQL (integration.unit_postgresql).

#include <doctest/doctest.h>

#include "report/report_passes.hpp"
#include "report/submit_clock.hpp"
#include "seeded_report_world.hpp"
#include "store/pg.hpp"

using namespace beaver;
using beaver::test::json_text;

TEST_CASE("on PostgreSQL, deploy runs read on a second connection in the first's snapshot" *
          doctest::skip(test::World::postgresql_admin() == nullptr)) {
  test::SeededWorld seeded;
  auto& [w, since, until] = seeded;
  REQUIRE(w.database.has_value());
  const auto& url = *w.database;
  int opened = 0;
  auto open_reader = [&] {
    ++opened;
    return std::make_unique<pg::Connection>(url.conninfo, url.shown);
  };

  pg::Connection c(url.conninfo, url.shown);
  c.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  for (auto by :
       {ReportBy::none, ReportBy::team, ReportBy::service, ReportBy::env, ReportBy::category,
        ReportBy::approver, ReportBy::week, ReportBy::weekday, ReportBy::hour}) {
    CAPTURE(to_string(by));
    PolicySubmitClock clock(w.policy, by);
    ReportQuery q{since, until, by, &clock, until, std::chrono::hours{48}, {}};
    auto one = compute_report(c, q);
    auto two = compute_report(c, q, open_reader);
    CHECK(one.deploys.ended > 1000);
    CHECK(json_text(two) == json_text(one));
  }
  CHECK(opened == 9);

  // A run of release 1 that ended in the period, committed by another connection after this
  // transaction's snapshot was taken: the second connection, in that snapshot, does not see it.
  PolicySubmitClock clock(w.policy, ReportBy::week);
  ReportQuery q{since, until, ReportBy::week, &clock, until, std::chrono::hours{48}, {}};
  auto before = compute_report(c, q);
  pg::Connection(url.conninfo, url.shown)
      .exec(
          "INSERT INTO deploys (release_id, actor, status, batches, started_at, finished_at) "
          "VALUES (1, 'ann', 'deployed', '100%', '2026-10-20T10:00:00Z', "
          "'2026-10-20T10:05:00Z')");
  auto report = compute_report(c, q, open_reader);
  CHECK(opened == 10);
  CHECK(json_text(report) == json_text(before));
  c.exec("COMMIT");
  c.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  CHECK(compute_report(c, q, open_reader).deploys.ended == before.deploys.ended + 1);
  c.exec("COMMIT");
}
