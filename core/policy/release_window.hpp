#pragma once
// When a normal release may be submitted: inside one of the environment's windows and outside
// every freeze, read in the environment's time zone.

#include <optional>

#include "clock/clock.hpp"
#include "policy/policy.hpp"

namespace beaver {

struct WindowCheck {
  bool open = false;
  const Freeze* freeze = nullptr;      // the freeze `now` falls in, if any
  std::optional<Timestamp> next_open;  // when a normal release is next accepted (within a year)
};

WindowCheck check_release_window(const EnvironmentPolicy& env, Timestamp now);

// "Mon 2026-11-30 10:00 Asia/Shanghai": a time as the environment's people read it.
std::string format_local(const EnvironmentPolicy& env, Timestamp t);

// True when local `minute` of a day with `weekday` (0 = Sunday) falls within the window.
bool window_contains(const ReleaseWindow& window, int weekday, int minute);

// True when `t` falls within `span` of its local day (used for windows and for night).
bool in_day_span(const DaySpan& span, int minute_of_day);

}  // namespace beaver
