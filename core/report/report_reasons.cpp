#include "report/report_reasons.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <optional>

#include "report/pass_parts.hpp"
#include "store/row_source.hpp"

namespace beaver {
namespace {

// The code point at `at` and its length in bytes; nullopt for a byte that starts no UTF-8
// sequence (it is then kept as one byte).
std::optional<std::pair<char32_t, size_t>> decode(std::string_view s, size_t at) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = byte(at);
  if (c < 0x80) return std::pair{static_cast<char32_t>(c), size_t{1}};
  size_t n = c >= 0xF0 && c < 0xF8 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (n == 0 || at + n > s.size()) return std::nullopt;
  char32_t cp = c & (0x7F >> n);
  for (size_t i = 1; i < n; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (byte(at + i) & 0x3F);
  }
  return std::pair{cp, n};
}

void encode(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_space(char32_t cp) {
  return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0xA0 || cp == 0x3000;
}

bool ends_a_sentence(char32_t cp) {
  switch (cp) {
    case '.':
    case ',':
    case ';':
    case ':':
    case '!':
    case '?':
    case U'。':
    case U'，':
    case U'、':
    case U'；':
    case U'：':
    case U'！':
    case U'？':
    case U'…':
      return true;
    default:
      return false;
  }
}

// `text` trimmed with its runs of spaces made one; with `fold`, also case-folded with its
// full-width forms read as ASCII and its trailing punctuation dropped.
std::string cleaned(std::string_view text, bool fold) {
  std::vector<char32_t> cps;  // 0x110000 + byte: a byte that is no UTF-8
  for (size_t i = 0; i < text.size();) {
    auto d = decode(text, i);
    if (!d) {
      cps.push_back(0x110000 + static_cast<unsigned char>(text[i++]));
      continue;
    }
    char32_t cp = d->first;
    i += d->second;
    if (fold && cp >= 0xFF01 && cp <= 0xFF5E) cp = cp - 0xFF01 + 0x21;
    if (fold && cp >= 'A' && cp <= 'Z') cp = cp - 'A' + 'a';
    if (is_space(cp)) {
      if (!cps.empty() && cps.back() != ' ') cps.push_back(' ');
      continue;
    }
    cps.push_back(cp);
  }
  while (!cps.empty() && (cps.back() == ' ' || (fold && ends_a_sentence(cps.back()))))
    cps.pop_back();
  std::string out;
  for (char32_t cp : cps) {
    if (cp >= 0x110000)
      out += static_cast<char>(cp - 0x110000);
    else
      encode(cp, out);
  }
  return out;
}

}  // namespace

std::string normalized_reason(std::string_view text) { return cleaned(text, true); }

template <class Source>
std::map<std::string, std::vector<ReasonCount>> read_top_reasons(Source& db, const ReportQuery& q) {
  std::vector<RowParam> params{format_utc(q.since), format_utc(q.until)};
  auto scope = scope_sql(q.scope, "r.service", "r.env", params);
  auto rows = db.rows(fmt::format("SELECT COALESCE(r.category, '-'), r.reason FROM releases r "
                                  "WHERE r.submitted_at >= ?1 AND r.submitted_at < ?2 "
                                  "AND r.status != 'cancelled' AND r.type = 'emergency'{} "
                                  "ORDER BY r.id",
                                  scope),
                      params);
  std::map<std::string, std::map<std::string, ReasonCount>> by_category;  // -> normalized ->
  while (rows->step()) {
    auto reason = rows->is_null(1) ? std::string_view{} : rows->view(1);
    auto key = normalized_reason(reason);
    if (key.empty()) continue;
    auto& found = by_category[std::string(rows->view(0))][key];
    if (found.count++ == 0) found.reason = cleaned(reason, false);
  }
  std::map<std::string, std::vector<ReasonCount>> out;
  for (auto& [category, reasons] : by_category) {
    std::vector<ReasonCount> all;
    for (auto& [key, r] : reasons) all.push_back(std::move(r));
    std::stable_sort(all.begin(), all.end(), [](const ReasonCount& a, const ReasonCount& b) {
      return a.count != b.count ? a.count > b.count : a.reason < b.reason;
    });
    if (all.size() > Report::kTopReasons) all.resize(Report::kTopReasons);
    out.emplace(category, std::move(all));
  }
  return out;
}

template std::map<std::string, std::vector<ReasonCount>> read_top_reasons(SqliteRowSource&,
                                                                          const ReportQuery&);
template std::map<std::string, std::vector<ReasonCount>> read_top_reasons(PgRowSource&,
                                                                          const ReportQuery&);

}  // namespace beaver
