#pragma once
// The ledger's statements on one PostgreSQL connection inside a unit of work (SqlSession). A
// write whose answer nothing reads waits to go with the unit's next statement, or with its
// commit: a round trip less for each, while a writer holds the lock every other writer waits
// for. Statements still run in the order the unit made them, so its reads see its writes; a
// write that fails is thrown from that later statement, and the unit rolls back all the same.

#include <cstddef>
#include <vector>

#include "store/pg.hpp"
#include "store/sql_session.hpp"

namespace beaver {

// A row of a result as SqlRow reads it.
class PgRow final : public SqlRow {
 public:
  PgRow(const pg::Result& r, int row) : r_(r), row_(row) {}
  std::string_view view(int column) const override { return r_.view(row_, column); }
  bool is_null(int column) const override { return r_.is_null(row_, column); }
  int64_t integer(int column) const override { return r_.integer(row_, column); }
  // A row that is not what beaver writes means the database was edited by hand.
  [[noreturn]] void corrupt(const std::string& what) const override {
    throw pg::PgError("XX001", what);
  }

 private:
  const pg::Result& r_;
  int row_;
};

// The parameters as libpq takes them: text, or NULL.
std::vector<pg::Param> pg_params(const SqlParams& params);

class PgSession final : public SqlSession {
 public:
  explicit PgSession(pg::Connection& c) : c_(c) {}

  void query(const SqlText& sql, const SqlParams& params,
             const std::function<void(const SqlRow&)>& row) override;
  void execute(const SqlText& sql, SqlParams params) override;
  int64_t insert(const SqlText& sql, const SqlParams& params) override;

  // Sends the deferred writes now, if any (before this connection reads on its own).
  void flush();
  // Whether writes wait to be sent: a read of several statements at once must not pass them.
  bool holds_writes() const { return !deferred_.empty() || in_unit_; }

  // Commits, with the writes still deferred, in one round trip. A writer's commit releases the
  // writers' lock without waiting for the flush; a transaction of one statement after it (the
  // session commits synchronously) waits until the log is flushed past it, its xid making it a
  // commit record to flush (see pg_store.cpp). So it is durable when this returns.
  void commit(bool durably);

  // Several units of work in one transaction (a batch, see pg_store.cpp): each begins with
  // begin_unit and ends with end_unit, or undo_unit when it failed, which takes back what it
  // wrote and leaves the units before it as they were. Its writes mostly never left this
  // process (they are deferred): they are dropped. Those that did (a read after a write sends
  // both) went after a savepoint, opened just in time in the same round trip, which undo_unit
  // rolls back to.
  void begin_unit();
  void end_unit();
  void undo_unit();

 private:
  // Runs `sql` now, after the deferred writes, in one round trip: the last one's result.
  pg::Result now(const std::string& sql, const std::vector<pg::Param>& params, bool writes);
  pg::Result send();
  // Before the unit's first statement that is about to leave.
  void open_savepoint();

  pg::Connection& c_;
  std::vector<pg::Connection::Statement> deferred_;
  // In a batch: the running unit's first deferred statement, and whether it opened a savepoint.
  bool in_unit_ = false;
  size_t unit_start_ = 0;
  bool unit_savepoint_ = false;
};

}  // namespace beaver
