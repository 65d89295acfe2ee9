#include <doctest/doctest.h>

#include <string>

#include "policy/policy.hpp"
#include "test_folder.hpp"

using namespace beaver;
using beaver::test::TestFolder;

namespace {

const std::filesystem::path kDataDir = BEAVER_SOURCE_DATA_DIR;

// Environments every test file needs, so each test varies one thing.
const std::string kEnvs =
    "environments:\n"
    "  prod:\n"
    "    normal: {approvals: [{role: developer}]}\n"
    "    emergency: {approvals: [{role: leader}]}\n";

// Writes `text` as policy.yaml in `folder` and loads it.
Result<Policy> load_text(const TestFolder& folder, const std::string& text) {
  auto file = folder.path() / "policy.yaml";
  beaver::test::write_file(file, text);
  return load_policy(file, kDataDir);
}

// The error message with the folder stripped, so tests can compare "policy.yaml:L:C: ...".
std::string error_of(const TestFolder& folder, const Result<Policy>& p) {
  REQUIRE_FALSE(p.has_value());
  CHECK(p.error().kind == ErrorKind::bad_input);
  std::string m = p.error().message;
  std::string prefix = (folder.path() / "").string();
  if (m.rfind(prefix, 0) == 0) m.erase(0, prefix.size());
  return m;
}

}  // namespace

TEST_CASE("the example policy loads with the values it documents") {
  auto p = load_policy(kDataDir / "examples" / "policy.yaml", kDataDir);
  REQUIRE_MESSAGE(p.has_value(), p.error().message);
  CHECK(p->zone->name() == "Asia/Shanghai");
  CHECK(p->night.from == 22 * 60);
  CHECK(p->night.to == 7 * 60);
  CHECK(p->review_deadline == std::chrono::hours(72));
  CHECK(p->approval_expires == std::chrono::hours(72));
  CHECK(p->emergency_categories ==
        std::vector<std::string>{"hotfix", "security", "data-fix", "regulatory"});
  CHECK(p->sha256.size() == 64);
  CHECK(!p->content.empty());

  auto prod = p->environment("prod");
  REQUIRE(prod.has_value());
  const EnvironmentPolicy& env = **prod;
  CHECK(env.zone == p->zone);
  REQUIRE(env.windows.size() == 1);
  CHECK(env.windows[0].days == std::array<bool, 7>{false, true, true, true, true, false, false});
  CHECK(env.windows[0].span.from == 10 * 60);
  CHECK(env.windows[0].span.to == 17 * 60);
  REQUIRE(env.freezes.size() == 1);
  CHECK(env.freezes[0].reason == "National Day");
  CHECK(env.freezes[0].to - env.freezes[0].from == std::chrono::days(8));
  REQUIRE(env.normal.size() == 1);
  CHECK(env.normal[0].role == Role::developer);
  REQUIRE(env.chain_for(ReleaseType::emergency).size() == 1);
  CHECK(env.chain_for(ReleaseType::emergency)[0].role == Role::leader);
  CHECK(env.chain_for(ReleaseType::emergency)[0].same_team);
  CHECK(env.chain_for(ReleaseType::rollback)[0].role == Role::ops);

  auto test_env = p->environment("test");
  REQUIRE(test_env.has_value());
  CHECK((*test_env)->windows.empty());
  CHECK((*test_env)->chain_for(ReleaseType::normal).empty());

  REQUIRE(p->notify.size() == 2);
  CHECK(p->notify[0].name == "webhook-1");
  CHECK(p->notify[0].type == ChannelType::webhook);
  CHECK(p->notify[0].url == "http://127.0.0.1:9000/hook");
  CHECK(p->notify[0].events.size() == 4);
  CHECK(p->notify[1].name == "email-2");
  CHECK(p->notify[1].type == ChannelType::email);
  REQUIRE(p->notify[1].smtp.has_value());
  CHECK(p->notify[1].smtp->host == "127.0.0.1");
  CHECK(p->notify[1].smtp->port == 2525);
  CHECK(p->notify[1].to_roles == std::vector<Role>{Role::leader});
  CHECK(p->notify[1].events == std::vector<NotifyEvent>{NotifyEvent::approval_needed});
}

TEST_CASE("a minimal policy gets the documented defaults") {
  TestFolder folder;
  auto p = load_text(folder, kEnvs);
  REQUIRE_MESSAGE(p.has_value(), p.error().message);
  CHECK(p->zone->name() == "UTC");
  CHECK(p->night.from == 22 * 60);
  CHECK(p->review_deadline == std::chrono::hours(72));
  CHECK(p->emergency_categories.size() == 4);
  CHECK(p->notify.empty());
  CHECK(p->notify_base_url.empty());
  const EnvironmentPolicy& env = *p->environment("prod").value();
  CHECK(env.normal[0].count == 1);
  CHECK_FALSE(env.normal[0].same_team);
  // Without its own rollback chain, a rollback needs what an emergency needs.
  REQUIRE(env.chain_for(ReleaseType::rollback).size() == 1);
  CHECK(env.chain_for(ReleaseType::rollback)[0].role == Role::leader);
}

TEST_CASE("an unknown environment is refused with the names the policy has") {
  TestFolder folder;
  auto p = load_text(folder, kEnvs +
                                 "  test:\n    normal: {approvals: []}\n"
                                 "    emergency: {approvals: []}\n");
  REQUIRE(p.has_value());
  auto env = p->environment("staging");
  REQUIRE_FALSE(env.has_value());
  CHECK(env.error().message.ends_with("(it has: prod, test)"));
}

TEST_CASE("a misspelt key is pointed at and a close key name is suggested") {
  TestFolder folder;
  auto p = load_text(folder,
                     "environments:\n"
                     "  prod:\n"
                     "    normal:\n"
                     "      aprovals: []\n"
                     "    emergency: {approvals: []}\n");
  CHECK(error_of(folder, p) ==
        "policy.yaml:4:7: unknown key 'aprovals' (did you mean 'approvals'?)");
}

TEST_CASE("a value of the wrong type says what was expected") {
  TestFolder folder;
  auto p = load_text(folder,
                     "environments:\n"
                     "  prod:\n"
                     "    normal: {approvals: [{role: leader, count: many}]}\n"
                     "    emergency: {approvals: []}\n");
  CHECK(error_of(folder, p) ==
        "policy.yaml:3:48: expected a whole number of approvers from 1 to 50, got 'many'");
}

TEST_CASE("a quoted number is a text, and the message says so") {
  TestFolder folder;
  auto p = load_text(folder,
                     "environments:\n"
                     "  prod:\n"
                     "    normal: {approvals: [{role: leader, count: \"2\"}]}\n"
                     "    emergency: {approvals: []}\n");
  CHECK(error_of(folder, p) ==
        "policy.yaml:3:48: expected a whole number of approvers from 1 to 50, got the text \"2\"");
}

TEST_CASE("a duration without a unit is refused") {
  TestFolder folder;
  auto p = load_text(folder, kEnvs + "approval_expires: 72\n");
  CHECK(error_of(folder, p) ==
        "policy.yaml:5:19: expected a duration above zero like 30m, 72h or 3d, got '72'");
}

TEST_CASE("a zero duration is refused: an approval that expires at once could never count") {
  TestFolder folder;
  auto p = load_text(folder, kEnvs + "approval_expires: 0s\n");
  CHECK(error_of(folder, p) ==
        "policy.yaml:5:19: expected a duration above zero like 30m, 72h or 3d, got '0s'");
}

TEST_CASE("octal and hex numbers are not numbers in a policy") {
  TestFolder folder;
  auto p = load_text(folder,
                     "environments:\n"
                     "  prod:\n"
                     "    normal: {approvals: [{role: leader, count: 0o7}]}\n"
                     "    emergency: {approvals: []}\n");
  CHECK(error_of(folder, p) ==
        "policy.yaml:3:48: expected a whole number of approvers from 1 to 50, got '0o7'");
}

TEST_CASE("a day that is not a weekday name lists the ones allowed") {
  TestFolder folder;
  auto p = load_text(folder,
                     "environments:\n"
                     "  prod:\n"
                     "    windows:\n"
                     "      - {days: [mon, tues], from: \"10:00\", to: \"17:00\"}\n"
                     "    normal: {approvals: []}\n"
                     "    emergency: {approvals: []}\n");
  CHECK(error_of(folder, p) ==
        "policy.yaml:4:22: expected one of: mon, tue, wed, thu, fri, sat, sun, got 'tues'");
}

TEST_CASE("a time of day past 23:59 is refused") {
  TestFolder folder;
  auto p = load_text(folder, "night: {from: \"25:00\", to: \"07:00\"}\n" + kEnvs);
  CHECK(error_of(folder, p) ==
        "policy.yaml:1:15: expected a time of day \"HH:MM\" from 00:00 to 23:59, got '25:00'");
}

TEST_CASE("a window may end at 24:00 but not be empty") {
  TestFolder folder;
  auto whole_day = load_text(folder,
                             "environments:\n"
                             "  prod:\n"
                             "    windows: [{from: \"00:00\", to: \"24:00\"}]\n"
                             "    normal: {approvals: []}\n"
                             "    emergency: {approvals: []}\n");
  REQUIRE_MESSAGE(whole_day.has_value(), whole_day.error().message);
  CHECK(whole_day->environment("prod").value()->windows[0].span.to == 24 * 60);

  auto empty = load_text(folder,
                         "environments:\n"
                         "  prod:\n"
                         "    windows: [{from: \"10:00\", to: \"10:00\"}]\n"
                         "    normal: {approvals: []}\n"
                         "    emergency: {approvals: []}\n");
  CHECK(error_of(folder, empty) == "policy.yaml:3:35: a window from 10:00 to 10:00 is empty");
}

TEST_CASE("a misspelt time zone is refused at its place") {
  TestFolder folder;
  auto p = load_text(folder, "timezone: Asia/Shangai\n" + kEnvs);
  CHECK(error_of(folder, p) == "policy.yaml:1:11: unknown time zone 'Asia/Shangai'");
}

TEST_CASE("an environment may read its windows in its own time zone") {
  TestFolder folder;
  auto p = load_text(folder, "timezone: Asia/Shanghai\n" + kEnvs + "    timezone: Europe/Berlin\n");
  REQUIRE_MESSAGE(p.has_value(), p.error().message);
  CHECK(p->environment("prod").value()->zone->name() == "Europe/Berlin");
}

TEST_CASE("a policy without environments is refused") {
  TestFolder folder;
  auto p = load_text(folder, "timezone: UTC\n");
  CHECK(error_of(folder, p) == "policy.yaml:1:1: missing key 'environments'");
}

TEST_CASE("an environment without an emergency chain is refused at its name") {
  TestFolder folder;
  auto p = load_text(folder, "environments:\n  prod:\n    normal: {approvals: []}\n");
  CHECK(error_of(folder, p) == "policy.yaml:2:3: missing key 'emergency'");
}

TEST_CASE("an environment name that could not be a folder name is refused") {
  TestFolder folder;
  auto p = load_text(folder,
                     "environments:\n"
                     "  \"../prod\":\n"
                     "    normal: {approvals: []}\n"
                     "    emergency: {approvals: []}\n");
  CHECK(error_of(folder, p).starts_with("policy.yaml:2:3: expected a name of letters"));
}

TEST_CASE("a key given twice is refused, naming the first") {
  TestFolder folder;
  auto p = load_text(folder, "timezone: UTC\n" + kEnvs + "timezone: Asia/Shanghai\n");
  CHECK(error_of(folder, p) == "policy.yaml:6:1: duplicate key 'timezone' (first at line 1)");
}

TEST_CASE("a YAML syntax error gives its line and column") {
  TestFolder folder;
  auto p = load_text(folder, "environments:\n  prod: {normal: [1, 2}\n");
  auto m = error_of(folder, p);
  CHECK(m.starts_with("policy.yaml:2:"));
}

TEST_CASE("a freeze must end after it starts") {
  TestFolder folder;
  auto p = load_text(folder,
                     "environments:\n"
                     "  prod:\n"
                     "    freezes:\n"
                     "      - {from: \"2026-10-08T00:00\", to: \"2026-10-01T00:00\"}\n"
                     "    normal: {approvals: []}\n"
                     "    emergency: {approvals: []}\n");
  CHECK(error_of(folder, p) ==
        "policy.yaml:4:40: a freeze must end after it starts (2026-10-08T00:00)");
}

TEST_CASE("a freeze on a day the calendar lacks is refused") {
  TestFolder folder;
  auto p = load_text(folder,
                     "environments:\n"
                     "  prod:\n"
                     "    freezes: [{from: \"2026-02-30T00:00\", to: \"2026-03-02T00:00\"}]\n"
                     "    normal: {approvals: []}\n"
                     "    emergency: {approvals: []}\n");
  CHECK(error_of(folder, p) ==
        "policy.yaml:3:22: expected a local date and time "
        "\"YYYY-MM-DDTHH:MM\", got '2026-02-30T00:00'");
}

TEST_CASE("an email channel needs someone to write to") {
  TestFolder folder;
  auto p =
      load_text(folder, kEnvs +
                            "notify:\n"
                            "  - {channel: email, smtp: \"mail:25\", from: \"b@example.com\",\n"
                            "     events: [approved]}\n");
  CHECK(error_of(folder, p) == "policy.yaml:6:5: missing key 'to_roles' or 'to'");
}

TEST_CASE("an empty file is refused as an empty document") {
  TestFolder folder;
  auto p = load_text(folder, "");
  CHECK(error_of(folder, p) ==
        "policy.yaml:1:1: expected a policy: a mapping with at least 'environments', "
        "got an empty document");
}

TEST_CASE("a policy file that does not exist is bad input naming the file") {
  TestFolder folder;
  auto p = load_policy(folder.path() / "absent.yaml", kDataDir);
  REQUIRE_FALSE(p.has_value());
  CHECK(p.error().kind == ErrorKind::bad_input);
  CHECK(p.error().message.starts_with("cannot read policy " +
                                      (folder.path() / "absent.yaml").string() + ": "));
}

TEST_CASE("the same content always gives the same digest") {
  auto a = parse_policy(kEnvs, "a.yaml", kDataDir);
  auto b = parse_policy(kEnvs, "b.yaml", kDataDir);
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK(a->sha256 == b->sha256);
  CHECK(a->path == "a.yaml");
}

TEST_CASE("prod and production ask before a deploy unless the policy says otherwise") {
  TestFolder folder;
  const std::string chains =
      "    normal: {approvals: []}\n"
      "    emergency: {approvals: []}\n";
  auto p = load_text(folder, "environments:\n  prod:\n" + chains + "  production:\n" + chains +
                                 "    confirm: false\n  staging:\n" + chains +
                                 "    confirm: true\n  test:\n" + chains);
  REQUIRE_MESSAGE(p.has_value(), p.error().message);
  CHECK(p->environment("prod").value()->confirm);
  CHECK_FALSE(p->environment("production").value()->confirm);
  CHECK(p->environment("staging").value()->confirm);
  CHECK_FALSE(p->environment("test").value()->confirm);
  CHECK(error_of(folder, load_text(folder, "environments:\n  prod:\n" + chains +
                                               "    confirm: sometimes\n"))
            .starts_with("policy.yaml:5:14: "));
}

TEST_CASE("the alerts section: its defaults, any part of it alone, and what it refuses") {
  TestFolder dir;
  auto defaults = load_text(dir, kEnvs);
  REQUIRE(defaults.has_value());
  CHECK(defaults->alerts.window == std::chrono::hours(2));
  CHECK(defaults->alerts.host_label == "instance");
  CHECK(defaults->alerts.grade_of("Disaster") == "critical");
  CHECK(defaults->alerts.grade_of("average") == "warning");
  CHECK(defaults->alerts.grade_of("not_classified") == "info");
  CHECK(defaults->alerts.grade_of("whatever") == "warning");

  auto window_only = load_text(dir, kEnvs + "alerts: {window: 30m}\n");
  REQUIRE_MESSAGE(window_only.has_value(), window_only.error().message);
  CHECK(window_only->alerts.window == std::chrono::minutes(30));
  CHECK(window_only->alerts.channels.empty());

  auto one_grade = load_text(dir, kEnvs +
                                      "alerts:\n  grades: {critical: [SEV1]}\n"
                                      "  labels: {host: host}\n");
  REQUIRE_MESSAGE(one_grade.has_value(), one_grade.error().message);
  CHECK(one_grade->alerts.grade_of("sev1") == "critical");
  CHECK(one_grade->alerts.grade_of("critical") == "warning");  // the defaults are replaced
  CHECK(one_grade->alerts.host_label == "host");
  CHECK(one_grade->alerts.service_label == "service");

  CHECK(error_of(dir, load_text(dir, kEnvs + "alerts:\n  grades: {critical: [a], info: [A]}\n")) ==
        "policy.yaml:6:34: severity 'A' is given two grades");
  CHECK(error_of(dir, load_text(dir,
                                "environments:\n  prod:\n    normal: {approvals: []}\n"
                                "    emergency:\n      approvals: []\n"
                                "      break_glass: {roles: [ops, leader]}\n")) ==
        "policy.yaml:6:34: leaders do not deploy: break glass is for ops or admin");
  CHECK(error_of(dir, load_text(dir, kEnvs + "alerts:\n  channels: {warning: [oncall]}\n")) ==
        "policy.yaml:6:24: no notify channel is named 'oncall'");
  auto named = load_text(dir, kEnvs +
                                  "notify: [{channel: webhook, name: oncall, url: "
                                  "\"http://127.0.0.1:9/x\"}]\nalerts:\n  channels: {warning: "
                                  "[oncall]}\n");
  REQUIRE_MESSAGE(named.has_value(), named.error().message);
  CHECK(named->alerts.channels.at("warning") == std::vector<std::string>{"oncall"});
}
