#pragma once
// All output of the command line goes through one Printer, which knows the format asked for
// (table, json, csv) and whether stdout is a terminal. Commands never write to stdout directly.

#include <Poco/Dynamic/Var.h>

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "text/text_table.hpp"

namespace beaver::cli {

enum class Format { table, json, csv, html };

using Table = TextTable;

class Printer {
 public:
  Printer(std::ostream& out, std::ostream& err);

  void set_format(Format f) { format_ = f; }
  Format format() const { return format_; }

  // A line of text for people (table format only).
  void line(std::string_view text);
  // Rows: aligned columns on `table`, RFC 4180 on `csv`; `json` prints `json` instead.
  void rows(const Table& table, const Poco::Dynamic::Var& json);
  // A single record: `json` on the json format, `text` lines otherwise.
  void record(const std::vector<std::string>& text, const Poco::Dynamic::Var& json);
  // A whole document (an HTML page) written as it is, on the html format.
  void page(std::string_view text);
  // Text drawn elsewhere in the format asked for (a report's table, CSV or page), as it is.
  void text(std::string_view text);
  // A warning for people, on stderr.
  void warn(std::string_view text);
  // Asks `question` on stderr and reads the answer from `in`: whether it is y or yes.
  bool confirm(std::string_view question, std::istream& in);

 private:
  void write_json(const Poco::Dynamic::Var& json);

  std::ostream& out_;
  std::ostream& err_;
  Format format_ = Format::table;
  bool tty_ = false;
};

// "table" | "json" | "csv" | "html" from -o; the flag's validator keeps other values out.
Format parse_format(const std::string& text);

}  // namespace beaver::cli
