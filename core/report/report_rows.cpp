#include "report/report_rows.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "report/dora_bands.hpp"

namespace beaver {
namespace {

std::string key_header(ReportBy by) {
  if (by == ReportBy::none) return "period";
  return std::string(to_string(by));
}

// At most `width` characters on screen (UTF-8 sequences, not bytes).
std::string shortened(const std::string& text, size_t width) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (++chars == width) {
      size_t rest = i + 1;
      while (rest < text.size() && (static_cast<unsigned char>(text[rest]) & 0xC0) == 0x80) ++rest;
      if (rest == text.size()) return text;
      return text.substr(0, i) + "…";
    }
  }
  return text;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

std::string optional_text(const std::optional<int64_t>& n) {
  return n ? std::to_string(*n) : std::string();
}

// Each group, then the total row, with the deploy figures when the row has them.
template <class Row>
void for_each_row(const Report& r, Row row) {
  for (const auto& g : r.groups) row(g.key, g.totals, g.deploys ? &*g.deploys : nullptr);
  row(std::string(kTotalRowKey), r.totals, &r.deploys);
}

std::string number_text(const std::optional<double>& x) { return x ? rounded(*x) : std::string(); }

std::optional<double> hours(const std::optional<int64_t>& seconds) {
  if (!seconds) return std::nullopt;
  return static_cast<double>(*seconds) / 3600.0;
}

// The deploy figures' CSV cells; all empty for a row without them.
std::vector<std::string> deploy_cells(const DeployFigures* f) {
  if (f == nullptr) return std::vector<std::string>(12);
  return {std::to_string(f->deployed),
          number_text(f->deployment_frequency()),
          number_text(hours(f->lead_time.median)),
          number_text(hours(f->lead_time.p90)),
          number_text(f->change_failure_rate()),
          std::to_string(f->ended),
          std::to_string(f->failed_changes),
          number_text(hours(f->time_to_restore.median)),
          std::to_string(f->failures),
          std::to_string(f->still_open),
          optional_text(f->duration.median),
          optional_text(f->duration.p90)};
}

}  // namespace

std::string rounded(double x, int decimals) {
  std::string out = fmt::format("{:.{}f}", x, decimals);
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  return out == "-0" ? "0" : out;
}

std::string wait_text(int64_t s) {
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  if (s < 86400) return fmt::format("{}h{:02}m", s / 3600, s % 3600 / 60);
  return fmt::format("{}d{:02}h", s / 86400, s % 86400 / 3600);
}

ReportTable report_csv_table(const Report& r) {
  ReportTable t{{key_header(r.by),
                 "releases",
                 "normal",
                 "emergency",
                 "rollback",
                 "emergency_ratio",
                 "rejected",
                 "deployed",
                 "failed",
                 "outside_windows",
                 "at_night",
                 "at_weekend",
                 "owing_review",
                 "approved",
                 "approval_wait_median_seconds",
                 "approval_wait_p90_seconds",
                 "deploys",
                 "deployment_frequency",
                 "lead_time_median_hours",
                 "lead_time_p90_hours",
                 "change_failure_rate",
                 "deploys_ended",
                 "failed_changes",
                 "time_to_restore_median_hours",
                 "failures",
                 "still_open",
                 "deploy_duration_median_seconds",
                 "deploy_duration_p90_seconds"},
                {},
                {}};
  for_each_row(r, [&](const std::string& key, const ReportTotals& x, const DeployFigures* f) {
    t.rows.push_back(
        {key, std::to_string(x.releases), std::to_string(x.normal), std::to_string(x.emergency),
         std::to_string(x.rollback), rounded(x.emergency_ratio()), std::to_string(x.rejected),
         std::to_string(x.deployed), std::to_string(x.failed), std::to_string(x.outside_windows),
         std::to_string(x.at_night), std::to_string(x.at_weekend), std::to_string(x.owing_review),
         std::to_string(x.approval_wait.approved), optional_text(x.approval_wait.median_seconds),
         optional_text(x.approval_wait.p90_seconds)});
    auto cells = deploy_cells(f);
    t.rows.back().insert(t.rows.back().end(), cells.begin(), cells.end());
  });
  return t;
}

std::vector<ReportTable> report_terminal_tables(const Report& r, size_t key_width) {
  std::string key = upper(key_header(r.by));
  ReportTable counts{{key, "RELEASES", "NORMAL", "EMERGENCY", "ROLLBACK", "RATIO", "REJECTED",
                      "DEPLOYED", "FAILED"},
                     {},
                     {}};
  ReportTable timing{
      {key, "OUT-WINDOW", "NIGHT", "WEEKEND", "OWE-REVIEW", "APPROVED", "WAIT-MED", "WAIT-P90"},
      {},
      {}};
  ReportTable deploys{{key, "DEPLOYS", "DAILY", "LEAD-MED", "LEAD-P90", "CFR", "RESTORE", "OPEN",
                       "DUR-MED", "DUR-P90"},
                      {},
                      {}};
  counts.keys = {"",         "releases", "normal", "emergency", "rollback", "emergency_ratio",
                 "rejected", "deployed", "failed"};
  timing.keys = {
      "",         "outside_windows",      "at_night",         "at_weekend", "owing_review",
      "approved", "approval_wait_median", "approval_wait_p90"};
  deploys.keys = {"",
                  "deploys",
                  "deployment_frequency",
                  "lead_time_median",
                  "lead_time_p90",
                  "change_failure_rate",
                  "time_to_restore",
                  "still_open",
                  "deploy_duration_median",
                  "deploy_duration_p90"};
  auto wait = [](const std::optional<int64_t>& s) { return s ? wait_text(*s) : "-"; };
  auto fixed = [](const std::optional<double>& x) {
    return x ? fmt::format("{:.2f}", *x) : std::string("-");
  };
  for_each_row(r, [&](const std::string& k, const ReportTotals& x, const DeployFigures* f) {
    std::string shown = key_width == 0 ? k : shortened(k, key_width);
    counts.rows.push_back({shown, std::to_string(x.releases), std::to_string(x.normal),
                           std::to_string(x.emergency), std::to_string(x.rollback),
                           fmt::format("{:.2f}", x.emergency_ratio()), std::to_string(x.rejected),
                           std::to_string(x.deployed), std::to_string(x.failed)});
    timing.rows.push_back({shown, std::to_string(x.outside_windows), std::to_string(x.at_night),
                           std::to_string(x.at_weekend), std::to_string(x.owing_review),
                           std::to_string(x.approval_wait.approved),
                           wait(x.approval_wait.median_seconds),
                           wait(x.approval_wait.p90_seconds)});
    if (f != nullptr)
      deploys.rows.push_back({shown, std::to_string(f->deployed), fixed(f->deployment_frequency()),
                              wait(f->lead_time.median), wait(f->lead_time.p90),
                              fixed(f->change_failure_rate()), wait(f->time_to_restore.median),
                              std::to_string(f->still_open), wait(f->duration.median),
                              wait(f->duration.p90)});
  });
  return {counts, timing, deploys};
}

namespace {

// How a headline figure reads and changes.
enum class Kind { count, fraction, seconds };

struct Headline {
  const char* key;
  Kind kind;
  std::optional<double> now, before;
  std::optional<DoraBand> band;
};

std::optional<double> seconds_of(const std::optional<int64_t>& s) {
  return s ? std::optional<double>(static_cast<double>(*s)) : std::nullopt;
}

std::vector<Headline> headlines(const Report& r) {
  static const PeriodFigures kNone;
  const auto& p = r.previous ? *r.previous : kNone;
  const auto& now = r.totals;
  const auto& before = p.totals;
  const auto& d = r.deploys;
  const auto& e = p.deploys;
  auto count = [](int64_t n) { return std::optional<double>(static_cast<double>(n)); };
  return {
      {"releases", Kind::count, count(now.releases), count(before.releases), {}},
      {"normal", Kind::count, count(now.normal), count(before.normal), {}},
      {"emergency", Kind::count, count(now.emergency), count(before.emergency), {}},
      {"rollback", Kind::count, count(now.rollback), count(before.rollback), {}},
      {"emergency_ratio", Kind::fraction, now.emergency_ratio(), before.emergency_ratio(), {}},
      {"rejected", Kind::count, count(now.rejected), count(before.rejected), {}},
      {"failed", Kind::count, count(now.failed), count(before.failed), {}},
      {"outside_windows",
       Kind::count,
       count(now.outside_windows),
       count(before.outside_windows),
       {}},
      {"at_night", Kind::count, count(now.at_night), count(before.at_night), {}},
      {"at_weekend", Kind::count, count(now.at_weekend), count(before.at_weekend), {}},
      {"owing_review", Kind::count, count(now.owing_review), count(before.owing_review), {}},
      {"approval_wait_median",
       Kind::seconds,
       seconds_of(now.approval_wait.median_seconds),
       seconds_of(before.approval_wait.median_seconds),
       {}},
      {"deploys", Kind::count, count(d.deployed), count(e.deployed), {}},
      {"deployment_frequency", Kind::fraction, d.deployment_frequency(), e.deployment_frequency(),
       deployment_frequency_band(d.deployment_frequency())},
      {"lead_time_median", Kind::seconds, seconds_of(d.lead_time.median),
       seconds_of(e.lead_time.median), lead_time_band(d.lead_time.median)},
      {"change_failure_rate", Kind::fraction, d.change_failure_rate(), e.change_failure_rate(),
       change_failure_rate_band(d.change_failure_rate())},
      {"time_to_restore", Kind::seconds, seconds_of(d.time_to_restore.median),
       seconds_of(e.time_to_restore.median), time_to_restore_band(d.time_to_restore.median)},
      {"still_open", Kind::count, count(d.still_open), count(e.still_open), {}},
  };
}

std::string value_text(Kind kind, const std::optional<double>& x) {
  if (!x) return "-";
  switch (kind) {
    case Kind::count:
      return fmt::format("{}", std::llround(*x));
    case Kind::fraction:
      return fmt::format("{:.2f}", *x);
    case Kind::seconds:
      return wait_text(std::llround(*x));
  }
  return "-";
}

std::string change_text(Kind kind, const std::optional<double>& now,
                        const std::optional<double>& before) {
  if (!now || !before) return "-";
  double change = *now - *before;
  const char* sign = change > 0 ? "+" : change < 0 ? "-" : "";
  switch (kind) {
    case Kind::count: {
      auto n = std::llabs(std::llround(change));
      if (n == 0) return "0";
      if (*before <= 0) return fmt::format("{}{}", sign, n);
      return fmt::format("{}{} ({}{:.0f}%)", sign, n, sign, std::abs(change) / *before * 100);
    }
    case Kind::fraction: {
      auto text = fmt::format("{:.2f}", std::abs(change));
      return text == "0.00" ? "0" : sign + text;
    }
    case Kind::seconds: {
      auto s = std::llabs(std::llround(change));
      return s == 0 ? "0" : sign + wait_text(s);
    }
  }
  return "-";
}

}  // namespace

ReportTable report_comparison_table(const Report& r) {
  ReportTable t{{"FIGURE", "NOW", "BEFORE", "CHANGE", "DORA BAND"}, {}, {}};
  bool compared = r.previous.has_value();
  for (const auto& h : headlines(r))
    t.rows.push_back({h.key, value_text(h.kind, h.now),
                      compared ? value_text(h.kind, h.before) : "-",
                      compared ? change_text(h.kind, h.now, h.before) : "-",
                      h.band ? std::string(to_string(*h.band)) : std::string()});
  return t;
}

}  // namespace beaver
