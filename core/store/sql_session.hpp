#pragma once
// What the ledger's tables (sql_transaction.hpp) ask of a database inside one unit of work: the
// part each store implements on its own connection. Database faults are thrown as the store's
// own exceptions, which its Store::write and Store::read turn into errors.

#include <cstdint>
#include <functional>

#include "store/sql.hpp"

namespace beaver {

class SqlSession {
 public:
  virtual ~SqlSession() = default;

  // Runs `sql` and calls `row` with each row of its result, in order.
  virtual void query(const SqlText& sql, const SqlParams& params,
                     const std::function<void(const SqlRow&)>& row) = 0;
  // Runs a statement whose answer nothing reads. A store may send it later, with the unit's next
  // statement or its commit (where it would fail instead), but always in the order given, so
  // that the unit's reads see its writes.
  virtual void execute(const SqlText& sql, SqlParams params) = 0;
  // Runs an `INSERT ... RETURNING id` and returns the id.
  virtual int64_t insert(const SqlText& sql, const SqlParams& params) = 0;
};

}  // namespace beaver
