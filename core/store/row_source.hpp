#pragma once
// Rows read in bulk, for the report's passes (report/): a SQLite connection, or a PostgreSQL
// connection through a COPY read a line at a time, so that neither holds a million rows at once.
// A unit of work hands its connection to a BulkReader (StoreTransaction::read_in_bulk), with a
// way to open a second one on the same snapshot for a second thread. The passes are templates
// over the two sources, so the SQLite path keeps its direct calls. Their SQL is written once,
// with ?N parameters and SQLite's unixepoch() (PostgreSQL's migration 0002 defines it);
// `kNoIndex` is SQLite's unary + that keeps its planner off an index, which PostgreSQL has no
// need of.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "store/pg.hpp"
#include "store/sqlite.hpp"

namespace beaver {

using RowParam = std::variant<std::string, int64_t>;

class SqliteRowSource {
 public:
  using Rows = sqlite::Statement;
  static constexpr const char* kNoIndex = "+";
  explicit SqliteRowSource(sqlite::Database& db) : db_(db) {}
  std::unique_ptr<Rows> rows(std::string_view sql, const std::vector<RowParam>& params);

 private:
  sqlite::Database& db_;
};

// A query's rows as COPY (query) TO STDOUT streams them, read a line at a time: the server sends
// rows as its executor makes them (a cursor's FETCH goes through a tuplestore, at about twice the
// server's time). COPY takes no bound parameters: PgRowSource sets them as settings of the
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

class PgRowSource {
 public:
  using Rows = PgRows;
  static constexpr const char* kNoIndex = "";
  explicit PgRowSource(pg::Connection& c) : c_(c) {}
  std::unique_ptr<Rows> rows(std::string_view sql, const std::vector<RowParam>& params);

 private:
  pg::Connection& c_;
};

// Another connection to the same ledger, read-only, or none when there is none to open.
using OpenSqliteReader = std::function<std::unique_ptr<sqlite::Database>()>;
using OpenPgReader = std::function<std::unique_ptr<pg::Connection>()>;

// A second connection in a read transaction that sees what `db`'s transaction sees, or none
// (then everything is read on `db`, only slower). The caller commits it when done.
std::unique_ptr<sqlite::Database> same_snapshot_reader(sqlite::Database& db,
                                                       const OpenSqliteReader& open_reader);
// The same on PostgreSQL: a transaction on `c`'s exported snapshot. Only a REPEATABLE READ
// transaction's snapshot can be taken up by another (a writer's READ COMMITTED one cannot).
std::unique_ptr<pg::Connection> same_snapshot_reader(pg::Connection& c,
                                                     const OpenPgReader& open_reader);

// What reads a unit of work's rows in bulk (StoreTransaction::read_in_bulk): given the unit's
// own connection, in its transaction, and a way to open another (see same_snapshot_reader).
// Database faults are thrown as the connection's own errors.
class BulkReader {
 public:
  virtual ~BulkReader() = default;
  virtual void read(sqlite::Database& db, const OpenSqliteReader& open_reader) = 0;
  virtual void read(pg::Connection& c, const OpenPgReader& open_reader) = 0;
};

}  // namespace beaver
