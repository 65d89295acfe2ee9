#pragma once
// Where the report's figures are computed: two passes over the ledger, run on the store's row
// sources (store/row_source.hpp). The release pass (release_pass.cpp) reads the releases of the
// period in submit-time order through the report index and counts them as they come, with local
// time read once per segment of the period in which it cannot change. The deploy pass
// (deploy_pass.hpp) reads the deploy runs that ended in the period. With a second connection on
// the same snapshot, the two run at once on two threads.

#include "report/report.hpp"
#include "store/row_source.hpp"

namespace beaver {

// The group key column of a release `r` and the join it needs, for each way of grouping ('' for
// local-time groups, which are read off the submit time outside SQL). The SQL is fixed text
// chosen here, never text from the caller. By team and by approver the pass finds the groups
// itself (pass_parts.hpp): from the service in the key column, whose team is its group, or from
// the release's id (the release pass reads it in column 7 and has no key), whose approvers are.
struct ReportGrouping {
  enum class KeyOf { group, service, release };
  const char* key;
  const char* join;
  KeyOf key_of = KeyOf::group;
};
ReportGrouping report_grouping(ReportBy by);

// The report, read inside the caller's transaction on `db`; database faults are thrown as
// sqlite::SqliteError. With `open_reader`, the deploy runs are read on that connection by a
// second thread while this one reads the releases, when both connections see the same ledger
// (else on `db` after them).
Report compute_report(sqlite::Database& db, const ReportQuery& query,
                      const OpenSqliteReader& open_reader = {});

// The same on PostgreSQL, in the caller's transaction. With `open_reader`, the deploy runs are
// read on that connection by a second thread, in the caller's very snapshot (exported by
// PostgreSQL); without it, or when the snapshot cannot be shared, after them on `c`. Database
// faults are thrown as pg::PgError.
Report compute_report(pg::Connection& c, const ReportQuery& query,
                      const OpenPgReader& open_reader = {});

}  // namespace beaver
