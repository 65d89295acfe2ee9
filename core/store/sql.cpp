#include "store/sql.hpp"

#include <fmt/format.h>

#include <cctype>

namespace beaver {

std::string postgresql_parameters(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    char ch = sql[i];
    if (quote != 0) {
      if (ch == quote) quote = 0;
    } else if (ch == '\'' || ch == '"') {
      quote = ch;
    } else if (ch == '?' && i + 1 < sql.size() &&
               std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      ch = '$';
    }
    out += ch;
  }
  return out;
}

SqlText::SqlText(std::string sql)
    : sqlite_(std::move(sql)), postgresql_(postgresql_parameters(sqlite_)) {}

std::optional<std::string> SqlRow::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

Timestamp SqlRow::time(int column) const {
  auto t = parse_iso8601(view(column));
  if (!t) corrupt(fmt::format("bad time '{}' in the ledger", view(column)));
  return *t;
}

std::optional<Timestamp> SqlRow::optional_time(int column) const {
  if (is_null(column)) return std::nullopt;
  return time(column);
}

}  // namespace beaver
