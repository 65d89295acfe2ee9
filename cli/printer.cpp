#include "printer.hpp"

#include <Poco/JSON/Stringifier.h>
#include <unistd.h>

#include <algorithm>
#include <ostream>
#include <sstream>

namespace beaver::cli {
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

Printer::Printer(std::ostream& out, std::ostream& err)
    : out_(out), err_(err), tty_(isatty(STDOUT_FILENO) == 1) {}

void Printer::line(std::string_view text) {
  if (format_ == Format::table) out_ << text << '\n';
}

void Printer::rows(const Table& t, const Poco::Dynamic::Var& json) {
  if (format_ == Format::json) return write_json(json);
  if (format_ == Format::csv) {
    // RFC 4180: CRLF line ends, a header row.
    auto emit = [&](const std::vector<std::string>& cells) {
      for (size_t i = 0; i < cells.size(); ++i) out_ << (i ? "," : "") << csv_field(cells[i]);
      out_ << "\r\n";
    };
    emit(t.headers);
    for (const auto& r : t.rows) emit(r);
    return;
  }
  std::vector<size_t> width(t.headers.size());
  for (size_t i = 0; i < t.headers.size(); ++i) width[i] = display_width(t.headers[i]);
  for (const auto& r : t.rows)
    for (size_t i = 0; i < r.size() && i < width.size(); ++i)
      width[i] = std::max(width[i], display_width(one_line(r[i])));
  auto emit = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
      std::string cell = one_line(cells[i]);
      line += cell;
      if (i + 1 < cells.size()) line += std::string(width[i] - display_width(cell) + 2, ' ');
    }
    out_ << line << '\n';
  };
  emit(t.headers);
  for (const auto& r : t.rows) emit(r);
  if (t.rows.empty() && tty_) out_ << "(none)\n";
}

void Printer::record(const std::vector<std::string>& text, const Poco::Dynamic::Var& json) {
  if (format_ == Format::json) return write_json(json);
  for (const auto& l : text) out_ << l << '\n';
}

void Printer::write_json(const Poco::Dynamic::Var& json) {
  // Poco writes JSON a character at a time: into memory first, then out in one piece.
  std::ostringstream text;
  Poco::JSON::Stringifier::stringify(json, text, 2);
  text << '\n';
  out_ << text.view();
}

void Printer::page(std::string_view text) {
  if (format_ == Format::html) out_ << text;
}

void Printer::warn(std::string_view text) { err_ << "beaver: warning: " << text << '\n'; }

Format parse_format(const std::string& text) {
  if (text == "json") return Format::json;
  if (text == "csv") return Format::csv;
  if (text == "html") return Format::html;
  return Format::table;
}

}  // namespace beaver::cli
