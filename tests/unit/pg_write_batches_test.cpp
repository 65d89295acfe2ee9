// On PostgreSQL, the writers of one server that meet at the writers' lock write in one
// transaction (PgWriteBatches, pg_store.cpp). Here the lock is held elsewhere until eight writers
// have arrived, so that they meet. A unit that fails leaves nothing, whether its writes were
// still waiting to be sent or had been sent (after a savepoint); the others are all stored, on
// one audit chain. A write the database refuses fails its own unit only. Runs only with
// BEAVER_TEST_POSTGRESQL (integration.unit_postgresql).

#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <thread>

#include "audit/audit.hpp"
#include "ledger_world.hpp"
#include "store/pg.hpp"

using namespace beaver;

namespace {

constexpr int kWriters = 8;
constexpr const char* kWriteLock = "7089337349742411778";  // pg_store.cpp's

// What writer i's unit does: it adds service svc-i with its audit entry; an odd one then fails,
// 3 and 7 after a read has sent their writes; the one in `refused` also adds a service that
// exists, which the database refuses when the write reaches it.
struct Outcome {
  std::array<bool, kWriters> stored{};
  int64_t audit_before = 0, audit_after = 0;
  int64_t transactions = 0;  // that wrote the new audit entries
  bool chain_whole = false;
};

Outcome write_at_once(test::World& w, int refused) {
  Outcome out;
  auto head = w.store->read([&](StoreTransaction& tx) -> Result<void> {
    out.audit_before = tx.last_audit_entry()->seq;
    return {};
  });
  REQUIRE(head.has_value());

  const auto& url = *w.database;
  pg::Connection holder(url.conninfo, url.shown);
  holder.exec(fmt::format("SELECT pg_advisory_lock({})", kWriteLock));
  std::atomic<int> arrived{0};
  // Lets the lock go once every writer has arrived and one waits for the lock in the database.
  std::thread opener([&] {
    for (;;) {
      auto waiting = holder.exec(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
          "wait_event_type = 'Lock' AND query LIKE '%pg_advisory_xact_lock%'");
      if (arrived.load() == kWriters && waiting.integer(0, 0) > 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    holder.exec(fmt::format("SELECT pg_advisory_unlock({})", kWriteLock));
  });

  std::array<bool, kWriters> ok{};
  std::array<size_t, kWriters> listed{};  // by 3 and 7: hello and their own at least
  w.at_once(kWriters, [&](Store& store, int i) {
    auto name = fmt::format("svc-{}", i);
    ++arrived;
    auto result = store.write([&](StoreTransaction& tx) -> Result<void> {
      tx.insert_service({name, "payments", w.now});
      append_audit(tx, w.now, "ann", "service.add", "service/" + name,
                   AuditPayload().set("team", "payments"));
      if (i == refused) tx.insert_service({"hello", "payments", w.now});
      if (i % 4 == 3) listed[static_cast<size_t>(i)] = tx.list_services().size();
      if (i % 2 == 1) return fail(ErrorKind::conflict, "writer {} changes its mind", i);
      return {};
    });
    ok[static_cast<size_t>(i)] = result.has_value();
  });
  opener.join();

  for (int i = 0; i < kWriters; ++i) {
    CAPTURE(i);
    CHECK(ok[static_cast<size_t>(i)] == (i % 2 == 0 && i != refused));
    if (i % 4 == 3) CHECK(listed[static_cast<size_t>(i)] >= 2);
  }
  REQUIRE(w.store
              ->read([&](StoreTransaction& tx) -> Result<void> {
                for (int i = 0; i < kWriters; ++i)
                  out.stored[static_cast<size_t>(i)] =
                      tx.find_service(fmt::format("svc-{}", i)).has_value();
                out.audit_after = tx.last_audit_entry()->seq;
                return {};
              })
              .has_value());
  auto verdict = verify_audit(*w.store, std::nullopt);
  REQUIRE(verdict.has_value());
  out.chain_whole = verdict->whole();
  // Rows a transaction inserted carry its id (xmin): entries written in one batch share it.
  out.transactions = holder
                         .query("SELECT count(DISTINCT xmin::text) FROM audit WHERE seq > $1",
                                {std::to_string(out.audit_before)})
                         .integer(0, 0);
  return out;
}

}  // namespace

TEST_CASE("on PostgreSQL, writers that meet at the lock write in one transaction" *
          doctest::skip(test::World::postgresql_admin() == nullptr)) {
  test::World w;
  auto out = write_at_once(w, /*refused=*/-1);
  for (int i = 0; i < kWriters; ++i) {
    CAPTURE(i);
    CHECK(out.stored[static_cast<size_t>(i)] == (i % 2 == 0));
  }
  CHECK(out.audit_after == out.audit_before + 4);
  CHECK(out.chain_whole);
  // Four units stored, in fewer transactions: they met.
  CHECK(out.transactions >= 1);
  CHECK(out.transactions < 4);
}

TEST_CASE("on PostgreSQL, a write the database refuses in a batch fails its own unit only" *
          doctest::skip(test::World::postgresql_admin() == nullptr)) {
  test::World w;
  auto out = write_at_once(w, /*refused=*/6);
  for (int i = 0; i < kWriters; ++i) {
    CAPTURE(i);
    CHECK(out.stored[static_cast<size_t>(i)] == (i % 2 == 0 && i != 6));
  }
  CHECK(out.audit_after == out.audit_before + 3);
  CHECK(out.chain_whole);
}
