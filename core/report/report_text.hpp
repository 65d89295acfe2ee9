#pragma once
// The report as `beaver report` prints it on a terminal, drawn where the ledger is, so the
// command line prints the same text on a local ledger and through a server.

#include <string>

#include "report/report.hpp"

namespace beaver {

// The period's title line, the tables of report_terminal_tables, and the emergencies by
// category and by approver; one line saying so when nothing happened in the period.
std::string report_terminal_text(const Report& report);

}  // namespace beaver
