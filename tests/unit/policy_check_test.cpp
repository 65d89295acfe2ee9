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
        "prod normal: a release submitted by bob cannot be approved (too few other users "
        "qualify)");
}
