// beaver audit log | head | verify [--anchor FILE].

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <sstream>

#include "audit/audit.hpp"
#include "commands.hpp"

namespace beaver::cli {
namespace {

Result<std::vector<AuditEntry>> read_log(Context& ctx) {
  auto session = ctx.session(Access::read);
  if (!session) return std::unexpected(session.error());
  auto& [actor, ledger] = *session;
  return ledger.audit_log(actor);
}

// The payload as JSON; a payload edited out of band into something else stays text, so the log
// can still be read (and `audit verify` names the entry).
Poco::Dynamic::Var payload_json(const std::string& payload) {
  try {
    return Poco::JSON::Parser().parse(payload);
  } catch (const Poco::Exception&) {
    return payload;
  }
}

Result<std::optional<AuditHead>> read_anchor(const std::string& file) {
  if (file.empty()) return std::optional<AuditHead>{};
  std::ifstream in(file);
  if (!in) return fail(ErrorKind::bad_input, "cannot read anchor {}", file);
  std::ostringstream text;
  text << in.rdbuf();
  auto head = parse_audit_head(text.str(), file);
  if (!head) return std::unexpected(head.error());
  return std::optional<AuditHead>{*head};
}

}  // namespace

void register_audit_commands(CLI::App& app, Context& ctx) {
  auto* audit = app.add_subcommand("audit", "the append-only, hash-chained audit log");
  audit->require_subcommand(1);

  auto* log = audit->add_subcommand("log", "print the audit log");
  add_output_option(*log, ctx, {"table", "json", "csv"});
  on_run(log, ctx, [&ctx]() -> Result<void> {
    auto entries = read_log(ctx);
    if (!entries) return std::unexpected(entries.error());
    Table t{{"SEQ", "AT", "ACTOR", "ACTION", "SUBJECT", "PAYLOAD"}, {}};
    Poco::JSON::Array::Ptr json = new Poco::JSON::Array;
    bool as_json = ctx.out.format() == Format::json;
    for (const auto& e : *entries) {
      t.rows.push_back({std::to_string(e.seq), e.at, e.actor, e.action, e.subject, e.payload});
      if (!as_json) continue;
      Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      o->set("seq", e.seq);
      o->set("at", e.at);
      o->set("actor", e.actor);
      o->set("action", e.action);
      o->set("subject", e.subject);
      o->set("payload", payload_json(e.payload));
      o->set("prev_hash", e.prev_hash);
      o->set("hash", e.hash);
      json->add(o);
    }
    ctx.out.rows(t, json);
    return {};
  });

  auto* head_cmd = audit->add_subcommand(
      "head", "print the newest entry's sequence and hash, to keep as an anchor");
  on_run(head_cmd, ctx, [&ctx]() -> Result<void> {
    auto store = ctx.store(Access::read);
    if (!store) return std::unexpected(store.error());
    auto verdict = verify_audit(**store, std::nullopt);
    if (!verdict) return std::unexpected(verdict.error());
    if (!verdict->whole())
      return fail(ErrorKind::refused, "the audit chain is broken: {}; no head to export",
                  verdict->problem);
    ctx.out.line(format_audit_head(verdict->head));
    return {};
  });

  auto anchor = std::make_shared<std::string>();
  auto* verify = audit->add_subcommand("verify",
                                       "prove the log was not edited, deleted or "
                                       "inserted into out of band");
  verify->add_option("--anchor", *anchor, "a head exported earlier with 'beaver audit head'");
  on_run(verify, ctx, [&ctx, anchor]() -> Result<void> {
    auto head = read_anchor(*anchor);
    if (!head) return std::unexpected(head.error());
    auto store = ctx.store(Access::read);
    if (!store) return std::unexpected(store.error());
    auto verdict = verify_audit(**store, *head);
    if (!verdict) return std::unexpected(verdict.error());
    if (!verdict->whole())
      return fail(ErrorKind::refused, "audit chain broken at entry {}: {}", *verdict->first_bad,
                  verdict->problem);
    ctx.out.line(fmt::format("audit chain whole: {} entries, head {} {}{}", verdict->entries,
                             verdict->head.seq, verdict->head.hash,
                             *head ? fmt::format(", anchor {} found", (*head)->seq) : ""));
    return {};
  });
}

}  // namespace beaver::cli
