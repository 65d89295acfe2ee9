#pragma once
// The report as rows of text cells: the wide table a CSV file gets (one column per figure, named
// as in the JSON) and the three narrow tables a terminal shows (each fits 100 columns).

#include <string>
#include <vector>

#include "report/report.hpp"

namespace beaver {

struct ReportTable {
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;
};

// The key of the row that holds the whole period.
inline constexpr std::string_view kTotalRowKey = "(total)";

// One row per group, then the total row. Numbers are plain (ratios in full precision, waits in
// seconds, lead time and time to restore in hours, an absent figure empty), so spreadsheets read
// them as numbers; a group without deploy figures has those cells empty.
ReportTable report_csv_table(const Report& report);

// Releases by type and state; then when they were submitted and how long approvals waited
// (waits as "2h05m"); then the deploy figures (the total row, and the groups when they have
// them). Group keys longer than `key_width` characters are shortened with "…"
// (0: never).
std::vector<ReportTable> report_terminal_tables(const Report& report, size_t key_width = 24);

// "45s", "12m30s", "2h05m", "3d04h": a wait as people read it.
std::string wait_text(int64_t seconds);

}  // namespace beaver
