#pragma once
// A ledger on a real SQLite file in a temporary folder, with a policy, a clock the test moves,
// and a few users and a service: the world the ledger and report tests act in. With
// BEAVER_TEST_POSTGRESQL set to a superuser's URL (tests/integration/unit_postgresql.sh starts a
// real server), each world's ledger is instead a new database of that server.

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "ledger/ledger.hpp"
#include "notify/notify_queue.hpp"
#include "store/pg_store.hpp"
#include "test_folder.hpp"

namespace beaver::test {

inline const char* kPolicy = R"(timezone: UTC
approval_expires: 24h
review_deadline: 48h
environments:
  prod:
    windows: [{days: [mon, tue, wed, thu, fri], from: "09:00", to: "18:00"}]
    normal:
      approvals: [{role: developer, count: 2}, {role: leader, same_team: true}]
    emergency:
      approvals: [{role: leader, same_team: true}]
  test:
    normal: {approvals: []}
    emergency: {approvals: []}
)";

// Users: ann (admin, platform); bob, dan, dora (developers, payments); lea (leader, payments);
// leo (leader, core). Service: hello (payments).
struct World {
  TestFolder dir;
  std::unique_ptr<Store> store;
  std::optional<DatabaseUrl> database;  // on PostgreSQL
  // Shared by this world's stores on PostgreSQL, as by a server's: writers that meet write in
  // one transaction (pg_store.cpp).
  std::shared_ptr<PgWriteBatches> batches = make_pg_write_batches();
  Policy policy;
  Timestamp now = *parse_iso8601("2026-11-24T10:00:00Z");  // a Tuesday

  class MovableClock : public Clock {
   public:
    explicit MovableClock(const Timestamp& t) : t_(t) {}
    Timestamp now() const override { return t_; }

   private:
    const Timestamp& t_;
  } clock{now};

  World() : World(kPolicy) {}
  explicit World(const std::string& policy_text) {
    if (postgresql_admin() != nullptr) database = new_postgresql_database();
    auto s = open_again();
    REQUIRE_MESSAGE(s.has_value(), s.error().message);
    store = std::move(*s);
    auto p = parse_policy(policy_text, "policy.yaml", source_dir());
    REQUIRE_MESSAGE(p.has_value(), p.error().message);
    policy = std::move(*p);
    auto l = ledger();
    REQUIRE(l.add_user("ann", {"ann", "platform", {Role::admin}}).has_value());
    for (auto [name, team, role] : {std::tuple{"bob", "payments", Role::developer},
                                    {"dan", "payments", Role::developer},
                                    {"dora", "payments", Role::developer},
                                    {"lea", "payments", Role::leader},
                                    {"leo", "core", Role::leader}})
      REQUIRE(l.add_user("ann", {name, team, {role}}).has_value());
    REQUIRE(l.add_service("ann", "hello", "payments").has_value());
  }

  Ledger ledger() { return Ledger(*store, clock, &policy, notification_outbox()); }

  // Another store on this world's ledger, as a second process or thread would open it.
  Result<std::unique_ptr<Store>> open_again() const {
    if (database)
      return open_postgresql_store(*database, source_dir() / "schemas/migrations", batches);
    return open_sqlite_store(dir.path() / "beaver.db", source_dir() / "schemas/migrations/sqlite");
  }

  // Runs `run(store, i)` for each i below n on n threads, each with a store of its own on this
  // ledger (as n connections of a server would have), let go at the same moment; returns once
  // all are done.
  void at_once(int n, const std::function<void(Store&, int)>& run) const {
    std::vector<std::unique_ptr<Store>> stores;
    for (int i = 0; i < n; ++i) {
      auto s = open_again();
      REQUIRE_MESSAGE(s.has_value(), s.error().message);
      stores.push_back(std::move(*s));
    }
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i)
      threads.emplace_back([&, i] {
        ++ready;
        while (ready.load() < n) std::this_thread::yield();
        run(*stores[i], i);
      });
    for (auto& t : threads) t.join();
  }

  static const char* postgresql_admin() {
    const char* url = std::getenv("BEAVER_TEST_POSTGRESQL");
    return url != nullptr && *url != '\0' ? url : nullptr;
  }

  // A new, empty database on the test server, named after this process and a counter.
  static DatabaseUrl new_postgresql_database() {
    static int count = 0;
    auto admin = parse_database_url(postgresql_admin());
    REQUIRE_MESSAGE(admin.has_value(), admin.error().message);
    auto url = create_postgresql_database(*admin, fmt::format("world_{}_{}", getpid(), ++count));
    REQUIRE_MESSAGE(url.has_value(), url.error().message);
    return *url;
  }

  // A release of hello to prod: 1.0.0 first, then 1.0.1, ..., as a second open release of one
  // version is refused.
  int64_t submit(bool emergency = false) {
    SubmitRequest r{"hello",      "prod",    fmt::format("1.0.{}", submitted++),
                    std::nullopt, emergency, std::nullopt,
                    std::nullopt, {},        {}};
    if (emergency) {
      r.category = "hotfix";
      r.reason = "broken";
    }
    auto v = ledger().submit("bob", r);
    REQUIRE_MESSAGE(v.has_value(), v.error().message);
    return v->release.id;
  }
  int submitted = 0;
};

}  // namespace beaver::test
