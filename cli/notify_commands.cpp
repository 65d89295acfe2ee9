// beaver notify list | send, and the delivery pass after a command that changed a release.

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "command_help.hpp"
#include "commands.hpp"
#include "notify/notification_log.hpp"
#include "notify/notifier.hpp"

namespace beaver::cli {
namespace {

// A local command waits this long at most for channels after its change is committed.
constexpr auto kPassAfterChange = std::chrono::seconds(3);
// `beaver notify send` is bounded too, so a channel that hangs cannot hold a terminal.
constexpr auto kSendPass = std::chrono::seconds(30);

std::string time_or_dash(const std::optional<Timestamp>& t) { return t ? format_utc(*t) : "-"; }

Poco::Dynamic::Var body_json(const std::string& body) {
  try {
    return Poco::JSON::Parser().parse(body);
  } catch (const Poco::Exception&) {
    return body;
  }
}

Poco::JSON::Object::Ptr entry_json(const NotificationEntry& e) {
  const Notification& n = e.notification;
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", n.id);
  o->set("event", n.event);
  o->set("release_id", n.release_id);
  o->set("channel", n.channel);
  o->set("type", n.channel_type);
  o->set("target", n.target);
  o->set("status", n.status);
  o->set("attempts", n.attempts);
  o->set("next_attempt_at", format_utc(n.next_attempt_at));
  o->set("created_at", format_utc(n.created_at));
  o->set("sent_at", n.sent_at ? Poco::Dynamic::Var(format_utc(*n.sent_at)) : Poco::Dynamic::Var());
  o->set("last_error", n.last_error ? Poco::Dynamic::Var(*n.last_error) : Poco::Dynamic::Var());
  o->set("body", body_json(n.body));
  Poco::JSON::Array::Ptr attempts = new Poco::JSON::Array;
  for (const auto& a : e.attempts) {
    Poco::JSON::Object::Ptr j = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    j->set("attempt", a.attempt);
    j->set("at", format_utc(a.at));
    j->set("ok", a.ok);
    j->set("detail", a.detail);
    attempts->add(j);
  }
  o->set("attempt_log", attempts);
  return o;
}

Result<DeliveryReport> deliver(Context& ctx, std::chrono::steady_clock::duration bound) {
  auto options = delivery_options_from_environment();
  if (!options) return std::unexpected(options.error());
  auto clock = ctx.clock();
  if (!clock) return std::unexpected(clock.error());
  auto store = ctx.store(Access::write);
  if (!store) return std::unexpected(store.error());
  return deliver_due(**store, **clock, std::chrono::steady_clock::now() + bound, *options);
}

}  // namespace

void deliver_after_change(Context& ctx, bool warn) {
  // On a server, the server sends them.
  if (ctx.remote()) return;
  auto policy = ctx.policy();
  if (!policy || (*policy)->notify.empty()) return;
  auto report = deliver(ctx, kPassAfterChange);
  if (!warn) return;
  if (!report) {
    ctx.out.warn(fmt::format("notifications stay queued: {}", report.error().message));
    return;
  }
  for (const auto& line : report->failures) ctx.out.warn(line);
  if (!report->failures.empty())
    ctx.out.warn("failed notifications stay queued for the server or 'beaver notify send'");
}

void register_notify_commands(CLI::App& app, Context& ctx) {
  auto* notify = app.add_subcommand("notify", "the notifications outbox: list it, send it");
  notify->require_subcommand(1);

  auto status = std::make_shared<std::string>();
  auto* list = notify->add_subcommand("list", "notifications newest first, with every attempt");
  add_help(*list, "", {"beaver notify list", "beaver notify list --status failed"});
  ctx.values.one_of(list->add_option("--status", *status, "only pending, sent or failed ones"),
                    {"pending", "sent", "failed"});
  add_output_option(*list, ctx, {"table", "json"});
  on_run(list, ctx, [&ctx, status]() -> Result<void> {
    // The outbox is the server's business there: it sends and retries on its own.
    BEAVER_TRY(ctx.local_only());
    auto who = ctx.actor();
    if (!who) return std::unexpected(who.error());
    auto store = ctx.store(Access::read);
    if (!store) return std::unexpected(store.error());
    auto entries = notification_log(
        **store, *who, status->empty() ? std::nullopt : std::optional<std::string>(*status), 1000);
    if (!entries) return std::unexpected(entries.error());
    Table t{{"ID", "EVENT", "RELEASE", "CHANNEL", "TYPE", "STATUS", "ATTEMPTS", "NEXT", "SENT",
             "LAST ERROR"},
            {}};
    Poco::JSON::Array::Ptr json = new Poco::JSON::Array;
    for (const auto& e : *entries) {
      const Notification& n = e.notification;
      t.rows.push_back({std::to_string(n.id), n.event, std::to_string(n.release_id), n.channel,
                        n.channel_type, n.status, std::to_string(n.attempts),
                        n.status == "pending" ? format_utc(n.next_attempt_at) : "-",
                        time_or_dash(n.sent_at), n.last_error.value_or("-")});
      json->add(entry_json(e));
    }
    ctx.out.rows(t, json);
    return {};
  });

  auto* send = notify->add_subcommand("send", "send the notifications due now, once");
  add_help(*send,
           "A channel that is down leaves its notifications queued for the next pass (a server "
           "sends and retries on its own).",
           {"beaver notify send"});
  on_run(send, ctx, [&ctx]() -> Result<void> {
    BEAVER_TRY(ctx.local_only());
    auto report = deliver(ctx, kSendPass);
    if (!report) return std::unexpected(report.error());
    for (const auto& line : report->failures) ctx.out.line(line);
    ctx.out.line(fmt::format("{} sent, {} failed", report->sent, report->failed));
    return {};
  });
}

}  // namespace beaver::cli
