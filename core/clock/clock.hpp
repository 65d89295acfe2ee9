#pragma once
// Time: one Timestamp type (UTC seconds), its ISO 8601 text form, and the Clock that tells the
// current time. BEAVER_NOW replaces the system clock for tests and for back-filling history.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "error/error.hpp"

namespace beaver {

using Timestamp = std::chrono::sys_seconds;

// "2026-11-24T07:27:33Z": the form stored and printed in JSON.
std::string format_utc(Timestamp t);

// Parses ISO 8601 "YYYY-MM-DDTHH:MM[:SS[.fraction]](Z|+HH:MM|-HH:MM)", the fraction (up to
// nanoseconds) dropped; a missing offset is an error.
Result<Timestamp> parse_iso8601(std::string_view text);

// Parses a duration such as "30s", "15m", "72h" or "3d".
Result<std::chrono::seconds> parse_duration(std::string_view text);

// "72h", "3d", "90m": the shortest exact form of a duration.
std::string format_duration(std::chrono::seconds d);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

// The system clock, or the fixed time in BEAVER_NOW when it is set (a bad value is an error).
Result<std::unique_ptr<Clock>> clock_from_environment();

// A clock standing still at `t`, for tests.
std::unique_ptr<Clock> fixed_clock(Timestamp t);

}  // namespace beaver

namespace date {
class time_zone;
}

namespace beaver {

// A --since/--until argument: a day "YYYY-MM-DD" (its start in `zone`, or the start of the next
// day when `day_end` is set, so an --until day is included) or a full ISO 8601 time.
Result<Timestamp> parse_day_or_time(std::string_view text, const date::time_zone* zone,
                                    bool day_end);

}  // namespace beaver
