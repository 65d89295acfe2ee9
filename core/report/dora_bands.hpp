#pragma once
// The DORA performance band of each DORA key: where a figure falls among the clusters of the
// 2023 Accelerate State of DevOps report (DORA, Google Cloud). The report gives each cluster a
// range per key; the lines beaver draws between them are these, each band taking the values from
// its line (included) up to the next better band's:
//   deployment frequency (deploys a day)  elite >= 1    high >= 1/7     medium >= 1/30   else low
//   lead time (median, hours)             elite < 24    high < 168      medium < 720     else low
//   change failure rate                   elite <= 0.05 high <= 0.10    medium <= 0.15   else low
//   time to restore (median, hours)       elite < 1     high < 24       medium < 168     else low
// Where the report's ranges overlap (its medium and low clusters both deploy between once a week
// and once a month, and both take one week to one month from commit to production), the lower
// band starts where the higher one ends. Its change failure rates are the clusters' typical
// values (5, 10, 15 and 64 %), so the lines are drawn at the first three.

#include <optional>
#include <string_view>

#include "report/report.hpp"

namespace beaver {

enum class DoraBand { elite, high, medium, low };
std::string_view to_string(DoraBand band);

std::optional<DoraBand> deployment_frequency_band(std::optional<double> deploys_per_day);
std::optional<DoraBand> lead_time_band(std::optional<int64_t> median_seconds);
std::optional<DoraBand> change_failure_rate_band(std::optional<double> rate);
std::optional<DoraBand> time_to_restore_band(std::optional<int64_t> median_seconds);

// The four bands of a group's or a period's deploy figures; each absent when its figure is
// (deployment frequency only when no day is covered).
struct DoraBands {
  std::optional<DoraBand> deployment_frequency, lead_time, change_failure_rate, time_to_restore;
};
DoraBands dora_bands(const DeployFigures& figures);

}  // namespace beaver
