#pragma once
// The report as a front end asks for it: for any registered user, over the ledger's consistent
// snapshot, with local time read as the policy says (see PolicySubmitClock). The figures
// themselves are computed by the passes of report_passes.hpp.

#include "error/error.hpp"
#include "ledger/ledger.hpp"
#include "report/report.hpp"

namespace beaver {

// The report of releases submitted in [since, until) grouped `by` this, over the releases of
// `scope`, with the period of the same length before it (Report::previous) and the emergencies'
// top reasons, all read in one snapshot. A period that does not end after it begins is bad
// input; an unknown user is refused.
Result<Report> read_report(Ledger& ledger, const std::string& actor, Timestamp since,
                           Timestamp until, ReportBy by, const ReportScope& scope = {});

// What the HTML page draws: the period's weeks, its releases by weekday and hour, and the weeks
// of its busiest teams, over the releases of `scope`.
Result<ReportCharts> read_report_charts(Ledger& ledger, const std::string& actor, Timestamp since,
                                        Timestamp until, const ReportScope& scope = {});

}  // namespace beaver
