#include "report/report_period.hpp"

namespace beaver {

Result<ReportPeriod> report_period(const std::optional<std::string>& since,
                                   const std::optional<std::string>& until,
                                   const date::time_zone* zone, Timestamp now) {
  ReportPeriod p{now - std::chrono::days(30), now};
  if (until && !until->empty()) {
    auto t = parse_day_or_time(*until, zone, true);
    if (!t) return fail(ErrorKind::bad_input, "until: {}", t.error().message);
    p.until = *t;
  }
  if (since && !since->empty()) {
    auto t = parse_day_or_time(*since, zone, false);
    if (!t) return fail(ErrorKind::bad_input, "since: {}", t.error().message);
    p.since = *t;
  }
  return p;
}

}  // namespace beaver
