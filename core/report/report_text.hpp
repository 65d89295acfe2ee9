#pragma once
// The report as `beaver report` prints it on a terminal, drawn where the ledger is, so the
// command line prints the same text on a local ledger and through a server.

#include <string>

#include "report/report.hpp"

namespace beaver {

// The period's title line, the tables of report_terminal_tables, the comparison with the period
// before (report_comparison_table), the emergencies by category and by approver and their most
// written reasons; one line saying so when nothing happened in the period.
std::string report_terminal_text(const Report& report);

// ", team payments, environment prod": what a report was narrowed to, for its title line.
std::string scope_text(const ReportScope& scope);

}  // namespace beaver
