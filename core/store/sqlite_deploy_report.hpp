#pragma once
// The report's deploy figures for the SQLite store: deploy duration and the DORA keys, computed
// by SQL over the deploy runs that ended in the period (found through deploys_by_status), never
// over the releases table as a whole.

#include "report/report.hpp"
#include "store/sqlite.hpp"

namespace beaver {

// Fills report.deploys, and each group's deploys when report.by groups them (adding the groups
// that have deploys but no release). Runs inside the caller's transaction; database faults are
// thrown as sqlite::SqliteError.
void add_deploy_figures(sqlite::Database& db, const ReportQuery& query, Report& report);

}  // namespace beaver
