#include <doctest/doctest.h>

#include <thread>

#include "sqlite_edit.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"
#include "test_folder.hpp"

using namespace beaver;

namespace {

std::filesystem::path migrations() { return test::source_dir() / "schemas/migrations/sqlite"; }

Result<void> add_user(Store& store, const char* name) {
  return store.write([&](StoreTransaction& tx) -> Result<void> {
    tx.insert_user(User{name, "payments", {Role::developer}, {}});
    return {};
  });
}

}  // namespace

TEST_CASE("a new ledger is created in WAL mode at the newest schema version") {
  test::TestFolder dir;
  auto file = dir.path() / "home" / "beaver.db";
  auto store = open_sqlite_store(file, migrations());
  REQUIRE(store.has_value());
  CHECK(std::filesystem::exists(file));
  CHECK(test::raw_sql(file, "SELECT 1 FROM users") == "");
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) == "wal");
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_CASE("opening a ledger twice applies no migration twice") {
  test::TestFolder dir;
  auto file = dir.path() / "beaver.db";
  REQUIRE(open_sqlite_store(file, migrations()).has_value());
  auto again = open_sqlite_store(file, migrations());
  REQUIRE(again.has_value());
  CHECK(add_user(**again, "dan").has_value());
}

TEST_CASE("a ledger written by a newer beaver is refused") {
  test::TestFolder dir;
  auto file = dir.path() / "beaver.db";
  REQUIRE(open_sqlite_store(file, migrations()).has_value());
  REQUIRE(test::raw_sql(file, "PRAGMA user_version = 99") == "");
  auto store = open_sqlite_store(file, migrations());
  REQUIRE_FALSE(store.has_value());
  CHECK(store.error().message.find("newer beaver (schema version 99") != std::string::npos);
}

TEST_CASE("a unit of work that fails leaves nothing behind") {
  test::TestFolder dir;
  auto store = *open_sqlite_store(dir.path() / "beaver.db", migrations());
  auto r = store->write([&](StoreTransaction& tx) -> Result<void> {
    tx.insert_user(User{"dan", "payments", {Role::developer}, {}});
    return fail(ErrorKind::refused, "no");
  });
  CHECK_FALSE(r.has_value());
  REQUIRE(store
              ->read([&](StoreTransaction& tx) -> Result<void> {
                CHECK_FALSE(tx.find_user("dan").has_value());
                return {};
              })
              .has_value());
}

TEST_CASE("a database fault inside a unit of work is an error, not a crash, and rolls back") {
  test::TestFolder dir;
  auto store = *open_sqlite_store(dir.path() / "beaver.db", migrations());
  REQUIRE(add_user(*store, "dan").has_value());
  auto r = store->write([&](StoreTransaction& tx) -> Result<void> {
    tx.insert_user(User{"eve", "payments", {Role::developer}, {}});
    tx.insert_user(User{"dan", "payments", {Role::developer}, {}});  // primary key clash
    return {};
  });
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == ErrorKind::internal);
  REQUIRE(store
              ->read([&](StoreTransaction& tx) -> Result<void> {
                CHECK_FALSE(tx.find_user("eve").has_value());
                return {};
              })
              .has_value());
}

TEST_CASE("a writer waits for a busy ledger and says so when it stays locked") {
  test::TestFolder dir;
  auto file = dir.path() / "beaver.db";
  auto store = *open_sqlite_store(file, migrations(), {std::chrono::milliseconds(50), 2});
  sqlite3* holder = nullptr;
  sqlite3_open(file.c_str(), &holder);
  REQUIRE(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  auto r = add_user(*store, "dan");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == ErrorKind::unavailable);
  CHECK(r.error().message.find("locked by another beaver") != std::string::npos);
  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  CHECK(add_user(*store, "dan").has_value());
  sqlite3_close(holder);
}

TEST_CASE("a writer retries the whole unit of work once the lock is released") {
  test::TestFolder dir;
  auto file = dir.path() / "beaver.db";
  auto store = *open_sqlite_store(file, migrations(), {std::chrono::milliseconds(20), 10});
  sqlite3* holder = nullptr;
  sqlite3_open(file.c_str(), &holder);
  REQUIRE(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  Result<void> written;
  std::thread writer([&] { written = add_user(*store, "dan"); });
  // The lock outlives one busy timeout, so the first attempt gives up and a retry succeeds.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  sqlite3_exec(holder, "COMMIT", nullptr, nullptr, nullptr);
  writer.join();
  sqlite3_close(holder);
  CHECK(written.has_value());
  REQUIRE(store
              ->read([&](StoreTransaction& tx) -> Result<void> {
                CHECK(tx.find_user("dan").has_value());
                return {};
              })
              .has_value());
}

TEST_CASE("a kept statement runs again with new parameters, also while its twin is in use") {
  test::TestFolder dir;
  auto file = dir.path() / "beaver.db";
  sqlite::Database db(file.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  db.exec("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3)");
  const char* sql = "SELECT n FROM t WHERE n >= ?1 ORDER BY n";
  for (int64_t from : {1, 2, 3}) {
    sqlite::Statement s(db, sql);  // the second and third time, the kept one
    s.bind(1, from);
    REQUIRE(s.step());
    CHECK(s.integer(0) == from);
    sqlite::Statement twin(db, sql);  // the same SQL while the first is mid-way: its own
    twin.bind(1, int64_t{3});
    REQUIRE(twin.step());
    CHECK(twin.integer(0) == 3);
    CHECK_FALSE(twin.step());
    if (from < 3) {
      REQUIRE(s.step());
      CHECK(s.integer(0) == from + 1);
    }
  }
  // A statement given back mid-way holds no read open: a write on another connection goes on.
  {
    sqlite::Statement s(db, sql);
    s.bind(1, int64_t{1});
    REQUIRE(s.step());
  }
  CHECK(test::raw_sql(file, "INSERT INTO t VALUES (4)") == "");
  sqlite::Statement count(db, "SELECT count(*) FROM t");
  REQUIRE(count.step());
  CHECK(count.integer(0) == 4);
}

namespace {

std::optional<User> user_named(Store& store, const char* name) {
  std::optional<User> found;
  REQUIRE(store
              .read([&](StoreTransaction& tx) -> Result<void> {
                found = tx.find_user(name);
                return {};
              })
              .has_value());
  return found;
}

std::vector<std::string> leaders_of(Store& store, std::optional<std::string_view> team) {
  std::vector<std::string> names;
  REQUIRE(store
              .read([&](StoreTransaction& tx) -> Result<void> {
                for (const auto& u : tx.users_with_role(Role::leader, team))
                  names.push_back(u.name);
                return {};
              })
              .has_value());
  return names;
}

}  // namespace

TEST_CASE("users a connection remembers are read again once another process changed any") {
  test::TestFolder dir;
  auto file = dir.path() / "beaver.db";
  auto a = open_sqlite_store(file, migrations());
  auto b = open_sqlite_store(file, migrations());
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK_FALSE(user_named(**a, "ann"));  // a has read (and remembers) the users now
  REQUIRE(add_user(**b, "ann").has_value());
  REQUIRE(user_named(**a, "ann"));
  CHECK(leaders_of(**a, std::nullopt).empty());

  REQUIRE((*b)->write([](StoreTransaction& tx) -> Result<void> {
                tx.insert_user(User{"lee", "payments", {Role::developer, Role::leader}, {}});
                tx.insert_user(User{"lou", "search", {Role::leader}, {}});
                return {};
              })
              .has_value());
  CHECK(leaders_of(**a, std::nullopt) == std::vector<std::string>{"lee", "lou"});
  CHECK(leaders_of(**a, "search") == std::vector<std::string>{"lou"});
  CHECK(user_named(**a, "lee")->roles == std::vector<Role>{Role::developer, Role::leader});

  // A role taken away by a raw edit, as another program might: seen too (the triggers count it).
  REQUIRE(test::raw_sql(file, "DELETE FROM user_roles WHERE user = 'lou'") == "");
  CHECK(leaders_of(**a, std::nullopt) == std::vector<std::string>{"lee"});
}

TEST_CASE("users read inside a unit of work that was rolled back are not remembered") {
  test::TestFolder dir;
  auto file = dir.path() / "beaver.db";
  auto a = open_sqlite_store(file, migrations());
  auto b = open_sqlite_store(file, migrations());
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  auto refused = (*a)->write([](StoreTransaction& tx) -> Result<void> {
    tx.insert_user(User{"ghost", "payments", {Role::leader}, {}});
    REQUIRE(tx.find_user("ghost"));  // seen inside, as the unit of work's own change
    return fail(ErrorKind::refused, "changed my mind");
  });
  REQUIRE_FALSE(refused.has_value());
  // Another process makes as many changes as the rolled-back unit did, so the count is the same.
  REQUIRE((*b)->write([](StoreTransaction& tx) -> Result<void> {
                tx.insert_user(User{"real", "payments", {Role::leader}, {}});
                return {};
              })
              .has_value());
  CHECK_FALSE(user_named(**a, "ghost"));
  CHECK(user_named(**a, "real"));
}

TEST_CASE("a ledger from before 'replaced' keeps its live releases deployed and retires the rest") {
  test::TestFolder dir;
  // The ledger as the beaver before it wrote it: migrations 1 to 12 only.
  auto old = dir.path() / "old-migrations";
  std::filesystem::create_directories(old);
  for (const auto& m : std::filesystem::directory_iterator(migrations()))
    if (m.path().filename().string() < "0013") std::filesystem::copy(m.path(), old);
  auto file = dir.path() / "beaver.db";
  REQUIRE(open_sqlite_store(file, old).has_value());
  // Two places: on prod, 1 then 2 deployed (2 live); on test, 3 deployed, then 4 whose deploy
  // failed (3 stays live).
  REQUIRE(test::raw_sql(file, R"(
    INSERT INTO users VALUES ('ann', 'payments', '2026-11-24T10:00:00Z', NULL);
    INSERT INTO services VALUES ('hello', 'payments', '2026-11-24T10:00:00Z');
    INSERT INTO releases (service, env, version, type, status, submitter, submitted_at) VALUES
      ('hello', 'prod', '1.0', 'normal', 'deployed', 'ann', '2026-11-24T10:00:00Z'),
      ('hello', 'prod', '1.1', 'normal', 'deployed', 'ann', '2026-11-24T11:00:00Z'),
      ('hello', 'test', '1.0', 'normal', 'deployed', 'ann', '2026-11-24T10:00:00Z'),
      ('hello', 'test', '1.1', 'normal', 'failed', 'ann', '2026-11-24T11:00:00Z');
    INSERT INTO deploys (release_id, actor, status, batches, started_at) VALUES
      (1, 'ann', 'deployed', '100%', '2026-11-24T10:01:00Z'),
      (3, 'ann', 'deployed', '100%', '2026-11-24T10:02:00Z'),
      (2, 'ann', 'deployed', '100%', '2026-11-24T11:01:00Z'),
      (4, 'ann', 'failed', '100%', '2026-11-24T11:02:00Z');)") == "");
  auto store = open_sqlite_store(file, migrations());
  REQUIRE(store.has_value());
  CHECK(test::sql_value(file,
                        "SELECT group_concat(s, ', ') FROM (SELECT id || ' ' || status AS s "
                        "FROM releases ORDER BY id)") ==
        "1 replaced, 2 deployed, 3 deployed, 4 failed");
  // The wider rule holds at once, on the connection that migrated and on any other.
  auto marked = (*store)->write([](StoreTransaction& tx) -> Result<void> {
    auto r = tx.find_release(3);
    r->state = ReleaseState::replaced;
    tx.update_release(*r);
    return {};
  });
  CHECK(marked.has_value());
  CHECK(test::raw_sql(file, "UPDATE releases SET status = 'replaced' WHERE id = 2") == "");
  CHECK(test::raw_sql(file, "UPDATE releases SET status = 'gone' WHERE id = 2") != "");
  CHECK(test::sql_value(file, "PRAGMA integrity_check") == "ok");
}
