#include "report/report.hpp"

#include <Poco/JSON/Stringifier.h>
#include <date/tz.h>
#include <doctest/doctest.h>

#include <sstream>

#include "ledger_world.hpp"
#include "report/read_report.hpp"
#include "report/report_json.hpp"
#include "report/report_period.hpp"
#include "report/report_rows.hpp"
#include "report_history.hpp"
#include "schema/schema.hpp"
#include "schema/yaml_document.hpp"

using namespace beaver;
using beaver::test::History;
using beaver::test::kPolicy;
using beaver::test::kReportPolicy;
using beaver::test::World;

namespace {

const ReportGroup& group(const Report& r, const std::string& key) {
  for (const auto& g : r.groups)
    if (g.key == key) return g;
  FAIL("no group " << key);
  throw std::logic_error("unreachable");
}

std::string json_text(const Report& r) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(report_json(r), out, 2);
  return out.str();
}

}  // namespace

TEST_CASE("a report over a small fixed history: every figure worked out by hand") {
  History h;
  auto r = h.report(ReportBy::none);
  const auto& t = r.totals;
  CHECK(t.releases == 8);
  CHECK(t.normal == 2);
  CHECK(t.emergency == 5);
  CHECK(t.rollback == 1);
  CHECK(t.emergency_ratio() == doctest::Approx(5.0 / 8.0));
  CHECK(t.rejected == 1);
  CHECK(t.deployed == 0);
  CHECK(t.failed == 0);
  CHECK(t.outside_windows == 3);  // R2 (Saturday night), R3 (03:00), R8 (in the freeze)
  CHECK(t.at_night == 2);         // R2, R3
  CHECK(t.at_weekend == 2);       // R2, R4
  CHECK(t.owing_review == 2);     // R2, R7; R6 was reviewed
  CHECK(t.approval_wait == ApprovalWait{4, 900, 7200});
  CHECK(r.groups.empty());
  CHECK(r.emergency_by_category ==
        std::map<std::string, int64_t>{{"data-fix", 1}, {"hotfix", 3}, {"security", 1}});
  CHECK(r.emergency_by_approver == std::map<std::string, int64_t>{{"lea", 2}, {"leo", 1}});
}

TEST_CASE("report groups split the figures: by team, env and category they add up to the total") {
  History h;
  auto by_team = h.report(ReportBy::team);
  REQUIRE(by_team.groups.size() == 2);
  const auto& core = group(by_team, "core").totals;
  CHECK(core.releases == 1);
  CHECK(core.emergency == 1);
  CHECK(core.owing_review == 0);
  CHECK(core.approval_wait == ApprovalWait{1, 3600, 3600});
  const auto& payments = group(by_team, "payments").totals;
  CHECK(payments.releases == 7);
  CHECK(payments.outside_windows == 3);
  CHECK(payments.approval_wait == ApprovalWait{3, 900, 7200});  // 600 900 7200
  CHECK(by_team.totals.releases == 8);

  auto by_env = h.report(ReportBy::env);
  REQUIRE(by_env.groups.size() == 2);
  CHECK(group(by_env, "prod").totals.releases == 7);
  CHECK(group(by_env, "test").totals.releases == 1);
  CHECK(group(by_env, "test").totals.at_weekend == 1);
  CHECK(group(by_env, "test").totals.approval_wait == ApprovalWait{});

  auto by_category = h.report(ReportBy::category);
  std::vector<std::string> keys;
  for (const auto& g : by_category.groups)
    keys.push_back(fmt::format("{}={}", g.key, g.totals.releases));
  CHECK(keys == std::vector<std::string>{"-=3", "data-fix=1", "hotfix=3", "security=1"});
}

TEST_CASE("by approver: each person's releases, an emergency approver counted once per release") {
  History h;
  auto r = h.report(ReportBy::approver);
  std::vector<std::string> keys;
  for (const auto& g : r.groups) keys.push_back(g.key);
  CHECK(keys == std::vector<std::string>{"dan", "dora", "lea", "leo"});
  const auto& lea = group(r, "lea").totals;
  CHECK(lea.releases == 3);  // R1, R2, R7
  CHECK(lea.emergency == 2);
  CHECK(lea.at_night == 1);
  CHECK(lea.owing_review == 2);
  CHECK(lea.approval_wait == ApprovalWait{3, 900, 7200});
  CHECK(group(r, "dan").totals.approval_wait == ApprovalWait{1, 7200, 7200});
  CHECK(group(r, "leo").totals.emergency == 1);
  // The total row still holds every release, approved or not.
  CHECK(r.totals.releases == 8);
  CHECK(r.emergency_by_category.at("hotfix") == 3);
}

TEST_CASE("an approval given again after it expired counts its approver once") {
  World w;
  auto id = w.submit(true);
  auto l = w.ledger();
  REQUIRE(l.approve("lea", id, std::nullopt));
  w.now += std::chrono::hours(25);
  REQUIRE(l.approve("lea", id, std::nullopt));
  auto r = read_report(l, "ann", w.now - std::chrono::days(2), w.now + std::chrono::hours(1),
                       ReportBy::approver);
  REQUIRE(r.has_value());
  REQUIRE(r->groups.size() == 1);
  CHECK(r->groups[0].totals.releases == 1);
  CHECK(r->emergency_by_approver == std::map<std::string, int64_t>{{"lea", 1}});
  // The wait runs to the approval that stands: 25 hours.
  CHECK(r->totals.approval_wait == ApprovalWait{1, 25 * 3600, 25 * 3600});
}

TEST_CASE("a release a person approved in the second it was submitted waits 0 s, by week too") {
  History h;
  // R10: an emergency lea approves in the second it is submitted, unlike R4, which its empty
  // chain approved on submit and no person did.
  auto r10 = h.submit("2026-11-25T08:00:00Z", "hello", "prod", "1.0.7", "security");
  h.approve("2026-11-25T08:00:00Z", "lea", r10);
  h.at("2026-11-25T09:00:00Z");
  for (auto by : {ReportBy::none, ReportBy::week, ReportBy::env}) {
    auto r = h.report(by);
    CHECK(r.totals.releases == 9);
    // Waits, ascending: 0 600 900 3600 7200: median (rank 3) 900, p90 (rank 5) 7200.
    CHECK(r.totals.approval_wait == ApprovalWait{5, 900, 7200});
    CHECK(r.emergency_by_approver == std::map<std::string, int64_t>{{"lea", 3}, {"leo", 1}});
  }
  auto by_week = h.report(ReportBy::week);
  CHECK(group(by_week, "2026-W48").totals.approval_wait == ApprovalWait{3, 3600, 7200});
  auto by_approver = h.report(ReportBy::approver);
  CHECK(group(by_approver, "lea").totals.approval_wait == ApprovalWait{4, 600, 7200});
}

TEST_CASE("an empty period gives zeros and no waits, not a division by zero") {
  History h;
  h.since = *parse_iso8601("2027-01-01T00:00:00Z");
  h.until = *parse_iso8601("2027-02-01T00:00:00Z");
  for (auto by : {ReportBy::none, ReportBy::week, ReportBy::approver}) {
    auto r = h.report(by);
    CHECK(r.totals.releases == 0);
    CHECK(r.totals.emergency_ratio() == 0.0);
    CHECK(r.totals.approval_wait == ApprovalWait{});
    CHECK(r.groups.empty());
    CHECK(r.emergency_by_category.empty());
  }
}

TEST_CASE(
    "the period includes since and excludes until, so a release at until is in the next one") {
  History h;
  h.since = *parse_iso8601("2026-11-23T09:30:00Z");  // R6's submit time: included
  h.until = *parse_iso8601("2026-11-24T09:00:00Z");  // R9's: left out
  auto r = h.report(ReportBy::none);
  CHECK(r.totals.releases == 1);
  CHECK(r.totals.emergency == 1);
  CHECK_FALSE(read_report(h.l, "ann", h.until, h.since, ReportBy::none).has_value());
  CHECK_FALSE(read_report(h.l, "ann", h.until, h.until, ReportBy::none).has_value());
  auto unknown = report_by_from_string("fortnight");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().message ==
        "cannot group a report by 'fortnight' (groups: team, service, env, category, approver, "
        "month, week, weekday, hour)");
}

TEST_CASE(
    "reports group by week, weekday and hour on the policy's clock (23:30 Sunday in Shanghai)") {
  std::string shanghai = kPolicy;
  shanghai.replace(shanghai.find("timezone: UTC"), 13, "timezone: Asia/Shanghai");
  World w(shanghai);
  auto l = w.ledger();
  auto submit_at = [&](const char* iso, const char* version) {
    w.now = *parse_iso8601(iso);
    SubmitRequest r{"hello", "test", version, std::nullopt, false, {}, {}, {}, {}};
    REQUIRE(l.submit("bob", r).has_value());
  };
  submit_at("2026-11-29T23:30:00+08:00", "1.0.0");  // Sunday night: ISO week 48
  submit_at("2026-11-30T00:30:00+08:00", "1.0.1");  // Monday 00:30 there, still Sunday in UTC
  auto since = *parse_iso8601("2026-11-23T00:00:00+08:00");
  auto until = *parse_iso8601("2026-12-07T00:00:00+08:00");
  auto keys = [&](ReportBy by) {
    auto r = read_report(l, "ann", since, until, by);
    REQUIRE(r.has_value());
    std::vector<std::string> out;
    for (const auto& g : r->groups) out.push_back(fmt::format("{}={}", g.key, g.totals.releases));
    return out;
  };
  CHECK(keys(ReportBy::week) == std::vector<std::string>{"2026-W48=1", "2026-W49=1"});
  CHECK(keys(ReportBy::weekday) == std::vector<std::string>{"1 mon=1", "7 sun=1"});
  CHECK(keys(ReportBy::hour) == std::vector<std::string>{"00=1", "23=1"});
  auto r = read_report(l, "ann", since, until, ReportBy::none);
  CHECK(r->totals.at_night == 2);    // 23:30 and 00:30 in Shanghai
  CHECK(r->totals.at_weekend == 1);  // only the Sunday one, though both are Sunday in UTC
}

TEST_CASE("night and weekends are read on the environment's own clock when it has one") {
  std::string policy = kPolicy;
  policy +=
      "  tokyo:\n    timezone: Asia/Tokyo\n    normal: {approvals: []}\n"
      "    emergency: {approvals: []}\n";
  World w(policy);
  auto l = w.ledger();
  w.now = *parse_iso8601("2026-11-24T14:00:00Z");  // 14:00 in UTC, 23:00 in Tokyo
  REQUIRE(l.submit("bob", {"hello", "tokyo", "1.0.0", std::nullopt, false, {}, {}, {}, {}}));
  REQUIRE(l.submit("bob", {"hello", "test", "1.0.0", std::nullopt, false, {}, {}, {}, {}}));
  auto r = read_report(l, "ann", w.now - std::chrono::hours(1), w.now + std::chrono::hours(1),
                       ReportBy::env);
  REQUIRE(r.has_value());
  CHECK(group(*r, "tokyo").totals.at_night == 1);
  CHECK(group(*r, "test").totals.at_night == 0);
}

TEST_CASE("hours follow a daylight saving change (Europe/Berlin, 2026-03-29)") {
  std::string berlin = kPolicy;
  berlin.replace(berlin.find("timezone: UTC"), 13, "timezone: Europe/Berlin");
  World w(berlin);
  auto l = w.ledger();
  for (const char* version : {"1.0.0", "1.0.1"}) {
    w.now = *parse_iso8601(version == std::string("1.0.0") ? "2026-03-29T00:30:00Z"
                                                           : "2026-03-29T01:30:00Z");
    REQUIRE(l.submit("bob", {"hello", "test", version, std::nullopt, false, {}, {}, {}, {}}));
  }
  auto r = read_report(l, "ann", *parse_iso8601("2026-03-28T00:00:00Z"),
                       *parse_iso8601("2026-03-30T00:00:00Z"), ReportBy::hour);
  REQUIRE(r.has_value());
  REQUIRE(r->groups.size() == 2);
  CHECK(r->groups[0].key == "01");  // 01:30 CET
  CHECK(r->groups[1].key == "03");  // 03:30 CEST: 02:xx never happened
}

TEST_CASE("the charts get every week's types and a weekday-by-hour grid") {
  History h;
  auto c = read_report_charts(h.l, "ann", h.since, h.until);
  REQUIRE(c.has_value());
  std::vector<std::string> weeks;
  for (const auto& g : c->weeks)
    weeks.push_back(
        fmt::format("{}={}/{}/{}", g.key, g.totals.normal, g.totals.emergency, g.totals.rollback));
  // Week 47: R3 (Wed), R8 (Thu), R7 (Fri), R2 (Sat), R4 (Sun); week 48: R6, R1, R9.
  CHECK(weeks == std::vector<std::string>{"2026-W47=1/4/0", "2026-W48=1/1/1"});
  CHECK(c->weekday_hour[5][23] == 1);  // Saturday 23:30
  CHECK(c->weekday_hour[1][10] == 1);  // Tuesday 10:00
  CHECK(c->weekday_hour[1][9] == 1);   // Tuesday 09:00 (the rollback)
  int64_t all = 0;
  for (const auto& day : c->weekday_hour)
    for (auto n : day) all += n;
  CHECK(all == 8);
}

TEST_CASE("the report's JSON matches schemas/report.schema.json, with the figures by name") {
  History h;
  for (auto by : {ReportBy::none, ReportBy::team, ReportBy::week, ReportBy::approver}) {
    auto r = h.report(by);
    auto doc = YamlDocument::parse(json_text(r), "report.json");
    REQUIRE_MESSAGE(doc.has_value(), doc.error().message);
    auto valid = validate(*doc, test::source_dir() / "schemas/report.schema.json");
    CHECK_MESSAGE(valid.has_value(), valid.error().message);
  }
  auto json = report_json(h.report(ReportBy::none));
  auto totals = json->getObject("totals");
  CHECK(totals->getValue<int64_t>("outside_windows") == 3);
  CHECK(totals->getObject("approval_wait")->getValue<int64_t>("median_seconds") == 900);
  CHECK(json->getObject("emergency_by_approver")->getValue<int64_t>("lea") == 2);
  // A schema that describes the output must also refuse what it does not describe.
  auto extra = YamlDocument::parse(R"({"since": "x"})", "report.json");
  CHECK_FALSE(validate(*extra, test::source_dir() / "schemas/report.schema.json").has_value());
}

TEST_CASE("the terminal tables fit 100 columns and the CSV table has one column per figure") {
  History h;
  auto r = h.report(ReportBy::service);
  r.groups.front().key = std::string(60, 'x');  // a long name is shortened, not wrapped
  for (const auto& t : report_terminal_tables(r)) {
    auto chars = [](const std::string& s) {
      return static_cast<size_t>(
          std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
    };
    std::vector<size_t> width(t.headers.size());
    for (size_t i = 0; i < t.headers.size(); ++i) width[i] = chars(t.headers[i]);
    for (const auto& row : t.rows)
      for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], chars(row[i]));
    CHECK(t.rows.front()[0] == std::string(23, 'x') + "…");
    size_t line = 0;
    for (auto w : width) line += w + 2;
    CHECK(line - 2 <= 100);
  }
  auto csv = report_csv_table(r);
  CHECK(csv.headers.size() == 28);
  CHECK(csv.rows.back()[0] == "(total)");
  CHECK(csv.rows.back()[5] == "0.625");
  CHECK(csv.rows.back()[14] == "900");
  CHECK(wait_text(45) == "45s");
  CHECK(wait_text(750) == "12m30s");
  CHECK(wait_text(7500) == "2h05m");
  CHECK(wait_text(3 * 86400 + 4 * 3600 + 59) == "3d04h");
}

TEST_CASE("categories and environments the policy no longer has still count") {
  History h;
  std::string changed = kReportPolicy;
  changed.replace(changed.find("[hotfix, security, data-fix]"), 28, "[hotfix, security]");
  changed.erase(changed.find("  test:"));
  changed += "  staging:\n    normal: {approvals: []}\n    emergency: {approvals: []}\n";
  auto p = parse_policy(changed, "policy.yaml", test::source_dir());
  REQUIRE_MESSAGE(p.has_value(), p.error().message);
  h.w.policy = std::move(*p);
  for (auto by : {ReportBy::none, ReportBy::week}) {
    auto r = h.report(by);
    CHECK(r.totals.releases == 8);
    CHECK(r.totals.at_weekend == 2);  // R4 in test, read on the policy's clock
    CHECK(r.totals.outside_windows == 3);
    CHECK(r.emergency_by_category ==
          std::map<std::string, int64_t>{{"data-fix", 1}, {"hotfix", 3}, {"security", 1}});
  }
}

TEST_CASE("a report covers the last 30 days unless since or until say otherwise") {
  const auto* shanghai = date::locate_zone("Asia/Shanghai");
  auto now = *parse_iso8601("2026-12-01T12:00:00Z");
  auto whole = report_period(std::nullopt, std::nullopt, shanghai, now);
  REQUIRE(whole.has_value());
  CHECK(format_utc(whole->since) == "2026-11-01T12:00:00Z");
  CHECK(format_utc(whole->until) == "2026-12-01T12:00:00Z");
  auto days = report_period("2026-11-20", "2026-11-21", shanghai, now);
  REQUIRE(days.has_value());
  CHECK(format_utc(days->since) == "2026-11-19T16:00:00Z");
  CHECK(format_utc(days->until) == "2026-11-21T16:00:00Z");  // the until day is included
  auto bad = report_period("yesterday", std::nullopt, shanghai, now);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().kind == ErrorKind::bad_input);
  CHECK(bad.error().message.starts_with("since: 'yesterday'"));
}
