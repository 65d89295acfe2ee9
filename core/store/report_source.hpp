#pragma once
// Where the report's passes (report_store.cpp, deploy_report.cpp) read their rows: a SQLite
// connection, or a PostgreSQL connection through a COPY read a line at a time, so that neither
// holds a million rows at once. The passes are templates over these two, so the SQLite path
// keeps its direct calls. The SQL is written once, with ?N parameters and SQLite's unixepoch()
// (PostgreSQL's migration 0002 defines it); `kNoIndex` is SQLite's unary + that keeps its
// planner off an index, which PostgreSQL has no need of.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "store/pg.hpp"
#include "store/sqlite.hpp"

namespace beaver {

using ReportParam = std::variant<std::string, int64_t>;

class SqliteReportSource {
 public:
  using Rows = sqlite::Statement;
  static constexpr const char* kNoIndex = "+";
  explicit SqliteReportSource(sqlite::Database& db) : db_(db) {}
  std::unique_ptr<Rows> rows(std::string_view sql, const std::vector<ReportParam>& params);

 private:
  sqlite::Database& db_;
};

// A query's rows as COPY (query) TO STDOUT streams them, read a line at a time: the server sends
// rows as its executor makes them (a cursor's FETCH goes through a tuplestore, at about twice the
// server's time). COPY takes no bound parameters: PgReportSource sets them as settings of the
// transaction, which the query reads with current_setting(). The connection is the rows' alone
// until step() has said there is no more or they are destroyed.
class PgRows {
 public:
  PgRows(pg::Connection& c, const std::string& copy_sql);
  ~PgRows();  // reads what is left, so that the connection can be used again
  PgRows(const PgRows&) = delete;
  PgRows& operator=(const PgRows&) = delete;

  bool step();
  std::string_view view(int column) const { return fields_[column].value_or(std::string_view{}); }
  int64_t integer(int column) const { return pg::parse_integer(view(column), column); }
  bool is_null(int column) const { return !fields_[column].has_value(); }

 private:
  pg::Connection& c_;
  bool done_ = false;
  std::vector<std::optional<std::string_view>> fields_;
  std::string decoded_;
};

class PgReportSource {
 public:
  using Rows = PgRows;
  static constexpr const char* kNoIndex = "";
  explicit PgReportSource(pg::Connection& c) : c_(c) {}
  std::unique_ptr<Rows> rows(std::string_view sql, const std::vector<ReportParam>& params);

 private:
  pg::Connection& c_;
};

}  // namespace beaver
