#pragma once
// The report's SQL for the SQLite store: one pass over the releases of the period in submit-time
// order through the report index, counted as they come, with local time read once per segment
// of the period in which it cannot change.

#include "report/report.hpp"
#include "store/sqlite.hpp"

namespace beaver {

// The group key column of a release `r` and the join it needs, for each way of grouping ('' for
// local-time groups, which are read off the submit time outside SQL). The SQL is fixed text
// chosen here, never text from the caller.
struct ReportGrouping {
  const char* key;
  const char* join;
};
ReportGrouping report_grouping(ReportBy by);

// Runs inside the caller's transaction; database faults are thrown as sqlite::SqliteError.
Report compute_report(sqlite::Database& db, const ReportQuery& query);

}  // namespace beaver
