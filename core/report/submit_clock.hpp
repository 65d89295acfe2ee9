#pragma once
// The policy's reading of submit times for reports: night and weekends on the environment's
// clock (the policy's time zone unless the environment sets its own), windows and freezes as the
// policy defines them now, and local-time group keys (week, weekday, hour) on the policy's clock.

#include <bitset>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "policy/policy.hpp"
#include "report/report.hpp"

namespace beaver {

// "2026-W48": the ISO 8601 week whose Monday is `monday` (days since 1970-01-01).
std::string iso_week_text(int64_t monday);

class PolicySubmitClock final : public SubmitTimeReader {
 public:
  // `policy` must outlive the clock. A release for an environment the policy no longer has is
  // read on the policy's clock and counts as inside windows.
  PolicySubmitClock(const Policy& policy, ReportBy by);
  ~PolicySubmitClock() override;

  int64_t cell(std::string_view env, Timestamp submitted) const override;
  std::string key_text(int64_t key) const override;
  std::vector<Timestamp> cell_boundaries(Timestamp since, Timestamp until) const override;

 private:
  class ZoneOffsets;
  struct EnvironmentClock {
    ZoneOffsets* zone = nullptr;
    bool has_windows = false;
    std::bitset<7 * 1440> open;  // minute of the week (from Sunday 00:00) inside a window
    std::vector<std::pair<int64_t, int64_t>> freezes;  // [from, to) in local minutes
  };

  ZoneOffsets* zone_for(const date::time_zone* zone);

  const Policy& policy_;
  ReportBy by_;
  std::vector<std::unique_ptr<ZoneOffsets>> zones_;  // [0] is the policy's
  std::map<std::string, EnvironmentClock, std::less<>> environments_;
  EnvironmentClock fallback_;
};

}  // namespace beaver
