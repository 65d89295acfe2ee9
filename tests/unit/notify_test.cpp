// Notifications: the body each channel type gets, which release changes queue what (in the same
// transaction as the change), and delivery with retries, backoff and a bounded number of attempts.

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "ledger/ledger.hpp"
#include "ledger_world.hpp"
#include "notify/notifier.hpp"
#include "notify/notify_format.hpp"
#include "notify/notify_queue.hpp"
#include "policy/policy_check.hpp"
#include "process/process.hpp"

namespace beaver {
namespace {

using Poco::JSON::Object;

const std::string kNotifications = R"(notify_base_url: "https://beaver.example.com/"
notify:
  - {name: all-hooks, channel: webhook, url: "http://127.0.0.1:9/hook"}
  - {name: ops-chat, channel: webhook, format: slack, url: "https://hooks.example.com/T0/B0",
     events: [deploy_failed]}
  - {name: core-mail, channel: email, teams: [core], smtp: "mail.example.com:2525",
     from: beaver@example.com, to: [a@example.com]}
)";

Object::Ptr parse(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Object::Ptr>();
}

// A view of an emergency release waiting for a leader, without a store.
ReleaseView emergency_view() {
  ReleaseView v;
  Release& r = v.release;
  r.id = 42;
  r.service = "hello";
  r.env = "prod";
  r.version = "1.4.3";
  r.type = ReleaseType::emergency;
  r.category = "hotfix";
  r.reason = "payment callbacks fail";
  r.submitter = "bob";
  v.team = "payments";
  v.chain = evaluate_chain({ApprovalRule{Role::leader, 1, true}}, {});
  v.may_approve = {"lea"};
  return v;
}

NotifyChannel channel(ChannelType type) {
  NotifyChannel c;
  c.name = "c";
  c.type = type;
  c.url = "http://127.0.0.1:9/";
  if (type == ChannelType::email) c.smtp = SmtpTarget{"mail.example.com", 25, "beaver@example.com"};
  return c;
}

std::vector<Notification> queued(test::World& w) {
  std::vector<Notification> out;
  REQUIRE(w.store->read([&](StoreTransaction& tx) -> Result<void> {
    out = tx.list_notifications(std::nullopt, 100);
    std::reverse(out.begin(), out.end());  // oldest first
    return {};
  }));
  return out;
}

std::vector<std::string> events_of(const std::vector<Notification>& ns) {
  std::vector<std::string> out;
  for (const auto& n : ns) out.push_back(n.event + "/" + n.channel);
  return out;
}

}  // namespace

TEST_CASE("a message names the release, marks an emergency and links to the release") {
  auto m =
      compose_message(NotifyEvent::approval_needed, emergency_view(), "https://beaver.example.com");
  CHECK(m.title == "[EMERGENCY] Approval needed: hello 1.4.3 to prod (release 42)");
  CHECK(m.url == "https://beaver.example.com/releases/42");
  CHECK(m.text.find("Type: EMERGENCY, hotfix: payment callbacks fail") != std::string::npos);
  CHECK(m.text.find("Submitted by: bob") != std::string::npos);
  CHECK(m.text.find("Waiting for: step 1 of 1: 1 approval by a leader") != std::string::npos);
  CHECK(m.text.find("May approve: lea") != std::string::npos);
  CHECK(compose_message(NotifyEvent::approved, emergency_view(), "").url.empty());
}

TEST_CASE("the generic webhook gets stable fields") {
  auto m = compose_message(NotifyEvent::approval_needed, emergency_view(), "http://b");
  auto body = parse(render_body(m, channel(ChannelType::webhook)));
  CHECK(body->getValue<std::string>("event") == "approval_needed");
  auto r = body->getObject("release");
  REQUIRE(r);
  CHECK(r->getValue<int64_t>("id") == 42);
  CHECK(r->getValue<std::string>("service") == "hello");
  CHECK(r->getValue<std::string>("env") == "prod");
  CHECK(r->getValue<std::string>("version") == "1.4.3");
  CHECK(r->getValue<std::string>("type") == "emergency");
  CHECK(r->getValue<std::string>("state") == "submitted");
  CHECK(r->getValue<std::string>("category") == "hotfix");
  CHECK(r->getValue<std::string>("reason") == "payment callbacks fail");
  CHECK(r->getValue<std::string>("submitter") == "bob");
  CHECK(body->getValue<std::string>("text") == m.text);
  CHECK(body->getValue<std::string>("url") == "http://b/releases/42");
  CHECK(body->getArray("may_approve")->getElement<std::string>(0) == "lea");
}

TEST_CASE("slack, wecom, dingtalk and feishu get the shapes their webhooks take") {
  auto m = compose_message(NotifyEvent::rejected, emergency_view(), "");
  auto slack = parse(render_body(m, channel(ChannelType::slack)));
  CHECK(slack->getValue<std::string>("text") == m.text);

  auto wecom = parse(render_body(m, channel(ChannelType::wecom)));
  CHECK(wecom->getValue<std::string>("msgtype") == "markdown");
  CHECK(wecom->getObject("markdown")
            ->getValue<std::string>("content")
            .starts_with("**[EMERGENCY] Rejected: hello 1.4.3 to prod (release 42)**\n\n"));

  auto ding = parse(render_body(m, channel(ChannelType::dingtalk)));
  CHECK(ding->getValue<std::string>("msgtype") == "markdown");
  CHECK(ding->getObject("markdown")->getValue<std::string>("title") == m.title);
  CHECK(ding->getObject("markdown")->getValue<std::string>("text").find("Submitted by: bob") !=
        std::string::npos);

  auto feishu = parse(render_body(m, channel(ChannelType::feishu)));
  CHECK(feishu->getValue<std::string>("msg_type") == "interactive");
  auto card = feishu->getObject("card");
  REQUIRE(card);
  CHECK(card->getObject("header")->getObject("title")->getValue<std::string>("content") == m.title);
  CHECK(card->getObject("header")->getValue<std::string>("template") == "red");
  // Without a base URL there is nothing to open: no button, and no "Review" link.
  CHECK(card->getArray("elements")->size() == 1);
  CHECK(wecom->getObject("markdown")->getValue<std::string>("content").find("Review") ==
        std::string::npos);
}

// lea may approve; her ids in each chat.
std::vector<User> lea_in_chat() {
  User lea{"lea", "payments", {Role::leader}};
  lea.im = {
      {"dingtalk", "13800138000"}, {"feishu", "ou_lea"}, {"slack", "U0LEA"}, {"wecom", "lea.wang"}};
  return {lea, User{"bob", "payments", {Role::developer}}};
}

TEST_CASE("chat messages open the release with a Review button and mention who may act") {
  auto users = lea_in_chat();
  auto view = emergency_view();
  auto m = compose_message(NotifyEvent::approval_needed, view, "https://b.example.com",
                           addressees(NotifyEvent::approval_needed, view, users));
  REQUIRE(m.mentioned.size() == 1);
  CHECK(m.mentioned[0].name == "lea");

  auto wecom = parse(render_body(m, channel(ChannelType::wecom)))->getObject("markdown");
  auto content = wecom->getValue<std::string>("content");
  CHECK(content.find("[Review](https://b.example.com/releases/42)") != std::string::npos);
  CHECK(content.ends_with("<@lea.wang>"));

  auto ding = parse(render_body(m, channel(ChannelType::dingtalk)));
  CHECK(ding->getObject("markdown")
            ->getValue<std::string>("text")
            .find("[Review](https://b.example.com/releases/42)") != std::string::npos);
  CHECK(ding->getObject("markdown")->getValue<std::string>("text").ends_with("@13800138000"));
  CHECK(ding->getObject("at")->getArray("atMobiles")->getElement<std::string>(0) == "13800138000");
  CHECK_FALSE(ding->getObject("at")->getValue<bool>("isAtAll"));

  auto card = parse(render_body(m, channel(ChannelType::feishu)))->getObject("card");
  auto elements = card->getArray("elements");
  REQUIRE(elements->size() == 2);
  CHECK(elements->getObject(0)->getObject("text")->getValue<std::string>("content").ends_with(
      "<at id=ou_lea></at>"));
  auto button = elements->getObject(1)->getArray("actions")->getObject(0);
  CHECK(button->getObject("text")->getValue<std::string>("content") == "Review");
  CHECK(button->getValue<std::string>("url") == "https://b.example.com/releases/42");

  auto slack = parse(render_body(m, channel(ChannelType::slack)));
  CHECK(slack->getValue<std::string>("text").ends_with("<@U0LEA>"));
  auto slack_button = slack->getArray("blocks")->getObject(1)->getArray("elements")->getObject(0);
  CHECK(slack_button->getValue<std::string>("url") == "https://b.example.com/releases/42");

  // An outcome is for the submitter, who has no chat ids: nobody is mentioned.
  auto outcome = addressees(NotifyEvent::rejected, view, users);
  REQUIRE(outcome.size() == 1);
  CHECK(outcome[0].name == "bob");
  auto rejected = compose_message(NotifyEvent::rejected, view, "https://b.example.com", outcome);
  CHECK(parse(render_body(rejected, channel(ChannelType::wecom)))
            ->getObject("markdown")
            ->getValue<std::string>("content")
            .find("<@") == std::string::npos);
}

TEST_CASE("text people wrote mentions nobody in chat") {
  auto view = emergency_view();
  view.release.reason = "ping <@all> and <at id=all></at>";
  auto m = compose_message(NotifyEvent::approval_needed, view, "");
  auto wecom = parse(render_body(m, channel(ChannelType::wecom)))
                   ->getObject("markdown")
                   ->getValue<std::string>("content");
  CHECK(wecom.find("<@all>") == std::string::npos);
  CHECK(wecom.find("<\u200b@all>") != std::string::npos);
  auto feishu = parse(render_body(m, channel(ChannelType::feishu)))
                    ->getObject("card")
                    ->getArray("elements")
                    ->getObject(0)
                    ->getObject("text")
                    ->getValue<std::string>("content");
  CHECK(feishu.find("<at id=all>") == std::string::npos);
}

TEST_CASE("policy check warns of channels whose messages can link to nothing") {
  Policy p;
  CHECK(unlinked_channels(p).empty());  // no channels
  p.notify.push_back(channel(ChannelType::wecom));
  auto warnings = unlinked_channels(p);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].starts_with("notify_base_url is not set"));
  p.notify_base_url = "https://beaver.example.com";
  CHECK(unlinked_channels(p).empty());
}

TEST_CASE("an email carries its addresses, a subject and a plain text body") {
  auto m = compose_message(NotifyEvent::approved, emergency_view(), "");
  auto mail = parse(render_body(m, channel(ChannelType::email), {"a@example.com"}));
  CHECK(mail->getValue<std::string>("from") == "beaver@example.com");
  CHECK(mail->getArray("to")->getElement<std::string>(0) == "a@example.com");
  CHECK(mail->getValue<std::string>("subject") ==
        "[EMERGENCY] Approved: hello 1.4.3 to prod (release 42)");
  CHECK(mail->getValue<std::string>("text") == m.text);
}

TEST_CASE("a release waiting for approval is announced once per step, then approved") {
  test::World w(test::kPolicy + kNotifications);
  auto l = w.ledger();
  int64_t id = w.submit();
  CHECK(events_of(queued(w)) == std::vector<std::string>{"approval_needed/all-hooks"});
  auto first = queued(w).front();
  CHECK(first.release_id == id);
  CHECK(first.status == "pending");
  CHECK(first.target == "http://127.0.0.1:9/hook");
  CHECK(first.next_attempt_at == w.now);
  CHECK(parse(first.body)->getValue<std::string>("url") ==
        fmt::format("https://beaver.example.com/releases/{}", id));

  // Step 1 wants two developers: the first approval leaves it waiting on the same step.
  REQUIRE(l.approve("dan", id, std::nullopt));
  CHECK(queued(w).size() == 1);
  REQUIRE(l.approve("dora", id, std::nullopt));
  auto after_step = queued(w);
  REQUIRE(after_step.size() == 2);
  CHECK(after_step[1].event == "approval_needed");
  CHECK(parse(after_step[1].body)->getValue<std::string>("text").find("May approve: lea") !=
        std::string::npos);
  REQUIRE(l.approve("lea", id, std::nullopt));
  CHECK(events_of(queued(w)).back() == "approved/all-hooks");
}

TEST_CASE("a rejection is announced; a refused change queues nothing") {
  test::World w(test::kPolicy + kNotifications);
  auto l = w.ledger();
  int64_t id = w.submit(true);
  CHECK_FALSE(l.reject("bob", id, "mine"));  // the submitter may not
  CHECK(queued(w).size() == 1);
  REQUIRE(l.reject("lea", id, "not now"));
  auto ns = queued(w);
  REQUIRE(ns.size() == 2);
  CHECK(ns[1].event == "rejected");
  CHECK(parse(ns[1].body)->getValue<std::string>("text").find("Rejected by: lea: not now") !=
        std::string::npos);
}

TEST_CASE("a channel limited to teams hears only of their releases") {
  test::World w(test::kPolicy + kNotifications);
  auto l = w.ledger();
  REQUIRE(l.add_service("ann", "core-api", "core"));
  REQUIRE(l.add_user("ann", {"cid", "core", {Role::developer}}));
  SubmitRequest r;
  r.service = "core-api";
  r.env = "prod";
  r.version = "2.0.0";
  r.emergency = true;
  r.category = "hotfix";
  r.reason = "down";
  REQUIRE(l.submit("cid", r));
  CHECK(events_of(queued(w)) ==
        std::vector<std::string>{"approval_needed/all-hooks", "approval_needed/core-mail"});
  CHECK(queued(w)[1].target == "smtp://mail.example.com:2525");
}

TEST_CASE("mail to roles goes to the addresses of their holders, and to the channel's own") {
  test::World w(std::string(test::kPolicy) + R"(notify:
  - {channel: email, smtp: "127.0.0.1:2525", from: beaver@example.com, to_roles: [leader],
     to: [releases@example.com, lea@example.com], events: [approval_needed]}
  - {channel: email, smtp: "127.0.0.1:2525", from: beaver@example.com, to_roles: [ops]}
)");
  auto l = w.ledger();
  // A leader without an address gets no mail; lea is named once though listed twice.
  REQUIRE(l.update_user("ann", {"lea", "payments", {Role::leader}, "lea@example.com"}));
  REQUIRE(l.add_user("ann", {"olga", "platform", {Role::ops}}));
  CHECK(unreachable_channels(w.policy, *l.list_users("ann")) ==
        std::vector<std::string>{"notify channel email-2 has no recipients: no registered ops has "
                                 "an e-mail address (beaver user update NAME ... --email "
                                 "ADDRESS)"});
  w.submit(true);  // an emergency: the open step waits for a leader
  auto ns = queued(w);
  // email-2 reaches nobody, so it queued nothing.
  REQUIRE(events_of(ns) == std::vector<std::string>{"approval_needed/email-1"});
  CHECK(ns[0].target == "smtp://127.0.0.1:2525");
  auto to = parse(ns[0].body)->getArray("to");
  REQUIRE(to->size() == 2);
  CHECK(to->getElement<std::string>(0) == "lea@example.com");
  CHECK(to->getElement<std::string>(1) == "releases@example.com");
  // A step waiting for developers mails only those who may approve it: no leader.
  test::World devs(std::string(test::kPolicy) + R"(notify:
  - {channel: email, smtp: "127.0.0.1:2525", from: beaver@example.com,
     to_roles: [developer, leader], events: [approval_needed]}
)");
  auto d = devs.ledger();
  REQUIRE(d.update_user("ann", {"lea", "", {}, "lea@example.com"}));
  REQUIRE(d.update_user("ann", {"dan", "", {}, "dan@example.com"}));
  devs.submit();
  auto dev_mail = queued(devs);
  REQUIRE(dev_mail.size() == 1);
  auto dev_to = parse(dev_mail[0].body)->getArray("to");
  REQUIRE(dev_to->size() == 1);
  CHECK(dev_to->getElement<std::string>(0) == "dan@example.com");
  REQUIRE(l.update_user("ann", {"olga", "platform", {Role::ops}, "olga@example.com"}));
  CHECK(unreachable_channels(w.policy, *l.list_users("ann")).empty());
}

namespace {

// A world whose prod wants one developer, and a deploy of an approved release of it by olga
// (ops), running: the deploy's id.
int64_t running_deploy(test::World& w, Ledger& l) {
  REQUIRE(l.add_user("ann", {"olga", "platform", {Role::ops}}));
  PackageRecord p;
  p.sha256 = std::string(64, 'a');
  p.service = "hello";
  p.version = "1.0.0";
  p.file_name = "hello-1.0.0.tar.gz";
  p.size = 1;
  p.commit = "abcdef1";
  p.commit_time = w.now;
  p.manifest_json = "{}";
  bool registered = false;
  REQUIRE(l.register_package("bob", p, "payments", registered));
  SubmitRequest r;
  r.service = "hello";
  r.env = "prod";
  r.package_sha256 = p.sha256;
  auto v = l.submit("bob", r);
  REQUIRE(v);
  REQUIRE(l.approve("dan", v->release.id, std::nullopt));
  DeployClaim c;
  c.package_sha256 = p.sha256;
  c.batches = "100%";
  c.machine = machine_name();
  c.pid = getpid();
  c.pid_start = process_start_time(c.pid);
  auto d = l.start_deploy("olga", v->release.id, c);
  REQUIRE_MESSAGE(d, d.error().message);
  return d->deploy.id;
}

const std::string kOneDeveloper = R"(timezone: UTC
environments:
  prod:
    normal: {approvals: [{role: developer}]}
    emergency: {approvals: [{role: leader}]}
)";

}  // namespace

TEST_CASE("a failed deploy is announced to the channels that want it") {
  test::World w(kOneDeveloper + kNotifications);
  auto l = w.ledger();
  auto deploy = running_deploy(w, l);
  REQUIRE(l.finish_deploy("olga", deploy, "rolled_back", "health check failed on h1"));
  auto ns = queued(w);
  // The email channel is for team core only.
  CHECK(events_of(ns) == std::vector<std::string>{"approval_needed/all-hooks", "approved/all-hooks",
                                                  "deploy_failed/all-hooks",
                                                  "deploy_failed/ops-chat"});
  REQUIRE(ns.size() == 4);
  CHECK(parse(ns[3].body)
            ->getValue<std::string>("text")
            .find("ended rolled_back: health check failed on h1") != std::string::npos);
}

TEST_CASE("a deploy that succeeded is announced; a rollback that did, as rolled back") {
  test::World w(kOneDeveloper + kNotifications);
  auto l = w.ledger();
  auto deploy = running_deploy(w, l);
  REQUIRE(l.finish_deploy("olga", deploy, "deployed", std::nullopt));
  auto ns = queued(w);
  // ops-chat takes deploy_failed alone.
  CHECK(events_of(ns) == std::vector<std::string>{"approval_needed/all-hooks", "approved/all-hooks",
                                                  "deployed/all-hooks"});
  auto body = parse(ns.back().body);
  CHECK(body->getValue<std::string>("title") == "Deployed: hello 1.0.0 to prod (release 1)");
  CHECK(body->getValue<std::string>("text").find("Deployed by: olga (deploy 1") !=
        std::string::npos);

  ReleaseView before = emergency_view(), after = emergency_view();
  before.release.type = after.release.type = ReleaseType::rollback;
  before.release.state = ReleaseState::deploying;
  after.release.state = ReleaseState::deployed;
  CHECK(event_of_change(&before, after) == NotifyEvent::rolled_back);
  // A repair leaves its release deployed: nothing to say.
  before.release.state = ReleaseState::deployed;
  CHECK_FALSE(event_of_change(&before, after).has_value());
}

namespace {

// A channel that fails `failures` times, then accepts.
struct FlakySender : NotificationSender {
  mutable int failures = 0;
  mutable int calls = 0;
  DeliveryOutcome send(const Notification&, std::chrono::milliseconds) const override {
    ++calls;
    if (failures > 0) {
      --failures;
      return {false, "Connection refused"};
    }
    return {true, "HTTP 200 OK"};
  }
};

std::vector<NotificationAttempt> attempts_of(test::World& w, int64_t id) {
  std::vector<NotificationAttempt> out;
  REQUIRE(w.store->read([&](StoreTransaction& tx) -> Result<void> {
    out = tx.notification_attempts(id);
    return {};
  }));
  return out;
}

}  // namespace

TEST_CASE("a channel that is down is retried with growing backoff, each attempt recorded") {
  test::World w(test::kPolicy + kNotifications);
  w.submit();
  FlakySender sender;
  sender.failures = 2;
  DeliveryOptions o;
  o.sender = &sender;
  auto later = std::chrono::steady_clock::now() + std::chrono::seconds(10);

  auto first = deliver_due(*w.store, w.clock, later, o);
  REQUIRE(first);
  CHECK(first->failed == 1);
  CHECK(sender.calls == 1);  // tried once per pass, even when due again
  auto n = queued(w).front();
  CHECK(n.status == "pending");
  CHECK(n.attempts == 1);
  CHECK(n.last_error == "Connection refused");
  CHECK(n.next_attempt_at == w.now + std::chrono::seconds(2));

  CHECK(deliver_due(*w.store, w.clock, later, o)->failed == 0);  // not due yet
  w.now += std::chrono::seconds(2);
  REQUIRE(deliver_due(*w.store, w.clock, later, o));
  CHECK(queued(w).front().next_attempt_at == w.now + std::chrono::seconds(4));
  w.now += std::chrono::seconds(4);
  auto third = deliver_due(*w.store, w.clock, later, o);
  REQUIRE(third);
  CHECK(third->sent == 1);
  n = queued(w).front();
  CHECK(n.status == "sent");
  CHECK(n.sent_at == w.now);
  auto attempts = attempts_of(w, n.id);
  REQUIRE(attempts.size() == 3);
  CHECK_FALSE(attempts[0].ok);
  CHECK(attempts[0].detail == "Connection refused");
  CHECK(attempts[2].ok);
  CHECK(attempts[2].detail == "HTTP 200 OK");
}

namespace {

// Accepts every message and counts, by id, how often each came (from any thread).
struct CountingSender : NotificationSender {
  mutable std::mutex mutex;
  mutable std::map<int64_t, int> sent;
  DeliveryOutcome send(const Notification& n, std::chrono::milliseconds) const override {
    std::lock_guard hold(mutex);
    ++sent[n.id];
    return {true, "HTTP 200 OK"};
  }
};

}  // namespace

TEST_CASE("deliverers on their own connections at once send each message once") {
  // As the notifiers of several servers on one database do.
  test::World w(test::kPolicy + kNotifications);
  for (int i = 0; i < 12; ++i) w.submit(i % 3 == 0);
  auto before = queued(w);
  REQUIRE(before.size() >= 12);
  CountingSender sender;
  DeliveryOptions o;
  o.sender = &sender;
  constexpr int kDeliverers = 3;
  std::vector<Result<DeliveryReport>> reports(kDeliverers, fail(ErrorKind::internal, "not run"));
  auto later = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  w.at_once(kDeliverers,
            [&](Store& store, int i) { reports[i] = deliver_due(store, w.clock, later, o); });
  int sent = 0;
  for (const auto& r : reports) {
    REQUIRE_MESSAGE(r.has_value(), r.error().message);
    sent += r->sent;
  }
  CHECK(sent == static_cast<int>(before.size()));
  CHECK(sender.sent.size() == before.size());
  for (const auto& [id, times] : sender.sent) CHECK_MESSAGE(times == 1, "notification ", id);
  for (const auto& n : queued(w)) {
    CHECK(n.status == "sent");
    CHECK(attempts_of(w, n.id).size() == 1);
  }
}

TEST_CASE("a notification is given up as failed after the last attempt") {
  test::World w(test::kPolicy + kNotifications);
  w.submit();
  FlakySender sender;
  sender.failures = 100;
  DeliveryOptions o;
  o.sender = &sender;
  o.first_backoff = std::chrono::milliseconds(0);
  o.max_attempts = 3;
  auto later = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (int i = 0; i < 5; ++i) REQUIRE(deliver_due(*w.store, w.clock, later, o));
  CHECK(sender.calls == 3);
  auto n = queued(w).front();
  CHECK(n.status == "failed");
  CHECK(n.attempts == 3);
  CHECK(attempts_of(w, n.id).size() == 3);
}

TEST_CASE("the notifier delivers in the background when woken and stops cleanly") {
  test::World w(test::kPolicy + kNotifications);
  w.submit();
  FlakySender sender;
  DeliveryOptions o;
  o.sender = &sender;
  Notifier notifier([&] { return w.open_again(); }, w.clock, o, std::chrono::milliseconds(20));
  notifier.start();
  notifier.wake();
  std::string status;
  for (int i = 0; i < 500 && status != "sent"; ++i) {
    status = queued(w).front().status;
    if (status != "sent") std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  notifier.stop();
  CHECK(status == "sent");
}

}  // namespace beaver

namespace beaver {
namespace {

const std::string kEnvs = R"(environments:
  prod: {normal: {approvals: []}, emergency: {approvals: []}}
)";

std::string policy_error(const std::string& notifications) {
  auto p = parse_policy(kEnvs + notifications, "policy.yaml", test::source_dir());
  REQUIRE_FALSE(p.has_value());
  CHECK(p.error().kind == ErrorKind::bad_input);
  return p.error().message;
}

}  // namespace

TEST_CASE("the policy's channels are read with their defaults") {
  auto p = parse_policy(kEnvs + kNotifications, "policy.yaml", test::source_dir());
  REQUIRE_MESSAGE(p.has_value(), p.error().message);
  CHECK(p->notify_base_url == "https://beaver.example.com");  // the trailing slash dropped
  const auto& n = p->notify;
  REQUIRE(n.size() == 3);
  CHECK(n[0].type == ChannelType::webhook);  // the generic format
  CHECK(n[0].events.size() == 9);
  CHECK(n[0].teams.empty());
  CHECK(n[1].type == ChannelType::slack);
  CHECK(n[1].events == std::vector<NotifyEvent>{NotifyEvent::deploy_failed});
  REQUIRE(n[2].smtp.has_value());
  CHECK(n[2].smtp->host == "mail.example.com");
  CHECK(n[2].smtp->port == 2525);
  CHECK(n[2].smtp->from == "beaver@example.com");
  CHECK(n[2].to == std::vector<std::string>{"a@example.com"});
  CHECK(n[2].to_roles.empty());
  CHECK(n[2].wants(NotifyEvent::approved, "core"));
  CHECK_FALSE(n[2].wants(NotifyEvent::approved, "payments"));
}

TEST_CASE("the design's notify list reads as written, channels named by their place") {
  auto p = parse_policy(kEnvs + R"(notify:
  - {channel: webhook, format: generic, url: "http://127.0.0.1:9000/hook",
     events: [approval_needed, approved, rejected, deploy_failed]}
  - {channel: email, smtp: "127.0.0.1:2525", from: "beaver@example.com",
     to_roles: [leader], events: [approval_needed]}
  - {channel: webhook, format: feishu, url: "https://open.feishu.cn/hook/x"}
)",
                        "policy.yaml", test::source_dir());
  REQUIRE_MESSAGE(p.has_value(), p.error().message);
  REQUIRE(p->notify.size() == 3);
  CHECK(p->notify[0].name == "webhook-1");
  CHECK(p->notify[1].name == "email-2");
  CHECK(p->notify[2].name == "webhook-3");
  CHECK(p->notify[1].to_roles == std::vector<Role>{Role::leader});
  CHECK(p->notify[1].events == std::vector<NotifyEvent>{NotifyEvent::approval_needed});
  CHECK(p->notify[2].type == ChannelType::feishu);
  CHECK(p->notify_base_url.empty());
}

TEST_CASE("a bad channel is refused at its place in the file") {
  CHECK(policy_error("notify:\n  - {channel: teams, url: \"http://h/\"}\n")
            .starts_with("policy.yaml:4:15: "));
  CHECK(policy_error("notify:\n  - {channel: webhook, format: teams, url: \"http://h/\"}\n")
            .starts_with("policy.yaml:4:32: "));
  CHECK(policy_error("notify:\n  - {channel: webhook, url: \"ftp://h/\"}\n")
            .starts_with("policy.yaml:4:29: "));
  CHECK(policy_error("notify:\n  - {channel: webhook, url: \"http://h:70000/\"}\n") ==
        "policy.yaml:4:29: expected a port from 1 to 65535 in 'http://h:70000/'");
  CHECK(policy_error(
            "notify:\n  - {channel: webhook, url: \"http://h/\", events: [approval_requested]}\n")
            .starts_with("policy.yaml:4:51: "));
  CHECK(policy_error("notify:\n  - {channel: webhook, name: a, url: \"http://h/\"}\n"
                     "  - {channel: email, name: a, smtp: \"h:25\", from: b@h, to: [c@h]}\n") ==
        "policy.yaml:5:28: a second notify channel named 'a'");
  CHECK(policy_error("notify:\n  - {channel: email, smtp: \"h:99999\", from: b@h, to: [c@h]}\n") ==
        "policy.yaml:4:28: expected an SMTP server \"host:port\" with a port from 1 to 65535, got "
        "'h:99999'");
  CHECK(policy_error("notify:\n  - {channel: email, smtp: \"h\", from: b@h, to: [c@h]}\n")
            .starts_with("policy.yaml:4:28: "));
  CHECK(policy_error("notify:\n  - {channel: email, smtp: \"h:25\", from: \"b c@h\", to: [c@h]}\n")
            .starts_with("policy.yaml:4:42: "));
  CHECK(policy_error("notify:\n  - {channel: email, smtp: \"h:25\", from: b@h, to_roles: [boss]}\n")
            .starts_with("policy.yaml:4:58: "));
  CHECK(policy_error("notify:\n  - {channel: email, smtp: \"h:25\", from: b@h}\n")
            .starts_with("policy.yaml:4:"));
  CHECK(policy_error("notify:\n  - {channel: email, url: \"http://h/\"}\n")
            .starts_with("policy.yaml:4:"));
  // The form that came before the design's is gone.
  CHECK(policy_error("notifications:\n  channels: []\n").starts_with("policy.yaml:3:1: "));
}

}  // namespace beaver
