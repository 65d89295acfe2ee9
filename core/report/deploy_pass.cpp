#include "report/deploy_pass.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>

#include "report/group_days.hpp"
#include "report/pass_parts.hpp"
#include "report/report_passes.hpp"
#include "store/row_source.hpp"

namespace beaver {
namespace {

// Deploy runs group by the release they ran, as releases do (team, service, environment,
// category), or by the local time they ended (week, weekday, hour: keys read off finished_at by
// the report's SubmitTimeReader, outside SQL). By approver, a run counts in the group of each
// person who approved its release (ReleaseApprovers), and in none when nobody did: such a run
// still restores the failures before it. A run carries its release's place and type (migration
// 0011), so only the category needs the release's own row.
ReportGrouping deploy_grouping(ReportBy by) {
  switch (by) {
    case ReportBy::team:
      return {"d.service", "", ReportGrouping::KeyOf::service};
    case ReportBy::service:
      return {"d.service", ""};
    case ReportBy::env:
      return {"d.env", ""};
    case ReportBy::category:
      return {"COALESCE(r.category, '-')", "JOIN releases r ON r.id = d.release_id"};
    case ReportBy::approver:
      return {"d.release_id", "", ReportGrouping::KeyOf::release};
    case ReportBy::month:
    case ReportBy::week:
    case ReportBy::weekday:
    case ReportBy::hour:
    case ReportBy::weekday_hour:
    case ReportBy::none:
      break;
  }
  return {"NULL", ""};  // no key: NULL costs the stores nothing to send
}

// The runs that ended from ?1 (and before ?2 when `bounded`), deployed, failed or rolled_back, in
// the order they ended (ties by id), through the deploys' report index (migration 0011), which
// holds every column of the runs read here; the + keeps SQLite from reading by status instead and
// sorting. One row per run:
//   0 id, 1 status, 2 started_at, 3 finished_at, 4 service, 5 env, 6 release type,
//   7 release rolled back since, 8 the package's commit time, 9 the group key.
// `scope` adds the clauses of scope_sql(): the runs of other places are left out whole, so the
// figures of those kept are as they would be unscoped.
std::string runs_sql(const ReportGrouping& g, const char* no_index, bool bounded,
                     std::string_view scope) {
  return fmt::format(
      "SELECT d.id, d.status, d.started_at, d.finished_at, d.service, d.env, d.release_type, "
      "d.release_rolled_back, d.commit_time, {} FROM deploys d {} "
      "WHERE d.finished_at >= ?1 {}AND {}d.status IN ('deployed', 'failed', 'rolled_back'){} "
      "ORDER BY d.finished_at, d.id",
      g.key, g.join, bounded ? "AND d.finished_at < ?2 " : "", no_index, scope);
}

// A group's deploy figures while the pass runs, with the values it will rank. Tally 0 is the
// whole period.
struct Tally : GroupDeployFigures {
  std::vector<int64_t> durations, lead_times, restores;
};

// The tallies a run counts in: the whole period's and its groups'.
using Targets = std::vector<uint32_t>;

// What a service and environment still waits for: its failures, whose time to restore runs to
// its next successful deploy; and its last successful deploy of the period not yet judged, whose
// change failed if the next successful deploy there is an emergency or a rollback.
struct Place {
  std::vector<std::pair<int64_t, Targets>> failures;  // ended at (seconds), counted in
  bool has_last_good = false;
  Targets last_good;  // kept when empty, so that each place allocates it once
};

class DeployPass {
 public:
  DeployPass(const ReportQuery& q, ReportBy by)
      : q_(q), by_(by), grouping_(deploy_grouping(by)), index_(tallies_) {
    tallies_.push_back(Tally{});
    until_text_ = format_utc(q.until);
    if (is_local_time(by)) cells_.emplace(q);
  }

  // Reads the runs of the period, then later ones in spans that double, until no later run can
  // change a figure. A span is read to its end (PostgreSQL's rows are a COPY, which is read
  // whole once begun), so stopping early wastes at most the last span.
  template <class Source>
  void run(Source& db) {
    using KeyOf = ReportGrouping::KeyOf;
    if (grouping_.key_of == KeyOf::service) teams_.emplace(db);
    if (grouping_.key_of == KeyOf::release)  // of the runs counted in groups: the period's
      approvers_.emplace(db, id_range(db,
                                      "SELECT min(release_id + 0), max(release_id + 0) FROM "
                                      "deploys WHERE finished_at >= ?1 AND finished_at < ?2",
                                      q_));
    Timestamp from = q_.since, to = q_.until;
    auto span = std::chrono::days{7};
    for (;;) {
      bool last = to >= q_.now;  // the rest, however far it goes
      bool more = read_span(db, from, last ? std::nullopt : std::optional(to));
      if (!more || last) return;
      from = to;
      to += span;
      span *= 2;
    }
  }

  // The figures: [0] the whole period's, then each group's in the order first seen.
  std::vector<Tally>& finish() {
    for (auto& [name, place] : places_)
      for (auto& [at, targets] : place.failures)
        for (auto t : targets) ++tallies_[t].figures.still_open;
    for (auto& t : tallies_) {
      t.figures.duration = nearest_rank(t.durations);
      t.figures.lead_time = nearest_rank(t.lead_times);
      t.figures.time_to_restore = nearest_rank(t.restores);
    }
    return tallies_;
  }

 private:
  struct Run {
    int64_t id = 0;
    bool in_period = false, good = false, failed_change = false;
    int64_t ended = 0;
    std::optional<int64_t> duration, lead_time;
    std::string place;     // service and environment
    bool repairs = false;  // an emergency or a rollback: the change deployed before it failed
    Targets targets;
  };

  // The runs that ended in [from, to), one row each: false once nothing later can change a
  // figure.
  template <class Source>
  bool read_span(Source& db, Timestamp from, std::optional<Timestamp> to) {
    std::vector<RowParam> params{format_utc(from)};
    if (to) params.emplace_back(format_utc(*to));
    auto scope = scope_sql(q_.scope, "d.service", "d.env", params);
    auto rows = db.rows(runs_sql(grouping_, Source::kNoIndex, to.has_value(), scope), params);
    auto& s = *rows;
    bool local = is_local_time(by_), grouped = by_ != ReportBy::none;
    Run run;
    bool more = true;
    while (s.step()) {
      if (!more) continue;  // the rest of the span, read and left
      read_run(s, s.integer(0), run);
      if (run.in_period && local)
        run.targets.push_back(static_cast<uint32_t>(
            index_.of_local_key(cell_key(cells_->cell(s.view(5), s.view(3))), *q_.clock)));
      if (run.in_period && grouped && !local && !s.is_null(9)) {
        auto target = [&](size_t g) { run.targets.push_back(static_cast<uint32_t>(g)); };
        if (approvers_)  // each person once: their groups differ
          approvers_->for_each_group(s.integer(9), index_, target);
        else
          target(teams_ ? teams_->group(s.view(9), index_) : index_.of_text(s.view(9)));
      }
      end_run(run);
      more = run.in_period || pending_ > 0;  // else nothing later can change a figure
    }
    return more && pending_ > 0;
  }

  template <class Rows>
  void read_run(Rows& s, int64_t id, Run& run) {
    run.id = id;
    auto finished = s.view(3);
    run.in_period = finished < until_text_;
    run.good = s.view(1) == "deployed";
    auto ended = finished_seconds_(finished);
    run.ended = ended.value_or(0);
    auto started = started_seconds_(s.view(2));
    run.duration = started && ended ? std::optional(*ended - *started) : std::nullopt;
    run.lead_time.reset();
    if (run.good && !s.is_null(8))
      if (auto commit = commit_seconds_(s.view(8)); commit && ended)
        run.lead_time = *ended - *commit;
    auto type = s.view(6);
    run.repairs = type == "emergency" || type == "rollback";
    run.failed_change = !run.good || s.integer(7) != 0;
    run.place.assign(s.view(4));
    run.place += '\n';
    run.place += s.view(5);
    run.targets.assign(1, 0);
    if (!run.in_period) run.targets.clear();
  }

  void end_run(const Run& run) {
    for (auto t : run.targets) {
      auto& tally = tallies_[t];
      auto& f = tally.figures;
      ++f.ended;
      if (run.good) ++f.deployed;
      if (!run.good) ++f.failures;
      if (run.failed_change) ++f.failed_changes;
      if (run.duration) tally.durations.push_back(*run.duration);
      if (run.lead_time) tally.lead_times.push_back(*run.lead_time);
    }
    auto found = places_.find(run.place);
    if (found == places_.end()) {
      if (!run.in_period) return;  // no run of the period waits for it
      found = places_.emplace(run.place, Place{}).first;
    }
    Place& place = found->second;
    if (!run.good) {
      if (run.in_period) {
        place.failures.emplace_back(run.ended, run.targets);
        ++pending_;
      }
      return;
    }
    for (auto& [at, targets] : place.failures)
      for (auto t : targets) tallies_[t].restores.push_back(run.ended - at);
    pending_ -= place.failures.size();
    place.failures.clear();
    if (place.has_last_good) {
      if (run.repairs)
        for (auto t : place.last_good) ++tallies_[t].figures.failed_changes;
      place.has_last_good = false;
      --pending_;
    }
    if (run.in_period && !run.failed_change) {
      place.last_good.assign(run.targets.begin(), run.targets.end());
      place.has_last_good = true;
      ++pending_;
    }
  }

  const ReportQuery& q_;
  ReportBy by_;
  ReportGrouping grouping_;
  std::vector<Tally> tallies_;
  GroupIndex<Tally> index_;
  std::string until_text_;
  std::optional<SegmentCells> cells_;          // when grouping by local time
  std::optional<ServiceTeams> teams_;          // when grouping by team
  std::optional<ReleaseApprovers> approvers_;  // when grouping by approver
  std::unordered_map<std::string, Place> places_;
  size_t pending_ = 0;  // failures and successful deploys of the period waiting for a later run
  StoredSeconds finished_seconds_, started_seconds_, commit_seconds_;
};

}  // namespace

template <class Source>
std::vector<GroupDeployFigures> read_deploy_figures(Source& db, const ReportQuery& q) {
  DeployPass pass(q, groups_deploys(q.by) ? q.by : ReportBy::none);
  pass.run(db);
  auto& tallies = pass.finish();
  std::vector<GroupDeployFigures> out;
  out.reserve(tallies.size());
  for (auto& t : tallies) out.push_back(std::move(static_cast<GroupDeployFigures&>(t)));
  return out;
}

void add_deploy_figures(const ReportQuery& q, std::vector<GroupDeployFigures> tallies,
                        Report& report) {
  double days = std::chrono::duration<double>(q.until - q.since).count() / 86400.0;
  report.deploys = tallies[0].figures;
  report.deploys.days = days;
  if (!groups_deploys(q.by)) return;

  bool local = is_local_time(q.by);
  std::map<int64_t, double> local_days;
  if (local) local_days = local_group_days(*q.clock, q.by, q.since, q.until);
  auto days_of = [&](int64_t local_key) {
    if (!local) return days;
    auto found = local_days.find(local_key);
    return found == local_days.end() ? 0.0 : found->second;
  };
  std::map<std::string, DeployFigures*, std::less<>> by_key;
  for (size_t i = 1; i < tallies.size(); ++i) {
    tallies[i].figures.days = days_of(tallies[i].local_key);
    by_key.emplace(tallies[i].key, &tallies[i].figures);
  }
  for (auto& g : report.groups) {
    auto found = by_key.find(g.key);
    if (found == by_key.end()) {
      g.deploys = DeployFigures{};
      g.deploys->days = days_of(g.local_key);
      continue;
    }
    g.deploys = *found->second;
    by_key.erase(found);
  }
  // Groups with deploys and no release submitted in the period still get their group.
  for (size_t i = 1; i < tallies.size(); ++i)
    if (by_key.contains(tallies[i].key))
      report.groups.push_back(
          ReportGroup{tallies[i].key, {}, tallies[i].local_key, tallies[i].figures});
  std::sort(report.groups.begin(), report.groups.end(),
            [](const ReportGroup& a, const ReportGroup& b) { return a.key < b.key; });
}

template std::vector<GroupDeployFigures> read_deploy_figures(SqliteRowSource&, const ReportQuery&);
template std::vector<GroupDeployFigures> read_deploy_figures(PgRowSource&, const ReportQuery&);

}  // namespace beaver
