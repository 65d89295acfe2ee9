#include "report/report.hpp"

namespace beaver {

Result<ReportBy> report_by_from_string(const std::string& text) {
  if (text.empty() || text == "none") return ReportBy::none;
  if (text == "team") return ReportBy::team;
  if (text == "service") return ReportBy::service;
  if (text == "env") return ReportBy::env;
  if (text == "category") return ReportBy::category;
  if (text == "week") return ReportBy::week;
  if (text == "weekday") return ReportBy::weekday;
  if (text == "hour") return ReportBy::hour;
  return fail(ErrorKind::bad_input,
              "cannot group a report by '{}' (groups: team, service, env, category, week, "
              "weekday, hour)",
              text);
}

}  // namespace beaver
