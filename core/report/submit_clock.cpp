#include "report/submit_clock.hpp"

#include <date/iso_week.h>
#include <date/tz.h>

#include <algorithm>
#include <set>

#include "policy/release_window.hpp"

namespace beaver {
namespace {

constexpr int64_t kMinutesPerDay = 1440;
constexpr const char* kWeekdayNames[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

// 1 = Monday .. 7 = Sunday, for a day number counted from Thursday 1970-01-01.
int64_t iso_weekday(int64_t day) { return floor_mod(day + 3, 7) + 1; }

}  // namespace

std::string iso_week_text(int64_t monday) {
  iso_week::year_weeknum_weekday w{date::sys_days{date::days{monday}}};
  return fmt::format("{}-W{:02}", static_cast<int>(w.year()), static_cast<unsigned>(w.weeknum()));
}

// A zone's UTC offset, looked up once per span of time it holds: releases come in time order, so
// nearly every lookup hits the span of the one before.
class PolicySubmitClock::ZoneOffsets {
 public:
  explicit ZoneOffsets(const date::time_zone* zone) : zone_(zone) {}
  const date::time_zone* zone() const { return zone_; }

  // Minutes since 1970-01-01 00:00 on this zone's clock.
  int64_t local_minutes(Timestamp t) const {
    if (t < begin_ || t >= end_) {
      auto info = zone_->get_info(t);
      begin_ = info.begin;
      end_ = info.end;
      offset_ = info.offset;
    }
    return floor_div((t.time_since_epoch() + offset_).count(), 60);
  }

 private:
  const date::time_zone* zone_;
  mutable Timestamp begin_{}, end_{};
  mutable std::chrono::seconds offset_{0};
};

PolicySubmitClock::PolicySubmitClock(const Policy& policy, ReportBy by) : policy_(policy), by_(by) {
  zones_.push_back(std::make_unique<ZoneOffsets>(policy.zone));
  fallback_.zone = zones_.front().get();
  for (const auto& [name, env] : policy.environments) {
    EnvironmentClock c;
    c.zone = zone_for(env.zone);
    c.has_windows = !env.windows.empty();
    for (int minute = 0; minute < 7 * kMinutesPerDay; ++minute)
      for (const auto& w : env.windows)
        if (window_contains(w, minute / kMinutesPerDay, minute % kMinutesPerDay))
          c.open.set(static_cast<size_t>(minute));
    for (const auto& f : env.freezes)
      c.freezes.emplace_back(
          std::chrono::floor<std::chrono::minutes>(f.from.time_since_epoch()).count(),
          std::chrono::floor<std::chrono::minutes>(f.to.time_since_epoch()).count());
    environments_.emplace(name, std::move(c));
  }
}

PolicySubmitClock::~PolicySubmitClock() = default;

PolicySubmitClock::ZoneOffsets* PolicySubmitClock::zone_for(const date::time_zone* zone) {
  for (auto& z : zones_)
    if (z->zone() == zone) return z.get();
  zones_.push_back(std::make_unique<ZoneOffsets>(zone));
  return zones_.back().get();
}

int64_t PolicySubmitClock::cell(std::string_view env, Timestamp submitted) const {
  auto found = environments_.find(env);
  const EnvironmentClock& c = found != environments_.end() ? found->second : fallback_;

  int64_t local = c.zone->local_minutes(submitted);
  int64_t day = floor_div(local, kMinutesPerDay);
  int64_t minute = local - day * kMinutesPerDay;
  int64_t sunday_based = floor_mod(day + 4, 7);  // 0 = Sunday, as windows count days
  unsigned flags = 0;
  if (in_day_span(policy_.night, static_cast<int>(minute))) flags |= kAtNight;
  if (sunday_based == 0 || sunday_based == 6) flags |= kAtWeekend;
  bool outside =
      c.has_windows && !c.open.test(static_cast<size_t>(sunday_based * kMinutesPerDay + minute));
  for (const auto& [from, to] : c.freezes)
    if (local >= from && local < to) outside = true;
  if (outside) flags |= kOutsideWindows;

  int64_t key = 0;
  if (is_local_time(by_)) {
    // Group keys are read on the policy's clock, whatever the environment's.
    int64_t policy_local = zones_.front()->local_minutes(submitted);
    int64_t policy_day = floor_div(policy_local, kMinutesPerDay);
    int64_t hour = (policy_local - policy_day * kMinutesPerDay) / 60;
    int64_t weekday = iso_weekday(policy_day);
    switch (by_) {
      case ReportBy::month: {
        date::year_month_day ymd{date::sys_days{date::days{policy_day}}};
        key = date::sys_days{ymd.year() / ymd.month() / 1}.time_since_epoch().count();
        break;
      }
      case ReportBy::week:
        key = policy_day - (weekday - 1);
        break;
      case ReportBy::weekday:
        key = weekday;
        break;
      case ReportBy::hour:
        key = hour;
        break;
      default:
        key = (weekday - 1) * 24 + hour;
        break;
    }
  }
  return key * 8 + flags;
}

std::string PolicySubmitClock::key_text(int64_t key) const {
  switch (by_) {
    case ReportBy::month: {
      date::year_month_day ymd{date::sys_days{date::days{key}}};
      return fmt::format("{}-{:02}", static_cast<int>(ymd.year()),
                         static_cast<unsigned>(ymd.month()));
    }
    case ReportBy::week:
      return iso_week_text(key);
    case ReportBy::weekday:
      return fmt::format("{} {}", key, kWeekdayNames[(key - 1) % 7]);
    case ReportBy::hour:
      return fmt::format("{:02}", key);
    case ReportBy::weekday_hour:
      return fmt::format("{} {} {:02}", key / 24 + 1, kWeekdayNames[(key / 24) % 7], key % 24);
    default:
      return "";
  }
}

std::vector<Timestamp> PolicySubmitClock::cell_boundaries(Timestamp since, Timestamp until) const {
  using std::chrono::minutes;
  // The local minutes of a day where a flag or a key may change, per zone.
  std::map<const date::time_zone*, std::set<int>> day_marks;
  std::set<int>& policy_marks = day_marks[policy_.zone];
  policy_marks.insert(0);  // weekday, week and weekend change at midnight
  if (by_ == ReportBy::hour || by_ == ReportBy::weekday_hour)
    for (int h = 1; h < 24; ++h) policy_marks.insert(h * 60);
  std::vector<std::pair<const date::time_zone*, date::local_seconds>> fixed;  // freezes
  for (const auto& [name, env] : policy_.environments) {
    auto& marks = day_marks[env.zone];
    marks.insert({0, policy_.night.from, policy_.night.to % 1440});
    for (const auto& w : env.windows) marks.insert({w.span.from, w.span.to % 1440});
    for (const auto& f : env.freezes) {
      fixed.emplace_back(env.zone, f.from);
      fixed.emplace_back(env.zone, f.to);
    }
  }
  std::vector<Timestamp> out;
  auto add_local = [&](const date::time_zone* zone, date::local_seconds local) {
    // An hour that a clock change repeats holds the mark twice; one it skips holds it at the
    // change, which is added below.
    out.push_back(date::floor<std::chrono::seconds>(zone->to_sys(local, date::choose::earliest)));
    out.push_back(date::floor<std::chrono::seconds>(zone->to_sys(local, date::choose::latest)));
  };
  for (const auto& [zone, marks] : day_marks) {
    auto first = date::floor<date::days>(zone->to_local(since)) - date::days{1};
    auto last = date::floor<date::days>(zone->to_local(until)) + date::days{1};
    for (auto day = first; day <= last; day += date::days{1})
      for (int m : marks) add_local(zone, date::local_seconds{day} + minutes{m});
    for (auto t = since; t < until;) {  // the zone's clock changes
      auto info = zone->get_info(t);
      if (info.end >= until) break;
      out.push_back(date::floor<std::chrono::seconds>(info.end));
      t = date::floor<std::chrono::seconds>(info.end);
    }
  }
  for (const auto& [zone, local] : fixed) add_local(zone, local);
  std::erase_if(out, [&](Timestamp t) { return t <= since || t >= until; });
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace beaver
