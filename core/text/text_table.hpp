#pragma once
// Rows of text cells as people and spreadsheets read them: columns aligned for a terminal, or
// RFC 4180 CSV. The command line's printer and the server's text reports both write them here,
// so a table reads the same wherever it was drawn.

#include <string>
#include <vector>

namespace beaver {

struct TextTable {
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;
};

// The header and each row on a line ('\n'), each column as wide as its widest cell (counted in
// UTF-8 characters) and two spaces apart; newlines and tabs in a cell become spaces.
std::string aligned_text(const TextTable& table);

// RFC 4180: a header row, CRLF line ends, fields with a comma, quote or line end quoted.
std::string csv_text(const TextTable& table);

// `csv` after the UTF-8 byte-order mark, which Excel needs to read a CSV file as UTF-8 rather
// than in the system's code page (GBK on a Chinese Windows, which garbles Chinese text).
std::string with_byte_order_mark(const std::string& csv);

}  // namespace beaver
