#pragma once
// The report as one self-contained HTML page: inline CSS and inline SVG charts (releases per
// week stacked by type, the share of emergencies per week for the whole and each team,
// emergencies by reason category and by approver, releases by weekday and hour), no script and no
// external reference. The page's frame is templates/report.html, its words
// templates/web/report-text.json (report_words.hpp): plain labels, each figure's definition a tap
// away. Every text that reaches the page is escaped. The server's dashboard draws the same charts.

#include <filesystem>
#include <string>
#include <string_view>

#include "error/error.hpp"
#include "report/report.hpp"
#include "report/report_words.hpp"

namespace beaver {

// The page's charts as SVG texts, drawn from the report (its emergencies by category and by
// approver) and the charts' data, titled in `words`. The server's dashboard shows these texts.
struct ReportChartSvgs {
  std::string weeks;      // releases per week, stacked by type
  std::string ratio;      // the share of emergencies per week, the whole and each team
  std::string reasons;    // emergencies by category
  std::string approvers;  // emergencies by approver
  std::string heat;       // releases by weekday and hour
};
ReportChartSvgs report_chart_svgs(const Report& report, const ReportCharts& charts,
                                  const ReportWords& words = {});

// Fills `page_template`'s {{name}} places: title, period, empty, headline_title, headline (now,
// before, change and DORA band of the headline figures), totals, groups, reasons, approvers,
// charts_title, chart_weeks, chart_ratio, chart_reasons, chart_approvers, chart_heat, figures (the
// glossary). Unknown places are left empty. Words `words` lacks show as their names.
std::string render_report_html(std::string_view page_template, const Report& report,
                               const ReportCharts& charts, const ReportWords& words = {});

// The same from the folder of installed templates (report.html, web/report-text.json); a
// missing file is an internal error naming it.
Result<std::string> report_html(const std::filesystem::path& templates, const Report& report,
                                const ReportCharts& charts);

}  // namespace beaver
