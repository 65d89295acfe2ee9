#pragma once
// A ledger on a real SQLite file in a temporary folder, with a policy, a clock the test moves,
// and a few users and a service: the world the ledger and report tests act in.

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <tuple>

#include "ledger/ledger.hpp"
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
    auto s =
        open_sqlite_store(dir.path() / "beaver.db", source_dir() / "schemas/migrations/sqlite");
    REQUIRE(s.has_value());
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

  Ledger ledger() { return Ledger(*store, clock, &policy); }

  int64_t submit(bool emergency = false) {
    SubmitRequest r{"hello",      "prod", "1.0.0", std::nullopt, emergency, std::nullopt,
                    std::nullopt, {},     {}};
    if (emergency) {
      r.category = "hotfix";
      r.reason = "broken";
    }
    auto v = ledger().submit("bob", r);
    REQUIRE_MESSAGE(v.has_value(), v.error().message);
    return v->release.id;
  }
};

}  // namespace beaver::test
