#pragma once
// How many days of a report's period each local-time group (week, weekday, hour) covers: what a
// group's deployment frequency divides by.

#include <cstdint>
#include <map>

#include "report/report.hpp"

namespace beaver {

// By local key (ReportGroup::local_key), the time the period [since, until) spends in each group,
// as `clock` reads it: by week and by weekday in days (a full week in the period is 7, a Monday
// 1, part of one a fraction); by hour in occurrences of that hour (each day of the period holds
// each hour once), so that a group's deploys / its days is deploys per day of the group's kind.
// Groups the period does not reach are absent.
std::map<int64_t, double> local_group_days(const SubmitTimeReader& clock, ReportBy by,
                                           Timestamp since, Timestamp until);

}  // namespace beaver
