#include "report/dora_bands.hpp"

namespace beaver {
namespace {

constexpr double kHour = 3600.0;

// The band of `value` against three lines, best band first, `better(value, line)` saying whether
// it is on the better side of a line.
template <class Better>
DoraBand band(double value, double elite, double high, double medium, Better better) {
  if (better(value, elite)) return DoraBand::elite;
  if (better(value, high)) return DoraBand::high;
  if (better(value, medium)) return DoraBand::medium;
  return DoraBand::low;
}

std::optional<DoraBand> hours_band(std::optional<int64_t> seconds, double elite, double high,
                                   double medium) {
  if (!seconds) return std::nullopt;
  return band(static_cast<double>(*seconds) / kHour, elite, high, medium,
              [](double v, double line) { return v < line; });
}

}  // namespace

std::string_view to_string(DoraBand b) {
  switch (b) {
    case DoraBand::elite:
      return "elite";
    case DoraBand::high:
      return "high";
    case DoraBand::medium:
      return "medium";
    case DoraBand::low:
      return "low";
  }
  return "low";
}

std::optional<DoraBand> deployment_frequency_band(std::optional<double> per_day) {
  if (!per_day) return std::nullopt;
  return band(*per_day, 1.0, 1.0 / 7, 1.0 / 30, [](double v, double line) { return v >= line; });
}

std::optional<DoraBand> lead_time_band(std::optional<int64_t> median_seconds) {
  return hours_band(median_seconds, 24, 7 * 24, 30 * 24);
}

std::optional<DoraBand> change_failure_rate_band(std::optional<double> rate) {
  if (!rate) return std::nullopt;
  // A rate is failed / ended: compared with a little slack so that 1/20 counts as 5 %.
  return band(*rate, 0.05, 0.10, 0.15, [](double v, double line) { return v <= line + 1e-12; });
}

std::optional<DoraBand> time_to_restore_band(std::optional<int64_t> median_seconds) {
  return hours_band(median_seconds, 1, 24, 7 * 24);
}

DoraBands dora_bands(const DeployFigures& f) {
  DoraBands b;
  b.deployment_frequency = deployment_frequency_band(f.deployment_frequency());
  b.lead_time = lead_time_band(f.lead_time.median);
  b.change_failure_rate = change_failure_rate_band(f.change_failure_rate());
  b.time_to_restore = time_to_restore_band(f.time_to_restore.median);
  return b;
}

}  // namespace beaver
