// What a manager reads beside the figures: the change against the period before, the DORA bands,
// a report narrowed to a team, service or environment, by month, the reasons people wrote, and
// the page that shows them with plain labels. Every expectation is worked out by hand from the
// fixed history of report_history.hpp.

#include <doctest/doctest.h>

#include "ledger_world.hpp"
#include "report/dora_bands.hpp"
#include "report/read_report.hpp"
#include "report/report_html.hpp"
#include "report/report_json.hpp"
#include "report/report_reasons.hpp"
#include "report/report_rows.hpp"
#include "report/svg_chart.hpp"
#include "report/why_emergencies.hpp"
#include "report_history.hpp"
#include "test_folder.hpp"

using namespace beaver;
using beaver::test::History;
using beaver::test::World;

namespace {

// The comparison table's row of `figure`: now, before, change, band.
std::vector<std::string> compared(const Report& r, const std::string& figure) {
  for (const auto& row : report_comparison_table(r).rows)
    if (row[0] == figure) return {row.begin() + 1, row.end()};
  FAIL("no row " << figure);
  return {};
}

Report scoped(History& h, ReportScope scope, ReportBy by = ReportBy::none) {
  auto r = read_report(h.l, "ann", h.since, h.until, by, scope);
  REQUIRE_MESSAGE(r.has_value(), r.error().message);
  return *r;
}

}  // namespace

TEST_CASE("each headline figure is compared with the period of the same length before it") {
  History h;
  auto r = h.report(ReportBy::none);
  // November (30 days) against 2026-10-02 .. 11-01, which holds the one normal release of
  // October 6 to test: approved on submit, on a Tuesday at 10:00, so no wait, night or weekend.
  REQUIRE(r.previous.has_value());
  CHECK(format_utc(r.previous->since) == "2026-10-02T00:00:00Z");
  CHECK(format_utc(r.previous->until) == "2026-11-01T00:00:00Z");
  CHECK(r.previous->totals.releases == 1);
  CHECK(r.previous->totals.normal == 1);
  CHECK(r.previous->totals.approval_wait == ApprovalWait{});
  CHECK(compared(r, "releases") == std::vector<std::string>{"8", "1", "+7 (+700%)", ""});
  CHECK(compared(r, "normal") == std::vector<std::string>{"2", "1", "+1 (+100%)", ""});
  CHECK(compared(r, "emergency") == std::vector<std::string>{"5", "0", "+5", ""});
  CHECK(compared(r, "at_weekend") == std::vector<std::string>{"2", "0", "+2", ""});
  CHECK(compared(r, "owing_review") == std::vector<std::string>{"2", "0", "+2", ""});
  CHECK(compared(r, "approval_wait_median") == std::vector<std::string>{"15m00s", "-", "-", ""});
  // No deploy ran in either period: none per day is the low band, and no lead time has none.
  CHECK(compared(r, "deployment_frequency") ==
        std::vector<std::string>{"0.00", "0.00", "0", "low"});
  CHECK(compared(r, "lead_time_median") == std::vector<std::string>{"-", "-", "-", ""});

  auto json = report_json(r);
  CHECK(json->getObject("previous")->getValue<int64_t>("releases") == 1);
  CHECK(json->getObject("previous")->getValue<double>("emergency_ratio") == 0.0);
  CHECK(json->getObject("previous_period")->getValue<std::string>("until") ==
        "2026-11-01T00:00:00Z");
  CHECK(json->getObject("dora")->getObject("bands")->getValue<std::string>(
            "deployment_frequency") == "low");
  CHECK(json->getObject("dora")->getObject("bands")->isNull("lead_time"));

  h.since = *parse_iso8601("2026-11-20T00:00:00Z");
  h.until = *parse_iso8601("2026-11-25T00:00:00Z");
  // Nov 20 .. 25 holds R7 (20th), R2 (21st), R4 (22nd), R6 (23rd), R9 and R1 (24th); the five
  // days before, Nov 15 .. 20, hold R3 (18th) and R8 (19th), both emergencies.
  auto week = h.report(ReportBy::none);
  CHECK(compared(week, "releases") == std::vector<std::string>{"6", "2", "+4 (+200%)", ""});
  CHECK(compared(week, "emergency") == std::vector<std::string>{"3", "2", "+1 (+50%)", ""});
  CHECK(compared(week, "emergency_ratio") == std::vector<std::string>{"0.50", "1.00", "-0.50", ""});
  CHECK(compared(week, "rejected") == std::vector<std::string>{"0", "1", "-1 (-100%)", ""});
}

TEST_CASE("the DORA bands are drawn where docs/reference/report.md says") {
  using B = DoraBand;
  CHECK(deployment_frequency_band(1.0) == B::elite);
  CHECK(deployment_frequency_band(0.99) == B::high);
  CHECK(deployment_frequency_band(1.0 / 7) == B::high);
  CHECK(deployment_frequency_band(0.1) == B::medium);
  CHECK(deployment_frequency_band(1.0 / 30) == B::medium);
  CHECK(deployment_frequency_band(0.03) == B::low);
  CHECK_FALSE(deployment_frequency_band(std::nullopt).has_value());
  constexpr int64_t h = 3600;
  CHECK(lead_time_band(24 * h - 1) == B::elite);
  CHECK(lead_time_band(24 * h) == B::high);
  CHECK(lead_time_band(168 * h - 1) == B::high);
  CHECK(lead_time_band(168 * h) == B::medium);
  CHECK(lead_time_band(720 * h) == B::low);
  CHECK(change_failure_rate_band(1.0 / 20) == B::elite);
  CHECK(change_failure_rate_band(0.06) == B::high);
  CHECK(change_failure_rate_band(0.15) == B::medium);
  CHECK(change_failure_rate_band(5.0 / 9) == B::low);
  CHECK(time_to_restore_band(59 * 60) == B::elite);
  CHECK(time_to_restore_band(h) == B::high);
  CHECK(time_to_restore_band(24 * h) == B::medium);
  CHECK(time_to_restore_band(7 * 24 * h) == B::low);
  CHECK(to_string(B::medium) == "medium");
}

TEST_CASE("a report narrowed to a team, a service or an environment counts only theirs") {
  History h;
  auto core = scoped(h, {"core", std::nullopt, std::nullopt});
  CHECK(core.totals.releases == 1);  // R6
  CHECK(core.totals.emergency == 1);
  CHECK(core.emergency_by_approver == std::map<std::string, int64_t>{{"leo", 1}});
  CHECK(core.previous->totals.releases == 0);
  CHECK(core.scope.team == "core");
  auto payments = scoped(h, {"payments", std::nullopt, std::nullopt}, ReportBy::env);
  CHECK(payments.totals.releases == 7);
  CHECK(payments.groups.size() == 2);
  auto test_env = scoped(h, {std::nullopt, std::nullopt, "test"});
  CHECK(test_env.totals.releases == 1);            // R4
  CHECK(test_env.previous->totals.releases == 1);  // October's
  CHECK(compared(test_env, "releases") == std::vector<std::string>{"1", "1", "0", ""});
  auto hello_prod = scoped(h, {std::nullopt, "hello", "prod"});
  CHECK(hello_prod.totals.releases == 6);  // R1, R2, R3, R7, R8, R9
  CHECK(hello_prod.totals.outside_windows == 3);
  auto none = scoped(h, {"core", "hello", std::nullopt});  // hello is payments'
  CHECK(none.totals.releases == 0);
  auto charts = read_report_charts(h.l, "ann", h.since, h.until, {std::nullopt, "hello", {}});
  REQUIRE(charts.has_value());
  REQUIRE(charts->team_weeks.size() == 1);  // hello's team only
  CHECK(charts->team_weeks[0].first == "payments");
  auto one_team = read_report_charts(h.l, "ann", h.since, h.until, {"core", {}, {}});
  REQUIRE(one_team.has_value());
  CHECK(one_team->weeks.size() == 1);   // R6's week
  CHECK(one_team->team_weeks.empty());  // its own line would repeat the whole's
}

TEST_CASE("by month, on the policy's clock: 23:30 on November 30 in Shanghai is November") {
  History h;
  h.since = *parse_iso8601("2026-10-01T00:00:00Z");
  auto r = h.report(ReportBy::month);
  std::vector<std::string> keys;
  for (const auto& g : r.groups) keys.push_back(fmt::format("{}={}", g.key, g.totals.releases));
  CHECK(keys == std::vector<std::string>{"2026-10=1", "2026-11=8"});
  CHECK(to_string(ReportBy::month) == "month");

  std::string shanghai = test::kPolicy;
  shanghai.replace(shanghai.find("timezone: UTC"), 13, "timezone: Asia/Shanghai");
  World w(shanghai);
  auto l = w.ledger();
  for (auto [iso, version] : {std::pair{"2026-11-30T23:30:00+08:00", "1.0.0"},
                              std::pair{"2026-12-01T00:30:00+08:00", "1.0.1"}}) {
    w.now = *parse_iso8601(iso);
    REQUIRE(l.submit("bob", {"hello", "test", version, std::nullopt, false, {}, {}, {}, {}}));
  }
  auto months = read_report(l, "ann", *parse_iso8601("2026-11-01T00:00:00+08:00"),
                            *parse_iso8601("2027-01-01T00:00:00+08:00"), ReportBy::month);
  REQUIRE(months.has_value());
  keys.clear();
  for (const auto& g : months->groups)
    keys.push_back(fmt::format("{}={}/{:.0f}", g.key, g.totals.releases, g.deploys->days));
  // Both are November 30 in UTC; each month's deploy frequency divides by its own days.
  CHECK(keys == std::vector<std::string>{"2026-11=1/30", "2026-12=1/31"});
}

TEST_CASE("reasons are grouped by their normalized whole text, Chinese and full-width too") {
  CHECK(normalized_reason("  Fix   the DB. ") == "fix the db");
  CHECK(normalized_reason("ＦＩＸ　ＴＨＥ　ＤＢ！") == "fix the db");
  CHECK(normalized_reason("修复登录超时。") == "修复登录超时");
  CHECK(normalized_reason(" 修复登录超时 ！") == "修复登录超时");
  CHECK(normalized_reason("数据修复，补单…") == "数据修复,补单");  // the inner comma stays
  CHECK(normalized_reason("...") == "");
  CHECK(normalized_reason("a\xff b") == "a\xff b");  // no UTF-8: kept as it is

  History h;
  // The History's emergencies all say "urgent" but R6 ("down").
  auto r = h.report(ReportBy::none);
  CHECK(r.emergency_reasons.at("hotfix") ==
        std::vector<ReasonCount>{{"urgent", 2}, {"down", 1}});  // R2, R8; R6
  CHECK(r.emergency_reasons.at("security") == std::vector<ReasonCount>{{"urgent", 1}});  // R3
  int n = 0;
  for (const char* reason : {"修复登录超时。", "修复登录超时", " 修复登录超时 ！", "Fix  the DB.",
                             "fix the db", "ＦＩＸ ＴＨＥ ＤＢ", "回滚"}) {
    h.at("2026-11-26T10:00:00Z");
    SubmitRequest s{"hello",      "prod", fmt::format("9.0.{}", n++),
                    std::nullopt, true,   "data-fix",
                    reason,       {},     {}};
    auto v = h.l.submit("bob", s);
    REQUIRE_MESSAGE(v.has_value(), v.error().message);
  }
  h.at("2026-11-26T11:00:00Z");
  auto again = h.report(ReportBy::none);
  CHECK(again.emergency_reasons.at("data-fix") ==
        std::vector<ReasonCount>{
            {"Fix the DB.", 3}, {"修复登录超时。", 3}, {"urgent", 1}, {"回滚", 1}});
  auto json = report_json(again);
  auto top = json->getObject("emergency_reasons")->getArray("data-fix")->getObject(1);
  CHECK(top->getValue<std::string>("reason") == "修复登录超时。");
  CHECK(top->getValue<int64_t>("count") == 3);
}

TEST_CASE("the emergency ratio's axis is scaled to the data, not 0 to 100 %") {
  CHECK(ratio_axis_top(0.15) == 0.2);
  CHECK(ratio_axis_top(0.0) == 0.02);
  CHECK(ratio_axis_top(0.6) == 0.6);
  CHECK(ratio_axis_top(0.61) == 0.8);
  CHECK(ratio_axis_top(1.0) == 1.0);
  auto svg = ratio_lines_chart(
      "ratio", {"W1", "W2"}, {{"all", "#e15759", {0.15, 0.1}}, {"core", "#4e79a7", {0.12, 0.05}}});
  CHECK(svg.find(">20%<") != std::string::npos);
  CHECK(svg.find(">10%<") != std::string::npos);
  CHECK(svg.find(">100%<") == std::string::npos);
  CHECK(svg.find("core W2: 5.0%") != std::string::npos);
  CHECK(svg.find("class=\"legend\">core<") != std::string::npos);
}

TEST_CASE("fractions a person reads are rounded: no 17-digit floats in the CSV") {
  CHECK(rounded(2.0 / 3) == "0.6667");
  CHECK(rounded(0.625) == "0.625");
  CHECK(rounded(1.0 / 7) == "0.1429");
  CHECK(rounded(3.0) == "3");
  CHECK(rounded(-0.00001) == "0");
  History h;
  auto csv = report_csv_table(h.report(ReportBy::team));
  for (const auto& row : csv.rows)
    for (const auto& cell : row) CHECK_MESSAGE(cell.size() < 12, cell);
}

TEST_CASE("the HTML page speaks plainly: labels, definitions a tap away, changes and approvers") {
  History h;
  auto r = h.report(ReportBy::team);
  auto c = read_report_charts(h.l, "ann", h.since, h.until);
  REQUIRE(c.has_value());
  auto page = report_html(test::source_dir() / "templates", r, *c);
  REQUIRE_MESSAGE(page.has_value(), page.error().message);
  CHECK(page->find("<details><summary>Share of emergencies</summary><p>Emergency releases "
                   "divided by all releases") != std::string::npos);
  CHECK(page->find("<td>8</td><td>1</td><td>+7 (+700%)</td>") != std::string::npos);
  CHECK(page->find("<th title=\"Releases of any type submitted while") != std::string::npos);
  CHECK(page->find(">Outside the release windows</th>") != std::string::npos);
  for (const char* abbreviation : {"OUT-WINDOW", "OWE-REVIEW", ">CFR<", "emergency_ratio"})
    CHECK_MESSAGE(page->find(abbreviation) == std::string::npos, abbreviation);
  CHECK(page->find("<tr><td>lea</td><td>2</td></tr>") != std::string::npos);
  CHECK(page->find("<tr><td>urgent</td><td>2</td></tr>") != std::string::npos);
  CHECK(page->find("Share of emergencies per week, by team") != std::string::npos);
  CHECK(page->find("class=\"legend\">core<") != std::string::npos);
  CHECK(page->find("class=\"legend\">payments<") != std::string::npos);
  CHECK(page->find("<pre>") == std::string::npos);  // the glossary is no dump of --help
  CHECK(page->find("<summary>What the figures count</summary>") != std::string::npos);
}

TEST_CASE("why emergencies: teams ranked by how far their share is from the median") {
  History h;
  // A third team, front, with one normal release and no emergency.
  REQUIRE(h.l.add_service("ann", "web", "front").has_value());
  REQUIRE(h.l.add_user("ann", {"fran", "front", {Role::developer}}).has_value());
  h.at("2026-11-25T10:00:00Z");
  REQUIRE(h.l.submit("fran", {"web", "test", "0.1.0", std::nullopt, false, {}, {}, {}, {}}));
  auto why = read_why_emergencies(h.l, "ann", h.since, h.until);
  REQUIRE_MESSAGE(why.has_value(), why.error().message);
  // Shares: core 1/1, front 0/1, payments 4/7; their median is payments' 4/7.
  CHECK(why->median_ratio == doctest::Approx(4.0 / 7));
  std::vector<std::string> ranked;
  for (const auto& t : why->teams) ranked.push_back(t.team);
  CHECK(ranked == std::vector<std::string>{"front", "core", "payments"});  // 4/7, 3/7, 0 away
  const auto& front = why->teams[0];
  CHECK(front.from_median == doctest::Approx(-4.0 / 7));
  CHECK_FALSE(front.previous_ratio.has_value());
  const auto& core = why->teams[1];
  CHECK(core.emergencies == 1);
  CHECK(core.categories == std::map<std::string, int64_t>{{"hotfix", 1}});
  CHECK(core.outside_windows == 0);  // R6, Monday 09:30: inside the window
  CHECK(core.owing_review == 0);     // reviewed
  const auto& payments = why->teams[2];
  CHECK(payments.releases == 7);
  CHECK(payments.emergencies == 4);  // R2, R3, R7, R8
  CHECK(payments.categories ==
        std::map<std::string, int64_t>{{"data-fix", 1}, {"hotfix", 2}, {"security", 1}});
  CHECK(payments.outside_windows == 3);  // R2 (Saturday), R3 (03:00), R8 (the freeze)
  CHECK(payments.at_night == 2);         // R2, R3
  CHECK(payments.failed == 0);
  CHECK(payments.owing_review == 2);      // R2, R7
  CHECK(payments.previous_ratio == 0.0);  // October's one normal release
  CHECK(payments.reasons.at("hotfix") == std::vector<ReasonCount>{{"urgent", 2}});

  auto json = why_emergencies_json(*why);
  CHECK(json->getArray("teams")->getObject(0)->getValue<std::string>("team") == "front");
  auto text = why_emergencies_text(*why);
  CHECK(text.find("the teams' median share of emergencies is 57%") != std::string::npos);
  CHECK(text.find("front: 0 of 1 releases were emergencies (0%, -57 points from the median; no "
                  "release the period before)") != std::string::npos);
  CHECK(text.find("payments: 4 of 7 releases were emergencies (57%, +0 points from the median; "
                  "0% the period before)") != std::string::npos);
  CHECK(text.find("  outside the windows 3 (75%), at night 2 (50%), failed or rolled back 0 (0%), "
                  "reviews overdue 2 (50%)") != std::string::npos);
}
