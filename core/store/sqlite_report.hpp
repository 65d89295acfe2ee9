#pragma once
// The report's SQL for the SQLite store: aggregates over the submit-time index, with local time
// read through a function registered for the length of one report.

#include "report/report.hpp"
#include "store/sqlite.hpp"

namespace beaver {

// The group key column of a release `r` and the join it needs, for each way of grouping. The SQL
// is fixed text chosen here, never text from the caller.
struct ReportGrouping {
  const char* key;
  const char* join;
};
ReportGrouping report_grouping(ReportBy by);

// Runs inside the caller's transaction; database faults are thrown as sqlite::SqliteError.
Report compute_report(sqlite::Database& db, const ReportQuery& query);

}  // namespace beaver
