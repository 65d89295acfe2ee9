#include "store/sqlite_report.hpp"

#include <map>

#include "store/release_sql.hpp"

namespace beaver {
namespace {

using sqlite::Database;
using sqlite::SqliteError;
using sqlite::Statement;

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

// The group key column and the join it needs, for each way of grouping. The SQL is fixed text
// chosen here, never text from the caller.
struct Grouping {
  const char* key;
  const char* join;
};

Grouping grouping(ReportBy by) {
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

// Releases submitted in [?1, ?2), cancelled ones left out.
constexpr std::string_view kInPeriod =
    "r.submitted_at >= ?1 AND r.submitted_at < ?2 AND r.status != 'cancelled'";

struct Aggregate {
  ReportTotals totals;
  std::map<std::string, ReportGroup> groups;
  std::map<std::string, int64_t> emergency_by_category;
};

std::string key_text(const Statement& s, int column, const ReportQuery& q, int64_t& local_key) {
  if (!is_local_time(q.by)) return s.text(column);
  local_key = s.integer(column);
  return q.clock->key_text(local_key);
}

// Counts by type and state, the submit-time flags and the reviews owed, per group. Rows are
// grouped by (group key, submit cell, category) in SQL, so each release's cell is computed once,
// and the few resulting rows are folded here into groups, flags and categories.
Aggregate count_releases(Database& db, const ReportQuery& q) {
  auto g = grouping(is_local_time(q.by) ? ReportBy::none : q.by);
  Statement s(db, fmt::format("SELECT {}, beaver_submit_cell(r.env, r.submitted_at), r.category, "
                              "count(*), sum(r.type = 'normal'), sum(r.type = 'emergency'), "
                              "sum(r.type = 'rollback'), sum(r.status = 'rejected'), "
                              "sum(r.status = 'deployed'), "
                              "sum(r.status IN ('failed', 'rolled_back')), sum({}) "
                              "FROM releases r {} WHERE {} GROUP BY 1, 2, 3",
                              g.key, owing_review_sql("r.", "?3", "?4"), g.join, kInPeriod));
  s.bind(1, format_utc(q.since)).bind(2, format_utc(q.until)).bind(3, format_utc(q.now));
  s.bind(4, static_cast<int64_t>(q.review_deadline.count()));
  Aggregate out;
  while (s.step()) {
    if (s.is_null(1))
      throw SqliteError(SQLITE_CORRUPT, "a release in the period has a bad submit time");
    int64_t cell = s.integer(1), key = floor_div8(cell);
    auto flags = static_cast<unsigned>(cell - key * 8);
    ReportTotals t;
    t.releases = s.integer(3);
    t.normal = s.integer(4);
    t.emergency = s.integer(5);
    t.rollback = s.integer(6);
    t.rejected = s.integer(7);
    t.deployed = s.integer(8);
    t.failed = s.integer(9);
    t.owing_review = s.integer(10);
    if (flags & kAtNight) t.at_night = t.releases;
    if (flags & kAtWeekend) t.at_weekend = t.releases;
    if (flags & kOutsideWindows) t.outside_windows = t.releases;
    out.totals.add_counts(t);
    if (t.emergency > 0) out.emergency_by_category[s.is_null(2) ? "-" : s.text(2)] += t.emergency;
    if (q.by == ReportBy::none) continue;
    std::string text = is_local_time(q.by) ? q.clock->key_text(key) : s.text(0);
    auto& group = out.groups[text];
    group.key = text;
    group.local_key = is_local_time(q.by) ? key : 0;
    group.totals.add_counts(t);
  }
  return out;
}

// Approval waits per group (or for the whole period with ReportBy::none): window functions rank
// the waits in the database, which returns one row per group.
std::map<std::string, ApprovalWait> approval_waits(Database& db, const ReportQuery& q) {
  auto g = grouping(q.by);
  Statement s(
      db, fmt::format(
              "WITH waits AS (SELECT {} AS k, "
              "unixepoch(r.approved_at) - unixepoch(r.submitted_at) AS wait FROM releases r {} "
              "WHERE {} AND r.approved_at IS NOT NULL AND (r.approved_at > r.submitted_at OR "
              "EXISTS (SELECT 1 FROM approvals x WHERE x.release_id = r.id))), "
              "ranked AS (SELECT k, wait, row_number() OVER (PARTITION BY k ORDER BY wait) AS n, "
              "count(*) OVER (PARTITION BY k) AS total FROM waits) "
              "SELECT k, max(total), max(CASE WHEN n = (total + 1) / 2 THEN wait END), "
              "max(CASE WHEN n = (9 * total + 9) / 10 THEN wait END) FROM ranked "
              "WHERE n = (total + 1) / 2 OR n = (9 * total + 9) / 10 GROUP BY k",
              g.key, g.join, kInPeriod));
  s.bind(1, format_utc(q.since)).bind(2, format_utc(q.until));
  std::map<std::string, ApprovalWait> out;
  while (s.step()) {
    int64_t local_key = 0;
    out[key_text(s, 0, q, local_key)] = ApprovalWait{s.integer(1), s.integer(2), s.integer(3)};
  }
  return out;
}

std::map<std::string, int64_t> emergency_approvers(Database& db, const ReportQuery& q) {
  Statement s(db, fmt::format("SELECT a.approver, count(DISTINCT r.id) FROM releases r "
                              "JOIN approvals a ON a.release_id = r.id "
                              "WHERE {} AND r.type = 'emergency' GROUP BY a.approver",
                              kInPeriod));
  s.bind(1, format_utc(q.since)).bind(2, format_utc(q.until));
  std::map<std::string, int64_t> out;
  while (s.step()) out[s.text(0)] = s.integer(1);
  return out;
}

}  // namespace

Report compute_report(Database& db, const ReportQuery& q) {
  SubmitCellFunction function(db, *q.clock);
  Report out;
  out.since = q.since;
  out.until = q.until;
  out.by = q.by;
  auto counts = count_releases(db, q);
  if (q.by == ReportBy::approver) {
    // Approver groups overlap and leave out releases nobody approved: the whole period's figures
    // are counted apart.
    ReportQuery whole = q;
    whole.by = ReportBy::none;
    auto all = count_releases(db, whole);
    counts.totals = all.totals;
    counts.emergency_by_category = std::move(all.emergency_by_category);
  }
  out.totals = counts.totals;
  out.emergency_by_category = std::move(counts.emergency_by_category);
  ReportQuery whole = q;
  whole.by = ReportBy::none;
  if (auto w = approval_waits(db, whole); !w.empty()) out.totals.approval_wait = w.begin()->second;
  if (q.by != ReportBy::none) {
    auto waits = approval_waits(db, q);
    for (auto& [key, group] : counts.groups) {
      if (auto w = waits.find(key); w != waits.end()) group.totals.approval_wait = w->second;
      out.groups.push_back(std::move(group));
    }
  }
  out.emergency_by_approver = emergency_approvers(db, q);
  return out;
}

}  // namespace beaver
