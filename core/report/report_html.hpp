#pragma once
// The report as one self-contained HTML page: inline CSS and inline SVG charts (releases per
// week stacked by type, the emergency ratio per week, emergencies by reason, releases by weekday
// and hour), no script and no external reference. The page's frame is templates/report.html;
// every text that reaches the page is escaped. The server's dashboard draws the same page.

#include <filesystem>
#include <string>
#include <string_view>

#include "error/error.hpp"
#include "report/report.hpp"

namespace beaver {

// The page's four charts as SVG texts, drawn from the report (its emergencies by category) and
// the charts' data. The server's dashboard shows these same texts.
struct ReportChartSvgs {
  std::string weeks;    // releases per week, stacked by type
  std::string ratio;    // the emergency ratio per week
  std::string reasons;  // emergencies by category
  std::string heat;     // releases by weekday and hour
};
ReportChartSvgs report_chart_svgs(const Report& report, const ReportCharts& charts);

// Fills `page_template`'s {{name}} places: title, period, empty, totals, groups, chart_weeks,
// chart_ratio, chart_reasons, chart_heat, figures. Unknown places are left empty.
std::string render_report_html(std::string_view page_template, const Report& report,
                               const ReportCharts& charts);

// The same from the template file; a missing template is an internal error naming it.
Result<std::string> report_html(const std::filesystem::path& template_file, const Report& report,
                                const ReportCharts& charts);

}  // namespace beaver
