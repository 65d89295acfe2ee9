#include "report/report.hpp"

#include <utility>

namespace beaver {
namespace {

// The groups offered on the command line, in the order the help lists them.
constexpr std::pair<std::string_view, ReportBy> kGroups[] = {
    {"team", ReportBy::team},         {"service", ReportBy::service},   {"env", ReportBy::env},
    {"category", ReportBy::category}, {"approver", ReportBy::approver}, {"month", ReportBy::month},
    {"week", ReportBy::week},         {"weekday", ReportBy::weekday},   {"hour", ReportBy::hour},
};

}  // namespace

void ReportTotals::add_counts(const ReportTotals& o) {
  releases += o.releases;
  normal += o.normal;
  emergency += o.emergency;
  rollback += o.rollback;
  rejected += o.rejected;
  deployed += o.deployed;
  failed += o.failed;
  outside_windows += o.outside_windows;
  at_night += o.at_night;
  at_weekend += o.at_weekend;
  owing_review += o.owing_review;
}

Result<ReportBy> report_by_from_string(const std::string& text) {
  if (text.empty() || text == "none") return ReportBy::none;
  for (auto [name, by] : kGroups)
    if (text == name) return by;
  std::string names;
  for (auto [name, by] : kGroups) names += (names.empty() ? "" : ", ") + std::string(name);
  return fail(ErrorKind::bad_input, "cannot group a report by '{}' (groups: {})", text, names);
}

std::string_view to_string(ReportBy by) {
  if (by == ReportBy::none) return "none";
  if (by == ReportBy::weekday_hour) return "weekday_hour";
  for (auto [name, b] : kGroups)
    if (b == by) return name;
  return "none";
}

bool is_local_time(ReportBy by) {
  return by == ReportBy::month || by == ReportBy::week || by == ReportBy::weekday ||
         by == ReportBy::hour || by == ReportBy::weekday_hour;
}

bool groups_deploys(ReportBy by) { return by != ReportBy::none && by != ReportBy::weekday_hour; }

}  // namespace beaver
