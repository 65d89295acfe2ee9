#pragma once
// Release reports: what the ledger says about how releases go, computed in the database.
// A release counts in the period in which it was submitted; `releases` counts every submitted
// release but cancelled ones; `emergency_ratio` is emergency / releases (0 for an empty period).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "clock/clock.hpp"
#include "error/error.hpp"

namespace beaver {

struct ReportTotals {
  int64_t releases = 0;  // submitted, cancelled ones excluded
  int64_t normal = 0;
  int64_t emergency = 0;
  int64_t rollback = 0;
  int64_t rejected = 0;
  int64_t deployed = 0;
  int64_t failed = 0;  // failed or rolled back
  double emergency_ratio() const {
    return releases == 0 ? 0.0 : static_cast<double>(emergency) / static_cast<double>(releases);
  }
};

struct ReportGroup {
  std::string key;
  ReportTotals totals;
};

// The groups a report can be split by. week (ISO 8601, "2026-W48"), weekday ("1 mon".."7 sun")
// and hour ("00".."23") are read on the policy's clock.
enum class ReportBy { none, team, service, env, category, week, weekday, hour };

Result<ReportBy> report_by_from_string(const std::string& text);

struct Report {
  Timestamp since{};
  Timestamp until{};
  ReportBy by = ReportBy::none;
  ReportTotals totals;
  std::vector<ReportGroup> groups;                       // sorted by key
  std::map<std::string, int64_t> emergency_by_category;  // category -> count
};

}  // namespace beaver
