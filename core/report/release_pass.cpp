#include <algorithm>
#include <future>
#include <map>
#include <optional>

#include "report/deploy_pass.hpp"
#include "report/pass_parts.hpp"
#include "report/report_passes.hpp"
#include "store/release_sql.hpp"
#include "store/row_source.hpp"

namespace beaver {

ReportGrouping report_grouping(ReportBy by) {
  switch (by) {
    case ReportBy::team:
      return {"r.service", "", ReportGrouping::KeyOf::service};
    case ReportBy::service:
      return {"r.service", ""};
    case ReportBy::env:
      return {"r.env", ""};
    case ReportBy::category:
      return {"COALESCE(r.category, '-')", ""};
    case ReportBy::approver:
      return {"NULL", "", ReportGrouping::KeyOf::release};  // the release's id is column 7
    case ReportBy::month:
    case ReportBy::week:
    case ReportBy::weekday:
    case ReportBy::hour:
    case ReportBy::weekday_hour:
      // Read off the submit time by the report's SubmitTimeReader, not in SQL.
    case ReportBy::none:
      break;
  }
  return {"NULL", ""};  // no key: NULL costs the stores nothing to send
}

namespace {

using sqlite::Database;
using sqlite::Statement;

// The releases submitted in [?1, ?2), cancelled ones left out, in submit-time order, one row
// each, through the report index (migration 0006), which holds every column read here so that
// the table itself is never read:
//   0 type, 1 status, 2 env, 3 category, 4 submitted_at, 5 approved_at,
//   6 owing a review, its review due before ?3 (seconds since the epoch), 7 id, 8 the group key.
// `scope` adds the clauses of scope_sql().
std::string scan_sql(const ReportGrouping& g, std::string_view scope) {
  return fmt::format(
      "SELECT r.type, r.status, r.env, CASE WHEN r.type = 'emergency' THEN r.category END, "
      "r.submitted_at, r.approved_at, {}, r.id, {} "
      "FROM releases r {} "
      "WHERE r.submitted_at >= ?1 AND r.submitted_at < ?2 AND r.status != 'cancelled'{} "
      "ORDER BY r.submitted_at",
      owing_review_by_sql("r.", "?3"), g.key, g.join, scope);
}

// `to` - `from` in seconds, both as stored (0 for a time beaver did not write).
int64_t seconds_between(StoredSeconds& from_seconds, std::string_view from,
                        StoredSeconds& to_seconds, std::string_view to) {
  auto a = from_seconds(from), b = to_seconds(to);
  return a && b ? *b - *a : 0;
}

// A group's figures while the scan runs, with the waits it will rank.
struct Tally {
  std::string key;
  int64_t local_key = 0;
  ReportTotals totals;
  std::vector<int64_t> waits;
};

// A release approved in the second it was submitted, whose approval was given by people only if
// an approval is recorded (one approved on submit has none).
struct SameSecond {
  int64_t id;
  size_t group;
  int64_t wait;
};

struct Scan {
  std::vector<Tally> groups;  // in the order first seen
  // Groups that overlap (by approver) follow a first group, the whole period; others split it.
  bool overlapping = false;
  std::map<std::string, int64_t, std::less<>> emergency_by_category;
  std::map<std::string, int64_t, std::less<>> emergency_by_approver;
};

void add_one(std::map<std::string, int64_t, std::less<>>& counts, std::string_view key) {
  auto found = counts.find(key);
  if (found == counts.end()) found = counts.emplace(std::string(key), 0).first;
  ++found->second;
}

// Sorts rows read in submit-time order by id: releases get their ids in submit-time order, so but
// for those submitted in the same second the rows are in order already, and moving each back to
// its place costs little. Far from that (a ledger written out of order), std::sort takes over.
template <typename T, typename Less>
void sort_nearly_sorted(std::vector<T>& v, Less less) {
  size_t moves = 0;
  for (size_t i = 1; i < v.size(); ++i)
    for (size_t j = i; j > 0 && less(v[j], v[j - 1]); --j) {
      std::swap(v[j], v[j - 1]);
      if (++moves > v.size()) return std::sort(v.begin(), v.end(), less);
    }
}

// Reads the approvals of the releases in `same_second` and `emergencies` in one pass in release
// order: the first become approved by people when an approval is recorded, the second count for
// each person who gave them an approval.
template <class Source>
void read_approvals(Source& db, std::vector<SameSecond>& same_second,
                    std::vector<int64_t>& emergencies, Scan& out) {
  if (same_second.empty() && emergencies.empty()) return;
  sort_nearly_sorted(same_second,
                     [](const SameSecond& a, const SameSecond& b) { return a.id < b.id; });
  sort_nearly_sorted(emergencies, std::less<>{});
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (int64_t id : {same_second.empty() ? INT64_MAX : same_second.front().id,
                     emergencies.empty() ? INT64_MAX : emergencies.front()})
    lo = std::min(lo, id);
  for (int64_t id : {same_second.empty() ? INT64_MIN : same_second.back().id,
                     emergencies.empty() ? INT64_MIN : emergencies.back()})
    hi = std::max(hi, id);

  auto rows = db.rows(
      "SELECT release_id, approver FROM approvals WHERE release_id BETWEEN ?1 AND ?2 "
      "ORDER BY release_id, id",
      {lo, hi});
  auto& s = *rows;
  size_t next_same = 0, next_emergency = 0;
  int64_t current = 0;
  bool first = true, emergency = false;
  std::vector<std::string> approvers;  // of the current release, each once
  while (s.step()) {
    int64_t id = s.integer(0);
    if (first || id != current) {
      first = false;
      current = id;
      approvers.clear();
      while (next_same < same_second.size() && same_second[next_same].id < id) ++next_same;
      for (; next_same < same_second.size() && same_second[next_same].id == id; ++next_same) {
        auto& group = out.groups[same_second[next_same].group];
        ++group.totals.approval_wait.approved;
        group.waits.push_back(same_second[next_same].wait);
      }
      while (next_emergency < emergencies.size() && emergencies[next_emergency] < id)
        ++next_emergency;
      emergency = next_emergency < emergencies.size() && emergencies[next_emergency] == id;
    }
    if (!emergency) continue;
    auto who = s.view(1);
    if (std::find(approvers.begin(), approvers.end(), who) != approvers.end()) continue;
    approvers.emplace_back(who);
    add_one(out.emergency_by_approver, who);
  }
}

// When a review still owed now was due at the latest, in seconds since the epoch, as unixepoch()
// reads the stored `now`.
int64_t due_by_seconds(const ReportQuery& q) {
  auto now = std::chrono::floor<std::chrono::seconds>(q.now).time_since_epoch();
  return (now - q.review_deadline).count();
}

// Every figure but the percentiles and the deploy figures, in one pass over the releases of the
// period grouped `by` this, with emergencies by category and by approver. By approver, groups
// overlap and leave out releases nobody approved: the first group is then the whole period.
template <class Source>
Scan scan_releases(Source& db, const ReportQuery& q, ReportBy by) {
  bool local = is_local_time(by);
  bool keyed = by != ReportBy::none && !local;
  auto grouping = report_grouping(by);
  using KeyOf = ReportGrouping::KeyOf;
  std::optional<ServiceTeams> teams;
  if (grouping.key_of == KeyOf::service) teams.emplace(db);
  std::optional<ReleaseApprovers> approvers;
  if (grouping.key_of == KeyOf::release)
    approvers.emplace(db, id_range(db,
                                   "SELECT min(id + 0), max(id + 0) FROM releases WHERE "
                                   "submitted_at >= ?1 AND submitted_at < ?2",
                                   q));
  std::vector<RowParam> params{format_utc(q.since), format_utc(q.until), due_by_seconds(q)};
  auto scope = scope_sql(q.scope, "r.service", "r.env", params);
  auto rows = db.rows(scan_sql(grouping, scope), params);
  auto& s = *rows;
  SegmentCells cells(q);
  Scan out;
  GroupIndex<Tally> index(out.groups);
  bool overlapping = out.overlapping = grouping.key_of == KeyOf::release;
  if (overlapping) out.groups.emplace_back();  // the whole period
  std::vector<SameSecond> same_second;
  std::vector<int64_t> emergencies;
  StoredSeconds submitted_seconds, approved_seconds;
  while (s.step()) {
    auto type = s.view(0), status = s.view(1);
    int64_t cell = cells.cell(s.view(2), s.view(4));
    int64_t key = cell_key(cell);
    auto flags = static_cast<unsigned>(cell - key * 8);
    bool emergency = type == "emergency";
    int64_t id = s.integer(7);
    // The wait for approval, when the release was approved, and whether it is known to have
    // been a wait: one approved in the second it was submitted waited only if people approved it.
    std::optional<int64_t> wait;
    bool waited = false;
    if (auto approved = s.view(5); !approved.empty()) {
      auto submitted = s.view(4);
      waited = approved > submitted;
      wait = approved == submitted
                 ? 0
                 : seconds_between(submitted_seconds, submitted, approved_seconds, approved);
    }
    int64_t owing = emergency ? s.integer(6) : 0;  // 0 for other releases
    auto count = [&](size_t g) {
      ReportTotals& t = out.groups[g].totals;
      ++t.releases;
      if (type == "normal") ++t.normal;
      if (emergency) ++t.emergency;
      if (type == "rollback") ++t.rollback;
      if (status == "rejected") ++t.rejected;
      if (status == "deployed" || status == "replaced") ++t.deployed;
      if (status == "failed" || status == "rolled_back") ++t.failed;
      if (flags & kAtNight) ++t.at_night;
      if (flags & kAtWeekend) ++t.at_weekend;
      if (flags & kOutsideWindows) ++t.outside_windows;
      if (wait && waited) {
        ++t.approval_wait.approved;
        out.groups[g].waits.push_back(*wait);
      } else if (wait) {
        same_second.push_back({id, g, *wait});
      }
      t.owing_review += owing;
    };
    if (local) {
      count(index.of_local_key(key, *q.clock));
    } else if (teams) {
      count(teams->group(s.view(8), index));
    } else if (overlapping) {
      count(0);
      approvers->for_each_group(id, index, count);
    } else {
      count(index.of_text(keyed ? s.view(8) : std::string_view{}));
    }
    if (emergency) {
      add_one(out.emergency_by_category, s.is_null(3) ? std::string_view("-") : s.view(3));
      emergencies.push_back(id);
    }
  }
  read_approvals(db, same_second, emergencies, out);
  return out;
}

// The nearest-rank median and 90th percentile of `waits`, which it reorders.
void rank_waits(std::vector<int64_t>& waits, ApprovalWait& into) {
  auto p = nearest_rank(waits);
  into.median_seconds = p.median;
  into.p90_seconds = p.p90;
}

// Every figure but the deploy figures, read from `db`.
template <class Source>
Report release_figures(Source& db, const ReportQuery& q) {
  Report out;
  out.since = q.since;
  out.until = q.until;
  out.by = q.by;
  out.scope = q.scope;
  auto scan = scan_releases(db, q, q.by);
  size_t whole = scan.overlapping ? 1 : scan.groups.size();  // groups whose sum is the period
  std::vector<int64_t> waits;
  for (size_t i = 0; i < whole; ++i) {
    auto& g = scan.groups[i];
    out.totals.add_counts(g.totals);
    out.totals.approval_wait.approved += g.totals.approval_wait.approved;
    waits.insert(waits.end(), g.waits.begin(), g.waits.end());
  }
  rank_waits(waits, out.totals.approval_wait);
  out.emergency_by_category.insert(scan.emergency_by_category.begin(),
                                   scan.emergency_by_category.end());
  out.emergency_by_approver.insert(scan.emergency_by_approver.begin(),
                                   scan.emergency_by_approver.end());
  if (q.by != ReportBy::none) {
    for (size_t i = scan.overlapping ? 1 : 0; i < scan.groups.size(); ++i) {
      auto& g = scan.groups[i];
      rank_waits(g.waits, g.totals.approval_wait);
      out.groups.push_back(ReportGroup{std::move(g.key), g.totals, g.local_key, std::nullopt});
    }
    std::sort(out.groups.begin(), out.groups.end(),
              [](const ReportGroup& a, const ReportGroup& b) { return a.key < b.key; });
  }
  return out;
}

}  // namespace

Report compute_report(Database& db, const ReportQuery& q, const OpenSqliteReader& open_reader) {
  // The deploy runs and the releases are two independent passes of about equal cost on a large
  // ledger: on two connections they take the time of one, on two cores.
  std::unique_ptr<Database> reader = same_snapshot_reader(db, open_reader);
  std::future<std::vector<GroupDeployFigures>> deploys;
  if (reader)
    deploys = std::async(std::launch::async, [&] {
      SqliteRowSource source(*reader);
      return read_deploy_figures(source, q);
    });
  SqliteRowSource source(db);
  Report out = release_figures(source, q);
  add_deploy_figures(q, deploys.valid() ? deploys.get() : read_deploy_figures(source, q), out);
  if (reader) reader->exec("COMMIT");
  return out;
}

Report compute_report(pg::Connection& c, const ReportQuery& q, const OpenPgReader& open_reader) {
  std::unique_ptr<pg::Connection> reader = same_snapshot_reader(c, open_reader);
  std::future<std::vector<GroupDeployFigures>> deploys;
  if (reader)
    deploys = std::async(std::launch::async, [&] {
      PgRowSource source(*reader);
      return read_deploy_figures(source, q);
    });
  PgRowSource source(c);
  Report out = release_figures(source, q);
  add_deploy_figures(q, deploys.valid() ? deploys.get() : read_deploy_figures(source, q), out);
  if (reader) reader->exec("COMMIT");
  return out;
}

}  // namespace beaver
