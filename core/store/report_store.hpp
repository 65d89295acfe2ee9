#pragma once
// The report's SQL for both stores: one pass over the releases of the period in submit-time
// order through the report index, counted as they come, with local time read once per segment
// of the period in which it cannot change; and the deploy pass (deploy_report.hpp).

#include <functional>
#include <memory>

#include "report/report.hpp"
#include "store/sqlite.hpp"

namespace beaver::pg {
class Connection;
}

namespace beaver {

// The group key column of a release `r` and the join it needs, for each way of grouping ('' for
// local-time groups, which are read off the submit time outside SQL). The SQL is fixed text
// chosen here, never text from the caller. By team and by approver the pass finds the groups
// itself (report_scan.hpp): from the service in the key column, whose team is its group, or from
// the release's id (the release pass reads it in column 7 and has no key), whose approvers are.
struct ReportGrouping {
  enum class KeyOf { group, service, release };
  const char* key;
  const char* join;
  KeyOf key_of = KeyOf::group;
};
ReportGrouping report_grouping(ReportBy by);

// Another connection to the same ledger, read-only, or none when there is none to open.
using OpenReader = std::function<std::unique_ptr<sqlite::Database>()>;

// Runs inside the caller's transaction; database faults are thrown as sqlite::SqliteError. With
// `open_reader`, the deploy runs are read on that connection by a second thread while this one
// reads the releases, when both connections see the same ledger (else on `db` after them).
Report compute_report(sqlite::Database& db, const ReportQuery& query,
                      const OpenReader& open_reader = {});

// Another connection to the same PostgreSQL database, or none when there is none to open.
using OpenPgReader = std::function<std::unique_ptr<pg::Connection>()>;

// The same on PostgreSQL, through cursors in the caller's transaction. With `open_reader`, the
// deploy runs are read on that connection by a second thread, in the caller's very snapshot
// (exported by PostgreSQL), while this one reads the releases; without it, or when the snapshot
// cannot be shared, after them on `c`. Database faults are thrown as pg::PgError.
Report compute_report(pg::Connection& c, const ReportQuery& query,
                      const OpenPgReader& open_reader = {});

}  // namespace beaver
