#pragma once
// Where the report's passes (report_store.cpp, deploy_report.cpp) read their rows: a SQLite
// connection, or a PostgreSQL connection through a cursor fetched in batches, so that neither
// holds a million rows at once. The passes are templates over these two, so the SQLite path
// keeps its direct calls. The SQL is written once, with ?N parameters and SQLite's unixepoch()
// (PostgreSQL's migration 0002 defines it); `kNoIndex` is SQLite's unary + that keeps its
// planner off an index, which PostgreSQL has no need of.

#include <cstdint>
#include <memory>
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

// A query's rows through a cursor of the current transaction, fetched a batch at a time.
class PgRows {
 public:
  PgRows(pg::Connection& c, const std::string& sql, const std::vector<pg::Param>& params);
  ~PgRows();
  PgRows(const PgRows&) = delete;
  PgRows& operator=(const PgRows&) = delete;

  bool step();
  std::string_view view(int column) const { return batch_->view(row_, column); }
  int64_t integer(int column) const { return batch_->integer(row_, column); }
  bool is_null(int column) const { return batch_->is_null(row_, column); }

 private:
  pg::Connection& c_;
  std::string name_;
  std::unique_ptr<pg::Result> batch_;
  int row_ = -1;
  bool done_ = false;
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
