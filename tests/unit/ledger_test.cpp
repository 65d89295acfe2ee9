#include "ledger/ledger.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "audit/audit.hpp"
#include "ledger_world.hpp"

using namespace beaver;
using beaver::test::kPolicy;
using beaver::test::World;

TEST_CASE("a two-step chain completes only when its last step does") {
  World w;
  auto id = w.submit();
  auto l = w.ledger();
  auto v = l.approve("dan", id, std::nullopt);
  REQUIRE(v.has_value());
  CHECK(v->release.state == ReleaseState::submitted);
  CHECK(v->waiting_for() == "step 1 of 2: 1 approval by a developer");
  CHECK(v->may_approve == std::vector<std::string>{"dora"});
  auto early = l.approve("lea", id, std::nullopt);
  REQUIRE_FALSE(early.has_value());
  CHECK(early.error().message.find("step 2 of release 1 is not open yet") == 0);
  REQUIRE(l.approve("dora", id, std::nullopt).has_value());
  v = l.show("ann", id);
  CHECK(v->waiting_for() == "step 2 of 2: 1 approval by a leader of team payments");
  CHECK(v->may_approve == std::vector<std::string>{"lea"});
  v = l.approve("lea", id, std::string("ship it"));
  REQUIRE(v.has_value());
  CHECK(v->release.state == ReleaseState::approved);
  CHECK(v->release.approved_at == w.now);
  CHECK(v->waiting_for().empty());
}

TEST_CASE("an expired approval must be given again, and the expiry is audited") {
  World w;
  auto id = w.submit(true);
  auto l = w.ledger();
  REQUIRE(l.approve("lea", id, std::nullopt)->release.state == ReleaseState::approved);
  w.now += std::chrono::hours(25);
  auto v = l.show("ann", id);
  CHECK(v->approval_expired);
  CHECK(v->counts == std::vector<bool>{false});
  CHECK(v->may_approve == std::vector<std::string>{"lea"});
  v = l.approve("lea", id, std::string("still needed"));
  REQUIRE_MESSAGE(v.has_value(), v.error().message);
  CHECK(v->release.state == ReleaseState::approved);
  CHECK_FALSE(v->approval_expired);
  CHECK(v->release.approved_at == w.now);
  auto log = l.audit_log("ann", std::nullopt);
  REQUIRE(log.has_value());
  std::vector<std::string> tail;
  for (size_t i = log->size() - 3; i < log->size(); ++i) tail.push_back((*log)[i].action);
  CHECK(tail ==
        std::vector<std::string>{"release.approve", "release.approval_expired", "release.approve"});
}

TEST_CASE("the audit log of one subject holds that subject's entries only") {
  World w;
  auto first = w.submit(true);
  auto second = w.submit(true);
  auto log = w.ledger().audit_log("ann", fmt::format("release/{}", second));
  REQUIRE(log.has_value());
  REQUIRE(log->size() == 1);
  CHECK(log->front().action == "release.submit");
  CHECK(log->front().subject == fmt::format("release/{}", second));
  CHECK(w.ledger().audit_log("ann", fmt::format("release/{}", first))->size() == 1);
}

TEST_CASE("a refused approval changes nothing, not even the audit log") {
  World w;
  auto id = w.submit(true);
  auto l = w.ledger();
  auto before = l.audit_log("ann", std::nullopt)->size();
  CHECK_FALSE(l.approve("bob", id, std::nullopt).has_value());
  CHECK_FALSE(l.approve("leo", id, std::nullopt).has_value());
  CHECK_FALSE(l.approve("nobody", id, std::nullopt).has_value());
  CHECK(l.audit_log("ann", std::nullopt)->size() == before);
  CHECK(l.show("ann", id)->approvals.empty());
}

TEST_CASE("the policy in force is recorded once per distinct content") {
  World w;
  w.submit(true);
  w.submit(true);
  auto count_policy_entries = [&] {
    auto log = w.ledger().audit_log("ann", std::nullopt);
    return std::count_if(log->begin(), log->end(),
                         [](const AuditEntry& e) { return e.action == "policy.changed"; });
  };
  CHECK(count_policy_entries() == 1);
  auto changed =
      parse_policy(std::string(kPolicy) + "# a comment\n", "policy.yaml", test::source_dir());
  REQUIRE(changed.has_value());
  w.policy = std::move(*changed);
  w.submit(true);
  CHECK(count_policy_entries() == 2);
}

TEST_CASE("a normal release at the weekend is refused with the next window, an emergency is not") {
  World w;
  w.now = *parse_iso8601("2026-11-28T12:00:00Z");  // Saturday
  auto l = w.ledger();
  auto r = l.submit("bob", {"hello", "prod", "1.0.1", std::nullopt, false, {}, {}, {}, {}});
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == ErrorKind::refused);
  CHECK(r.error().message.find("the next window opens Mon 2026-11-30 09:00 UTC") !=
        std::string::npos);
  CHECK(l.list("ann", {})->empty());
  CHECK(w.submit(true) == 1);
}

TEST_CASE("an environment without approvals approves on submit") {
  World w;
  auto v =
      w.ledger().submit("bob", {"hello", "test", "1.0.1", std::nullopt, false, {}, {}, {}, {}});
  REQUIRE(v.has_value());
  CHECK(v->release.state == ReleaseState::approved);
}

TEST_CASE("an emergency owes its review after the deadline until it is written") {
  World w;
  auto id = w.submit(true);
  auto l = w.ledger();
  REQUIRE(l.approve("lea", id, std::nullopt).has_value());
  ReleaseQuery owing;
  owing.owing_review = true;
  CHECK(l.list("ann", owing)->empty());
  w.now += std::chrono::hours(48) + std::chrono::seconds(1);
  CHECK(l.list("ann", owing)->size() == 1);
  CHECK(l.show("ann", id)->owing_review);
  CHECK_FALSE(l.review("leo", id, "not my team").has_value());
  REQUIRE(l.review("lea", id, "root cause fixed").has_value());
  CHECK(l.list("ann", owing)->empty());
  auto again = l.review("bob", id, "twice");
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().kind == ErrorKind::conflict);
}

TEST_CASE("a stand-in approves for someone away, counted as theirs, while the delegation holds") {
  World w;
  auto l = w.ledger();
  auto d = l.delegate("lea", "lea", "leo", w.now + std::chrono::hours(24), "on leave");
  REQUIRE_MESSAGE(d.has_value(), d.error().message);
  int64_t id = w.submit(true);  // an emergency: a leader of payments; leo is in core
  auto shown = l.show("ann", id);
  REQUIRE(shown);
  CHECK(shown->may_approve == std::vector<std::string>{"lea", "leo"});
  CHECK(shown->stand_ins == std::vector<std::string>{"leo for lea"});
  auto v = l.approve("leo", id, std::nullopt);
  REQUIRE_MESSAGE(v.has_value(), v.error().message);
  CHECK(v->release.state == ReleaseState::approved);
  REQUIRE(v->approvals.size() == 1);
  CHECK(v->approvals[0].approver_text() == "leo for lea");
  CHECK(v->chain.steps[0].approvers == std::vector<std::string>{"lea"});

  // One person counts once, in their own right or as a stand-in.
  REQUIRE(l.delegate("ann", "dan", "dora", w.now + std::chrono::hours(24), std::nullopt));
  int64_t normal = w.submit();
  REQUIRE(l.approve("dora", normal, std::nullopt));
  auto twice = l.approve("dora", normal, std::nullopt);
  REQUIRE_FALSE(twice.has_value());
  CHECK(twice.error().message.find("dora already approved") != std::string::npos);
  REQUIRE(l.approve("dan", normal, std::nullopt));

  // Ended: leo approves nothing for lea any more.
  w.now += std::chrono::hours(25);
  int64_t later = w.submit(true);
  CHECK(l.show("ann", later)->may_approve == std::vector<std::string>{"lea"});
  CHECK_FALSE(l.approve("leo", later, std::nullopt).has_value());
  // A new one, revoked: the same.
  auto again = l.delegate("ann", "lea", "leo", w.now + std::chrono::hours(1), std::nullopt);
  REQUIRE(again);
  REQUIRE(l.revoke_delegation("leo", again->id));
  CHECK_FALSE(l.approve("leo", later, std::nullopt).has_value());
  CHECK(l.list_delegations("bob", std::nullopt, false)->empty());
  CHECK(l.list_delegations("bob", std::string("lea"), true)->size() == 2);
}

TEST_CASE("the last admin keeps the admin role") {
  World w;
  auto l = w.ledger();
  auto r = l.update_user("ann", {"ann", "platform", {Role::ops}});
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().message == "ann is the last admin and keeps the admin role");
  REQUIRE(l.update_user("ann", {"bob", "payments", {Role::developer, Role::leader}}).has_value());
  auto users = l.list_users("ann");
  auto bob =
      std::find_if(users->begin(), users->end(), [](const User& u) { return u.name == "bob"; });
  CHECK(bob->roles == std::vector<Role>{Role::developer, Role::leader});
}

TEST_CASE("a user's e-mail address is checked, kept by an update without one, and removable") {
  World w;
  auto l = w.ledger();
  auto user = [&](const std::string& name) {
    auto users = l.list_users("ann");
    return *std::find_if(users->begin(), users->end(),
                         [&](const User& u) { return u.name == name; });
  };
  REQUIRE(l.add_user("ann", {"eve", "core", {Role::ops}, "eve@example.com"}).has_value());
  CHECK(user("eve").email == "eve@example.com");
  REQUIRE(l.update_user("ann", {"eve", "core", {Role::ops, Role::leader}}).has_value());
  CHECK(user("eve").email == "eve@example.com");
  REQUIRE(l.update_user("ann", {"eve", "core", {Role::ops}, "e.v-e+ops@mail.example.com"}));
  CHECK(user("eve").email == "e.v-e+ops@mail.example.com");
  REQUIRE(l.update_user("ann", {"eve", "core", {Role::ops}, ""}).has_value());
  CHECK_FALSE(user("eve").email.has_value());
  for (const char* bad : {"eve", "eve@", "@example.com", "eve smith@example.com",
                          "eve@example.com\nRCPT TO:<x@y>", "a@b.com,c@d.com", "Eve <e@x.com>",
                          "eve..x@example.com", "eve@-example.com", "eve@example..com"}) {
    auto r = l.add_user("ann", {"fay", "core", {Role::ops}, std::string(bad)});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == ErrorKind::bad_input);
    CHECK(r.error().message.find("is not an e-mail address") != std::string::npos);
  }
}

TEST_CASE(
    "chat ids are checked, set and removed one kind at a time, and an update keeps the rest") {
  World w;
  auto l = w.ledger();
  auto user = [&](const std::string& name) {
    auto users = l.list_users("ann");
    return *std::find_if(users->begin(), users->end(),
                         [&](const User& u) { return u.name == name; });
  };
  REQUIRE(l.add_user("ann", {"eve", "core", {Role::leader}, std::nullopt, {"wecom:eve.li"}}));
  CHECK(user("eve").im == std::vector<ImId>{{"wecom", "eve.li"}});
  // Only chat ids given: the team, roles and the other kind are kept; kinds come out sorted.
  REQUIRE(l.update_user("ann", {"eve", "", {}, std::nullopt, {"dingtalk:13800138000"}}));
  auto eve = user("eve");
  CHECK(eve.team == "core");
  CHECK(eve.roles == std::vector<Role>{Role::leader});
  CHECK(eve.im == std::vector<ImId>{{"dingtalk", "13800138000"}, {"wecom", "eve.li"}});
  CHECK(eve.im_id("wecom") == "eve.li");
  REQUIRE(l.update_user("ann", {"eve", "", {}, std::nullopt, {"wecom:"}}));
  CHECK(user("eve").im == std::vector<ImId>{{"dingtalk", "13800138000"}});
  for (const char* bad :
       {"wecom", "msn:eve", "wecom:eve li", "wecom:<@all>", "feishu:a;b", "slack:U1\nU2"}) {
    auto r = l.update_user("ann", {"eve", "", {}, std::nullopt, {bad}});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == ErrorKind::bad_input);
    CHECK(r.error().message.find("chat id") != std::string::npos);
  }
  CHECK(user("eve").im == std::vector<ImId>{{"dingtalk", "13800138000"}});
  auto nothing = l.update_user("ann", {"eve", "", {}});
  REQUIRE_FALSE(nothing.has_value());
  CHECK(nothing.error().message.starts_with("nothing to change for user eve"));
}

TEST_CASE("a release whose approvals meet a loosened policy is approved, not stranded") {
  World w;
  auto id = w.submit();
  auto l = w.ledger();
  REQUIRE(l.approve("dan", id, std::nullopt).has_value());
  std::string loosened = kPolicy;
  loosened.replace(loosened.find("approvals: [{role: developer, count: 2}, {role: leader, "
                                 "same_team: true}]"),
                   std::string("approvals: [{role: developer, count: 2}, {role: leader, "
                               "same_team: true}]")
                       .size(),
                   "approvals: [{role: developer, count: 1}]");
  auto p = parse_policy(loosened, "policy.yaml", test::source_dir());
  REQUIRE_MESSAGE(p.has_value(), p.error().message);
  w.policy = std::move(*p);
  CHECK(l.show("ann", id)->waiting_for().empty());
  auto v = l.approve("dora", id, std::nullopt);
  REQUIRE_MESSAGE(v.has_value(), v.error().message);
  CHECK(v->release.state == ReleaseState::approved);
  CHECK(v->approvals.size() == 1);
}

TEST_CASE("a release for an environment the policy dropped cannot be approved") {
  World w;
  auto id = w.submit();
  std::string dropped = kPolicy;
  dropped.replace(dropped.find("  prod:"), dropped.find("  test:") - dropped.find("  prod:"), "");
  auto p = parse_policy(dropped, "policy.yaml", test::source_dir());
  REQUIRE_MESSAGE(p.has_value(), p.error().message);
  w.policy = std::move(*p);
  auto v = w.ledger().approve("dan", id, std::nullopt);
  REQUIRE_FALSE(v.has_value());
  CHECK(v.error().message ==
        "release 1 is for environment prod, which the policy no longer has; it cannot be "
        "approved");
}

TEST_CASE(
    "writers on connections of their own at once: each submission lands once, the chain holds") {
  // On SQLite four connections to one file; on PostgreSQL (unit_postgresql) four sessions of one
  // database, as several servers would write.
  test::World w;
  auto before = verify_audit(*w.store, std::nullopt);
  REQUIRE(before.has_value());
  constexpr int kWriters = 4, kEach = 15;
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i)
    writers.emplace_back([&w, &failures, i] {
      auto store = w.open_again();
      if (!store) {
        ++failures;
        return;
      }
      Ledger l(**store, w.clock, &w.policy, notification_outbox());
      for (int n = 0; n < kEach; ++n) {
        SubmitRequest r;
        r.service = "hello";
        r.env = "test";
        r.version = fmt::format("{}.{}.0", i, n);
        if (!l.submit("bob", r)) ++failures;
      }
    });
  for (auto& t : writers) t.join();
  CHECK(failures == 0);
  ReleaseQuery all;
  all.limit = 1000;
  auto releases = w.ledger().list("ann", all);
  REQUIRE(releases.has_value());
  CHECK(releases->size() == kWriters * kEach);
  std::set<std::string> versions;
  for (const auto& r : *releases) versions.insert(r.version);
  CHECK(versions.size() == kWriters * kEach);
  auto after = verify_audit(*w.store, std::nullopt);
  REQUIRE(after.has_value());
  CHECK(after->whole());
  // One entry per submission, and one for the policy in force, recorded by the first of them.
  CHECK(after->entries == before->entries + kWriters * kEach + 1);
}

namespace {

// After a failed unit that wrote the service "half-done": the next unit adds "next", alone.
void next_one_stands_alone(test::World& w) {
  REQUIRE(w.ledger().add_service("ann", "next", "payments").has_value());
  REQUIRE(w.store
              ->read([&](StoreTransaction& tx) -> Result<void> {
                CHECK_FALSE(tx.find_service("half-done").has_value());
                CHECK(tx.find_service("next").has_value());
                return {};
              })
              .has_value());
}

}  // namespace

TEST_CASE("a write the database refuses fails its whole unit, even when it is its last") {
  // PostgreSQL's store sends a write nothing reads with the unit's next statement or its commit:
  // the refusal must still fail the unit, undo its earlier writes, and leave the store usable.
  test::World w;
  // A service, then an approval of a release that does not exist.
  auto half_done = [&](StoreTransaction& tx) {
    tx.insert_service(Service{"half-done", "payments", w.now});
    tx.insert_approval(Approval{999999, "ann", 0, "leader", "release/999999", {}, w.now});
  };
  auto refused = w.store->write([&](StoreTransaction& tx) -> Result<void> {
    half_done(tx);
    return {};
  });
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().kind == ErrorKind::internal);
  // Another connection writes at once: the failed unit holds nothing (no lock, no write).
  auto other = w.open_again();
  REQUIRE_MESSAGE(other.has_value(), other.error().message);
  auto elsewhere = Ledger(**other, w.clock, &w.policy, notification_outbox())
                       .add_service("ann", "other", "payments");
  REQUIRE_MESSAGE(elsewhere.has_value(), elsewhere.error().message);
  auto refused_before_read = w.store->write([&](StoreTransaction& tx) -> Result<void> {
    half_done(tx);
    try {
      tx.list_services();  // on PostgreSQL, the refusal is thrown here
    } catch (const std::exception&) {
      // A unit that swallows a database error has still failed.
    }
    return {};
  });
  CHECK_FALSE(refused_before_read.has_value());
  next_one_stands_alone(w);
  auto chain = verify_audit(*w.store, std::nullopt);
  REQUIRE(chain.has_value());
  CHECK(chain->whole());
}

TEST_CASE("a unit of work that throws leaves nothing behind, and the next one runs on its own") {
  test::World w;
  CHECK_THROWS_AS(w.store->write([&](StoreTransaction& tx) -> Result<void> {
    tx.insert_service(Service{"half-done", "payments", w.now});
    throw std::runtime_error("not a database error");
  }),
                  std::runtime_error);
  next_one_stands_alone(w);
}

TEST_CASE(
    "the open releases are the submitted and approved ones, newest first, read without a "
    "policy") {
  World w;
  auto waiting = w.submit();
  auto approved = w.submit(true);
  REQUIRE(w.ledger().approve("lea", approved, std::nullopt).has_value());
  auto cancelled = w.submit();
  REQUIRE(w.ledger().cancel("bob", cancelled, std::nullopt).has_value());
  auto deployed = w.submit(true);
  REQUIRE(w.ledger().approve("lea", deployed, std::nullopt).has_value());
  REQUIRE(w.store
              ->write([&](StoreTransaction& tx) -> Result<void> {
                auto r = tx.find_release(deployed);
                r->state = ReleaseState::deployed;
                tx.update_release(*r);
                return {};
              })
              .has_value());
  Ledger without_policy(*w.store, w.clock, nullptr, notification_outbox());
  auto open = without_policy.open_releases("bob", 10);
  REQUIRE_MESSAGE(open.has_value(), open.error().message);
  std::vector<int64_t> ids;
  for (const auto& r : *open) ids.push_back(r.id);
  CHECK(ids == std::vector<int64_t>{approved, waiting});
  CHECK(without_policy.open_releases("bob", 1)->size() == 1);
  CHECK_FALSE(without_policy.open_releases("nobody", 10).has_value());
}
