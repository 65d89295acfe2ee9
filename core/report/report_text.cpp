#include "report/report_text.hpp"

#include <fmt/format.h>

#include <map>

#include "report/report_rows.hpp"
#include "text/text_table.hpp"

namespace beaver {
namespace {

TextTable to_table(ReportTable t) { return TextTable{std::move(t.headers), std::move(t.rows)}; }

// "what: a 3, b 1, ..." in lines of at most 100 columns.
std::vector<std::string> counts_lines(std::string_view what,
                                      const std::map<std::string, int64_t>& counts) {
  std::vector<std::string> lines{fmt::format("{}:", what)};
  size_t left = counts.size();
  for (const auto& [key, n] : counts) {
    std::string part = fmt::format(" {} {}{}", key, n, --left > 0 ? "," : "");
    if (lines.back().size() + part.size() > 100) lines.emplace_back();
    lines.back() += part;
  }
  return lines;
}

}  // namespace

std::string report_terminal_text(const Report& r) {
  if (r.totals.releases == 0 && r.deploys.ended == 0)
    return fmt::format(
        "no releases submitted and no deploys ended from {} to {}: the report is empty\n",
        format_utc(r.since), format_utc(r.until));
  std::string out =
      fmt::format("releases submitted from {} to {}\n", format_utc(r.since), format_utc(r.until));
  auto tables = report_terminal_tables(r);
  for (size_t i = 0; i < tables.size(); ++i) {
    out += "\n";
    if (i == 2)
      out += fmt::format("deploys that ended from {} to {}\n", format_utc(r.since),
                         format_utc(r.until));
    out += aligned_text(to_table(std::move(tables[i])));
  }
  out += "\n";
  for (const auto& [what, counts] :
       {std::pair{"emergencies by category", &r.emergency_by_category},
        std::pair{"emergencies by approver", &r.emergency_by_approver}})
    if (!counts->empty())
      for (const auto& l : counts_lines(what, *counts)) out += l + "\n";
  return out;
}

}  // namespace beaver
