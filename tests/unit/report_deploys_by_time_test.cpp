// Deploy figures per week, weekday and hour: a small fixed history of deploy runs driven through
// the ledger in Asia/Shanghai (UTC+8), with runs ending either side of a week boundary that UTC
// would put in the same week, every per-group figure worked out by hand and checked in every
// output form.

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <doctest/doctest.h>
#include <unistd.h>

#include <sstream>

#include "ledger_world.hpp"
#include "process/process.hpp"
#include "report/group_days.hpp"
#include "report/read_report.hpp"
#include "report/report.hpp"
#include "report/report_html.hpp"
#include "report/report_json.hpp"
#include "report/report_rows.hpp"
#include "report/submit_clock.hpp"
#include "schema/schema.hpp"
#include "schema/yaml_document.hpp"

using namespace beaver;
using beaver::test::World;

namespace {

const char* kShanghaiPolicy = R"(timezone: Asia/Shanghai
approval_expires: 24h
review_deadline: 48h
environments:
  prod:
    normal: {approvals: []}
    emergency: {approvals: [{role: leader, count: 1}]}
    rollback: {approvals: []}
)";

// The fixed history, Shanghai times (UTC+8). Weeks: W47 is Mon 11-16 .. Sun 11-22, W48 Mon 11-23
// .. Sun 11-29, W49 from Mon 11-30. The period is 11-16 00:00 to 12-02 00:00: 16 days, W49 in
// it for two (Mon, Tue); three Mondays and Tuesdays, two of every other weekday; each hour 16
// times. Each release is submitted 10 minutes before its run starts and approved on submit, but
// the emergency R4, which lea approves 5 minutes before its run.
//  R1 hello 1.0.0 normal     commit 11-22 20:00  Sun 11-22 23:20 -> 23:30 deployed     (600 s)
//  R2 hello 1.1.0 normal                         Sun 11-22 23:55 -> Mon 11-23 00:10 failed
//     (900 s): it ends in W48, on a Monday at 00, though in UTC it ends on Sunday 16:10 (W47)
//  R3 hello 1.1.1 normal     commit 11-23 08:00  Mon 11-23 10:00 -> 10:05 deployed     (300 s)
//  R4 hello 1.2.0 emergency  commit 11-25 21:00  Wed 11-25 22:00 -> 22:03 deployed     (180 s)
//  R5 hello 1.3.0 normal                         Sun 11-29 23:00 -> 23:30 rolled_back (1800 s)
//  R6 hello 1.3.1 normal     commit 11-30 09:10  Tue 12-01 09:00 -> 09:10 deployed     (600 s)
//  R7 core-api 2.0.0 normal                      Tue 12-01 10:00 -> 10:20 failed      (1200 s)
//  R8 core-api 2.0.1 normal                      Thu 12-03 10:00 -> 10:05 deployed, after it
// Lead times: R1 12600, R3 7500, R4 3780, R6 86400. Restores: R2 by R3 35700 s; R5 by R6
// 121200 s (a later week); R7 by R8 171900 s (after the period). Failed changes: R2, R5, R7
// (failures) and R3, whose next successful deploy, R4, is an emergency.
struct ShanghaiDeploys {
  World w{kShanghaiPolicy};
  Ledger l = w.ledger();
  int packages = 0;
  Timestamp since = *parse_iso8601("2026-11-16T00:00:00+08:00");
  Timestamp until = *parse_iso8601("2026-12-02T00:00:00+08:00");

  void at(const std::string& iso) { w.now = *parse_iso8601(iso); }

  // A release of `version` built from a commit made at `commit`, submitted 10 minutes before
  // `started`, deployed from `started` to `finished` (Shanghai times, "2026-11-22T23:20").
  void run(const char* service, const char* version, const char* commit, const char* started,
           const char* finished, const char* status, bool emergency = false) {
    auto shanghai = [](const char* t) { return std::string(t) + ":00+08:00"; };
    auto start = *parse_iso8601(shanghai(started));
    bool core = std::string(service) == "core-api";
    PackageRecord p;
    p.sha256 = fmt::format("{:0>64}", ++packages);
    p.service = service;
    p.version = version;
    p.file_name = fmt::format("{}-{}.tar.gz", service, version);
    p.size = 1;
    p.commit = "abcdef1";
    p.commit_time = *parse_iso8601(shanghai(commit));
    p.builder = core ? "cole" : "bob";
    p.registered_at = start - std::chrono::minutes(20);
    p.manifest_json = "{}";
    w.now = p.registered_at;
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
    w.now = start - std::chrono::minutes(10);
    auto v = l.submit(p.builder, r);
    REQUIRE_MESSAGE(v.has_value(), v.error().message);
    if (emergency) {
      w.now = start - std::chrono::minutes(5);
      auto a = l.approve("lea", v->release.id, std::nullopt);
      REQUIRE_MESSAGE(a.has_value(), a.error().message);
    }
    w.now = start;
    DeployClaim c;
    c.package_sha256 = p.sha256;
    c.batches = "100%";
    c.machine = machine_name();
    c.pid = getpid();
    c.pid_start = process_start_time(c.pid);
    c.lease = std::chrono::seconds(60);
    auto s = l.start_deploy("olga", v->release.id, c);
    REQUIRE_MESSAGE(s.has_value(), s.error().message);
    at(shanghai(finished));
    auto f = l.finish_deploy("olga", s->deploy.id, status, std::nullopt);
    REQUIRE_MESSAGE(f.has_value(), f.error().message);
  }

  ShanghaiDeploys() {
    REQUIRE(l.add_user("ann", {"olga", "platform", {Role::ops}}).has_value());
    REQUIRE(l.add_user("ann", {"cole", "core", {Role::developer}}).has_value());
    REQUIRE(l.add_service("ann", "core-api", "core").has_value());
    run("hello", "1.0.0", "2026-11-22T20:00", "2026-11-22T23:20", "2026-11-22T23:30", "deployed");
    run("hello", "1.1.0", "2026-11-22T21:00", "2026-11-22T23:55", "2026-11-23T00:10", "failed");
    run("hello", "1.1.1", "2026-11-23T08:00", "2026-11-23T10:00", "2026-11-23T10:05", "deployed");
    run("hello", "1.2.0", "2026-11-25T21:00", "2026-11-25T22:00", "2026-11-25T22:03", "deployed",
        true);
    run("hello", "1.3.0", "2026-11-29T20:00", "2026-11-29T23:00", "2026-11-29T23:30",
        "rolled_back");
    run("hello", "1.3.1", "2026-11-30T09:10", "2026-12-01T09:00", "2026-12-01T09:10", "deployed");
    run("core-api", "2.0.0", "2026-11-30T20:00", "2026-12-01T10:00", "2026-12-01T10:20", "failed");
    run("core-api", "2.0.1", "2026-12-02T20:00", "2026-12-03T10:00", "2026-12-03T10:05",
        "deployed");
    at("2026-12-03T12:00:00+08:00");
  }

  Report report(ReportBy by) {
    auto r = read_report(l, "ann", since, until, by);
    REQUIRE_MESSAGE(r.has_value(), r.error().message);
    return *r;
  }
};

const ReportGroup& group(const Report& r, const std::string& key) {
  for (const auto& g : r.groups)
    if (g.key == key) return g;
  FAIL("no group " << key);
  throw std::logic_error("unreachable");
}

// The figures of one group as worked out by hand, in the units every output form shows.
struct Expected {
  std::string key;
  int64_t releases, ended, deployed, failures, failed_changes, still_open;
  double days;
  Percentiles duration, lead_time, time_to_restore;
};

// Every group of the three groupings, by hand (see the history above).
const std::vector<Expected> kWeeks = {
    // W47: R1 (R2 was submitted in W47 but ended in W48). R1's next successful deploy is R3.
    {"2026-W47", 2, 1, 1, 0, 0, 0, 7, {1, 600, 600}, {1, 12600, 12600}, {}},
    // W48: R2 R3 R4 R5; durations 180 300 900 1800; R2 restored in W48, R5 in W49.
    {"2026-W48", 3, 4, 2, 2, 3, 0, 7, {4, 300, 1800}, {2, 3780, 7500}, {2, 35700, 121200}},
    // W49: R6 R7, two days of it in the period; R7 restored after the period.
    {"2026-W49", 2, 2, 1, 1, 1, 0, 2, {2, 600, 1200}, {1, 86400, 86400}, {1, 171900, 171900}},
};
const std::vector<Expected> kWeekdays = {
    {"1 mon", 1, 2, 1, 1, 2, 0, 3, {2, 300, 900}, {1, 7500, 7500}, {1, 35700, 35700}},
    {"2 tue", 2, 2, 1, 1, 1, 0, 3, {2, 600, 1200}, {1, 86400, 86400}, {1, 171900, 171900}},
    {"3 wed", 1, 1, 1, 0, 0, 0, 2, {1, 180, 180}, {1, 3780, 3780}, {}},
    {"7 sun", 3, 2, 1, 1, 1, 0, 2, {2, 600, 1800}, {1, 12600, 12600}, {1, 121200, 121200}},
};
const std::vector<Expected> kHours = {
    {"00", 0, 1, 0, 1, 1, 0, 16, {1, 900, 900}, {}, {1, 35700, 35700}},
    {"08", 1, 0, 0, 0, 0, 0, 16, {}, {}, {}},  // R6 submitted; no run ended at 08
    {"09", 2, 1, 1, 0, 0, 0, 16, {1, 600, 600}, {1, 86400, 86400}, {}},
    {"10", 0, 2, 1, 1, 2, 0, 16, {2, 300, 1200}, {1, 7500, 7500}, {1, 171900, 171900}},
    {"21", 1, 0, 0, 0, 0, 0, 16, {}, {}, {}},  // R4 submitted
    {"22", 1, 1, 1, 0, 0, 0, 16, {1, 180, 180}, {1, 3780, 3780}, {}},
    {"23", 2, 2, 1, 1, 1, 0, 16, {2, 600, 1800}, {1, 12600, 12600}, {1, 121200, 121200}},
};

void check_figures(const Report& r, const std::vector<Expected>& expected) {
  REQUIRE(r.groups.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    const auto& e = expected[i];
    const auto& g = r.groups[i];
    INFO("group " << e.key);
    CHECK(g.key == e.key);
    CHECK(g.totals.releases == e.releases);
    REQUIRE(g.deploys.has_value());
    const auto& f = *g.deploys;
    CHECK(f.ended == e.ended);
    CHECK(f.deployed == e.deployed);
    CHECK(f.failures == e.failures);
    CHECK(f.failed_changes == e.failed_changes);
    CHECK(f.still_open == e.still_open);
    CHECK(f.days == doctest::Approx(e.days));
    CHECK(*f.deployment_frequency() == doctest::Approx(static_cast<double>(e.deployed) / e.days));
    if (e.ended == 0) CHECK_FALSE(f.change_failure_rate().has_value());
    if (e.ended > 0)
      CHECK(*f.change_failure_rate() ==
            doctest::Approx(static_cast<double>(e.failed_changes) / static_cast<double>(e.ended)));
    CHECK(f.duration == e.duration);
    CHECK(f.lead_time == e.lead_time);
    CHECK(f.time_to_restore == e.time_to_restore);
  }
}

// The whole period, by hand: 7 runs, 4 deploys, 4 failed changes; durations 180 300 600 600 900
// 1200 1800 (rank 4, rank 7); lead times 3780 7500 12600 86400 (rank 2, rank 4); restores
// 35700 121200 171900 (rank 2, rank 3).
void check_whole(const DeployFigures& f) {
  CHECK(f.ended == 7);
  CHECK(f.deployed == 4);
  CHECK(f.failures == 3);
  CHECK(f.failed_changes == 4);
  CHECK(f.still_open == 0);
  CHECK(*f.deployment_frequency() == doctest::Approx(4.0 / 16));
  CHECK(f.duration == Percentiles{7, 600, 1800});
  CHECK(f.lead_time == Percentiles{4, 7500, 86400});
  CHECK(f.time_to_restore == Percentiles{3, 121200, 171900});
}

std::string hours_text(const std::optional<int64_t>& seconds) {
  return seconds ? rounded(static_cast<double>(*seconds) / 3600.0) : "";
}

std::string optional_text(const std::optional<int64_t>& n) { return n ? std::to_string(*n) : ""; }

}  // namespace

TEST_CASE("deploys count in the week, weekday and hour they ended, on the policy's clock") {
  ShanghaiDeploys h;
  auto weeks = h.report(ReportBy::week);
  check_figures(weeks, kWeeks);
  check_whole(weeks.deploys);
  check_figures(h.report(ReportBy::weekday), kWeekdays);
  check_figures(h.report(ReportBy::hour), kHours);
}

TEST_CASE("groups that split the period add up to its deploy figures, whatever the grouping") {
  ShanghaiDeploys h;
  for (auto by : {ReportBy::week, ReportBy::weekday, ReportBy::hour, ReportBy::service,
                  ReportBy::category, ReportBy::none}) {
    auto r = h.report(by);
    INFO("by " << to_string(by));
    check_whole(r.deploys);
    if (by == ReportBy::none) continue;
    int64_t ended = 0, deployed = 0, failed_changes = 0, restored = 0;
    for (const auto& g : r.groups) {
      ended += g.deploys->ended;
      deployed += g.deploys->deployed;
      failed_changes += g.deploys->failed_changes;
      restored += g.deploys->time_to_restore.n;
    }
    CHECK(ended == 7);
    CHECK(deployed == 4);
    CHECK(failed_changes == 4);
    CHECK(restored == 3);
  }
}

TEST_CASE("deploy figures by category and by approver follow the run's release") {
  ShanghaiDeploys h;
  auto by_category = h.report(ReportBy::category);
  REQUIRE(by_category.groups.size() == 2);
  const auto& hotfix = *group(by_category, "hotfix").deploys;  // R4
  CHECK(hotfix.ended == 1);
  CHECK(hotfix.deployed == 1);
  CHECK(hotfix.failed_changes == 0);
  CHECK(hotfix.days == doctest::Approx(16));
  CHECK(hotfix.lead_time == Percentiles{1, 3780, 3780});
  const auto& none = *group(by_category, "-").deploys;  // the other six runs
  CHECK(none.ended == 6);
  CHECK(none.failed_changes == 4);
  // lea approved R4 alone: her group holds its run. The other releases were approved on submit:
  // no approver group holds their runs, while the period's figures still hold every run.
  auto by_approver = h.report(ReportBy::approver);
  REQUIRE(by_approver.groups.size() == 1);
  CHECK(by_approver.groups[0].key == "lea");
  CHECK(by_approver.groups[0].totals.releases == 1);
  CHECK(*by_approver.groups[0].deploys == hotfix);
  check_whole(by_approver.deploys);
}

TEST_CASE("per-week deploy figures in JSON, CSV, the terminal table and the HTML page") {
  ShanghaiDeploys h;
  auto r = h.report(ReportBy::week);

  auto j = report_json(r);
  auto groups = j->getArray("groups");
  REQUIRE(groups->size() == kWeeks.size());
  for (size_t i = 0; i < kWeeks.size(); ++i) {
    const auto& e = kWeeks[i];
    INFO("week " << e.key);
    auto g = groups->getObject(static_cast<unsigned>(i));
    CHECK(g->getValue<std::string>("key") == e.key);
    auto dora = g->getObject("dora");
    CHECK(dora->getValue<int64_t>("deploys") == e.deployed);
    CHECK(dora->getValue<double>("deployment_frequency") ==
          doctest::Approx(static_cast<double>(e.deployed) / e.days));
    CHECK(dora->getValue<int64_t>("deploys_ended") == e.ended);
    CHECK(dora->getValue<int64_t>("failed_changes") == e.failed_changes);
    CHECK(dora->getValue<double>("change_failure_rate") ==
          doctest::Approx(static_cast<double>(e.failed_changes) / static_cast<double>(e.ended)));
    CHECK(dora->getValue<int64_t>("failures") == e.failures);
    CHECK(dora->getValue<int64_t>("restored") == e.time_to_restore.n);
    CHECK(dora->getValue<int64_t>("still_open") == e.still_open);
    if (e.time_to_restore.median)
      CHECK(dora->getValue<double>("time_to_restore_hours") ==
            doctest::Approx(static_cast<double>(*e.time_to_restore.median) / 3600));
    else
      CHECK(dora->isNull("time_to_restore_hours"));
    auto lead = dora->getObject("lead_time_hours");
    CHECK(lead->getValue<double>("median") ==
          doctest::Approx(static_cast<double>(*e.lead_time.median) / 3600));
    CHECK(lead->getValue<double>("p90") ==
          doctest::Approx(static_cast<double>(*e.lead_time.p90) / 3600));
    auto duration = g->getObject("deploy_duration_seconds");
    CHECK(duration->getValue<int64_t>("median") == *e.duration.median);
    CHECK(duration->getValue<int64_t>("p90") == *e.duration.p90);
  }

  auto csv = report_csv_table(r);
  auto column = [&](const std::string& name) {
    auto at = std::find(csv.headers.begin(), csv.headers.end(), name);
    REQUIRE(at != csv.headers.end());
    return static_cast<size_t>(at - csv.headers.begin());
  };
  REQUIRE(csv.rows.size() == kWeeks.size() + 1);
  for (size_t i = 0; i < kWeeks.size(); ++i) {
    const auto& e = kWeeks[i];
    const auto& row = csv.rows[i];
    INFO("week " << e.key);
    CHECK(row[column("week")] == e.key);
    CHECK(row[column("deploys")] == std::to_string(e.deployed));
    CHECK(row[column("deployment_frequency")] == rounded(static_cast<double>(e.deployed) / e.days));
    CHECK(row[column("lead_time_median_hours")] == hours_text(e.lead_time.median));
    CHECK(row[column("lead_time_p90_hours")] == hours_text(e.lead_time.p90));
    CHECK(row[column("change_failure_rate")] ==
          rounded(static_cast<double>(e.failed_changes) / static_cast<double>(e.ended)));
    CHECK(row[column("deploys_ended")] == std::to_string(e.ended));
    CHECK(row[column("failed_changes")] == std::to_string(e.failed_changes));
    CHECK(row[column("time_to_restore_median_hours")] == hours_text(e.time_to_restore.median));
    CHECK(row[column("failures")] == std::to_string(e.failures));
    CHECK(row[column("still_open")] == std::to_string(e.still_open));
    CHECK(row[column("deploy_duration_median_seconds")] == optional_text(e.duration.median));
    CHECK(row[column("deploy_duration_p90_seconds")] == optional_text(e.duration.p90));
  }

  // DEPLOYS DAILY LEAD-MED LEAD-P90 CFR RESTORE OPEN DUR-MED DUR-P90, each group then the total.
  auto tables = report_terminal_tables(r);
  REQUIRE(tables.size() == 3);
  const auto& d = tables[2];
  using Row = std::vector<std::string>;
  CHECK(d.rows ==
        std::vector<Row>{
            {"2026-W47", "1", "0.14", "3h30m", "3h30m", "0.00", "-", "0", "10m00s", "10m00s"},
            {"2026-W48", "2", "0.29", "1h03m", "2h05m", "0.75", "9h55m", "0", "5m00s", "30m00s"},
            {"2026-W49", "1", "0.50", "1d00h", "1d00h", "0.50", "1d23h", "0", "10m00s", "20m00s"},
            {"(total)", "4", "0.25", "2h05m", "1d00h", "0.57", "1d09h", "0", "10m00s", "30m00s"},
        });
  for (const auto& table : tables)
    for (const auto& row : table.rows) {
      size_t width = 0;
      for (size_t c = 0; c < row.size(); ++c)
        width += std::max(row[c].size(), table.headers[c].size()) + 2;
      CHECK(width <= 100);
    }

  auto page = report_html(test::source_dir() / "templates", r, ReportCharts{});
  REQUIRE(page.has_value());
  for (const auto& row : d.rows) {
    std::string cells;
    for (const auto& c : row) cells += "<td>" + (c == "(total)" ? std::string("All") : c) + "</td>";
    INFO("row " << row.front());
    CHECK(page->find(cells) != std::string::npos);
  }
}

TEST_CASE("weekday and hour groups match schemas/report.schema.json with their deploy figures") {
  ShanghaiDeploys h;
  for (auto by : {ReportBy::week, ReportBy::weekday, ReportBy::hour, ReportBy::category,
                  ReportBy::approver}) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(report_json(h.report(by)), out, 2);
    auto doc = YamlDocument::parse(out.str(), "report.json");
    REQUIRE_MESSAGE(doc.has_value(), doc.error().message);
    auto valid = validate(*doc, test::source_dir() / "schemas/report.schema.json");
    CHECK_MESSAGE(valid.has_value(), valid.error().message);
  }
}

TEST_CASE("a group's days are the time the period spends in it, on the policy's clock") {
  // Berlin springs forward on Sunday 2026-03-29: 02:00 CET becomes 03:00 CEST.
  std::string berlin = kShanghaiPolicy;
  berlin.replace(berlin.find("Asia/Shanghai"), 13, "Europe/Berlin");
  auto policy = parse_policy(berlin, "policy.yaml", test::source_dir());
  REQUIRE_MESSAGE(policy.has_value(), policy.error().message);
  // Wednesday 03-25 12:00 to Tuesday 03-31 00:00, Berlin time.
  auto since = *parse_iso8601("2026-03-25T12:00:00+01:00");
  auto until = *parse_iso8601("2026-03-31T00:00:00+02:00");

  PolicySubmitClock weeks(*policy, ReportBy::week);
  auto w = local_group_days(weeks, ReportBy::week, since, until);
  REQUIRE(w.size() == 2);
  CHECK(weeks.key_text(w.begin()->first) == "2026-W13");
  CHECK(w.begin()->second == doctest::Approx(4.5 - 1.0 / 24));  // Wed noon to Sun, an hour short
  CHECK(w.rbegin()->second == doctest::Approx(1.0));            // Monday 03-30

  PolicySubmitClock weekdays(*policy, ReportBy::weekday);
  auto d = local_group_days(weekdays, ReportBy::weekday, since, until);
  CHECK(d.at(3) == doctest::Approx(0.5));        // Wednesday from noon
  CHECK(d.at(7) == doctest::Approx(23.0 / 24));  // the short Sunday
  CHECK_FALSE(d.contains(2));                    // no Tuesday in the period

  PolicySubmitClock hours(*policy, ReportBy::hour);
  auto h = local_group_days(hours, ReportBy::hour, since, until);
  CHECK(h.at(2) == doctest::Approx(4.0));   // 02:00 never came on the Sunday
  CHECK(h.at(3) == doctest::Approx(5.0));   // 26th to 30th
  CHECK(h.at(12) == doctest::Approx(6.0));  // the Wednesday's noon too
  CHECK(h.at(11) == doctest::Approx(5.0));
}
