#include "report/report_html.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "report/report_rows.hpp"
#include "report/submit_clock.hpp"
#include "report/svg_chart.hpp"

namespace beaver {
namespace {

// A figure's label with its definition a tap away.
std::string figure_cell(const ReportWords& words, const std::string& key) {
  auto definition = words.definition(key);
  if (definition.empty()) return "<td>" + html_escape(words.label(key)) + "</td>";
  return fmt::format("<td><details><summary>{}</summary><p>{}</p></details></td>",
                     html_escape(words.label(key)), html_escape(definition));
}

// A terminal table with each column's plain label, its definition as the header's title.
std::string labelled_table(const ReportTable& t, const ReportWords& words) {
  std::string out = "<div class=\"scroll\"><table>\n<tr>";
  for (size_t i = 0; i < t.headers.size(); ++i) {
    std::string key = i < t.keys.size() ? t.keys[i] : "";
    if (key.empty())
      out += "<th>" + html_escape(words.text("group")) + "</th>";
    else
      out += fmt::format("<th title=\"{}\">{}</th>", html_escape(words.definition(key)),
                         html_escape(words.label(key)));
  }
  out += "</tr>\n";
  for (const auto& row : t.rows) {
    bool total = !row.empty() && row.front() == kTotalRowKey;
    out += total ? "<tr class=\"total\">" : "<tr>";
    for (size_t i = 0; i < row.size(); ++i)
      out += "<td>" + html_escape(i == 0 && total ? words.text("total") : row[i]) + "</td>";
    out += "</tr>\n";
  }
  return out + "</table></div>\n";
}

// The headline figures now, before and their change, with the DORA keys' bands.
std::string headline(const Report& r, const ReportWords& words) {
  auto t = report_comparison_table(r);
  std::string out = fmt::format(
      "<div class=\"scroll\"><table class=\"headline\">\n<tr><th>{}</th><th>{}</th><th>{}</th>"
      "<th>{}</th><th title=\"{}\">{}</th></tr>\n",
      html_escape(words.text("figure")), html_escape(words.text("this_period")),
      html_escape(words.text("previous_period")), html_escape(words.text("change")),
      html_escape(words.band_definition()), html_escape(words.text("band")));
  for (const auto& row : t.rows) {
    out += "<tr>" + figure_cell(words, row[0]);
    for (size_t i = 1; i < 4; ++i) out += "<td>" + html_escape(row[i]) + "</td>";
    if (row[4].empty())
      out += "<td></td>";
    else
      out += fmt::format("<td><span class=\"band band-{}\" title=\"{}\">{}</span></td>",
                         html_escape(row[4]), html_escape(words.band_definition()),
                         html_escape(words.band(row[4])));
    out += "</tr>\n";
  }
  out += "</table></div>\n";
  if (r.previous)
    out += "<p class=\"note\">" +
           html_escape(words.text("previous_note", {{"since", format_utc(r.previous->since)},
                                                    {"until", format_utc(r.previous->until)}})) +
           "</p>\n";
  else
    out += "<p class=\"note\">" + html_escape(words.text("no_previous")) + "</p>\n";
  return out;
}

constexpr const char* kTeamColors[] = {"#4e79a7", "#f28e2b", "#59a14f", "#b07aa1",
                                       "#76b7b2", "#edc948", "#ff9da7", "#9c755f"};

// Every week from the first to the last with releases, empty weeks included; the ratio chart has
// a line for the whole and one per team, with gaps in the weeks a team released nothing.
std::string weekly_charts(const ReportCharts& c, const ReportWords& words,
                          std::string& ratio_chart) {
  std::map<int64_t, ReportTotals> by_monday;
  for (const auto& g : c.weeks) by_monday[g.local_key] = g.totals;
  std::vector<std::string> labels;
  ChartSeries normal{words.label("normal"), "#4e79a7", {}},
      emergency{words.label("emergency"), "#e15759", {}},
      rollback{words.label("rollback"), "#76b7b2", {}};
  std::vector<ChartSeries> ratios{{words.text("all_teams"), "#e15759", {}}};
  for (size_t i = 0; i < c.team_weeks.size(); ++i)
    ratios.push_back({c.team_weeks[i].first, kTeamColors[i % std::size(kTeamColors)], {}});
  auto ratio_of = [](const ReportTotals& t) {
    return t.releases == 0 ? std::numeric_limits<double>::quiet_NaN() : t.emergency_ratio();
  };
  if (!by_monday.empty()) {
    std::vector<std::map<int64_t, ReportTotals>> teams(c.team_weeks.size());
    for (size_t i = 0; i < c.team_weeks.size(); ++i)
      for (const auto& g : c.team_weeks[i].second) teams[i][g.local_key] = g.totals;
    for (int64_t m = by_monday.begin()->first; m <= by_monday.rbegin()->first; m += 7) {
      ReportTotals t;
      if (auto f = by_monday.find(m); f != by_monday.end()) t = f->second;
      labels.push_back(iso_week_text(m));
      normal.values.push_back(static_cast<double>(t.normal));
      emergency.values.push_back(static_cast<double>(t.emergency));
      rollback.values.push_back(static_cast<double>(t.rollback));
      ratios[0].values.push_back(ratio_of(t));
      for (size_t i = 0; i < teams.size(); ++i) {
        auto f = teams[i].find(m);
        ratios[i + 1].values.push_back(f == teams[i].end() ? ratio_of({}) : ratio_of(f->second));
      }
    }
  }
  ratio_chart = ratio_lines_chart(words.text("chart_ratio"), labels, ratios);
  return stacked_bar_chart(words.text("chart_weeks"), labels, {normal, emergency, rollback});
}

std::string counts_chart(std::string_view title, const std::map<std::string, int64_t>& counts) {
  std::vector<std::string> labels;
  std::vector<double> values;
  for (const auto& [key, n] : counts) {
    labels.push_back(key);
    values.push_back(static_cast<double>(n));
  }
  return bar_chart(title, labels, values);
}

std::string heat_chart(const ReportCharts& c, const ReportWords& words) {
  std::vector<std::string> days, hours;
  std::istringstream names(words.text("weekdays"));
  for (std::string d; names >> d;) days.push_back(d);
  days.resize(7);
  for (int h = 0; h < 24; ++h) hours.push_back(fmt::format("{:02}", h));
  std::vector<std::vector<double>> values;
  for (const auto& day : c.weekday_hour) {
    values.emplace_back();
    for (auto n : day) values.back().push_back(static_cast<double>(n));
  }
  return heat_map(words.text("chart_heat"), days, hours, values);
}

// Per category, the reasons written most often.
std::string reasons_block(const Report& r, const ReportWords& words) {
  if (r.emergency_reasons.empty()) return {};
  std::string out =
      fmt::format("<h2>{}</h2>\n<p class=\"note\">{}</p>\n", html_escape(words.text("reasons")),
                  html_escape(words.text("reasons_note")));
  for (const auto& [category, top] : r.emergency_reasons) {
    out += fmt::format("<h3>{}</h3>\n<table class=\"reasons\"><tr><th>{}</th><th>{}</th></tr>\n",
                       html_escape(category), html_escape(words.text("reason")),
                       html_escape(words.text("count")));
    for (const auto& reason : top)
      out += fmt::format("<tr><td>{}</td><td>{}</td></tr>\n", html_escape(reason.reason),
                         reason.count);
    out += "</table>\n";
  }
  return out;
}

std::string approvers_block(const Report& r, const ReportWords& words) {
  std::string out = fmt::format("<h2>{}</h2>\n", html_escape(words.text("approvers")));
  if (r.emergency_by_approver.empty())
    return out + "<p class=\"note\">" + html_escape(words.text("none")) + "</p>\n";
  out += fmt::format("<table><tr><th>{}</th><th>{}</th></tr>\n",
                     html_escape(words.text("approver")), html_escape(words.label("emergency")));
  for (const auto& [who, n] : r.emergency_by_approver)
    out += fmt::format("<tr><td>{}</td><td>{}</td></tr>\n", html_escape(who), n);
  return out + "</table>\n";
}

// The emergencies deployed by break glass, and how their owed approvals went; nothing when there
// were none.
std::string break_glass_block(const Report& r, const ReportWords& words) {
  const auto& g = r.break_glass;
  if (g.deploys == 0) return {};
  std::string out = fmt::format(
      "<h2>{}</h2>\n<p class=\"note\">{}</p>\n<table class=\"break-glass\">\n",
      html_escape(words.text("break_glass")), html_escape(words.text("break_glass_note")));
  for (const auto& [key, n] : {std::pair{"break_glass_deploys", g.deploys},
                               std::pair{"break_glass_signed_in_time", g.signed_in_time},
                               std::pair{"break_glass_signed_late", g.signed_late},
                               std::pair{"break_glass_owing", g.owing},
                               std::pair{"break_glass_never_signed", g.never_signed}})
    out += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", html_escape(words.text(key)), n);
  return out + "</table>\n";
}

// Every figure's label and definition, and what the bands mean.
std::string glossary(const ReportWords& words) {
  std::string out = fmt::format("<details class=\"glossary\"><summary>{}</summary>\n<dl>\n",
                                html_escape(words.text("glossary")));
  for (const auto& key : words.figures())
    out += fmt::format("<dt>{}</dt><dd>{}</dd>\n", html_escape(words.label(key)),
                       html_escape(words.definition(key)));
  out += fmt::format("<dt>{}</dt><dd>{}</dd>\n", html_escape(words.text("band")),
                     html_escape(words.band_definition()));
  return out + "</dl>\n</details>\n";
}

}  // namespace

ReportChartSvgs report_chart_svgs(const Report& r, const ReportCharts& c,
                                  const ReportWords& words) {
  ReportChartSvgs out;
  out.weeks = weekly_charts(c, words, out.ratio);
  out.reasons = counts_chart(words.text("chart_reasons"), r.emergency_by_category);
  out.approvers = counts_chart(words.text("chart_approvers"), r.emergency_by_approver);
  out.heat = heat_chart(c, words);
  return out;
}

std::string render_report_html(std::string_view page, const Report& r, const ReportCharts& c,
                               const ReportWords& words) {
  std::map<std::string, std::string, std::less<>> places;
  places["title"] = html_escape(words.text("title"));
  std::string period =
      words.text("period", {{"since", format_utc(r.since)}, {"until", format_utc(r.until)}});
  for (const auto& [key, name] :
       {std::pair{"scope_team", &r.scope.team}, std::pair{"scope_service", &r.scope.service},
        std::pair{"scope_env", &r.scope.env}})
    if (*name) period += " " + words.text(key, {{"name", **name}});
  places["period"] = html_escape(period);
  if (r.totals.releases == 0 && r.deploys.ended == 0)
    places["empty"] = "<p class=\"empty\">" + html_escape(words.text("empty")) + "</p>";
  places["headline_title"] = html_escape(words.text("headline"));
  places["headline"] = headline(r, words);
  Report totals_only = r;
  totals_only.groups.clear();
  auto whole = report_terminal_tables(totals_only, 0);
  places["totals"] = labelled_table(whole[0], words) + "<h3>" + html_escape(words.text("when")) +
                     "</h3>\n" + labelled_table(whole[1], words) + "<h3>" +
                     html_escape(words.text("deploy_figures")) + "</h3>\n" +
                     labelled_table(whole[2], words);
  if (r.by != ReportBy::none) {
    std::string groups = fmt::format(
        "<h2>{}</h2>\n", html_escape(words.text("by", {{"by", std::string(to_string(r.by))}})));
    for (const auto& t : report_terminal_tables(r, 0)) groups += labelled_table(t, words);
    places["groups"] = std::move(groups);
  }
  places["reasons"] = reasons_block(r, words);
  places["approvers"] = approvers_block(r, words);
  places["break_glass"] = break_glass_block(r, words);
  places["charts_title"] = html_escape(words.text("charts"));
  auto charts = report_chart_svgs(r, c, words);
  places["chart_weeks"] = std::move(charts.weeks);
  places["chart_ratio"] = std::move(charts.ratio);
  places["chart_reasons"] = std::move(charts.reasons);
  places["chart_approvers"] = std::move(charts.approvers);
  places["chart_heat"] = std::move(charts.heat);
  places["figures"] = glossary(words);

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

Result<std::string> report_html(const std::filesystem::path& templates, const Report& r,
                                const ReportCharts& c) {
  auto template_file = templates / "report.html";
  std::ifstream in(template_file, std::ios::binary);
  if (!in)
    return fail(ErrorKind::internal, "cannot read the page template {}", template_file.string());
  std::ostringstream text;
  text << in.rdbuf();
  auto words = ReportWords::read(templates / "web/report-text.json");
  if (!words) return std::unexpected(words.error());
  return render_report_html(text.str(), r, c, *words);
}

}  // namespace beaver
