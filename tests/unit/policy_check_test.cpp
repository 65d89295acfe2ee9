#include "policy/policy_check.hpp"

#include <doctest/doctest.h>

using namespace beaver;

namespace {

Policy policy_with(std::vector<ApprovalRule> normal) {
  Policy p;
  EnvironmentPolicy env;
  env.name = "prod";
  env.normal = std::move(normal);
  p.environments.emplace("prod", env);
  return p;
}

User user(const char* name, const char* team, std::vector<Role> roles) {
  return User{name, team, std::move(roles), {}};
}

const std::vector<Service> kServices{{"hello", "payments", {}}};

}  // namespace

TEST_CASE("a chain the registered users can meet, whoever submits, gives no warning") {
  auto p = policy_with({{Role::developer, 1, false}, {Role::leader, 1, true}});
  std::vector<User> users{
      user("bob", "payments", {Role::developer}), user("dan", "payments", {Role::developer}),
      user("lea", "payments", {Role::leader}), user("lia", "payments", {Role::leader})};
  CHECK(unmeetable_rules(p, users, kServices).empty());
}

TEST_CASE("a step with too few qualified people is named") {
  auto p = policy_with({{Role::leader, 2, true}});
  std::vector<User> users{user("lea", "payments", {Role::leader}),
                          user("leo", "core", {Role::leader})};
  auto w = unmeetable_rules(p, users, kServices);
  REQUIRE(w.size() == 1);
  CHECK(w[0] ==
        "prod normal for team payments: step 1 needs 2 distinct leaders of team payments, but 1 "
        "registered user qualifies");
}

TEST_CASE("two steps that only one person could fill are caught, since one person counts once") {
  auto p = policy_with({{Role::leader, 1, false}, {Role::leader, 1, false}});
  std::vector<User> users{user("lea", "payments", {Role::leader}),
                          user("ops", "platform", {Role::ops})};
  auto w = unmeetable_rules(p, users, kServices);
  REQUIRE(w.size() == 1);
  CHECK(w[0].find("no set of distinct users can meet every step") != std::string::npos);
}

TEST_CASE("the submitters whose own releases would be stuck are named") {
  auto p = policy_with({{Role::developer, 1, false}});
  std::vector<User> users{user("bob", "payments", {Role::developer}),
                          user("olga", "platform", {Role::ops})};
  auto w = unmeetable_rules(p, users, kServices);
  REQUIRE(w.size() == 1);
  CHECK(w[0] ==
        "prod normal: a release submitted by bob cannot be approved: step 1 needs 1 developer, "
        "and nobody else qualifies");
}

namespace {

Policy policy_with_rollback(std::vector<ApprovalRule> rollback) {
  Policy p = policy_with({{Role::developer, 1, false}});
  auto& env = p.environments.at("prod");
  env.emergency = {{Role::leader, 1, false}};
  env.rollback = std::move(rollback);
  return p;
}

const std::vector<User> kTeam{
    user("bob", "payments", {Role::developer}), user("dan", "payments", {Role::developer}),
    user("lea", "payments", {Role::leader}), user("leo", "core", {Role::leader}),
    user("olga", "platform", {Role::ops})};

}  // namespace

TEST_CASE("the only ops user's own rollback is named, since ops submit rollbacks") {
  auto w = unmeetable_rules(policy_with_rollback({{Role::ops, 1, false}}), kTeam, kServices);
  REQUIRE(w.size() == 1);
  CHECK(w[0] ==
        "prod rollback: a release submitted by olga cannot be approved: step 1 needs 1 ops, and "
        "nobody else qualifies");
}

TEST_CASE(
    "a rollback chain that is the emergency chain names only who rolls back and nothing "
    "else") {
  auto p = policy_with_rollback({{Role::leader, 1, false}});
  auto& env = p.environments.at("prod");
  env.emergency = {{Role::leader, 1, true}};
  env.rollback = env.emergency;
  auto stuck = stuck_chains(p, kTeam, kServices);
  // lea is the only leader of payments: her emergency and her rollback are one finding; olga's
  // rollback can be approved by lea.
  REQUIRE(stuck.size() == 1);
  CHECK(stuck[0].type == ReleaseType::emergency);
  CHECK(stuck[0].submitters == std::vector<std::string>{"lea"});
}

TEST_CASE("a change of roles that strands a release is caught, one that changes nothing is not") {
  auto p = policy_with_rollback({{Role::ops, 1, false}});
  auto two_ops = kTeam;
  two_ops.push_back(user("oleg", "platform", {Role::ops}));
  auto one_ops = two_ops;
  one_ops.back().roles = {Role::developer};
  auto stuck = newly_stuck(p, two_ops, one_ops, kServices);
  REQUIRE(stuck);
  CHECK(stuck->type == ReleaseType::rollback);
  CHECK(stuck->submitters == std::vector<std::string>{"olga"});
  CHECK_FALSE(newly_stuck(p, two_ops, two_ops, kServices));
  // Giving the role to the first of its holders helps, even if that holder's own rollback is
  // then stuck: before, nobody's could be approved.
  auto no_ops = kTeam;
  no_ops.back().roles = {Role::developer};
  CHECK_FALSE(newly_stuck(p, no_ops, kTeam, kServices));
}

TEST_CASE("a user of a team that may not submit to the service is not counted as a submitter") {
  auto p = policy_with({{Role::leader, 1, false}});
  // leo, the only leader, is of team core, which does not submit releases of hello (team
  // payments): his own release of it cannot happen, so it cannot be stuck.
  std::vector<User> users{user("leo", "core", {Role::leader}),
                          user("bob", "payments", {Role::developer}),
                          user("dan", "payments", {Role::developer})};
  CHECK(unmeetable_rules(p, users, kServices).empty());
}
