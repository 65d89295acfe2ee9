#include "store/sqlite_report.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <queue>

#include "store/release_sql.hpp"
#include "store/sqlite_deploy_report.hpp"

namespace beaver {
namespace {

using sqlite::Database;
using sqlite::SqliteError;
using sqlite::Statement;

// Waits are ranked in chunks of about this many releases, each sorted by SQLite, then merged.
constexpr int64_t kWaitChunk = 20000;

int64_t floor_div8(int64_t v) { return v >= 0 ? v / 8 : -((-v + 7) / 8); }

// beaver_submit_cell(env, submitted_at): the SubmitTimeReader's cell for a release, NULL for a
// time beaver did not write. Registered for one report and removed after it, so the reader it
// points to never dangles.
void submit_cell(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* reader = static_cast<const SubmitTimeReader*>(sqlite3_user_data(ctx));
  const auto* env = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  const auto* at = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
  if (env == nullptr || at == nullptr) return sqlite3_result_null(ctx);
  auto t = parse_iso8601(std::string_view(at, static_cast<size_t>(sqlite3_value_bytes(argv[1]))));
  if (!t) return sqlite3_result_null(ctx);
  auto env_name = std::string_view(env, static_cast<size_t>(sqlite3_value_bytes(argv[0])));
  sqlite3_result_int64(ctx, reader->cell(env_name, *t));
}

class SubmitCellFunction {
 public:
  SubmitCellFunction(Database& db, const SubmitTimeReader& reader) : db_(db) {
    int rc = sqlite3_create_function(
        db.handle(), "beaver_submit_cell", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
        const_cast<SubmitTimeReader*>(&reader), &submit_cell, nullptr, nullptr);
    if (rc != SQLITE_OK) db.raise(rc);
  }
  ~SubmitCellFunction() {
    sqlite3_create_function(db_.handle(), "beaver_submit_cell", 2, SQLITE_UTF8, nullptr, nullptr,
                            nullptr, nullptr);
  }
  SubmitCellFunction(const SubmitCellFunction&) = delete;
  SubmitCellFunction& operator=(const SubmitCellFunction&) = delete;

 private:
  Database& db_;
};

}  // namespace

ReportGrouping report_grouping(ReportBy by) {
  switch (by) {
    case ReportBy::team:
      return {"s.team", "JOIN services s ON s.name = r.service"};
    case ReportBy::service:
      return {"r.service", ""};
    case ReportBy::env:
      return {"r.env", ""};
    case ReportBy::category:
      return {"COALESCE(r.category, '-')", ""};
    case ReportBy::approver:
      // Each person once per release, though an expired approval may have been given twice.
      return {"a.approver",
              "JOIN approvals a ON a.release_id = r.id AND a.id = (SELECT min(a2.id) FROM "
              "approvals a2 WHERE a2.release_id = r.id AND a2.approver = a.approver)"};
    case ReportBy::week:
    case ReportBy::weekday:
    case ReportBy::hour:
    case ReportBy::weekday_hour:
      return {"beaver_submit_cell(r.env, r.submitted_at) >> 3", ""};
    case ReportBy::none:
      break;
  }
  return {"''", ""};
}

namespace {

// Releases submitted in [?1, ?2), cancelled ones left out.
constexpr std::string_view kInSpan =
    "r.submitted_at >= ?1 AND r.submitted_at < ?2 AND r.status != 'cancelled'";
// Approved by people: approved later than submitted, or in the same second with an approval
// recorded (a release approved on submit has none). CASE, so the lookup runs only for the few
// that need it.
constexpr std::string_view kApprovedByPeople =
    "CASE WHEN r.approved_at IS NULL THEN 0 WHEN r.approved_at > r.submitted_at THEN 1 "
    "ELSE EXISTS (SELECT 1 FROM approvals x WHERE x.release_id = r.id) END";

// The period cut where the submit-time cells may change: within a segment every release of an
// environment has the same flags and local group key.
struct Segment {
  Timestamp start, end;
};

std::vector<Segment> segments(const ReportQuery& q) {
  std::vector<Segment> out;
  Timestamp start = q.since;
  for (auto b : q.clock->cell_boundaries(q.since, q.until)) {
    out.push_back({start, b});
    start = b;
  }
  out.push_back({start, q.until});
  return out;
}

struct Counts {
  ReportTotals totals;
  std::map<std::string, ReportGroup> groups;
  std::map<std::string, int64_t> emergency_by_category;
  std::vector<int64_t> waits_per_segment;  // releases approved by people
};

// The figures of one row of counts, with its submit-time flags.
ReportTotals totals_of(const Statement& s, int first, unsigned flags) {
  ReportTotals t;
  t.releases = s.integer(first);
  t.normal = s.integer(first + 1);
  t.emergency = s.integer(first + 2);
  t.rollback = s.integer(first + 3);
  t.rejected = s.integer(first + 4);
  t.deployed = s.integer(first + 5);
  t.failed = s.integer(first + 6);
  t.owing_review = s.integer(first + 7);
  t.approval_wait.approved = s.integer(first + 8);
  if (flags & kAtNight) t.at_night = t.releases;
  if (flags & kAtWeekend) t.at_weekend = t.releases;
  if (flags & kOutsideWindows) t.outside_windows = t.releases;
  return t;
}

std::string count_columns() {
  return fmt::format(
      "count(*), sum(r.type = 'normal'), sum(r.type = 'emergency'), sum(r.type = 'rollback'), "
      "sum(r.status = 'rejected'), sum(r.status = 'deployed'), "
      "sum(r.status IN ('failed', 'rolled_back')), sum({}), sum({})",
      owing_review_sql("r.", "?3", "?4"), kApprovedByPeople);
}

void add(ReportTotals& into, const ReportTotals& t) {
  into.add_counts(t);
  into.approval_wait.approved += t.approval_wait.approved;
}

// Counts by type and state, the submit-time flags, the reviews owed and how many waits to rank,
// per group: one aggregate per segment, folded here with each environment's flags for the
// segment. Without groups or with local-time groups a segment needs no GROUP BY (whose sort is
// most of the cost): releases per environment and emergencies per category are sums over the
// names the policy knows, and the rare rest is grouped apart.
Counts count_releases(Database& db, const ReportQuery& q, const std::vector<Segment>& segs) {
  bool local = is_local_time(q.by);
  Counts out;
  auto bind_common = [&](Statement& s, const Segment& seg) {
    s.bind(1, format_utc(seg.start)).bind(2, format_utc(seg.end)).bind(3, format_utc(q.now));
    s.bind(4, static_cast<int64_t>(q.review_deadline.count()));
  };
  auto category = [](const Statement& s, int column) {
    return s.is_null(column) ? std::string("-") : s.text(column);
  };
  if (q.by != ReportBy::none && !local) {
    auto g = report_grouping(q.by);
    Statement s(db, fmt::format("SELECT {}, r.env, r.category, {} FROM releases r {} WHERE {} "
                                "GROUP BY 1, 2, 3",
                                g.key, count_columns(), g.join, kInSpan));
    for (const auto& seg : segs) {
      bind_common(s, seg);
      int64_t waits = 0;
      while (s.step()) {
        auto t = totals_of(s, 3, static_cast<unsigned>(q.clock->cell(s.text(1), seg.start) & 7));
        waits += t.approval_wait.approved;
        add(out.totals, t);
        if (t.emergency > 0) out.emergency_by_category[category(s, 2)] += t.emergency;
        auto& group = out.groups[s.text(0)];
        group.key = s.text(0);
        add(group.totals, t);
      }
      s.reset();
      out.waits_per_segment.push_back(waits);
    }
    return out;
  }

  const auto& envs = q.environments;
  const auto& cats = q.categories;
  std::string sums;
  int p = 5;
  for (size_t i = 0; i < envs.size(); ++i) sums += fmt::format(", sum(r.env = ?{})", p++);
  for (size_t i = 0; i < cats.size(); ++i)
    sums += fmt::format(", sum(r.type = 'emergency' AND r.category = ?{})", p++);
  Statement s(db,
              fmt::format("SELECT {}{} FROM releases r WHERE {}", count_columns(), sums, kInSpan));
  Statement rest(db, fmt::format("SELECT r.category, count(*) FROM releases r WHERE {} AND "
                                 "r.type = 'emergency' GROUP BY 1",
                                 kInSpan));
  for (const auto& seg : segs) {
    bind_common(s, seg);
    p = 5;
    for (const auto& e : envs) s.bind(p++, e);
    for (const auto& c : cats) s.bind(p++, c);
    s.step();
    // The same counts for every environment, but for the flags, which differ by environment.
    int64_t releases = s.integer(0), named = 0, key = 0;
    auto whole = totals_of(s, 0, 0);
    add(out.totals, whole);
    auto flag = [&](const std::string& env, int64_t n) {
      int64_t cell = q.clock->cell(env, seg.start);
      key = floor_div8(cell);
      auto flags = static_cast<unsigned>(cell - key * 8);
      if (flags & kAtNight) out.totals.at_night += n, whole.at_night += n;
      if (flags & kAtWeekend) out.totals.at_weekend += n, whole.at_weekend += n;
      if (flags & kOutsideWindows) out.totals.outside_windows += n, whole.outside_windows += n;
    };
    for (size_t i = 0; i < envs.size(); ++i) {
      int64_t n = s.integer(9 + static_cast<int>(i));
      named += n;
      flag(envs[i], n);
    }
    flag("", releases - named);  // environments the policy no longer has
    int64_t categorised = 0;
    for (size_t i = 0; i < cats.size(); ++i) {
      int64_t n = s.integer(9 + static_cast<int>(envs.size() + i));
      categorised += n;
      if (n > 0) out.emergency_by_category[cats[i]] += n;
    }
    s.reset();
    if (whole.emergency > categorised) {  // categories the policy no longer has
      rest.bind(1, format_utc(seg.start)).bind(2, format_utc(seg.end));
      while (rest.step())
        if (std::find(cats.begin(), cats.end(), category(rest, 0)) == cats.end())
          out.emergency_by_category[category(rest, 0)] += rest.integer(1);
      rest.reset();
    }
    out.waits_per_segment.push_back(whole.approval_wait.approved);
    if (!local || releases == 0) continue;
    auto text = q.clock->key_text(key);
    auto& group = out.groups[text];
    group.key = text;
    group.local_key = key;
    add(group.totals, whole);
  }
  return out;
}

// Finds the nearest-rank median and 90th percentile of `n` waits seen in ascending order.
struct Ranker {
  ApprovalWait* wait;
  int64_t seen = 0;
  void take(int64_t w) {
    int64_t n = wait->approved;
    ++seen;
    if (seen == (n + 1) / 2) wait->median_seconds = w;
    if (seen == (9 * n + 9) / 10) wait->p90_seconds = w;
  }
};

// The approval waits of every group (and of the whole period when `whole` is set), ranked in
// one ascending pass: the period is read in chunks of consecutive segments, each sorted by
// SQLite, and the chunks are merged here, so no sort ever holds the whole period.
void rank_waits(Database& db, const ReportQuery& q, const std::vector<Segment>& segs,
                const std::vector<int64_t>& waits_per_segment,
                std::map<std::string, ReportGroup>& groups, ApprovalWait* whole) {
  auto g = report_grouping(q.by);
  std::string sql = fmt::format(
      "SELECT unixepoch(r.approved_at) - unixepoch(r.submitted_at) AS wait, {} FROM releases r "
      "{} WHERE {} AND r.approved_at IS NOT NULL AND (r.approved_at > r.submitted_at OR "
      "EXISTS (SELECT 1 FROM approvals x WHERE x.release_id = r.id)) ORDER BY wait",
      g.key, g.join, kInSpan);
  std::vector<std::unique_ptr<Statement>> chunks;
  for (size_t i = 0; i < segs.size();) {
    size_t j = i;
    int64_t n = 0;
    while (j < segs.size() && (n == 0 || n + waits_per_segment[j] <= kWaitChunk))
      n += waits_per_segment[j++];
    if (n > 0) {
      chunks.push_back(std::make_unique<Statement>(db, sql));
      chunks.back()->bind(1, format_utc(segs[i].start)).bind(2, format_utc(segs[j - 1].end));
    }
    i = j;
  }
  bool local = is_local_time(q.by);
  std::map<std::string, Ranker> rankers;
  for (auto& [key, group] : groups) rankers.emplace(key, Ranker{&group.totals.approval_wait});
  std::optional<Ranker> all;
  if (whole) all = Ranker{whole};
  std::map<int64_t, Ranker*> by_local_key;  // the local key of a row, without building its text
  for (auto& [key, group] : groups)
    if (local) by_local_key[group.local_key] = &rankers.at(key);

  using Head = std::pair<int64_t, size_t>;  // a chunk's next wait, and the chunk
  std::priority_queue<Head, std::vector<Head>, std::greater<>> heads;
  for (size_t c = 0; c < chunks.size(); ++c)
    if (chunks[c]->step()) heads.emplace(chunks[c]->integer(0), c);
  while (!heads.empty()) {
    auto [wait, c] = heads.top();
    heads.pop();
    Statement& s = *chunks[c];
    if (all) all->take(wait);
    if (q.by != ReportBy::none) {
      Ranker* r = nullptr;
      if (local) {
        auto found = by_local_key.find(s.integer(1));
        if (found != by_local_key.end()) r = found->second;
      } else if (auto found = rankers.find(s.text(1)); found != rankers.end()) {
        r = &found->second;
      }
      if (r == nullptr)
        throw SqliteError(SQLITE_CORRUPT, "the ledger changed while a report read it");
      r->take(wait);
    }
    if (s.step()) heads.emplace(s.integer(0), c);
  }
}

std::map<std::string, int64_t> emergency_approvers(Database& db, const ReportQuery& q) {
  // Emergencies are few: find them by the submit-time index (the unary + keeps SQLite from
  // walking every emergency ever through the type index), then their approvals.
  Statement s(db, fmt::format("SELECT a.approver, count(DISTINCT r.id) FROM releases r "
                              "JOIN approvals a ON a.release_id = r.id "
                              "WHERE {} AND +r.type = 'emergency' GROUP BY a.approver",
                              kInSpan));
  s.bind(1, format_utc(q.since)).bind(2, format_utc(q.until));
  std::map<std::string, int64_t> out;
  while (s.step()) out[s.text(0)] = s.integer(1);
  return out;
}

}  // namespace

Report compute_report(Database& db, const ReportQuery& q) {
  SubmitCellFunction function(db, *q.clock);
  auto segs = segments(q);
  Report out;
  out.since = q.since;
  out.until = q.until;
  out.by = q.by;
  auto counts = count_releases(db, q, segs);
  if (q.by == ReportBy::approver) {
    // Approver groups overlap and leave out releases nobody approved: the whole period is
    // counted and ranked apart.
    ReportQuery whole = q;
    whole.by = ReportBy::none;
    auto all = count_releases(db, whole, segs);
    std::map<std::string, ReportGroup> none;
    rank_waits(db, whole, segs, all.waits_per_segment, none, &all.totals.approval_wait);
    rank_waits(db, q, segs, counts.waits_per_segment, counts.groups, nullptr);
    counts.totals = all.totals;
    counts.emergency_by_category = std::move(all.emergency_by_category);
  } else {
    rank_waits(db, q, segs, counts.waits_per_segment, counts.groups, &counts.totals.approval_wait);
  }
  out.totals = counts.totals;
  out.emergency_by_category = std::move(counts.emergency_by_category);
  for (auto& [key, group] : counts.groups) out.groups.push_back(std::move(group));
  out.emergency_by_approver = emergency_approvers(db, q);
  add_deploy_figures(db, q, out);
  return out;
}

}  // namespace beaver
