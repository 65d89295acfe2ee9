#include "policy/release_window.hpp"

#include <doctest/doctest.h>

using namespace beaver;

namespace {

Timestamp at(const char* iso) { return *parse_iso8601(iso); }

ReleaseWindow window(std::initializer_list<int> days, int from_h, int to_h) {
  ReleaseWindow w;
  for (int d : days) w.days[d] = true;
  w.span = {from_h * 60, to_h * 60};
  return w;
}

EnvironmentPolicy env_in(const char* zone) {
  EnvironmentPolicy env;
  env.name = "prod";
  env.zone = date::locate_zone(zone);
  return env;
}

date::local_seconds local(int y, unsigned m, unsigned d, int h) {
  return date::local_days{date::year{y} / m / d} + std::chrono::hours{h};
}

}  // namespace

TEST_CASE("an environment without windows or freezes is always open") {
  auto env = env_in("UTC");
  CHECK(check_release_window(env, at("2026-11-29T03:00:00Z")).open);
}

TEST_CASE("release windows are read in the environment's time zone") {
  struct Case {
    const char* now;
    bool open;
  };
  // Monday to Thursday, 10:00 to 17:00 in Shanghai (UTC+8). 2026-11-23 is a Monday.
  auto env = env_in("Asia/Shanghai");
  env.windows = {window({1, 2, 3, 4}, 10, 17)};
  for (auto c : {Case{"2026-11-23T02:00:00Z", true},      // Mon 10:00 local
                 Case{"2026-11-23T01:59:59Z", false},     // Mon 09:59:59
                 Case{"2026-11-23T08:59:00Z", true},      // Mon 16:59
                 Case{"2026-11-23T09:00:00Z", false},     // Mon 17:00: the end is excluded
                 Case{"2026-11-26T20:00:00Z", false},     // Fri 04:00 local, Thu 20:00 UTC
                 Case{"2026-11-27T03:00:00Z", false},     // Fri 11:00
                 Case{"2026-11-22T23:30:00Z", false}}) {  // Mon 07:30 local, Sun 23:30 UTC
    CAPTURE(c.now);
    CHECK(check_release_window(env, at(c.now)).open == c.open);
  }
}

TEST_CASE("a window across midnight belongs to the day it opens") {
  // Friday 22:00 to 02:00 (Saturday morning), UTC.
  auto env = env_in("UTC");
  env.windows = {window({5}, 22, 2)};
  CHECK(check_release_window(env, at("2026-11-27T23:00:00Z")).open);  // Fri 23:00
  CHECK(check_release_window(env, at("2026-11-28T01:30:00Z")).open);  // Sat 01:30
  CHECK_FALSE(check_release_window(env, at("2026-11-28T02:00:00Z")).open);
  CHECK_FALSE(check_release_window(env, at("2026-11-28T23:00:00Z")).open);  // Sat 23:00
  CHECK_FALSE(check_release_window(env, at("2026-11-27T01:00:00Z")).open);  // Fri 01:00
}

TEST_CASE("outside a window the check says when the next one opens, in local time") {
  auto env = env_in("Asia/Shanghai");
  env.windows = {window({1, 2, 3, 4}, 10, 17)};
  auto c = check_release_window(env, at("2026-11-27T03:00:00Z"));  // Fri 11:00 local
  REQUIRE(c.next_open.has_value());
  CHECK(format_utc(*c.next_open) == "2026-11-30T02:00:00Z");  // Mon 10:00 local
  CHECK(format_local(env, *c.next_open) == "Mon 2026-11-30 10:00 Asia/Shanghai");
}

TEST_CASE("a freeze closes the windows it covers and the next opening comes after it") {
  auto env = env_in("Asia/Shanghai");
  env.windows = {window({1, 2, 3, 4, 5}, 10, 17)};
  env.freezes = {Freeze{local(2026, 9, 30, 0), local(2026, 10, 8, 0), "National Day"}};
  auto c = check_release_window(env, at("2026-10-02T03:00:00Z"));  // Fri 11:00, frozen
  CHECK_FALSE(c.open);
  REQUIRE(c.freeze != nullptr);
  CHECK(c.freeze->reason == "National Day");
  REQUIRE(c.next_open.has_value());
  CHECK(format_local(env, *c.next_open) == "Thu 2026-10-08 10:00 Asia/Shanghai");
  CHECK(check_release_window(env, at("2026-10-08T02:00:00Z")).open);
}

TEST_CASE("a freeze that ends inside a window reopens it at the freeze's end") {
  auto env = env_in("UTC");
  env.windows = {window({0, 1, 2, 3, 4, 5, 6}, 8, 18)};
  env.freezes = {Freeze{local(2026, 12, 1, 9), local(2026, 12, 1, 12), "maintenance"}};
  auto c = check_release_window(env, at("2026-12-01T10:00:00Z"));
  CHECK_FALSE(c.open);
  CHECK(format_utc(*c.next_open) == "2026-12-01T12:00:00Z");
}

TEST_CASE("night spans run across midnight") {
  DaySpan night{22 * 60, 7 * 60};
  CHECK(in_day_span(night, 23 * 60));
  CHECK(in_day_span(night, 0));
  CHECK(in_day_span(night, 6 * 60 + 59));
  CHECK_FALSE(in_day_span(night, 7 * 60));
  CHECK_FALSE(in_day_span(night, 12 * 60));
}
