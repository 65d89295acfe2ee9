#include "clock/clock.hpp"

#include <date/tz.h>
#include <doctest/doctest.h>

using namespace beaver;

TEST_CASE("ISO 8601 times with an offset are read as UTC") {
  auto t = parse_iso8601("2026-11-24T23:30:00+08:00");
  REQUIRE(t.has_value());
  CHECK(format_utc(*t) == "2026-11-24T15:30:00Z");
  CHECK(format_utc(*parse_iso8601("2026-01-01T00:00Z")) == "2026-01-01T00:00:00Z");
  CHECK(format_utc(*parse_iso8601("2026-03-01T01:00:00-05:30")) == "2026-03-01T06:30:00Z");
}

TEST_CASE("times without an offset, or impossible dates, are refused") {
  for (const char* bad : {"2026-11-24T23:30:00", "2026-02-30T00:00Z", "2026-11-24", "yesterday",
                          "2026-11-24T24:00Z", "2026-11-24T10:00Z trailing"}) {
    CAPTURE(bad);
    auto t = parse_iso8601(bad);
    REQUIRE_FALSE(t.has_value());
    CHECK(t.error().kind == ErrorKind::bad_input);
  }
}

TEST_CASE("durations read and print in s, m, h and d") {
  CHECK(parse_duration("72h")->count() == 72 * 3600);
  CHECK(parse_duration("3d")->count() == 3 * 86400);
  CHECK(parse_duration("90s")->count() == 90);
  CHECK_FALSE(parse_duration("72").has_value());
  CHECK_FALSE(parse_duration("h").has_value());
  CHECK_FALSE(parse_duration("-1h").has_value());
  CHECK(format_duration(std::chrono::hours(72)) == "3d");
  CHECK(format_duration(std::chrono::minutes(90)) == "90m");
}

TEST_CASE(
    "a --since day starts at midnight in the policy's time zone, an --until day ends at the "
    "next midnight") {
  const auto* shanghai = date::locate_zone("Asia/Shanghai");
  CHECK(format_utc(*parse_day_or_time("2026-11-24", shanghai, false)) == "2026-11-23T16:00:00Z");
  CHECK(format_utc(*parse_day_or_time("2026-11-24", shanghai, true)) == "2026-11-24T16:00:00Z");
  CHECK(format_utc(*parse_day_or_time("2026-11-24", nullptr, false)) == "2026-11-24T00:00:00Z");
  CHECK_FALSE(parse_day_or_time("2026-13-01", shanghai, false).has_value());
}
