#include "ledger/ledger.hpp"

#include <doctest/doctest.h>

#include "audit/audit.hpp"
#include "test_folder.hpp"

using namespace beaver;

namespace {

const char* kPolicy = R"(timezone: UTC
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

// A ledger on a real SQLite file with a clock the test moves.
struct World {
  test::TestFolder dir;
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
    auto s = open_sqlite_store(dir.path() / "beaver.db",
                               test::source_dir() / "schemas/migrations/sqlite");
    REQUIRE(s.has_value());
    store = std::move(*s);
    auto p = parse_policy(policy_text, "policy.yaml", test::source_dir());
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

}  // namespace

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
  auto log = l.audit_log("ann");
  REQUIRE(log.has_value());
  std::vector<std::string> tail;
  for (size_t i = log->size() - 3; i < log->size(); ++i) tail.push_back((*log)[i].action);
  CHECK(tail ==
        std::vector<std::string>{"release.approve", "release.approval_expired", "release.approve"});
}

TEST_CASE("a refused approval changes nothing, not even the audit log") {
  World w;
  auto id = w.submit(true);
  auto l = w.ledger();
  auto before = l.audit_log("ann")->size();
  CHECK_FALSE(l.approve("bob", id, std::nullopt).has_value());
  CHECK_FALSE(l.approve("leo", id, std::nullopt).has_value());
  CHECK_FALSE(l.approve("nobody", id, std::nullopt).has_value());
  CHECK(l.audit_log("ann")->size() == before);
  CHECK(l.show("ann", id)->approvals.empty());
}

TEST_CASE("the policy in force is recorded once per distinct content") {
  World w;
  w.submit(true);
  w.submit(true);
  auto count_policy_entries = [&] {
    auto log = w.ledger().audit_log("ann");
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

TEST_CASE("a report over a small fixed history: every figure worked out by hand") {
  World w;
  auto l = w.ledger();
  REQUIRE(l.add_service("ann", "core-api", "core").has_value());
  auto submit = [&](const char* service, const char* env, const char* version,
                    std::optional<std::string> category) {
    SubmitRequest r{service,
                    env,
                    version,
                    std::nullopt,
                    category.has_value(),
                    category,
                    category ? std::optional<std::string>("urgent") : std::nullopt,
                    {},
                    {}};
    auto v = l.submit("bob", r);
    REQUIRE_MESSAGE(v.has_value(), v.error().message);
    return v->release.id;
  };
  Timestamp now = w.now;
  w.now = *parse_iso8601("2026-10-01T10:00:00Z");  // before the period: not counted
  submit("hello", "test", "0.9.0", std::nullopt);
  w.now = now;
  auto r1 = submit("hello", "prod", "1.0.0", std::nullopt);
  for (const char* who : {"dan", "dora", "lea"}) REQUIRE(l.approve(who, r1, std::nullopt));
  auto r2 = submit("hello", "prod", "1.0.1", "hotfix");
  REQUIRE(l.approve("lea", r2, std::nullopt));
  auto r3 = submit("hello", "prod", "1.0.2", "security");
  REQUIRE(l.reject("lea", r3, "not like this"));
  submit("hello", "test", "1.0.3", std::nullopt);
  auto r5 = submit("hello", "test", "1.0.4", std::nullopt);
  REQUIRE(l.cancel("bob", r5, std::nullopt));  // cancelled: not counted
  submit("core-api", "prod", "3.0.0", "hotfix");

  auto since = *parse_iso8601("2026-11-01T00:00:00Z"),
       until = *parse_iso8601("2026-12-01T00:00:00Z");
  auto r = l.report("ann", since, until, ReportBy::team);
  REQUIRE_MESSAGE(r.has_value(), r.error().message);
  CHECK(r->totals.releases == 5);
  CHECK(r->totals.normal == 2);
  CHECK(r->totals.emergency == 3);
  CHECK(r->totals.rollback == 0);
  CHECK(r->totals.rejected == 1);
  CHECK(r->totals.emergency_ratio() == doctest::Approx(0.6));
  REQUIRE(r->groups.size() == 2);
  CHECK(r->groups[0].key == "core");
  CHECK(r->groups[0].totals.releases == 1);
  CHECK(r->groups[0].totals.emergency == 1);
  CHECK(r->groups[1].key == "payments");
  CHECK(r->groups[1].totals.releases == 4);
  CHECK(r->groups[1].totals.emergency_ratio() == doctest::Approx(0.5));
  CHECK(r->emergency_by_category == std::map<std::string, int64_t>{{"hotfix", 2}, {"security", 1}});

  auto by_env = l.report("ann", since, until, ReportBy::env);
  REQUIRE(by_env->groups.size() == 2);
  CHECK(by_env->groups[0].key == "prod");
  CHECK(by_env->groups[0].totals.releases == 4);
  CHECK(by_env->groups[1].key == "test");
  CHECK(by_env->groups[1].totals.releases == 1);

  // The period is [since, until): a release submitted at `until` belongs to the next one.
  auto up_to_now = l.report("ann", since, w.now, ReportBy::none);
  CHECK(up_to_now->totals.releases == 0);
  auto empty = l.report("ann", until, until + std::chrono::hours(24), ReportBy::none);
  CHECK(empty->totals.releases == 0);
  CHECK(empty->totals.emergency_ratio() == 0.0);
  CHECK_FALSE(l.report("ann", until, since, ReportBy::none).has_value());
  CHECK_FALSE(report_by_from_string("fortnight").has_value());
}

TEST_CASE(
    "reports group by week, weekday and hour on the policy's clock (23:30 Sunday in Shanghai)") {
  std::string shanghai = kPolicy;
  shanghai.replace(shanghai.find("timezone: UTC"), 13, "timezone: Asia/Shanghai");
  World w(shanghai);
  auto l = w.ledger();
  auto submit_at = [&](const char* iso, const char* version) {
    w.now = *parse_iso8601(iso);
    SubmitRequest r{"hello", "test", version, std::nullopt, false, {}, {}, {}, {}};
    REQUIRE(l.submit("bob", r).has_value());
  };
  submit_at("2026-11-29T23:30:00+08:00", "1.0.0");  // Sunday night: ISO week 48
  submit_at("2026-11-30T00:30:00+08:00", "1.0.1");  // Monday 00:30 there, still Sunday in UTC
  auto since = *parse_iso8601("2026-11-23T00:00:00+08:00");
  auto until = *parse_iso8601("2026-12-07T00:00:00+08:00");
  auto keys = [&](ReportBy by) {
    auto r = l.report("ann", since, until, by);
    REQUIRE(r.has_value());
    std::vector<std::string> out;
    for (const auto& g : r->groups) out.push_back(fmt::format("{}={}", g.key, g.totals.releases));
    return out;
  };
  CHECK(keys(ReportBy::week) == std::vector<std::string>{"2026-W48=1", "2026-W49=1"});
  CHECK(keys(ReportBy::weekday) == std::vector<std::string>{"1 mon=1", "7 sun=1"});
  CHECK(keys(ReportBy::hour) == std::vector<std::string>{"00=1", "23=1"});
}
