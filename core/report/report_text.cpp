#include "report/report_text.hpp"

#include <fmt/format.h>

#include <map>

#include "report/report_rows.hpp"
#include "text/text_table.hpp"

namespace beaver {
namespace {

TextTable to_table(ReportTable t) { return TextTable{std::move(t.headers), std::move(t.rows)}; }

// The columns `text` takes on a terminal: two for East Asian wide characters (CJK, full-width
// forms), one for any other character.
size_t columns(std::string_view text) {
  size_t n = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) == 0x80) continue;
    bool wide = false;
    if (c >= 0xE0 && i + 2 < text.size()) {
      char32_t cp = ((c & 0x0F) << 12) | ((static_cast<unsigned char>(text[i + 1]) & 0x3F) << 6) |
                    (static_cast<unsigned char>(text[i + 2]) & 0x3F);
      wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
             (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
             (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
             (cp >= 0xFFE0 && cp <= 0xFFE6);
    }
    n += wide ? 2 : 1;
  }
  return n;
}

// "what: a 3, b 1, ..." in lines of at most 100 columns.
std::vector<std::string> counts_lines(std::string_view what,
                                      const std::vector<std::pair<std::string, int64_t>>& counts) {
  std::vector<std::string> lines{fmt::format("{}:", what)};
  size_t left = counts.size();
  for (const auto& [key, n] : counts) {
    std::string part = fmt::format(" {} {}{}", key, n, --left > 0 ? "," : "");
    if (columns(lines.back()) + columns(part) > 100) lines.emplace_back();
    lines.back() += part;
  }
  return lines;
}

}  // namespace

std::string scope_text(const ReportScope& scope) {
  std::string out;
  if (scope.team) out += fmt::format(", team {}", *scope.team);
  if (scope.service) out += fmt::format(", service {}", *scope.service);
  if (scope.env) out += fmt::format(", environment {}", *scope.env);
  return out;
}

std::string report_terminal_text(const Report& r) {
  if (r.totals.releases == 0 && r.deploys.ended == 0)
    return fmt::format(
        "no releases submitted and no deploys ended from {} to {}: the report is empty\n",
        format_utc(r.since), format_utc(r.until));
  std::string out = fmt::format("releases submitted from {} to {}{}\n", format_utc(r.since),
                                format_utc(r.until), scope_text(r.scope));
  auto tables = report_terminal_tables(r);
  for (size_t i = 0; i < tables.size(); ++i) {
    out += "\n";
    if (i == 2)
      out += fmt::format("deploys that ended from {} to {}\n", format_utc(r.since),
                         format_utc(r.until));
    out += aligned_text(to_table(std::move(tables[i])));
  }
  if (r.previous) {
    out += fmt::format("\nagainst the period before, from {} to {}\n",
                       format_utc(r.previous->since), format_utc(r.previous->until));
    // Its last column is empty but for the DORA keys: no line ends in spaces.
    std::string table = aligned_text(to_table(report_comparison_table(r)));
    for (size_t end = table.find('\n'); end != std::string::npos; end = table.find('\n', end)) {
      size_t last = table.find_last_not_of(' ', end - 1);
      size_t from = last == std::string::npos ? 0 : last + 1;
      table.erase(from, end - from);
      end = from + 1;
    }
    out += table;
  }
  out += "\n";
  for (const auto& [what, counts] :
       {std::pair{"emergencies by category", &r.emergency_by_category},
        std::pair{"emergencies by approver", &r.emergency_by_approver}})
    if (!counts->empty())
      for (const auto& l : counts_lines(what, {counts->begin(), counts->end()})) out += l + "\n";
  if (const auto& g = r.break_glass; g.deploys > 0)
    out += fmt::format(
        "deployed by break glass: {} (approvals given in time {}, late {}, still owed {}, never "
        "given by their deadline {})\n",
        g.deploys, g.signed_in_time, g.signed_late, g.owing, g.never_signed);
  for (const auto& [category, top] : r.emergency_reasons) {
    std::vector<std::pair<std::string, int64_t>> quoted;
    for (const auto& reason : top)
      quoted.emplace_back(fmt::format("\"{}\"", reason.reason), reason.count);
    for (const auto& l : counts_lines(fmt::format("most written reasons ({})", category), quoted))
      out += l + "\n";
  }
  return out;
}

}  // namespace beaver
