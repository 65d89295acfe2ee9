#include "report/pass_parts.hpp"

#include <date/date.h>
#include <fmt/format.h>

#include <algorithm>

namespace beaver {
namespace {

bool digits(std::string_view t, size_t at, size_t n, unsigned& out) {
  for (size_t i = at; i < at + n; ++i) {
    auto d = static_cast<unsigned>(t[i] - '0');
    if (d > 9) return false;
    out = out * 10 + d;
  }
  return true;
}

std::optional<int64_t> general_seconds(std::string_view t) {
  auto parsed = parse_iso8601(t);
  if (!parsed) return std::nullopt;
  return parsed->time_since_epoch().count();
}

}  // namespace

std::optional<int64_t> StoredSeconds::operator()(std::string_view t) {
  if (t.size() != 20 || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t[19] != 'Z')
    return general_seconds(t);
  if (t.substr(0, 10) != std::string_view(day_text_, 10)) {
    unsigned y = 0, mo = 0, d = 0;
    if (t[4] != '-' || t[7] != '-' || !digits(t, 0, 4, y) || !digits(t, 5, 2, mo) ||
        !digits(t, 8, 2, d))
      return general_seconds(t);
    date::year_month_day ymd{date::year{static_cast<int>(y)}, date::month{mo}, date::day{d}};
    if (!ymd.ok()) return general_seconds(t);
    t.copy(day_text_, 10);
    day_seconds_ = date::sys_days{ymd}.time_since_epoch().count() * 86400;
  }
  unsigned h = 0, mi = 0, sec = 0;
  if (!digits(t, 11, 2, h) || !digits(t, 14, 2, mi) || !digits(t, 17, 2, sec) || h > 23 ||
      mi > 59 || sec > 59)
    return general_seconds(t);
  return day_seconds_ + h * 3600 + mi * 60 + sec;
}

SegmentCells::SegmentCells(const ReportQuery& q) : clock_(*q.clock), start_(q.since) {
  for (auto b : clock_.cell_boundaries(q.since, q.until))
    boundaries_.emplace_back(b, format_utc(b));
}

int64_t SegmentCells::cell(std::string_view env, std::string_view at) {
  while (next_ < boundaries_.size() && at >= boundaries_[next_].second) {
    start_ = boundaries_[next_++].first;
    cells_.clear();
  }
  for (const auto& [name, c] : cells_)
    if (name == env) return c;
  int64_t c = clock_.cell(env, start_);
  cells_.emplace_back(std::string(env), c);
  return c;
}

void ReleaseApprovers::add(int64_t release, std::string_view approver) {
  auto known = numbers_.find(approver);
  if (known == numbers_.end()) {
    known = numbers_.emplace(std::string(approver), static_cast<uint32_t>(names_.size())).first;
    names_.emplace_back(approver);
    group_.emplace_back();
  }
  uint32_t person = known->second;
  // An approval may have been given twice (the first expired): the person counts once.
  for (size_t i = approvals_.size(); i > 0 && approvals_[i - 1].first == release; --i)
    if (approvals_[i - 1].second == person) return;
  approvals_.emplace_back(release, person);
}

size_t ReleaseApprovers::first_of(int64_t id) {
  size_t n = approvals_.size(), lo = 0, hi = n;
  // Where the last search ended is mostly the answer: the next release's approvals, or where
  // they would be.
  if (from_ < n && approvals_[from_].first >= id &&
      (from_ == 0 || approvals_[from_ - 1].first < id))
    return from_;
  if (from_ < n && approvals_[from_].first < id) {
    // Forward from the last search, in steps that double: everything before `lo` is below id.
    lo = hi = from_ + 1;
    for (size_t step = 1; hi < n && approvals_[hi].first < id; step *= 2) {
      lo = hi + 1;
      hi += step;
    }
    hi = std::min(hi, n);
  } else if (from_ < n) {
    hi = from_ + 1;
  }
  auto at = std::lower_bound(approvals_.begin() + static_cast<ptrdiff_t>(lo),
                             approvals_.begin() + static_cast<ptrdiff_t>(hi), id,
                             [](const auto& a, int64_t v) { return a.first < v; });
  return from_ = static_cast<size_t>(at - approvals_.begin());
}

Percentiles nearest_rank(std::vector<int64_t>& values) {
  auto n = static_cast<int64_t>(values.size());
  if (n == 0) return {};
  Percentiles out{n, std::nullopt, std::nullopt};
  auto median = values.begin() + ((n + 1) / 2 - 1);
  std::nth_element(values.begin(), median, values.end());
  out.median = *median;  // before the next step reorders from the median on
  auto p90 = values.begin() + ((9 * n + 9) / 10 - 1);
  std::nth_element(median, p90, values.end());  // every value from the median on is not smaller
  out.p90 = *p90;
  return out;
}

std::string scope_sql(const ReportScope& scope, std::string_view service, std::string_view env,
                      std::vector<RowParam>& params) {
  std::string out;
  auto add = [&](std::string_view clause, const std::string& value) {
    params.emplace_back(value);
    out += fmt::format(" AND {}", fmt::format(fmt::runtime(clause), params.size()));
  };
  if (scope.team)
    add(fmt::format("{} IN (SELECT name FROM services WHERE team = ?{{}})", service), *scope.team);
  if (scope.service) add(fmt::format("{} = ?{{}}", service), *scope.service);
  if (scope.env) add(fmt::format("{} = ?{{}}", env), *scope.env);
  return out;
}

}  // namespace beaver
