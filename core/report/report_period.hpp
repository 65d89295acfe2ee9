#pragma once
// The period a report covers, read from what a person typed: the command line's --since and
// --until, or the same parameters of GET /api/v1/report. One reading for both.

#include <optional>
#include <string>

#include "clock/clock.hpp"
#include "error/error.hpp"

namespace beaver {

struct ReportPeriod {
  Timestamp since{};  // inclusive
  Timestamp until{};  // exclusive
};

// The last 30 days up to `now` unless `since` or `until` say otherwise. Each is a day
// (YYYY-MM-DD, in `zone`; the until day is included) or an ISO 8601 time. A malformed one is
// bad_input naming it ("since: ..."); whether until is after since is the ledger's check.
Result<ReportPeriod> report_period(const std::optional<std::string>& since,
                                   const std::optional<std::string>& until,
                                   const date::time_zone* zone, Timestamp now);

}  // namespace beaver
