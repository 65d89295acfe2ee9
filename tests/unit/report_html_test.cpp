#include "report/report_html.hpp"

#include <doctest/doctest.h>

#include "report/svg_chart.hpp"
#include "test_folder.hpp"

using namespace beaver;

namespace {

Report sample() {
  Report r;
  r.since = *parse_iso8601("2026-11-01T00:00:00Z");
  r.until = *parse_iso8601("2026-12-01T00:00:00Z");
  r.by = ReportBy::service;
  r.totals.releases = 3;
  r.totals.emergency = 2;
  r.groups.push_back({"<script>alert(1)</script>", r.totals, 0, std::nullopt});
  r.emergency_by_category = {{"\"hot\" & <fix>", 2}};
  return r;
}

}  // namespace

TEST_CASE("every text that reaches the page is escaped") {
  CHECK(html_escape("<a href=\"x\">'&'</a>") ==
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  auto page = render_report_html("<main>{{groups}}{{chart_reasons}}</main>", sample(), {});
  CHECK(page.find("<script>") == std::string::npos);
  CHECK(page.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(page.find("&quot;hot&quot; &amp; &lt;fix&gt;") != std::string::npos);
}

TEST_CASE("text put into a place of the template is not read for places again") {
  Report r = sample();
  r.groups.front().key = "{{figures}}";
  auto page = render_report_html("{{groups}}|{{unknown}}|", r, {});
  CHECK(page.find("{{figures}}") != std::string::npos);
  CHECK(page.find("Figures (over") == std::string::npos);
  CHECK(page.substr(page.size() - 2) == "||");
}

TEST_CASE("the page draws five charts, filling weeks without releases") {
  Report r = sample();
  ReportCharts c;
  ReportTotals t;
  t.normal = t.releases = 1;
  c.weeks.push_back({"2026-W45", t, 20759, std::nullopt});  // Monday 2026-11-02
  c.weeks.push_back({"2026-W47", t, 20759 + 14, std::nullopt});
  c.weekday_hour[5][23] = 4;
  auto page = report_html(test::source_dir() / "templates", r, c);
  REQUIRE(page.has_value());
  size_t charts = 0;
  for (size_t at = page->find("<svg"); at != std::string::npos; at = page->find("<svg", at + 1))
    ++charts;
  CHECK(charts == 5);
  // Three weeks on the axis: the one between has no releases but still shows.
  CHECK(page->find("2026-W46") != std::string::npos);
  CHECK(page->find("Sat 23: 4") != std::string::npos);
  for (const char* outside : {"http://", "https://", "src=", "<script", "@import", "url("})
    CHECK_MESSAGE(page->find(outside) == std::string::npos, outside);
  CHECK_FALSE(report_html(test::source_dir() / "none", r, c).has_value());
}

TEST_CASE("the dashboard's charts are the HTML page's charts") {
  auto charts = report_chart_svgs(sample(), {});
  auto page = render_report_html(
      "{{chart_weeks}}|{{chart_ratio}}|{{chart_reasons}}|{{chart_approvers}}|{{chart_heat}}",
      sample(), {});
  CHECK(page == charts.weeks + "|" + charts.ratio + "|" + charts.reasons + "|" + charts.approvers +
                    "|" + charts.heat);
  CHECK(charts.reasons.find("&quot;hot&quot; &amp; &lt;fix&gt;") != std::string::npos);
}
