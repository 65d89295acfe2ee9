// The report reads the deploy runs on a second connection while the first reads the releases.
// Over a seeded history, every grouping gives the figures one connection gives; and when the
// ledger changed between the two connections' transactions, the report keeps to the first's.

#include <doctest/doctest.h>

#include "report/report_passes.hpp"
#include "report/submit_clock.hpp"
#include "seeded_report_world.hpp"
#include "sqlite_edit.hpp"

using namespace beaver;
using beaver::test::json_text;

namespace {

// The seeded ledger's SQLite file, opened again as the report's second connection would be.
struct SeededLedger : test::SeededWorld {
  std::filesystem::path file = w.dir.path() / "beaver.db";

  std::unique_ptr<sqlite::Database> open() const {
    return std::make_unique<sqlite::Database>(file.string(),
                                              SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
  }
};

}  // namespace

TEST_CASE("deploy runs read on a second connection give the figures read on one, by any group") {
  SeededLedger l;
  auto db = l.open();
  db->exec("BEGIN");
  for (auto by :
       {ReportBy::none, ReportBy::team, ReportBy::service, ReportBy::env, ReportBy::category,
        ReportBy::approver, ReportBy::week, ReportBy::weekday, ReportBy::hour}) {
    CAPTURE(to_string(by));
    PolicySubmitClock clock(l.w.policy, by);
    ReportQuery q{l.since, l.until, by, &clock, l.until, std::chrono::hours{48}, {}};
    auto one = compute_report(*db, q);
    auto two = compute_report(*db, q, [&] { return l.open(); });
    CHECK(one.deploys.ended > 1000);
    CHECK(json_text(two) == json_text(one));
  }
  db->exec("COMMIT");
}

TEST_CASE("a deploy run recorded between the two connections' reads is not counted") {
  SeededLedger l;
  PolicySubmitClock clock(l.w.policy, ReportBy::week);
  ReportQuery q{l.since, l.until, ReportBy::week, &clock, l.until, std::chrono::hours{48}, {}};
  auto db = l.open();
  db->exec("BEGIN");
  auto before = compute_report(*db, q);

  // A run of release 1 that ended in the period, written as another process would, after this
  // connection's transaction began and before the report's second connection begins its own.
  const char* run =
      "INSERT INTO deploys (release_id, actor, status, batches, started_at, finished_at) "
      "VALUES (1, 'ann', 'deployed', '100%', '2026-10-20T10:00:00Z', '2026-10-20T10:05:00Z');";
  SUBCASE("with its audit entry, as beaver writes every change: the report keeps to its reads") {
    auto report = compute_report(*db, q, [&] {
      auto err = test::raw_sql(
          l.file, std::string(run) +
                      "INSERT INTO audit (seq, at, actor, action, subject, payload, prev_hash, "
                      "hash) SELECT max(seq) + 1, '2026-10-20T10:05:00Z', 'ann', 'test', 'x', "
                      "'{}', '', '' FROM audit;");
      REQUIRE(err.empty());
      return l.open();
    });
    CHECK(report.deploys.ended == before.deploys.ended);
    CHECK(json_text(report) == json_text(before));
  }
  SUBCASE("behind beaver's back, with no audit entry, the second connection counts it") {
    // What the audit head check rests on: were it skipped, this is what a report would see.
    auto report = compute_report(*db, q, [&] {
      REQUIRE(test::raw_sql(l.file, run).empty());
      return l.open();
    });
    CHECK(report.deploys.ended == before.deploys.ended + 1);
  }
  db->exec("COMMIT");
  // A new transaction sees the run.
  db->exec("BEGIN");
  CHECK(compute_report(*db, q).deploys.ended == before.deploys.ended + 1);
  db->exec("COMMIT");
}

TEST_CASE("a deploy run keeps its release's place, type, package and rollback (migration 0011)") {
  SeededLedger l;
  auto db = l.open();
  auto count = [&](const std::string& where) {
    sqlite::Statement s(*db,
                        "SELECT count(*) FROM deploys d JOIN releases r ON r.id = "
                        "d.release_id LEFT JOIN packages p ON p.sha256 = r.package_sha256 "
                        "WHERE " +
                            where);
    s.step();
    return s.integer(0);
  };
  int64_t runs = count("1");
  REQUIRE(runs > 1000);
  CHECK(count("d.service = r.service AND d.env = r.env AND d.release_type = r.type AND "
              "d.release_rolled_back = (r.status = 'rolled_back') AND "
              "d.commit_time IS p.commit_time") == runs);

  // Edited behind beaver's back, the copies follow their release.
  REQUIRE(test::raw_sql(l.file,
                        "UPDATE releases SET status = 'rolled_back' WHERE id = (SELECT "
                        "release_id FROM deploys WHERE status = 'deployed' LIMIT 1);"
                        "UPDATE releases SET status = 'deployed' WHERE id = (SELECT release_id "
                        "FROM deploys WHERE status = 'rolled_back' LIMIT 1);")
              .empty());
  CHECK(count("d.release_rolled_back = (r.status = 'rolled_back')") == runs);
}
