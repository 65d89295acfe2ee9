#pragma once
// Release reports: what the ledger says about how releases go. The figures are computed by two
// passes over the ledger's rows (report_passes.hpp); read_report.hpp is the entry front ends use.
// A release counts in the period in which it was submitted; `releases` counts every submitted
// release but cancelled ones; `emergency_ratio` is emergency / releases (0 for an empty period).
// Every figure is defined once, for people, in `report_figures_help()` (report_figures.hpp), which
// the command's --help shows and docs/reference/report.md repeats word for word.

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clock/clock.hpp"
#include "error/error.hpp"

namespace beaver {

// Submit to approved, over the releases in a group that people approved (those approved on submit
// because their chain is empty are left out). Percentiles are nearest-rank: the median is the
// wait at rank ceil(n/2) of the waits sorted ascending, the 90th percentile the one at rank
// ceil(0.9 n). Both are absent when no release was approved.
struct ApprovalWait {
  int64_t approved = 0;
  std::optional<int64_t> median_seconds;
  std::optional<int64_t> p90_seconds;
  bool operator==(const ApprovalWait&) const = default;
};

// Nearest-rank median and 90th percentile (as for the approval wait) of `n` durations in seconds;
// both absent when n is 0.
struct Percentiles {
  int64_t n = 0;
  std::optional<int64_t> median;
  std::optional<int64_t> p90;
  bool operator==(const Percentiles&) const = default;
};

// The figures read off deploy runs, over the runs that ended (finished_at) in the period; runs
// still running or interrupted count nowhere. The DORA keys, as report_figures_help() defines them.
struct DeployFigures {
  int64_t ended = 0;            // runs that ended deployed, failed or rolled_back
  int64_t deployed = 0;         // of them, the successful ones
  int64_t failed_changes = 0;   // of them, those that count as a failed change
  int64_t failures = 0;         // of them, those that ended failed or rolled_back
  int64_t still_open = 0;       // failures with no later successful deploy of the same place
  double days = 0;              // the days the figures cover (see report_figures_help())
  Percentiles duration;         // started_at -> finished_at of the ended runs
  Percentiles lead_time;        // commit time -> finished_at of the successful runs
  Percentiles time_to_restore;  // failure's finished_at -> next successful finished_at
  bool operator==(const DeployFigures&) const = default;

  // Successful deploys per day covered; absent when no day is.
  std::optional<double> deployment_frequency() const {
    if (days <= 0) return std::nullopt;
    return static_cast<double>(deployed) / days;
  }
  // failed_changes / ended; absent when no run ended.
  std::optional<double> change_failure_rate() const {
    if (ended == 0) return std::nullopt;
    return static_cast<double>(failed_changes) / static_cast<double>(ended);
  }
};

struct ReportTotals {
  int64_t releases = 0;  // submitted, cancelled ones excluded
  int64_t normal = 0;
  int64_t emergency = 0;
  int64_t rollback = 0;
  int64_t rejected = 0;
  int64_t deployed = 0;
  int64_t failed = 0;           // failed or rolled back
  int64_t outside_windows = 0;  // submitted when the environment took no normal release
  int64_t at_night = 0;         // submitted inside the policy's night span
  int64_t at_weekend = 0;       // submitted on a Saturday or a Sunday
  int64_t owing_review = 0;     // emergencies whose post-release review is overdue now
  ApprovalWait approval_wait;

  double emergency_ratio() const {
    return releases == 0 ? 0.0 : static_cast<double>(emergency) / static_cast<double>(releases);
  }
  // Adds the counts of `other` (not the approval wait, which does not add up).
  void add_counts(const ReportTotals& other);
};

struct ReportGroup {
  std::string key;
  ReportTotals totals;
  // For local-time groups, the key as a number: month: the day number (days since 1970-01-01) of
  // its first day; week: the day number (days since 1970-01-01) of
  // its Monday; weekday: 1 (Monday) .. 7; hour: 0..23; weekday_hour: (weekday - 1) * 24 + hour.
  int64_t local_key = 0;
  // The deploy figures of the group's deploy runs (a group may hold deploys and no release
  // submitted in the period): by team, service, env, category and approver the runs of the
  // group's releases, by week, weekday and hour the runs that ended in it. Absent only for
  // weekday_hour, which feeds the heat map alone.
  std::optional<DeployFigures> deploys;
};

// The groups a report can be split by. month ("2026-11"), week (ISO 8601, "2026-W48"), weekday
// ("1 mon".."7 sun") and hour ("00".."23") are read on the policy's clock. approver groups overlap:
// a release approved by two people counts in both groups. weekday_hour ("1 mon 00") feeds the heat
// map and is not offered on the command line.
enum class ReportBy {
  none,
  team,
  service,
  env,
  category,
  approver,
  month,
  week,
  weekday,
  hour,
  weekday_hour
};

Result<ReportBy> report_by_from_string(const std::string& text);
std::string_view to_string(ReportBy by);
bool is_local_time(ReportBy by);

// The releases a report reads: those of one team, service or environment, or every one. A
// release's team is its service's; deploy runs count as their release's service and environment.
struct ReportScope {
  std::optional<std::string> team, service, env;
  bool operator==(const ReportScope&) const = default;
  bool empty() const { return !team && !service && !env; }
};

// The headline figures of a period: what a report compares with the period before it.
struct PeriodFigures {
  Timestamp since{};
  Timestamp until{};
  ReportTotals totals;
  DeployFigures deploys;
};

// A reason people wrote for their emergencies, as the report groups them (report_reasons.hpp):
// the text first written of those that read the same once normalized, and how many wrote it.
struct ReasonCount {
  std::string reason;
  int64_t count = 0;
  bool operator==(const ReasonCount&) const = default;
};

// Emergencies of the period deployed by break glass (before their approvals), and how their
// owed approvals went: given by the deadline, given after it, still owed before it, or owed past
// it and not given (never signed, so far).
struct BreakGlassFigures {
  int64_t deploys = 0;
  int64_t signed_in_time = 0;
  int64_t signed_late = 0;
  int64_t owing = 0;
  int64_t never_signed = 0;
  bool operator==(const BreakGlassFigures&) const = default;
};

struct Report {
  Timestamp since{};
  Timestamp until{};
  ReportBy by = ReportBy::none;
  ReportTotals totals;
  std::vector<ReportGroup> groups;                       // sorted by key
  std::map<std::string, int64_t> emergency_by_category;  // category -> count
  std::map<std::string, int64_t> emergency_by_approver;  // approver -> emergencies approved
  DeployFigures deploys;  // deploy duration and the DORA keys of the whole period
  ReportScope scope;
  // The period of the same length just before this one, whole (read_report fills it; absent
  // when that period would reach beyond what a report may read).
  std::optional<PeriodFigures> previous;
  // Per category, the reasons most often written, most frequent first (ties by text), at most
  // kTopReasons of them.
  std::map<std::string, std::vector<ReasonCount>> emergency_reasons;
  static constexpr size_t kTopReasons = 5;
  BreakGlassFigures break_glass;  // of the releases submitted in the period
};

// Whether a report split `by` this gives each group its deploy figures: every grouping the
// command line offers.
bool groups_deploys(ReportBy by);

// What the HTML page draws besides the report's own table.
struct ReportCharts {
  std::vector<ReportGroup> weeks;  // weeks with releases, oldest first (local_key set)
  // The same per team, for the teams with the most releases (at most kTrendTeams), by name;
  // none when the charts are one team's.
  std::vector<std::pair<std::string, std::vector<ReportGroup>>> team_weeks;
  static constexpr size_t kTrendTeams = 8;
  std::array<std::array<int64_t, 24>, 7> weekday_hour{};  // releases; [0] is Monday
};

// Flags a report reads off a submit time (bits of the low three bits of a submit cell).
enum SubmitFlag : unsigned { kAtNight = 1, kAtWeekend = 2, kOutsideWindows = 4 };

// The group key of a cell (SubmitTimeReader::cell, key * 8 + flags): floor(cell / 8).
inline int64_t cell_key(int64_t cell) { return cell >= 0 ? cell / 8 : -((-cell + 7) / 8); }

// How a report reads a release's submit time on people's clocks: its flags and, when the report
// groups by local time, its group key. The ledger builds one from the policy; the store calls it
// once per environment and segment of cell_boundaries() while aggregating. Not thread-safe (it
// caches the last zone offset).
class SubmitTimeReader {
 public:
  virtual ~SubmitTimeReader() = default;
  // key * 8 + flags: key is the local group key (0 unless grouping by local time).
  virtual int64_t cell(std::string_view env, Timestamp submitted) const = 0;
  // The text of a local group key, e.g. "2026-W48".
  virtual std::string key_text(int64_t key) const = 0;
  // The instants strictly inside (since, until), in order, where cell() may change for some
  // environment: between two neighbours it is the same for every submit time. A store can then
  // aggregate each such segment without reading local time row by row.
  virtual std::vector<Timestamp> cell_boundaries(Timestamp since, Timestamp until) const = 0;
};

// What a store needs to compute a report.
struct ReportQuery {
  Timestamp since{};  // inclusive
  Timestamp until{};  // exclusive
  ReportBy by = ReportBy::none;
  const SubmitTimeReader* clock = nullptr;  // required
  Timestamp now{};                          // "owing a review" is judged at this time
  std::chrono::seconds review_deadline{0};
  ReportScope scope;  // the releases and deploy runs read
};

}  // namespace beaver
