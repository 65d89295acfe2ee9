#include "report/report_rows.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

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

template <class Row>
void for_each_row(const Report& r, Row row) {
  for (const auto& g : r.groups) row(g.key, g.totals);
  row(std::string(kTotalRowKey), r.totals);
}

}  // namespace

std::string wait_text(int64_t s) {
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  if (s < 86400) return fmt::format("{}h{:02}m", s / 3600, s % 3600 / 60);
  return fmt::format("{}d{:02}h", s / 86400, s % 86400 / 3600);
}

ReportTable report_csv_table(const Report& r) {
  ReportTable t{
      {key_header(r.by), "releases", "normal", "emergency", "rollback", "emergency_ratio",
       "rejected", "deployed", "failed", "outside_windows", "at_night", "at_weekend",
       "owing_review", "approved", "approval_wait_median_seconds", "approval_wait_p90_seconds"},
      {}};
  for_each_row(r, [&](const std::string& key, const ReportTotals& x) {
    t.rows.push_back(
        {key, std::to_string(x.releases), std::to_string(x.normal), std::to_string(x.emergency),
         std::to_string(x.rollback), fmt::format("{}", x.emergency_ratio()),
         std::to_string(x.rejected), std::to_string(x.deployed), std::to_string(x.failed),
         std::to_string(x.outside_windows), std::to_string(x.at_night),
         std::to_string(x.at_weekend), std::to_string(x.owing_review),
         std::to_string(x.approval_wait.approved), optional_text(x.approval_wait.median_seconds),
         optional_text(x.approval_wait.p90_seconds)});
  });
  return t;
}

std::vector<ReportTable> report_terminal_tables(const Report& r, size_t key_width) {
  std::string key = upper(key_header(r.by));
  ReportTable counts{{key, "RELEASES", "NORMAL", "EMERGENCY", "ROLLBACK", "RATIO", "REJECTED",
                      "DEPLOYED", "FAILED"},
                     {}};
  ReportTable timing{
      {key, "OUT-WINDOW", "NIGHT", "WEEKEND", "OWE-REVIEW", "APPROVED", "WAIT-MED", "WAIT-P90"},
      {}};
  auto wait = [](const std::optional<int64_t>& s) { return s ? wait_text(*s) : "-"; };
  for_each_row(r, [&](const std::string& k, const ReportTotals& x) {
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
  });
  return {counts, timing};
}

}  // namespace beaver
