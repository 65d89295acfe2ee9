#include "text/text_table.hpp"

#include <algorithm>

namespace beaver {
namespace {

// Width on screen: counts UTF-8 sequences, not bytes.
size_t display_width(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Free text in a table cell stays on one line.
std::string one_line(const std::string& s) {
  std::string out = s;
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '\n' || c == '\t'; }, ' ');
  return out;
}

}  // namespace

std::string aligned_text(const TextTable& t) {
  std::vector<size_t> width(t.headers.size());
  for (size_t i = 0; i < t.headers.size(); ++i) width[i] = display_width(t.headers[i]);
  for (const auto& r : t.rows)
    for (size_t i = 0; i < r.size() && i < width.size(); ++i)
      width[i] = std::max(width[i], display_width(one_line(r[i])));
  std::string out;
  auto emit = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      std::string cell = one_line(cells[i]);
      out += cell;
      if (i + 1 < cells.size()) out += std::string(width[i] - display_width(cell) + 2, ' ');
    }
    out += '\n';
  };
  emit(t.headers);
  for (const auto& r : t.rows) emit(r);
  return out;
}

std::string csv_text(const TextTable& t) {
  std::string out;
  auto emit = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + csv_field(cells[i]);
    out += "\r\n";
  };
  emit(t.headers);
  for (const auto& r : t.rows) emit(r);
  return out;
}

std::string with_byte_order_mark(const std::string& csv) { return "\xEF\xBB\xBF" + csv; }

}  // namespace beaver
