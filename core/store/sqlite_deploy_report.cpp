#include "store/sqlite_deploy_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>

#include "store/sqlite_report.hpp"

namespace beaver {
namespace {

using sqlite::Database;
using sqlite::Statement;

// Deploy runs group by the release they ran, as releases do: by team, service or environment;
// the other groupings give the figures for the whole period only.
ReportGrouping deploy_grouping(ReportBy by) {
  return by == ReportBy::team || by == ReportBy::service || by == ReportBy::env
             ? report_grouping(by)
             : ReportGrouping{"''", ""};
}

// The runs that ended in [?1, ?2), one row each, with what the figures read off them. The runs
// are found through deploys_by_status (status, finished_at); the next successful run of the same
// service and environment is found by a window over the runs that ended since ?1 (every run
// after one in the period ended since ?1), as "finished_at, id, release type" in one sortable
// text so that the earliest one comes with its type.
std::string ended_runs_sql(const ReportGrouping& g) {
  return fmt::format(
      "WITH runs AS MATERIALIZED ("
      " SELECT d.id, d.status, d.started_at, d.finished_at, {} AS k, r.service, r.env,"
      "  r.type AS release_type, r.status AS release_status, p.commit_time"
      " FROM deploys d JOIN releases r ON r.id = d.release_id {}"
      " LEFT JOIN packages p ON p.sha256 = r.package_sha256"
      " WHERE d.status IN ('deployed', 'failed', 'rolled_back') AND d.finished_at >= ?1),"
      " followed AS MATERIALIZED ("
      " SELECT *, min(CASE WHEN status = 'deployed' THEN finished_at || printf('%020d', id) ||"
      "  release_type END) OVER (PARTITION BY service, env ORDER BY finished_at, id"
      "  ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_good"
      " FROM runs),"
      " ended AS MATERIALIZED ("
      " SELECT k, status = 'deployed' AS good,"
      "  unixepoch(finished_at) - unixepoch(started_at) AS duration,"
      "  CASE WHEN status = 'deployed' THEN unixepoch(finished_at) - unixepoch(commit_time) END"
      "   AS lead,"
      "  CASE WHEN status != 'deployed' AND next_good IS NOT NULL THEN"
      "   unixepoch(substr(next_good, 1, 20)) - unixepoch(finished_at) END AS restore,"
      "  (status != 'deployed' OR release_status = 'rolled_back' OR"
      "   substr(next_good, 41) IN ('emergency', 'rollback')) AS failed_change,"
      "  (status != 'deployed' AND next_good IS NULL) AS open"
      " FROM followed WHERE finished_at < ?2) ",
      g.key, g.join);
}

// Nearest rank, as the approval wait: rank ceil(n/2) and ceil(0.9 n) of the values ascending.
constexpr const char* kRanked =
    "SELECT k, m, n, max(CASE WHEN rn = (n + 1) / 2 THEN v END),"
    " max(CASE WHEN rn = (9 * n + 9) / 10 THEN v END) FROM ("
    " SELECT k, m, v, row_number() OVER (PARTITION BY k, m ORDER BY v) AS rn,"
    "  count(*) OVER (PARTITION BY k, m) AS n FROM ("
    "  SELECT k, 0 AS m, duration AS v FROM ended WHERE duration IS NOT NULL"
    "  UNION ALL SELECT k, 1, lead FROM ended WHERE lead IS NOT NULL"
    "  UNION ALL SELECT k, 2, restore FROM ended WHERE restore IS NOT NULL))"
    " GROUP BY k, m";

constexpr const char* kCounts =
    "SELECT k, count(*), sum(good), sum(failed_change), sum(NOT good), sum(open) FROM ended"
    " GROUP BY k";

std::map<std::string, DeployFigures> figures_by(Database& db, const ReportQuery& q,
                                                ReportGrouping g) {
  double days = std::chrono::duration<double>(q.until - q.since).count() / 86400.0;
  std::map<std::string, DeployFigures> out;
  auto prefix = ended_runs_sql(g);
  Statement counts(db, prefix + kCounts);
  counts.bind(1, format_utc(q.since)).bind(2, format_utc(q.until));
  while (counts.step()) {
    auto& f = out[counts.text(0)];
    f.days = days;
    f.ended = counts.integer(1);
    f.deployed = counts.integer(2);
    f.failed_changes = counts.integer(3);
    f.failures = counts.integer(4);
    f.still_open = counts.integer(5);
  }
  Statement ranked(db, prefix + kRanked);
  ranked.bind(1, format_utc(q.since)).bind(2, format_utc(q.until));
  while (ranked.step()) {
    auto& f = out[ranked.text(0)];
    f.days = days;
    Percentiles p{ranked.integer(2), ranked.integer(3), ranked.integer(4)};
    switch (ranked.integer(1)) {
      case 0:
        f.duration = p;
        break;
      case 1:
        f.lead_time = p;
        break;
      default:
        f.time_to_restore = p;
        break;
    }
  }
  return out;
}

}  // namespace

void add_deploy_figures(Database& db, const ReportQuery& q, Report& report) {
  auto whole = figures_by(db, q, deploy_grouping(ReportBy::none));
  report.deploys = whole.empty() ? DeployFigures{} : whole.begin()->second;
  report.deploys.days = std::chrono::duration<double>(q.until - q.since).count() / 86400.0;
  if (!groups_deploys(q.by)) return;
  auto groups = figures_by(db, q, deploy_grouping(q.by));
  for (auto& g : report.groups) {
    auto f = groups.find(g.key);
    DeployFigures none;
    none.days = report.deploys.days;
    g.deploys = f == groups.end() ? none : f->second;
    if (f != groups.end()) groups.erase(f);
  }
  // Places with deploys and no release submitted in the period still get their group.
  for (auto& [key, f] : groups) report.groups.push_back(ReportGroup{key, {}, 0, f});
  std::sort(report.groups.begin(), report.groups.end(),
            [](const ReportGroup& a, const ReportGroup& b) { return a.key < b.key; });
}

}  // namespace beaver
