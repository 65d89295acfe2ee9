#include "policy/release_window.hpp"

#include <algorithm>

namespace beaver {
namespace {

using namespace std::chrono;

struct LocalParts {
  date::local_days day;
  int weekday;  // 0 = Sunday
  int minute;   // of the day
};

LocalParts local_parts(const date::time_zone* zone, Timestamp t) {
  auto local = zone->to_local(t);
  auto day = floor<date::days>(local);
  return {day, static_cast<int>(date::weekday{day}.c_encoding()),
          static_cast<int>(duration_cast<minutes>(local - day).count())};
}

bool in_any_window(const EnvironmentPolicy& env, Timestamp t) {
  if (env.windows.empty()) return true;
  auto p = local_parts(env.zone, t);
  return std::any_of(env.windows.begin(), env.windows.end(), [&](const ReleaseWindow& w) {
    return window_contains(w, p.weekday, p.minute);
  });
}

const Freeze* freeze_at(const EnvironmentPolicy& env, Timestamp t) {
  auto local = env.zone->to_local(t);
  for (const auto& f : env.freezes)
    if (local >= f.from && local < f.to) return &f;
  return nullptr;
}

bool accepts(const EnvironmentPolicy& env, Timestamp t) {
  return in_any_window(env, t) && freeze_at(env, t) == nullptr;
}

// A local time as UTC; a time skipped by a DST jump maps to the first instant after it.
Timestamp to_sys(const date::time_zone* zone, date::local_seconds local) {
  auto info = zone->get_info(local);
  if (info.result == date::local_info::nonexistent) return floor<seconds>(info.second.begin);
  return Timestamp{local.time_since_epoch() - info.first.offset};
}

}  // namespace

bool window_contains(const ReleaseWindow& w, int weekday, int minute) {
  const auto& s = w.span;
  if (s.from < s.to) return w.days[weekday] && minute >= s.from && minute < s.to;
  // Across midnight: the evening part belongs to its own day, the morning part to the day before.
  if (minute >= s.from) return w.days[weekday];
  return minute < s.to && w.days[(weekday + 6) % 7];
}

bool in_day_span(const DaySpan& span, int minute) {
  if (span.from < span.to) return minute >= span.from && minute < span.to;
  return minute >= span.from || minute < span.to;
}

WindowCheck check_release_window(const EnvironmentPolicy& env, Timestamp now) {
  WindowCheck out;
  out.freeze = freeze_at(env, now);
  out.open = out.freeze == nullptr && in_any_window(env, now);
  if (out.open) return out;
  // The next moment a release is accepted is a window opening or a freeze ending: try those in
  // order over the coming year.
  std::vector<Timestamp> candidates;
  auto today = local_parts(env.zone, now).day;
  for (int d = -1; d <= 366; ++d)
    for (const auto& w : env.windows)
      candidates.push_back(to_sys(env.zone, today + date::days{d} + minutes{w.span.from}));
  for (const auto& f : env.freezes) {
    auto end = to_sys(env.zone, f.to);
    if (end > now) candidates.push_back(end);
  }
  std::sort(candidates.begin(), candidates.end());
  for (auto c : candidates)
    if (c > now && accepts(env, c)) {
      out.next_open = c;
      break;
    }
  return out;
}

std::string format_local(const EnvironmentPolicy& env, Timestamp t) {
  return fmt::format("{} {}", date::format("%a %Y-%m-%d %H:%M", env.zone->to_local(t)),
                     env.zone->name());
}

}  // namespace beaver
