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
  // Per column, the figure it holds by its name in templates/web/report-text.json (what a page
  // labels it); "" for the key column. Set on the terminal tables.
  std::vector<std::string> keys;
};

// The key of the row that holds the whole period.
inline constexpr std::string_view kTotalRowKey = "(total)";

// One row per group, then the total row. Numbers are plain (fractions rounded to 4 decimals, waits
// in seconds, lead time and time to restore in hours, an absent figure empty), so spreadsheets read
// them as numbers; a group without deploy figures has those cells empty.
ReportTable report_csv_table(const Report& report);

// Releases by type and state; then when they were submitted and how long approvals waited
// (waits as "2h05m"); then the deploy figures (the total row, and the groups when they have
// them). Group keys longer than `key_width` characters are shortened with "…"
// (0: never).
std::vector<ReportTable> report_terminal_tables(const Report& report, size_t key_width = 24);

// The headline figures of the period against those of the period before it, one row each:
// figure (its name in templates/web/report-text.json), now, before, change, DORA band (of now,
// for the DORA keys). Counts change as "+47 (+5%)" (no share when before was 0), ratios and rates
// as "+0.03", waits as "-1h05m"; "0" for no change, "-" where either side has no figure (every
// before and change when the report has no previous period).
ReportTable report_comparison_table(const Report& report);

// A fraction as a person reads it: at most `decimals` decimals, trailing zeros dropped ("0.625",
// "0.1667", "3").
std::string rounded(double x, int decimals = 4);

// "45s", "12m30s", "2h05m", "3d04h": a wait as people read it.
std::string wait_text(int64_t seconds);

}  // namespace beaver
