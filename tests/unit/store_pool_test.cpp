// The server's pool of ledger connections: on PostgreSQL, reads let in a few at a time, writes
// never held back; on SQLite, no limit at all.

#include "server/store_pool.hpp"

#include <doctest/doctest.h>

#include <future>

#include "ledger_world.hpp"

using namespace beaver;
using beaver::test::World;
using namespace std::chrono_literals;

TEST_CASE("reads wait for their turn on PostgreSQL; writes and SQLite never do") {
  World w;
  DatabaseUrl url =
      w.database ? *w.database : *parse_database_url((w.dir.path() / "beaver.db").string());
  StorePool pool(url, beaver::test::source_dir() / "schemas/migrations", SqliteOptions{}, 2, 300ms);
  auto a = pool.borrow(StorePool::Use::read);
  auto b = pool.borrow(StorePool::Use::read);
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  auto writer = pool.borrow(StorePool::Use::other);
  REQUIRE_MESSAGE(writer.has_value(), writer.error().message);
  if (!w.database) {  // SQLite: its readers run in this process, from a snapshot each
    CHECK(pool.borrow(StorePool::Use::read).has_value());
    return;
  }
  auto third = pool.borrow(StorePool::Use::read);
  REQUIRE_FALSE(third.has_value());
  CHECK(third.error().kind == ErrorKind::unavailable);
  CHECK(third.error().message == "2 reads of the database were under way for 300 ms");
  // A reader that waits is let in when one leaves, with a connection that works.
  auto waiting = std::async(std::launch::async, [&] {
    auto lease = pool.borrow(StorePool::Use::read);
    if (!lease) return lease.error().message;
    auto read = (*lease)->read([](StoreTransaction& tx) -> Result<void> {
      tx.last_audit_entry();
      return {};
    });
    return read ? std::string("read") : read.error().message;
  });
  CHECK(waiting.wait_for(50ms) == std::future_status::timeout);
  { auto leaving = std::move(*a); }
  CHECK(waiting.get() == "read");
}
