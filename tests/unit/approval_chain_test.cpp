#include "policy/approval_chain.hpp"

#include <doctest/doctest.h>

using namespace beaver;

namespace {

User user(const char* name, const char* team, std::vector<Role> roles) {
  return User{name, team, std::move(roles), {}};
}

Release release_by(const char* submitter) {
  Release r;
  r.id = 42;
  r.service = "hello-service";
  r.env = "prod";
  r.version = "1.4.2";
  r.submitter = submitter;
  return r;
}

Approval approval(const Release& r, const char* who, int step, Role role, Timestamp at = {}) {
  return Approval{r.id,         who, step, std::string(to_string(role)), approval_binding(r),
                  std::nullopt, at};
}

}  // namespace

TEST_CASE("who may approve one step: roles, same team and the submitter") {
  struct Case {
    const char* what;
    ApprovalRule rule;
    User approver;
    bool allowed;
  };
  const Case cases[] = {
      {"a developer meets a developer rule",
       {Role::developer, 1, false},
       user("dan", "payments", {Role::developer}),
       true},
      {"an ops person does not meet a developer rule",
       {Role::developer, 1, false},
       user("olga", "payments", {Role::ops}),
       false},
      {"a leader of the service's team meets a same-team leader rule",
       {Role::leader, 1, true},
       user("lea", "payments", {Role::leader}),
       true},
      {"a leader of another team does not meet a same-team leader rule",
       {Role::leader, 1, true},
       user("leo", "core", {Role::leader}),
       false},
      {"a leader of another team meets a leader rule without same team",
       {Role::leader, 1, false},
       user("leo", "core", {Role::leader}),
       true},
      {"the submitter never meets a rule, whatever their roles",
       {Role::developer, 1, false},
       user("sam", "payments", {Role::developer, Role::leader}),
       false},
      {"one of several roles is enough",
       {Role::ops, 1, false},
       user("mia", "core", {Role::developer, Role::ops}),
       true},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    auto why = why_not_eligible(c.rule, c.approver, "payments", "sam");
    CHECK(!why.has_value() == c.allowed);
  }
}

TEST_CASE("a chain's steps are met in order and it is complete when its last step is") {
  auto r = release_by("sam");
  std::vector<ApprovalRule> chain{{Role::developer, 2, false}, {Role::leader, 1, true}};
  auto s = evaluate_chain(chain, {});
  CHECK(s.open_step == 0u);
  s = evaluate_chain(chain, {approval(r, "dan", 0, Role::developer)});
  CHECK(s.open_step == 0u);
  CHECK(s.steps[0].missing() == 1);
  s = evaluate_chain(
      chain, {approval(r, "dan", 0, Role::developer), approval(r, "dora", 0, Role::developer)});
  CHECK(s.open_step == 1u);
  s = evaluate_chain(
      chain, {approval(r, "dan", 0, Role::developer), approval(r, "dora", 0, Role::developer),
              approval(r, "lea", 1, Role::leader)});
  CHECK(s.complete());
}

TEST_CASE("an approval for a step that is not open yet is refused, naming what is awaited") {
  auto r = release_by("sam");
  std::vector<ApprovalRule> chain{{Role::developer, 1, false}, {Role::leader, 1, true}};
  auto s = evaluate_chain(chain, {});
  auto lea = user("lea", "payments", {Role::leader});
  auto step = approval_step_for(r, s, lea, "payments");
  REQUIRE_FALSE(step.has_value());
  CHECK(step.error().kind == ErrorKind::refused);
  CHECK(step.error().message ==
        "step 2 of release 42 is not open yet: step 1 still needs 1 approval by a developer");
  auto dan = user("dan", "payments", {Role::developer});
  CHECK(approval_step_for(r, s, dan, "payments") == 0u);
}

TEST_CASE("one person counts toward one step only") {
  auto r = release_by("sam");
  std::vector<ApprovalRule> chain{{Role::developer, 1, false}, {Role::leader, 1, false}};
  auto both = user("bo", "payments", {Role::developer, Role::leader});
  auto s = evaluate_chain(chain, {approval(r, "bo", 0, Role::developer)});
  REQUIRE(s.open_step == 1u);
  auto again = approval_step_for(r, s, both, "payments");
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().message.find("already approved") != std::string::npos);
}

TEST_CASE("a self-approval is refused before anything else") {
  auto r = release_by("sam");
  auto s = evaluate_chain({{Role::leader, 1, false}}, {});
  auto sam = user("sam", "payments", {Role::leader});
  auto step = approval_step_for(r, s, sam, "payments");
  REQUIRE_FALSE(step.has_value());
  CHECK(step.error().message == "sam submitted release 42; someone else must approve it");
}

TEST_CASE("a leader of another team is told the step wants the service's team") {
  auto r = release_by("sam");
  auto s = evaluate_chain({{Role::leader, 1, true}}, {});
  auto step = approval_step_for(r, s, user("leo", "core", {Role::leader}), "payments");
  REQUIRE_FALSE(step.has_value());
  CHECK(step.error().message ==
        "leo cannot approve release 42: step 1 needs 1 approval by a leader of team payments, "
        "and leo is in team core; the step wants a leader of team payments");
}

TEST_CASE("approvals expire and stop counting when what was approved changes") {
  auto r = release_by("sam");
  Timestamp t0 = *parse_iso8601("2026-11-24T10:00:00Z");
  std::vector<Approval> all{approval(r, "dan", 0, Role::developer, t0)};
  auto ttl = std::chrono::hours(72);
  CHECK(live_approvals(r, all, t0 + std::chrono::hours(71), ttl).size() == 1);
  CHECK(live_approvals(r, all, t0 + std::chrono::hours(72), ttl).empty());
  Release changed = r;
  changed.package_sha256 = std::string(64, 'b');
  CHECK(live_approvals(changed, all, t0, ttl).empty());
}

TEST_CASE("an approval given for another role does not count once the policy changes") {
  auto r = release_by("sam");
  // Given under a chain [developer, leader]; the policy now asks [leader, developer].
  std::vector<Approval> given{approval(r, "dan", 0, Role::developer)};
  auto s = evaluate_chain({{Role::leader, 1, false}, {Role::developer, 1, false}}, given);
  CHECK(s.open_step == 0u);
  CHECK(s.steps[0].approvers.empty());
}

TEST_CASE("a role named in a sentence gets the article it is said with") {
  CHECK(with_article("developer") == "a developer");
  CHECK(with_article("leader") == "a leader");
  CHECK(with_article("manager") == "a manager");
  CHECK(with_article("ops") == "an ops");
  CHECK(with_article("admin") == "an admin");
  CHECK(with_article(roles_text({Role::ops, Role::admin})) == "an ops+admin");
  CHECK(plural("developer") == "developers");
  CHECK(plural("ops") == "ops");
  auto r = release_by("sam");
  auto ops = evaluate_chain({{Role::ops, 1, false}}, {});
  CHECK(describe_need(ops.steps[0], "payments") == "1 approval by an ops");
  auto step = approval_step_for(r, ops, user("dan", "payments", {Role::developer}), "payments");
  REQUIRE_FALSE(step.has_value());
  CHECK(step.error().message ==
        "dan cannot approve release 42: step 1 needs 1 approval by an ops, and dan is not an ops "
        "(roles: developer)");
  auto admins = evaluate_chain({{Role::admin, 2, true}}, {});
  CHECK(describe_need(admins.steps[0], "payments") ==
        "2 approvals by distinct admins of team payments");
}
