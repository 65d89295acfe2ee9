#include "report/report_html.hpp"

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <sstream>

#include "report/report_figures.hpp"
#include "report/report_rows.hpp"
#include "report/submit_clock.hpp"
#include "report/svg_chart.hpp"

namespace beaver {
namespace {

std::string html_table(const ReportTable& t) {
  std::string out = "<table>\n<tr>";
  for (const auto& h : t.headers) out += "<th>" + html_escape(h) + "</th>";
  out += "</tr>\n";
  for (const auto& row : t.rows) {
    bool total = !row.empty() && row.front() == kTotalRowKey;
    out += total ? "<tr class=\"total\">" : "<tr>";
    for (const auto& cell : row) out += "<td>" + html_escape(cell) + "</td>";
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

// The first `count` of the terminal tables.
std::string tables(const Report& r, size_t count = 3) {
  std::string out;
  auto all = report_terminal_tables(r, 0);
  for (size_t i = 0; i < all.size() && i < count; ++i) out += html_table(all[i]);
  return out;
}

// Every week from the first to the last with releases, empty weeks included.
std::string weekly_charts(const ReportCharts& c, std::string& ratio_chart) {
  std::map<int64_t, ReportTotals> by_monday;
  for (const auto& g : c.weeks) by_monday[g.local_key] = g.totals;
  std::vector<std::string> labels;
  ChartSeries normal{"normal", "#4e79a7", {}}, emergency{"emergency", "#e15759", {}},
      rollback{"rollback", "#76b7b2", {}};
  std::vector<double> ratio;
  if (!by_monday.empty()) {
    for (int64_t m = by_monday.begin()->first; m <= by_monday.rbegin()->first; m += 7) {
      ReportTotals t;
      if (auto f = by_monday.find(m); f != by_monday.end()) t = f->second;
      labels.push_back(iso_week_text(m));
      normal.values.push_back(static_cast<double>(t.normal));
      emergency.values.push_back(static_cast<double>(t.emergency));
      rollback.values.push_back(static_cast<double>(t.rollback));
      ratio.push_back(t.emergency_ratio());
    }
  }
  ratio_chart = ratio_line_chart("Emergency ratio per week", labels, ratio);
  return stacked_bar_chart("Releases per week, by type", labels, {normal, emergency, rollback});
}

std::string reasons_chart(const Report& r) {
  std::vector<std::string> labels;
  std::vector<double> values;
  for (const auto& [category, n] : r.emergency_by_category) {
    labels.push_back(category);
    values.push_back(static_cast<double>(n));
  }
  return bar_chart("Emergencies by reason", labels, values);
}

std::string heat_chart(const ReportCharts& c) {
  std::vector<std::string> days = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}, hours;
  for (int h = 0; h < 24; ++h) hours.push_back(fmt::format("{:02}", h));
  std::vector<std::vector<double>> values;
  for (const auto& day : c.weekday_hour) {
    values.emplace_back();
    for (auto n : day) values.back().push_back(static_cast<double>(n));
  }
  return heat_map("Releases by weekday and hour (policy time zone)", days, hours, values);
}

// The deploy figures of the whole period, one line each, as the figures help names them.
std::string dora_block(const DeployFigures& f) {
  auto fixed = [](const std::optional<double>& x) {
    return x ? fmt::format("{:.2f}", *x) : std::string("-");
  };
  auto wait = [](const std::optional<int64_t>& s) { return s ? wait_text(*s) : "-"; };
  ReportTable t{
      {"figure", "value"},
      {{"deploys", std::to_string(f.deployed)},
       {"deployment_frequency (per day)", fixed(f.deployment_frequency())},
       {"lead_time median", wait(f.lead_time.median)},
       {"lead_time p90", wait(f.lead_time.p90)},
       {"change_failure_rate",
        fmt::format("{} ({} of {})", fixed(f.change_failure_rate()), f.failed_changes, f.ended)},
       {"time_to_restore median", wait(f.time_to_restore.median)},
       {"failures still_open", std::to_string(f.still_open)},
       {"deploy duration median", wait(f.duration.median)},
       {"deploy duration p90", wait(f.duration.p90)}}};
  return "<div class=\"dora\">\n" + html_table(t) + "</div>\n";
}

}  // namespace

ReportChartSvgs report_chart_svgs(const Report& r, const ReportCharts& c) {
  ReportChartSvgs out;
  out.weeks = weekly_charts(c, out.ratio);
  out.reasons = reasons_chart(r);
  out.heat = heat_chart(c);
  return out;
}

std::string render_report_html(std::string_view page, const Report& r, const ReportCharts& c) {
  std::map<std::string, std::string, std::less<>> places;
  places["title"] = html_escape("beaver release report");
  places["period"] =
      html_escape(fmt::format("Releases submitted from {} to {} (UTC), by {}.", format_utc(r.since),
                              format_utc(r.until), to_string(r.by)));
  if (r.totals.releases == 0 && r.deploys.ended == 0)
    places["empty"] =
        "<p class=\"empty\">No releases were submitted and no deploys ended in this period: the "
        "report "
        "is empty.</p>";
  Report totals_only = r;
  totals_only.groups.clear();
  places["totals"] = tables(totals_only, 2);  // the deploy figures have their own block
  places["dora"] = dora_block(r.deploys);
  if (r.by != ReportBy::none)
    places["groups"] = fmt::format("<h2>By {}</h2>\n{}", html_escape(to_string(r.by)), tables(r));
  auto charts = report_chart_svgs(r, c);
  places["chart_weeks"] = std::move(charts.weeks);
  places["chart_ratio"] = std::move(charts.ratio);
  places["chart_reasons"] = std::move(charts.reasons);
  places["chart_heat"] = std::move(charts.heat);
  places["figures"] = html_escape(report_figures_help());

  // One pass over the template: text put in a place is never searched for places again.
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t open = page.find("{{", pos);
    if (open == std::string_view::npos) break;
    size_t close = page.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(page.substr(pos, open - pos));
    if (auto f = places.find(page.substr(open + 2, close - open - 2)); f != places.end())
      out += f->second;
    pos = close + 2;
  }
  out.append(page.substr(pos));
  return out;
}

Result<std::string> report_html(const std::filesystem::path& template_file, const Report& r,
                                const ReportCharts& c) {
  std::ifstream in(template_file, std::ios::binary);
  if (!in)
    return fail(ErrorKind::internal, "cannot read the page template {}", template_file.string());
  std::ostringstream text;
  text << in.rdbuf();
  return render_report_html(text.str(), r, c);
}

}  // namespace beaver
