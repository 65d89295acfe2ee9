#pragma once
// The report's deploy figures: deploy duration and the DORA keys, computed
// in one pass over the deploy runs that ended since the start of the period, through their
// report index (migration 0011), never over the releases table as a whole.

#include <string>
#include <vector>

#include "report/report.hpp"

namespace beaver {

// One group's deploy figures, as the pass found them.
struct GroupDeployFigures {
  std::string key;
  int64_t local_key = 0;
  DeployFigures figures;
};

// The figures of the whole period ([0]), then of each group the runs fall in when `query.by`
// groups them. Reads inside the caller's transaction on `db` (a SqliteRowSource or a
// PgRowSource, store/row_source.hpp), and nothing else: it may run on its own connection and
// thread while the releases are read. Database faults are thrown as the source's errors.
template <class Source>
std::vector<GroupDeployFigures> read_deploy_figures(Source& db, const ReportQuery& query);

// Fills report.deploys, and each group's deploys when report.by groups them (adding the groups
// that have deploys but no release).
void add_deploy_figures(const ReportQuery& query, std::vector<GroupDeployFigures> figures,
                        Report& report);

}  // namespace beaver
