// The ledger's rules for deploys, on a real SQLite file with a clock the test moves: who may
// deploy, what must hold when the lease is taken, the lease itself (refused while its holder
// lives, taken over once it expired), which version a rollback picks and who may ask for one,
// and a deploy read back by someone following it.

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <tuple>
#include <vector>

#include "audit/audit.hpp"
#include "ledger/ledger.hpp"
#include "ledger_world.hpp"
#include "policy/policy.hpp"
#include "process/process.hpp"
#include "store/store.hpp"

namespace beaver {
namespace {

const char* kDeployPolicy = R"(timezone: UTC
approval_expires: 24h
environments:
  prod:
    normal: {approvals: [{role: developer}]}
    emergency: {approvals: [{role: leader}]}
    rollback: {approvals: []}
)";

// The ledger world of ledger_world.hpp under a policy with one approval for prod, plus olga (ops).
struct DeployWorld : test::World {
  int packages = 0;

  explicit DeployWorld(const char* policy_text = kDeployPolicy) : World(policy_text) {
    REQUIRE(ledger().add_user("ann", {"olga", "platform", {Role::ops}}));
  }

  // A package of `version` (built from `commit`, with its manifest) and an approved release of
  // it on prod.
  int64_t approved(const std::string& version, const std::string& commit = "abcdef1",
                   const std::string& manifest = "{}") {
    auto id = submitted(version, false, commit, manifest);
    auto a = ledger().approve("dan", id, std::nullopt);
    REQUIRE_MESSAGE(a, a.error().message);
    return id;
  }

  // The same, submitted by bob and not approved; an emergency when `emergency`.
  int64_t submitted(const std::string& version, bool emergency,
                    const std::string& commit = "abcdef1", const std::string& manifest = "{}") {
    PackageRecord p;
    p.sha256 = fmt::format("{:0>64}", ++packages);
    p.service = "hello";
    p.version = version;
    p.file_name = "hello-" + version + ".tar.gz";
    p.size = 1;
    p.commit = commit;
    p.commit_time = now;
    p.builder = "bob";
    p.registered_at = now;
    p.manifest_json = manifest;
    bool registered = false;
    auto l = ledger();
    REQUIRE(l.register_package("bob", p, "payments", registered));
    SubmitRequest r;
    r.service = "hello";
    r.env = "prod";
    r.package_sha256 = p.sha256;
    r.commit = commit;
    if (emergency) {
      r.emergency = true;
      r.category = "hotfix";
      r.reason = "payments down";
    }
    auto v = l.submit("bob", r);
    REQUIRE_MESSAGE(v, v.error().message);
    return v->release.id;
  }

  DeployClaim claim(int64_t id, std::string machine = machine_name(), int64_t pid = getpid()) {
    auto v = ledger().show("ann", id);
    REQUIRE(v);
    DeployClaim c;
    c.package_sha256 = *v->release.package_sha256;
    c.batches = "100%";
    c.machine = std::move(machine);
    c.pid = pid;
    c.pid_start = process_start_time(pid);
    c.lease = std::chrono::seconds(60);
    return c;
  }

  // Deploys `id` to the end with `status`.
  void deployed(int64_t id, const std::string& status = "deployed") {
    auto l = ledger();
    auto s = l.start_deploy("olga", id, claim(id));
    REQUIRE_MESSAGE(s, s.error().message);
    auto f = l.finish_deploy("olga", s->deploy.id, status, std::nullopt);
    REQUIRE_MESSAGE(f, f.error().message);
  }
};

// How many stops the audit log records.
long stops(Ledger& l) {
  auto log = l.audit_log("ann", std::nullopt);
  REQUIRE(log);
  return std::count_if(log->begin(), log->end(),
                       [](const AuditEntry& e) { return e.action == "release.deploy_stop"; });
}

}  // namespace

TEST_CASE("only ops or an admin deploys, only an approved release, and only its own package") {
  DeployWorld w;
  auto id = w.approved("1.0.0");
  auto l = w.ledger();
  auto by_dev = l.start_deploy("bob", id, w.claim(id));
  REQUIRE_FALSE(by_dev);
  CHECK(by_dev.error().message.find("only ops or an admin deploys") != std::string::npos);
  auto other = w.claim(id);
  other.package_sha256 = std::string(64, 'f');
  auto changed = l.start_deploy("olga", id, other);
  REQUIRE_FALSE(changed);
  CHECK(changed.error().message.find("changed after packaging") != std::string::npos);
  SubmitRequest r;
  r.service = "hello";
  r.env = "prod";
  r.version = "1.0.1";
  auto waiting = l.submit("bob", r);
  REQUIRE(waiting);
  auto unapproved = l.start_deploy("olga", waiting->release.id, w.claim(id));
  REQUIRE_FALSE(unapproved);
  CHECK(unapproved.error().message.find("not approved yet") != std::string::npos);
  w.now += std::chrono::hours(25);
  auto expired = l.start_deploy("olga", id, w.claim(id));
  REQUIRE_FALSE(expired);
  CHECK(expired.error().message.find("expired") != std::string::npos);
  CHECK(l.show("ann", id)->release.state == ReleaseState::approved);
}

TEST_CASE("the lease: refused while its holder lives, taken over when it ran out") {
  DeployWorld w;
  auto a = w.approved("1.0.0");
  auto b = w.approved("1.0.1");
  auto l = w.ledger();
  // Held from another machine, so only its time can end it.
  auto first = l.start_deploy("olga", a, w.claim(a, "elsewhere", 4242));
  REQUIRE(first);
  auto second = l.start_deploy("olga", b, w.claim(b));
  REQUIRE_FALSE(second);
  CHECK(second.error().kind == ErrorKind::conflict);
  CHECK(second.error().message.find("being deployed by olga: deploy 1 (pid 4242 on elsewhere") !=
        std::string::npos);
  CHECK(l.check_deploy("olga", b, w.claim(b)).error().kind == ErrorKind::conflict);
  w.now += std::chrono::seconds(30);
  REQUIRE(l.renew_lease(first->deploy.id, "hello", "prod", std::chrono::seconds(60)));
  w.now += std::chrono::seconds(59);
  CHECK_FALSE(l.start_deploy("olga", b, w.claim(b)));  // renewed: still held
  w.now += std::chrono::seconds(2);
  auto notes = l.check_deploy("olga", b, w.claim(b));
  REQUIRE(notes);
  CHECK(notes->size() == 1);
  auto taken = l.start_deploy("olga", b, w.claim(b));
  REQUIRE_MESSAGE(taken, taken.error().message);
  REQUIRE(taken->recovered.size() == 1);
  CHECK(taken->recovered[0].find("deploy 1 of hello on prod was interrupted (its lease expired") !=
        std::string::npos);
  CHECK(l.show("ann", a)->release.state == ReleaseState::interrupted);
  // The dead deploy learns it lost the lease; it cannot end the release any more.
  CHECK(l.renew_lease(first->deploy.id, "hello", "prod", std::chrono::seconds(60)).error().kind ==
        ErrorKind::conflict);
  CHECK_FALSE(l.finish_deploy("olga", first->deploy.id, "deployed", std::nullopt));
  REQUIRE(l.finish_deploy("olga", taken->deploy.id, "deployed", std::nullopt));
  CHECK(l.show("ann", b)->release.state == ReleaseState::deployed);
  CHECK(l.show("ann", b)->release.deployed_at == w.now);
}

TEST_CASE("deployers on their own connections at once: one holds the environment, each time") {
  // As two servers on one database would: the lease is the database's, not a process's.
  DeployWorld w;
  constexpr int kDeployers = 4, kRounds = 5;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<int64_t> ids;
    std::vector<DeployClaim> claims;
    for (int i = 0; i < kDeployers; ++i) {
      ids.push_back(w.approved(fmt::format("{}.{}.0", round + 1, i)));
      claims.push_back(w.claim(ids.back()));
    }
    std::vector<Result<DeployStarted>> results(kDeployers, fail(ErrorKind::internal, "not run"));
    w.at_once(kDeployers, [&](Store& store, int i) {
      results[i] = Ledger(store, w.clock, &w.policy, notification_outbox())
                       .start_deploy("olga", ids[i], claims[i]);
    });
    int started = 0;
    int64_t deploy_id = 0;
    for (const auto& r : results) {
      if (r) {
        ++started;
        deploy_id = r->deploy.id;
      } else {
        CHECK_MESSAGE(r.error().kind == ErrorKind::conflict, r.error().message);
      }
    }
    REQUIRE(started == 1);
    auto done = w.ledger().finish_deploy("olga", deploy_id, "deployed", std::nullopt);
    REQUIRE_MESSAGE(done, done.error().message);
  }
  auto chain = verify_audit(*w.store, std::nullopt);
  REQUIRE(chain.has_value());
  CHECK(chain->whole());
}

TEST_CASE("a lease whose holder's process is gone on this machine is taken over at once") {
  DeployWorld w;
  auto a = w.approved("1.0.0");
  auto b = w.approved("1.0.1");
  auto l = w.ledger();
  auto dead = w.claim(a);
  dead.pid_start = "1";  // this pid, but a process that started at another time: not this one
  REQUIRE(l.start_deploy("olga", a, dead));
  auto taken = l.start_deploy("olga", b, w.claim(b));
  REQUIRE_MESSAGE(taken, taken.error().message);
  CHECK(taken->recovered.at(0).find("is gone") != std::string::npos);
}

TEST_CASE("an older release never overwrites a newer one, but a rollback goes back") {
  DeployWorld w;
  auto v100 = w.approved("1.0.0");
  auto v101 = w.approved("1.0.1");
  auto v110 = w.approved("1.1.0");
  w.deployed(v100);
  w.deployed(v110);
  auto l = w.ledger();
  auto old = l.start_deploy("olga", v101, w.claim(v101));
  REQUIRE_FALSE(old);
  CHECK(old.error().message.find("older than release 3 (1.1.0), live on prod") !=
        std::string::npos);
  auto back = l.rollback("olga", "hello", "prod", std::nullopt);
  REQUIRE_MESSAGE(back, back.error().message);
  CHECK(back->release.type == ReleaseType::rollback);
  CHECK(back->release.version == "1.0.0");
  CHECK(back->release.state == ReleaseState::approved);  // the policy lets ops go at once
  w.deployed(back->release.id);
  CHECK(l.show("ann", v110)->release.state == ReleaseState::rolled_back);
  // 1.1.0 was rolled back: it is no target any more; 1.0.0 is live.
  auto again = l.rollback("olga", "hello", "prod", std::nullopt);
  REQUIRE_FALSE(again);
  CHECK(again.error().message.find("no earlier version") != std::string::npos);
  CHECK(l.rollback("olga", "hello", "prod", std::string("1.0.0"))
            .error()
            .message.find("already live") != std::string::npos);
  CHECK(l.rollback("olga", "hello", "prod", std::string("9.9.9")).error().kind ==
        ErrorKind::not_found);
  CHECK(l.rollback("olga", "hello", "staging", std::nullopt).error().kind == ErrorKind::not_found);
}

TEST_CASE("a failed or interrupted release is tried again while its approvals hold") {
  DeployWorld w;
  auto id = w.approved("1.0.0");
  w.deployed(id, "failed");
  auto l = w.ledger();
  CHECK(l.show("ann", id)->release.state == ReleaseState::failed);
  auto again = l.start_deploy("olga", id, w.claim(id));
  REQUIRE_MESSAGE(again, again.error().message);
  REQUIRE(l.finish_deploy("olga", again->deploy.id, "deployed", std::nullopt));
  auto v = l.show("ann", id);
  CHECK(v->release.state == ReleaseState::deployed);
  REQUIRE(v->deploys.size() == 2);
  CHECK(v->deploys[0].record.status == "failed");
  CHECK(v->deploys[1].record.status == "deployed");
  CHECK(l.start_deploy("olga", id, w.claim(id)).error().kind == ErrorKind::conflict);
}

TEST_CASE("a rollback deployed at once is asked for only by who may deploy, and refused first") {
  DeployWorld w;
  auto v100 = w.approved("1.0.0");
  auto v110 = w.approved("1.1.0");
  w.deployed(v100);
  w.deployed(v110);
  auto l = w.ledger();
  auto before = l.audit_log("ann", std::nullopt)->size();
  auto by_dev = l.rollback("bob", "hello", "prod", std::nullopt, true);
  REQUIRE_FALSE(by_dev);
  CHECK(by_dev.error().kind == ErrorKind::refused);
  CHECK(by_dev.error().message ==
        "only ops or an admin deploys; bob is developer; a rollback on prod needs no approval, so "
        "it is deployed at once");
  CHECK(l.audit_log("ann", std::nullopt)->size() == before);
  // Submitted for ops to deploy later, a developer's rollback is still theirs to ask for.
  auto submitted = l.rollback("bob", "hello", "prod", std::nullopt);
  REQUIRE_MESSAGE(submitted, submitted.error().message);
  CHECK(submitted->release.state == ReleaseState::approved);
}

TEST_CASE("a deploy read back holds its steps, the lines among them and each host's outcome") {
  DeployWorld w;
  auto id = w.approved("1.0.0");
  auto l = w.ledger();
  auto s = l.start_deploy("olga", id, w.claim(id));
  REQUIRE_MESSAGE(s, s.error().message);
  int64_t d = s->deploy.id;
  auto step = [&](const std::string& host, const std::string& name) {
    return DeployStep{d, host, 0, name, "ok", w.now, 10, ""};
  };
  REQUIRE(l.record_progress({step("local:/a", "upload"), step("local:/a", "switch")},
                            {DeployEvent{d, 2, "host", "local:/a", 0, "deployed", "on 1.0.0-1"}}));
  REQUIRE(l.record_progress({step("local:/b", "upload")},
                            {DeployEvent{d, 3, "note", "", 0, "", "switching 1 host back"}}));
  auto running = l.deploy("ann", d);
  REQUIRE(running);
  CHECK(running->record.status == "running");
  CHECK(running->release.id == id);
  CHECK(running->steps.size() == 3);
  REQUIRE(running->events.size() == 2);
  CHECK(running->events[0].after_steps == 2);
  CHECK(running->events[1].note == "switching 1 host back");
  REQUIRE(l.finish_deploy("olga", d, "rolled_back", "local:/b: health",
                          {DeployEvent{d, 3, "outcome", "local:/a", 0, "restored", "back"},
                           DeployEvent{d, 3, "outcome", "local:/b", 0, "failed", "health"}}));
  auto ended = l.deploy("ann", d);
  REQUIRE(ended);
  CHECK(ended->record.status == "rolled_back");
  REQUIRE(ended->events.size() == 4);
  CHECK(ended->events[3].kind == "outcome");
  CHECK(ended->events[3].outcome == "failed");
  auto listed = l.deploys("ann", std::string("hello"), std::string("prod"), 10);
  REQUIRE(listed);
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().second.version == "1.0.0");
  CHECK(l.deploy("ann", d + 1).error().kind == ErrorKind::not_found);
  CHECK(l.deploys("ann", std::string("../x"), std::nullopt, 10).error().kind ==
        ErrorKind::bad_input);
}

TEST_CASE("a release's page holds each of its runs with that run's own steps, in order") {
  DeployWorld w;
  auto l = w.ledger();
  // Runs of two releases, their steps written in turns: each page must pick out its own.
  auto run = [&](int64_t id, const std::vector<std::string>& hosts, const std::string& status) {
    auto s = l.start_deploy("olga", id, w.claim(id));
    REQUIRE_MESSAGE(s, s.error().message);
    int64_t d = s->deploy.id;
    for (const auto& h : hosts)
      REQUIRE(l.record_steps({DeployStep{d, h, 0, "switch", "ok", w.now, 5, ""}}));
    REQUIRE(l.finish_deploy("olga", d, status, std::nullopt));
    return d;
  };
  auto a = w.approved("1.0.0");
  auto a1 = run(a, {"local:/a1", "local:/a2"}, "failed");
  auto b = w.approved("1.1.0");
  auto b1 = run(b, {"local:/b1"}, "failed");
  auto a2 = run(a, {"local:/a3"}, "deployed");  // tried again while its approval holds
  auto c = w.approved("1.2.0");

  // Each run of a page as its id, status and the hosts of its steps, in order.
  using Runs = std::vector<std::tuple<int64_t, std::string, std::vector<std::string>>>;
  auto runs_on = [&](int64_t id) {
    auto page = l.show("ann", id);
    REQUIRE_MESSAGE(page, page.error().message);
    REQUIRE(page->approvals.size() == 1);  // dan's, given before any run
    CHECK(page->approvals[0].approver == "dan");
    Runs out;
    for (const auto& d : page->deploys) {
      std::vector<std::string> hosts;
      for (const auto& st : d.steps) hosts.push_back(st.host);
      out.emplace_back(d.record.id, d.record.status, hosts);
    }
    return out;
  };
  CHECK(runs_on(a) ==
        Runs{{a1, "failed", {"local:/a1", "local:/a2"}}, {a2, "deployed", {"local:/a3"}}});
  CHECK(runs_on(b) == Runs{{b1, "failed", {"local:/b1"}}});
  CHECK(runs_on(c).empty());
}

TEST_CASE("a stop is kept on the lease for whichever process runs the deploy, until it ends") {
  DeployWorld w;
  auto id = w.approved("1.0.0");
  auto l = w.ledger();
  // Run from another machine: only its lease tells it anything.
  auto s = l.start_deploy("olga", id, w.claim(id, "elsewhere", 4242));
  REQUIRE(s);
  auto d = s->deploy.id;
  auto none = l.deploy_stop_request(d, "hello", "prod");
  REQUIRE(none);
  CHECK_FALSE(none->has_value());

  auto by_dev = l.stop_deploy("bob", d, {});
  REQUIRE_FALSE(by_dev);
  CHECK(by_dev.error().kind == ErrorKind::refused);
  CHECK_FALSE(l.deploy_stop_request(d, "hello", "prod")->has_value());
  auto missing = l.stop_deploy("olga", d + 1, {});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ErrorKind::not_found);

  int delivered = 0;
  auto stopped = l.stop_deploy("olga", d, [&]() -> Result<void> {
    ++delivered;
    return fail(ErrorKind::conflict, "not run here");  // refused here: the lease still tells
  });
  REQUIRE_MESSAGE(stopped, stopped.error().message);
  CHECK(delivered == 1);
  auto asked = l.deploy_stop_request(d, "hello", "prod");
  REQUIRE(asked);
  CHECK(asked->value_or("") == "olga");
  // Renewing the lease keeps the request.
  REQUIRE(l.renew_lease(d, "hello", "prod", std::chrono::seconds(60)));
  CHECK(l.deploy_stop_request(d, "hello", "prod")->value_or("") == "olga");
  CHECK(stops(l) == 1);

  auto ended = l.finish_deploy("olga", d, "interrupted", "stopped by olga between steps");
  REQUIRE_MESSAGE(ended, ended.error().message);
  auto again = l.stop_deploy("olga", d, {});
  REQUIRE_FALSE(again);
  CHECK(again.error().kind == ErrorKind::conflict);
  CHECK(again.error().message.find("has ended (interrupted)") != std::string::npos);
  CHECK_FALSE(l.deploy_stop_request(d, "hello", "prod"));  // no lease any more

  // The next deploy's lease starts without a request.
  auto next = l.start_deploy("olga", id, w.claim(id));
  REQUIRE_MESSAGE(next, next.error().message);
  CHECK_FALSE(l.deploy_stop_request(next->deploy.id, "hello", "prod")->has_value());
}

TEST_CASE("a stop is refused for a deploy whose process is gone, and changes nothing") {
  DeployWorld w;
  auto a = w.approved("1.0.0");
  auto l = w.ledger();
  auto s = l.start_deploy("olga", a, w.claim(a, "elsewhere", 4242));
  REQUIRE(s);
  w.now += std::chrono::seconds(61);
  auto expired = l.stop_deploy("olga", s->deploy.id, {});
  REQUIRE_FALSE(expired);
  CHECK(expired.error().kind == ErrorKind::conflict);
  CHECK(expired.error().message.find("no longer runs: its lease expired at") != std::string::npos);
  CHECK_FALSE(l.deploy_stop_request(s->deploy.id, "hello", "prod")->has_value());
  CHECK(stops(l) == 0);
}

namespace {

// A commit id made of one repeated hex digit, and a manifest with a history (newest first) and
// files (path, content digest).
std::string commit_of(char digit) { return std::string(40, digit); }

std::string manifest_with(const std::string& history,
                          std::vector<std::pair<std::string, char>> files) {
  std::string commits, listed;
  for (char c : history)
    commits += fmt::format(
        "{}{{\"commit\":\"{}\",\"subject\":\"change {}\\u001b[31m\","
        "\"author\":\"bob\",\"time\":\"2026-11-2{}T10:00:00Z\"}}",
        commits.empty() ? "" : ",", commit_of(c), c, c);
  for (const auto& [path, digit] : files)
    listed += fmt::format("{}{{\"path\":\"{}\",\"sha256\":\"{}\",\"size\":1}}",
                          listed.empty() ? "" : ",", path, std::string(64, digit));
  return fmt::format("{{\"git\":{{\"history\":[{}]}},\"files\":[{}]}}", commits, listed);
}

}  // namespace

TEST_CASE("a release shows what runs on its environment and the commits and files it changes") {
  DeployWorld w;
  auto l = w.ledger();
  auto first = w.approved("1.0.0", commit_of('1'),
                          manifest_with("10", {{"app.jar", 'a'}, {"conf/app.properties", 'c'}}));
  auto nothing_live = l.show("ann", first);
  REQUIRE(nothing_live);
  REQUIRE(nothing_live->context);
  CHECK_FALSE(nothing_live->context->live);
  w.now += std::chrono::minutes(5);
  w.deployed(first);

  auto next = w.approved(
      "1.1.0", commit_of('3'),
      manifest_with("3210",
                    {{"app.jar", 'b'}, {"conf/app.properties", 'c'}, {"lib/new.jar", 'n'}}));
  auto v = l.show("ann", next);
  REQUIRE(v);
  REQUIRE(v->context->live);
  CHECK(v->context->live->release.id == first);
  REQUIRE(v->context->live->deploy);
  CHECK(v->context->live->deploy->actor == "olga");
  REQUIRE(v->context->changes);
  const auto& c = *v->context->changes;
  CHECK(c.direction == "forward");
  CHECK(c.complete);
  REQUIRE(c.commits.size() == 2);
  CHECK(c.commits[0].commit == commit_of('3'));
  CHECK(c.commits[1].commit == commit_of('2'));
  CHECK(c.commits[0].subject == "change 3 [31m");  // no escape reaches a terminal
  REQUIRE(c.files_known);
  REQUIRE(c.files.size() == 2);
  CHECK((c.files[0].path == "app.jar" && c.files[0].change == "changed"));
  CHECK((c.files[1].path == "lib/new.jar" && c.files[1].change == "added"));

  // An older commit than the live one: the commits it takes back, from the live history.
  auto older = w.approved("0.9.0", commit_of('0'), manifest_with("0", {{"app.jar", 'z'}}));
  auto back = l.show("ann", older);
  REQUIRE(back);
  CHECK(back->context->changes->direction == "back");
  REQUIRE(back->context->changes->commits.size() == 1);
  CHECK(back->context->changes->commits[0].commit == commit_of('1'));
  CHECK(back->context->changes->files.size() == 2);  // app.jar changed, conf removed

  // A package whose history does not reach the live commit: what it has, marked incomplete.
  auto unrelated = w.approved("2.0.0", commit_of('9'), manifest_with("98", {}));
  auto far = l.show("ann", unrelated);
  REQUIRE(far);
  CHECK_FALSE(far->context->changes->complete);
  CHECK(far->context->changes->commits.size() == 2);

  // The live release itself has nothing to compare; lists and the inbox read no context.
  CHECK_FALSE(l.show("ann", first)->context->changes);
  auto inbox = l.inbox("lea");
  REQUIRE(inbox);
  for (const auto& view : *inbox) CHECK_FALSE(view.context);
}

}  // namespace beaver

namespace beaver {
namespace {

const char* kBreakGlassPolicy = R"(timezone: UTC
environments:
  prod:
    normal: {approvals: [{role: developer}]}
    emergency:
      approvals: [{role: leader, count: 1, same_team: true}]
      break_glass: {roles: [ops], sign_within: 2h}
notify:
  - {channel: webhook, url: "http://127.0.0.1:9/hook"}
)";

// The reminders of `release`: "event next_attempt_at status", oldest first.
std::vector<std::string> reminders(Store& store, int64_t release) {
  std::vector<std::string> out;
  REQUIRE(store.read([&](StoreTransaction& tx) -> Result<void> {
    auto all = tx.list_notifications(std::nullopt, 1000);
    std::reverse(all.begin(), all.end());
    for (const auto& n : all)
      if (n.release_id == release && n.event.starts_with("signature"))
        out.push_back(fmt::format("{} {} {}", n.event, format_utc(n.next_attempt_at), n.status));
    return {};
  }));
  return out;
}

}  // namespace

TEST_CASE("break glass deploys an emergency before its approvals, which stay owed until given") {
  DeployWorld w(kBreakGlassPolicy);
  auto l = w.ledger();
  auto id = w.submitted("1.0.1", true);
  auto glass = w.claim(id);
  glass.break_glass = "payments down since 10:00";

  auto by_admin = l.start_deploy("ann", id, glass);
  REQUIRE_FALSE(by_admin);
  CHECK(by_admin.error().message ==
        "ann may not break glass on prod: only ops may, and ann is admin");
  auto normal = w.submitted("1.0.0", false);
  auto not_emergency = l.start_deploy("olga", normal, w.claim(normal));
  REQUIRE_FALSE(not_emergency);
  CHECK(not_emergency.error().message.find("not approved yet") != std::string::npos);
  auto plain = l.start_deploy("olga", id, w.claim(id));
  REQUIRE_FALSE(plain);
  CHECK(plain.error().message.find("may break glass, by ops: beaver deploy") != std::string::npos);

  auto started = l.start_deploy("olga", id, glass);
  REQUIRE_MESSAGE(started, started.error().message);
  REQUIRE(l.finish_deploy("olga", started->deploy.id, "deployed", std::nullopt));
  auto v = l.show("ann", id);
  REQUIRE(v);
  CHECK(v->release.state == ReleaseState::deployed);
  REQUIRE(v->break_glass);
  CHECK(v->break_glass->actor == "olga");
  CHECK(v->break_glass->team == "payments");
  CHECK(v->break_glass->sign_by == w.now + std::chrono::hours(2));
  CHECK(v->owes_signature);
  CHECK(v->may_approve == std::vector<std::string>{"lea"});
  CHECK(reminders(*w.store, id) ==
        std::vector<std::string>{"signature_owed 2026-11-24T10:00:00Z pending",
                                 "signature_owed 2026-11-24T11:00:00Z pending",
                                 "signature_overdue 2026-11-24T12:00:00Z pending"});
  auto inbox = l.inbox("lea");
  REQUIRE(inbox);
  REQUIRE(inbox->size() == 1);
  CHECK(inbox->front().release.id == id);
  ReleaseQuery owed;
  owed.owing_signature = true;
  auto listed = l.list("ann", owed);
  REQUIRE(listed);
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().id == id);

  // Past its deadline, the team breaks no glass again until it is signed.
  w.now += std::chrono::hours(3);
  auto next = w.submitted("1.0.2", true);
  auto again = w.claim(next);
  again.break_glass = "down again";
  auto locked = l.start_deploy("olga", next, again);
  REQUIRE_FALSE(locked);
  CHECK(locked.error().message.find("team payments owes the approvals of release") == 0);
  CHECK(l.show("ann", id)->signature_overdue);

  // lea signs, late: the release stays deployed, and what was still pending is cancelled.
  auto signed_late = l.approve("lea", id, "seen");
  REQUIRE_MESSAGE(signed_late, signed_late.error().message);
  CHECK(signed_late->release.state == ReleaseState::deployed);
  CHECK_FALSE(signed_late->owes_signature);
  REQUIRE(signed_late->break_glass->signed_at);
  CHECK(signed_late->break_glass->signed_late());
  for (const auto& r : reminders(*w.store, id)) CHECK(r.ends_with(" cancelled"));
  auto twice = l.approve("lea", id, std::nullopt);
  REQUIRE_FALSE(twice);
  CHECK(twice.error().kind == ErrorKind::conflict);
  CHECK(l.start_deploy("olga", next, again));
}

}  // namespace beaver
