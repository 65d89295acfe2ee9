// The report's deploy figures (deploy duration and the four DORA keys) over a small fixed history
// of deploy runs driven through the ledger, every figure worked out by hand.

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <doctest/doctest.h>
#include <unistd.h>

#include <sstream>

#include "ledger_world.hpp"
#include "process/process.hpp"
#include "report/read_report.hpp"
#include "report/report.hpp"
#include "report/report_html.hpp"
#include "report/report_json.hpp"
#include "report/report_rows.hpp"
#include "schema/schema.hpp"
#include "schema/yaml_document.hpp"

using namespace beaver;
using beaver::test::World;

namespace {

const char* kDeployReportPolicy = R"(timezone: UTC
approval_expires: 24h
review_deadline: 48h
environments:
  prod:
    normal: {approvals: []}
    emergency: {approvals: []}
    rollback: {approvals: []}
)";

// The fixed history (UTC; the period is November 2026, 30 days). Runs, by when they ended:
//  D8 core-api 3.0.0 normal  commit 10-31 20:00  10-31 23:58 -> 11-01 00:02 deployed (240 s)
//  D1 hello 1.0.0 normal     commit 11-02 00:00  11-02 10:00 -> 10:05 deployed  (300 s)
//  D2 hello 1.1.0 normal     commit 11-03 00:00  11-03 10:00 -> 10:10 failed    (600 s)
//  D3 hello 1.1.1 normal     commit 11-03 12:00  11-03 14:00 -> 14:02 deployed  (120 s)
//  D4 hello 1.2.0 normal     commit 11-04 00:00  11-04 10:00 -> 10:04 deployed  (240 s), later
//                                                 rolled back by D5
//  D5 hello rollback to 1.1.1 (D3's package)     11-04 11:00 -> 11:01 deployed  (60 s)
//  D6 hello 1.2.1 emergency  commit 11-05 00:00  11-05 09:00 -> 09:03 deployed  (180 s)
//  D7 hello 1.3.0 normal     commit 11-06 00:00  11-06 10:00 -> 10:10 rolled_back (600 s)
//  D9 core-api 3.1.0 normal  commit 11-10 00:00  11-10 10:00 -> 10:30 failed    (1800 s)
//  D10 core-api 3.1.1 normal commit 12-02 00:00  12-02 10:00 -> 10:05 deployed, after the period
//  and a run of core-api 3.2.0 started 12-03 and still running.
struct DeployHistory {
  World w{kDeployReportPolicy};
  Ledger l = w.ledger();
  int packages = 0;
  Timestamp since = *parse_iso8601("2026-11-01T00:00:00Z");
  Timestamp until = *parse_iso8601("2026-12-01T00:00:00Z");

  void at(const char* iso) { w.now = *parse_iso8601(iso); }

  // A package of `version` built from a commit made at `commit`, and a release of it.
  int64_t release(const char* iso, const char* service, const char* version, const char* commit,
                  bool emergency = false) {
    at(iso);
    bool core = std::string(service) == "core-api";
    PackageRecord p;
    p.sha256 = fmt::format("{:0>64}", ++packages);
    p.service = service;
    p.version = version;
    p.file_name = fmt::format("{}-{}.tar.gz", service, version);
    p.size = 1;
    p.commit = "abcdef1";
    p.commit_time = *parse_iso8601(commit);
    p.builder = core ? "cole" : "bob";
    p.registered_at = w.now;
    p.manifest_json = "{}";
    bool registered = false;
    auto reg = l.register_package(p.builder, p, core ? "core" : "payments", registered);
    REQUIRE_MESSAGE(reg.has_value(), reg.error().message);
    SubmitRequest r;
    r.service = service;
    r.env = "prod";
    r.package_sha256 = p.sha256;
    r.emergency = emergency;
    if (emergency) {
      r.category = "hotfix";
      r.reason = "down";
    }
    auto v = l.submit(p.builder, r);
    REQUIRE_MESSAGE(v.has_value(), v.error().message);
    return v->release.id;
  }

  int64_t start(int64_t id, const char* iso) {
    at(iso);
    auto v = l.show("ann", id);
    REQUIRE(v.has_value());
    DeployClaim c;
    c.package_sha256 = *v->release.package_sha256;
    c.batches = "100%";
    c.machine = machine_name();
    c.pid = getpid();
    c.pid_start = process_start_time(c.pid);
    c.lease = std::chrono::seconds(60);
    auto s = l.start_deploy("olga", id, c);
    REQUIRE_MESSAGE(s.has_value(), s.error().message);
    return s->deploy.id;
  }

  void deploy(int64_t id, const char* started, const char* finished,
              const char* status = "deployed") {
    auto d = start(id, started);
    at(finished);
    auto f = l.finish_deploy("olga", d, status, std::nullopt);
    REQUIRE_MESSAGE(f.has_value(), f.error().message);
  }

  DeployHistory() {
    REQUIRE(l.add_user("ann", {"olga", "platform", {Role::ops}}).has_value());
    REQUIRE(l.add_user("ann", {"cole", "core", {Role::developer}}).has_value());
    REQUIRE(l.add_service("ann", "core-api", "core").has_value());
    auto h = release("2026-10-31T23:00:00Z", "core-api", "3.0.0", "2026-10-31T20:00:00Z");
    deploy(h, "2026-10-31T23:58:00Z", "2026-11-01T00:02:00Z");
    auto a = release("2026-11-02T09:00:00Z", "hello", "1.0.0", "2026-11-02T00:00:00Z");
    deploy(a, "2026-11-02T10:00:00Z", "2026-11-02T10:05:00Z");
    auto b = release("2026-11-03T09:00:00Z", "hello", "1.1.0", "2026-11-03T00:00:00Z");
    deploy(b, "2026-11-03T10:00:00Z", "2026-11-03T10:10:00Z", "failed");
    auto c = release("2026-11-03T13:00:00Z", "hello", "1.1.1", "2026-11-03T12:00:00Z");
    deploy(c, "2026-11-03T14:00:00Z", "2026-11-03T14:02:00Z");
    auto d = release("2026-11-04T09:00:00Z", "hello", "1.2.0", "2026-11-04T00:00:00Z");
    deploy(d, "2026-11-04T10:00:00Z", "2026-11-04T10:04:00Z");
    at("2026-11-04T10:59:00Z");
    auto e = l.rollback("bob", "hello", "prod", std::string("1.1.1"));
    REQUIRE_MESSAGE(e.has_value(), e.error().message);
    deploy(e->release.id, "2026-11-04T11:00:00Z", "2026-11-04T11:01:00Z");
    REQUIRE(l.show("ann", d)->release.state == ReleaseState::rolled_back);
    auto f = release("2026-11-05T08:00:00Z", "hello", "1.2.1", "2026-11-05T00:00:00Z", true);
    deploy(f, "2026-11-05T09:00:00Z", "2026-11-05T09:03:00Z");
    auto g = release("2026-11-06T09:00:00Z", "hello", "1.3.0", "2026-11-06T00:00:00Z");
    deploy(g, "2026-11-06T10:00:00Z", "2026-11-06T10:10:00Z", "rolled_back");
    auto i = release("2026-11-10T09:00:00Z", "core-api", "3.1.0", "2026-11-10T00:00:00Z");
    deploy(i, "2026-11-10T10:00:00Z", "2026-11-10T10:30:00Z", "failed");
    auto j = release("2026-12-02T09:00:00Z", "core-api", "3.1.1", "2026-12-02T00:00:00Z");
    deploy(j, "2026-12-02T10:00:00Z", "2026-12-02T10:05:00Z");
    auto k = release("2026-12-03T09:00:00Z", "core-api", "3.2.0", "2026-12-03T00:00:00Z");
    start(k, "2026-12-03T10:00:00Z");
    at("2026-12-03T12:00:00Z");
  }

  Report report(ReportBy by, Timestamp from, Timestamp to) {
    auto r = read_report(l, "ann", from, to, by);
    REQUIRE_MESSAGE(r.has_value(), r.error().message);
    return *r;
  }
  Report report(ReportBy by) { return report(by, since, until); }
};

const ReportGroup& group(const Report& r, const std::string& key) {
  for (const auto& g : r.groups)
    if (g.key == key) return g;
  FAIL("no group " << key);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("deploy duration and the DORA keys over a fixed history, worked out by hand") {
  DeployHistory h;
  const auto f = h.report(ReportBy::none).deploys;
  // Runs that ended in November: D1..D9 (D8 started in October, ended in November; D10 ended in
  // December; the last run is still running).
  CHECK(f.ended == 9);
  CHECK(f.deployed == 6);  // D1 D3 D4 D5 D6 D8
  CHECK(f.days == doctest::Approx(30.0));
  CHECK(*f.deployment_frequency() == doctest::Approx(6.0 / 30.0));
  // Durations ascending: 60 120 180 240 240 300 600 600 1800: rank 5 and rank ceil(8.1) = 9.
  CHECK(f.duration == Percentiles{9, 240, 1800});
  // Lead times of the successful runs, ascending: D3 7320, D8 14520, D6 32580, D4 36240,
  // D1 36300, D5 82860 (the rollback carries D3's package, committed 11-03 12:00): rank 3 and 6.
  CHECK(f.lead_time == Percentiles{6, 32580, 82860});
  // Failed changes: D2 (failed), D7 (rolled back), D9 (failed), D4 (its release was rolled
  // back), D5 (the next release deployed there was an emergency). D1 is followed by D3 (the
  // failed D2 is no deploy), D3 by D4, D6 by nothing, D8 by D10: none of them failed.
  CHECK(f.failures == 3);
  CHECK(f.failed_changes == 5);
  CHECK(*f.change_failure_rate() == doctest::Approx(5.0 / 9.0));
  // Restores: D2 -> D3 13920 s; D9 -> D10 (in December) 1899300 s; D7 still open.
  CHECK(f.time_to_restore == Percentiles{2, 13920, 1899300});
  CHECK(f.still_open == 1);
}

TEST_CASE("deploy figures per service, per team and per week") {
  DeployHistory h;
  auto by_service = h.report(ReportBy::service);
  REQUIRE(by_service.groups.size() == 2);
  const auto& hello = *group(by_service, "hello").deploys;
  CHECK(hello.ended == 7);
  CHECK(hello.deployed == 5);
  CHECK(hello.failed_changes == 4);  // D2 D4 D5 D7
  CHECK(hello.duration == Percentiles{7, 240, 600});
  CHECK(hello.lead_time == Percentiles{5, 36240, 82860});
  CHECK(hello.time_to_restore == Percentiles{1, 13920, 13920});
  CHECK(hello.still_open == 1);
  const auto& core = *group(by_service, "core-api").deploys;
  CHECK(core.ended == 2);
  CHECK(core.deployed == 1);
  CHECK(*core.change_failure_rate() == doctest::Approx(0.5));
  CHECK(core.duration == Percentiles{2, 240, 1800});
  CHECK(core.lead_time == Percentiles{1, 14520, 14520});
  CHECK(core.time_to_restore == Percentiles{1, 1899300, 1899300});
  CHECK(by_service.deploys.ended == 9);

  auto by_team = h.report(ReportBy::team);
  CHECK(group(by_team, "core").deploys->ended == 2);
  CHECK(group(by_team, "payments").deploys->ended == 7);

  // Weeks (UTC here): W44 holds only Sunday 11-01 of the period, and D8, whose release was
  // submitted in October: a group by its deploy alone. W45 holds D1..D7, W46 the failed D9.
  auto by_week = h.report(ReportBy::week);
  REQUIRE(by_week.groups.size() == 3);
  const auto& w44 = *group(by_week, "2026-W44").deploys;
  CHECK(group(by_week, "2026-W44").totals.releases == 0);
  CHECK(w44.ended == 1);
  CHECK(w44.days == doctest::Approx(1.0));
  CHECK(*w44.deployment_frequency() == doctest::Approx(1.0));
  const auto& w45 = *group(by_week, "2026-W45").deploys;
  CHECK(w45.ended == 7);
  CHECK(w45.failed_changes == 4);
  CHECK(*w45.deployment_frequency() == doctest::Approx(5.0 / 7));
  const auto& w46 = *group(by_week, "2026-W46").deploys;
  CHECK(w46.failures == 1);
  CHECK(w46.time_to_restore == Percentiles{1, 1899300, 1899300});  // restored in December
  CHECK(by_week.deploys.ended == 9);
}

TEST_CASE("runs long after the period are read as far as a figure still waits for them") {
  DeployHistory h;
  // D7's failure is restored by a hello deploy in January, seven weeks after the period: past
  // the spans of one, two and four weeks that the report reads after it before that one.
  auto l = h.release("2027-01-20T09:00:00Z", "hello", "1.4.0", "2027-01-20T00:00:00Z");
  h.deploy(l, "2027-01-20T10:00:00Z", "2027-01-20T10:05:00Z");
  h.at("2027-06-01T00:00:00Z");
  const auto f = h.report(ReportBy::none).deploys;
  CHECK(f.ended == 9);  // the January run is not of the period
  CHECK(f.deployed == 6);
  CHECK(f.failed_changes == 5);
  // D2 -> D3 13920 s, D9 -> D10 1899300 s, D7 (11-06 10:10) -> 2027-01-20 10:05: 75 days less
  // five minutes, 6479700 s. Ranks 2 and 3 of 3.
  CHECK(f.time_to_restore == Percentiles{3, 1899300, 6479700});
  CHECK(f.still_open == 0);
  // Grouped, the same runs in each group.
  auto by_service = h.report(ReportBy::service);
  const auto& hello = *group(by_service, "hello").deploys;
  CHECK(hello.time_to_restore == Percentiles{2, 13920, 6479700});
  CHECK(hello.still_open == 0);
}

TEST_CASE("a group with deploys and no release submitted in the period still gets its group") {
  DeployHistory h;
  // December: core-api's D10 ended and 3.1.1, 3.2.0 were submitted; hello has nothing.
  auto r = h.report(ReportBy::service, h.until, *parse_iso8601("2027-01-01T00:00:00Z"));
  REQUIRE(r.groups.size() == 1);
  CHECK(r.groups[0].key == "core-api");
  CHECK(r.groups[0].deploys->deployed == 1);
  // From 12-02 11:00: no run ended, but the core-api group is there by its releases.
  auto later = h.report(ReportBy::service, *parse_iso8601("2026-12-02T11:00:00Z"),
                        *parse_iso8601("2027-01-01T00:00:00Z"));
  REQUIRE(later.groups.size() == 1);
  CHECK(later.groups[0].deploys->ended == 0);
}

TEST_CASE("an empty period gives no deploy figures: nulls, not zeros or a division by zero") {
  DeployHistory h;
  auto r = h.report(ReportBy::service, *parse_iso8601("2027-01-01T00:00:00Z"),
                    *parse_iso8601("2027-02-01T00:00:00Z"));
  CHECK(r.deploys.ended == 0);
  CHECK(*r.deploys.deployment_frequency() == 0.0);
  CHECK_FALSE(r.deploys.change_failure_rate().has_value());
  CHECK(r.deploys.duration == Percentiles{});
  auto j = report_json(r);
  auto dora = j->getObject("dora");
  CHECK(dora->getValue<int64_t>("deploys") == 0);
  CHECK(dora->getValue<double>("deployment_frequency") == 0.0);
  CHECK(dora->isNull("lead_time_hours"));
  CHECK(dora->isNull("change_failure_rate"));
  CHECK(dora->isNull("time_to_restore_hours"));
  CHECK(j->isNull("deploy_duration_seconds"));
}

TEST_CASE("the DORA keys in JSON, CSV and the terminal table") {
  DeployHistory h;
  auto r = h.report(ReportBy::service);
  auto j = report_json(r);
  auto dora = j->getObject("dora");
  CHECK(dora->getValue<double>("deployment_frequency") == doctest::Approx(0.2));
  CHECK(dora->getValue<int64_t>("deploys") == 6);
  CHECK(dora->getObject("lead_time_hours")->getValue<double>("median") ==
        doctest::Approx(32580.0 / 3600));
  CHECK(dora->getObject("lead_time_hours")->getValue<double>("p90") ==
        doctest::Approx(82860.0 / 3600));
  CHECK(dora->getValue<double>("change_failure_rate") == doctest::Approx(5.0 / 9));
  CHECK(dora->getValue<double>("time_to_restore_hours") == doctest::Approx(13920.0 / 3600));
  CHECK(dora->getValue<int64_t>("still_open") == 1);
  CHECK(j->getObject("deploy_duration_seconds")->getValue<int64_t>("median") == 240);
  CHECK(j->getObject("deploy_duration_seconds")->getValue<int64_t>("p90") == 1800);
  auto groups = j->getArray("groups");
  CHECK(groups->getObject(0)->getObject("dora")->getValue<int64_t>("deploys") == 1);

  auto csv = report_csv_table(r);
  auto column = [&](const std::string& name) {
    auto at = std::find(csv.headers.begin(), csv.headers.end(), name);
    REQUIRE(at != csv.headers.end());
    return static_cast<size_t>(at - csv.headers.begin());
  };
  const auto& total = csv.rows.back();
  CHECK(total[column("deploys")] == "6");
  CHECK(total[column("deployment_frequency")] == "0.2");
  CHECK(total[column("lead_time_median_hours")] == "9.05");          // 32580 s
  CHECK(total[column("change_failure_rate")] == "0.5556");           // 5 / 9
  CHECK(total[column("time_to_restore_median_hours")] == "3.8667");  // 13920 s
  CHECK(total[column("deploy_duration_median_seconds")] == "240");
  CHECK(total[column("deploy_duration_p90_seconds")] == "1800");

  auto tables = report_terminal_tables(r);
  REQUIRE(tables.size() == 3);
  const auto& dora_table = tables[2];
  CHECK(dora_table.rows.back() == std::vector<std::string>{"(total)", "6", "0.20", "9h03m",
                                                           "23h01m", "0.56", "3h52m", "1", "4m00s",
                                                           "30m00s"});
  for (const auto& row : dora_table.rows) {
    size_t width = 0;
    for (size_t c = 0; c < row.size(); ++c)
      width += std::max(row[c].size(), dora_table.headers[c].size()) + 2;
    CHECK(width <= 100);
  }
}

TEST_CASE("reports with deploy figures match schemas/report.schema.json, empty ones too") {
  DeployHistory h;
  auto empty_from = *parse_iso8601("2027-01-01T00:00:00Z");
  auto empty_to = *parse_iso8601("2027-02-01T00:00:00Z");
  for (auto r : {h.report(ReportBy::none), h.report(ReportBy::service), h.report(ReportBy::team),
                 h.report(ReportBy::week), h.report(ReportBy::env, empty_from, empty_to)}) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(report_json(r), out, 2);
    auto doc = YamlDocument::parse(out.str(), "report.json");
    REQUIRE_MESSAGE(doc.has_value(), doc.error().message);
    auto valid = validate(*doc, test::source_dir() / "schemas/report.schema.json");
    CHECK_MESSAGE(valid.has_value(), valid.error().message);
  }
}

TEST_CASE("the HTML page shows the DORA keys with their bands, and a scope keeps its runs") {
  DeployHistory h;
  auto page =
      report_html(test::source_dir() / "templates", h.report(ReportBy::none), ReportCharts{});
  REQUIRE(page.has_value());
  // 5 failed changes of 9 runs is the low band; a median lead time of 9h03m is elite.
  CHECK(page->find("<details><summary>Change failure rate</summary>") != std::string::npos);
  CHECK(page->find("<td>0.56</td><td>-</td><td>-</td><td><span class=\"band band-low\"") !=
        std::string::npos);
  CHECK(page->find("<td>9h03m</td><td>-</td><td>-</td><td><span class=\"band band-elite\"") !=
        std::string::npos);
  CHECK(page->find("http") == std::string::npos);
  // Of the nine runs, D8 and D9 are core-api's and the other seven hello's.
  for (auto [service, ended] : {std::pair{"core-api", 2}, std::pair{"hello", 7}}) {
    auto r = read_report(h.l, "ann", h.since, h.until, ReportBy::none,
                         {std::nullopt, service, std::nullopt});
    REQUIRE(r.has_value());
    CHECK(r->deploys.ended == ended);
  }
}
