#pragma once
// The ledger's SQL as both stores run it. Each statement is written once, in SQL that SQLite and
// PostgreSQL both read, with numbered parameters (?1, ?2...) that PostgreSQL is given as $1,
// $2...; a parameter whose type nothing else in the statement tells is written CAST(?N AS TEXT)
// or CAST(?N AS BIGINT). Rows are read through SqlRow, whichever store gave them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "clock/clock.hpp"

namespace beaver {

// A bound parameter: NULL, an integer or text.
using SqlValue = std::variant<std::monostate, int64_t, std::string>;
using SqlParams = std::vector<SqlValue>;

inline SqlValue sql_value(std::string_view s) { return std::string(s); }
inline SqlValue sql_value(const std::string& s) { return s; }
inline SqlValue sql_value(const char* s) { return std::string(s); }
inline SqlValue sql_value(int64_t n) { return n; }
inline SqlValue sql_value(int n) { return int64_t{n}; }
inline SqlValue sql_value(bool b) { return int64_t{b ? 1 : 0}; }
inline SqlValue sql_value(Timestamp t) { return format_utc(t); }
template <class T>
SqlValue sql_value(const std::optional<T>& v) {
  if (!v) return std::monostate{};
  return sql_value(*v);
}

// The parameters of a statement, in order: sql_params(a, b, c) binds ?1, ?2, ?3.
template <class... T>
SqlParams sql_params(const T&... values) {
  return SqlParams{sql_value(values)...};
}

// One statement's text for each store, made once (statements are static: a server runs the same
// few for every request).
class SqlText {
 public:
  explicit SqlText(std::string sql);
  const std::string& sqlite() const { return sqlite_; }
  const std::string& postgresql() const { return postgresql_; }

 private:
  std::string sqlite_;
  std::string postgresql_;
};

// ?N becomes $N, outside quoted text.
std::string postgresql_parameters(std::string_view sql);

// One row of a statement's result. Integers and texts read alike on both stores; a value that is
// not what beaver writes (the database was edited by hand) is thrown as the store's own fault.
class SqlRow {
 public:
  virtual ~SqlRow() = default;
  // The column's text; empty for NULL. Valid until the next row.
  virtual std::string_view view(int column) const = 0;
  virtual bool is_null(int column) const = 0;
  virtual int64_t integer(int column) const = 0;
  // Throws the store's error for a row that is not what beaver writes.
  [[noreturn]] virtual void corrupt(const std::string& what) const = 0;

  std::string text(int column) const { return std::string(view(column)); }
  std::optional<std::string> optional_text(int column) const;
  Timestamp time(int column) const;
  std::optional<Timestamp> optional_time(int column) const;
};

}  // namespace beaver
