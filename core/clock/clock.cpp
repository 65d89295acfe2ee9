#include "clock/clock.hpp"

#include <date/date.h>

#include <charconv>
#include <cstdlib>

namespace beaver {
namespace {

class SystemClock final : public Clock {
 public:
  Timestamp now() const override {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(Timestamp t) : t_(t) {}
  Timestamp now() const override { return t_; }

 private:
  Timestamp t_;
};

// Reads exactly `width` digits at `pos`, advancing it.
bool read_digits(std::string_view s, size_t& pos, size_t width, int& out) {
  if (pos + width > s.size()) return false;
  for (size_t i = pos; i < pos + width; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  std::from_chars(s.data() + pos, s.data() + pos + width, out);
  pos += width;
  return true;
}

bool expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

std::string format_utc(Timestamp t) {
  // fmt rather than date::format: lists print thousands of these, and streams are slow.
  auto day = std::chrono::floor<date::days>(t);
  date::year_month_day ymd{day};
  date::hh_mm_ss<std::chrono::seconds> hms{t - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

Result<Timestamp> parse_iso8601(std::string_view s) {
  auto bad = [&] {
    return fail(ErrorKind::bad_input,
                "'{}' is not a time in ISO 8601 with an offset (like 2026-11-24T15:30:00+08:00)",
                s);
  };
  size_t pos = 0;
  int y, mo, d, h, mi, sec = 0;
  if (!read_digits(s, pos, 4, y) || !expect(s, pos, '-') || !read_digits(s, pos, 2, mo) ||
      !expect(s, pos, '-') || !read_digits(s, pos, 2, d) ||
      !(expect(s, pos, 'T') || expect(s, pos, ' ')) || !read_digits(s, pos, 2, h) ||
      !expect(s, pos, ':') || !read_digits(s, pos, 2, mi))
    return bad();
  bool seconds = pos < s.size() && s[pos] == ':';
  if (seconds && !(++pos, read_digits(s, pos, 2, sec))) return bad();
  // A fraction of a second (monitoring sends nanoseconds) is read and dropped: times here are
  // whole seconds.
  if (seconds && pos < s.size() && s[pos] == '.') {
    size_t digits = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == digits || pos - digits > 9) return bad();
  }
  int offset_minutes = 0;
  if (expect(s, pos, 'Z')) {
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos++] == '-' ? -1 : 1, oh, om;
    if (!read_digits(s, pos, 2, oh) || !expect(s, pos, ':') || !read_digits(s, pos, 2, om))
      return bad();
    offset_minutes = sign * (oh * 60 + om);
  } else {
    return bad();
  }
  if (pos != s.size()) return bad();
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                           date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 59) return bad();
  auto local = date::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} +
               std::chrono::seconds{sec};
  return Timestamp{local - std::chrono::minutes{offset_minutes}};
}

Result<std::chrono::seconds> parse_duration(std::string_view s) {
  long long n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc{} || end == s.data() || end + 1 != s.data() + s.size() || n < 0 ||
      n > 100'000'000)
    return fail(ErrorKind::bad_input, "'{}' is not a duration (like 30s, 15m, 72h or 3d)", s);
  switch (*end) {
    case 's':
      return std::chrono::seconds{n};
    case 'm':
      return std::chrono::seconds{n * 60};
    case 'h':
      return std::chrono::seconds{n * 3600};
    case 'd':
      return std::chrono::seconds{n * 86400};
    default:
      return fail(ErrorKind::bad_input, "'{}' is not a duration (like 30s, 15m, 72h or 3d)", s);
  }
}

std::string format_duration(std::chrono::seconds d) {
  auto n = d.count();
  if (n != 0 && n % 86400 == 0 && n >= 86400 * 2) return fmt::format("{}d", n / 86400);
  if (n != 0 && n % 3600 == 0) return fmt::format("{}h", n / 3600);
  if (n != 0 && n % 60 == 0) return fmt::format("{}m", n / 60);
  return fmt::format("{}s", n);
}

Result<std::unique_ptr<Clock>> clock_from_environment() {
  const char* fixed = std::getenv("BEAVER_NOW");
  if (fixed == nullptr || *fixed == '\0') return std::make_unique<SystemClock>();
  auto t = parse_iso8601(fixed);
  if (!t) return fail(ErrorKind::bad_input, "BEAVER_NOW: {}", t.error().message);
  return fixed_clock(*t);
}

std::unique_ptr<Clock> fixed_clock(Timestamp t) { return std::make_unique<FixedClock>(t); }

}  // namespace beaver

#include <date/tz.h>

namespace beaver {

Result<Timestamp> parse_day_or_time(std::string_view text, const date::time_zone* zone,
                                    bool day_end) {
  if (text.size() != 10) return parse_iso8601(text);
  auto t = parse_iso8601(fmt::format("{}T00:00Z", text));
  if (!t)
    return fail(ErrorKind::bad_input, "'{}' is not a date (YYYY-MM-DD) or an ISO 8601 time", text);
  auto local = date::local_days{date::floor<date::days>(t->time_since_epoch())} +
               date::days{day_end ? 1 : 0};
  if (zone == nullptr) return Timestamp{local.time_since_epoch()};
  return date::floor<std::chrono::seconds>(zone->to_sys(local, date::choose::earliest));
}

}  // namespace beaver
