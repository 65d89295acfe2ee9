#include "printer.hpp"

#include <Poco/JSON/Stringifier.h>
#include <unistd.h>

#include <istream>
#include <ostream>
#include <sstream>

namespace beaver::cli {

Printer::Printer(std::ostream& out, std::ostream& err)
    : out_(out), err_(err), tty_(isatty(STDOUT_FILENO) == 1) {}

void Printer::line(std::string_view text) {
  if (format_ == Format::table) out_ << text << '\n';
}

void Printer::rows(const Table& t, const Poco::Dynamic::Var& json) {
  if (format_ == Format::json) return write_json(json);
  if (format_ == Format::csv) {
    out_ << csv_text(t);
    return;
  }
  out_ << aligned_text(t);
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

void Printer::text(std::string_view text) {
  if (format_ != Format::json) out_ << text;
}

void Printer::warn(std::string_view text) { err_ << "beaver: warning: " << text << '\n'; }

bool Printer::confirm(std::string_view question, std::istream& in) {
  err_ << question << " [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(in, answer)) {
    err_ << '\n';
    return false;
  }
  return answer == "y" || answer == "Y" || answer == "yes" || answer == "YES";
}

Format parse_format(const std::string& text) {
  if (text == "json") return Format::json;
  if (text == "csv") return Format::csv;
  if (text == "html") return Format::html;
  return Format::table;
}

}  // namespace beaver::cli
