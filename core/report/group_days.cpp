#include "report/group_days.hpp"

namespace beaver {

std::map<int64_t, double> local_group_days(const SubmitTimeReader& clock, ReportBy by,
                                           Timestamp since, Timestamp until) {
  std::map<int64_t, double> out;
  if (!is_local_time(by) || until <= since) return out;
  double unit = by == ReportBy::hour || by == ReportBy::weekday_hour ? 3600.0 : 86400.0;
  // Between two boundaries no group key changes, so each stretch counts whole in one group; the
  // key is read as for a submit time (the environment does not matter to it).
  auto add = [&](Timestamp from, Timestamp to) {
    out[cell_key(clock.cell("", from))] += static_cast<double>((to - from).count()) / unit;
  };
  Timestamp from = since;
  for (auto b : clock.cell_boundaries(since, until)) {
    add(from, b);
    from = b;
  }
  add(from, until);
  return out;
}

}  // namespace beaver
