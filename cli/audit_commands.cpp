// beaver audit log | head | verify [--anchor FILE].

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <fstream>
#include <sstream>

#include "audit/audit.hpp"
#include "command_help.hpp"
#include "commands.hpp"
#include "release_text.hpp"

namespace beaver::cli {
namespace {

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
  add_help(*log,
           "Every state change, oldest first, each entry holding the hash of the one before it.",
           {"beaver audit log", "beaver audit log -o json"});
  add_output_option(*log, ctx, {"table", "json", "csv"});
  on_run(log, ctx, [&ctx]() -> Result<void> {
    auto ops = ctx.ops(Access::read);
    if (!ops) return std::unexpected(ops.error());
    auto entries = (*ops)->audit_log(std::nullopt);
    if (!entries) return std::unexpected(entries.error());
    Table t{{"SEQ", "AT", "ACTOR", "ACTION", "SUBJECT", "PAYLOAD"}, {}};
    for (size_t i = 0; i < (*entries)->size(); ++i) {
      auto e = (*entries)->getObject(static_cast<unsigned>(i));
      auto f = [&e](const char* key) { return text_of(e, key); };
      // The payload as stored: compact JSON, or the text an out-of-band edit left.
      auto payload = e->get("payload");
      std::string payload_text;
      if (payload.isString()) {
        payload_text = payload.convert<std::string>();
      } else {
        std::ostringstream out;
        Poco::JSON::Stringifier::stringify(payload, out);
        payload_text = out.str();
      }
      t.rows.push_back({f("seq"), f("at"), f("actor"), f("action"), f("subject"), payload_text});
    }
    ctx.out.rows(t, *entries);
    return {};
  });

  auto* head_cmd = audit->add_subcommand("head", "print the newest entry's sequence and hash");
  add_help(*head_cmd,
           "Keep its output away from the ledger: beaver audit verify --anchor FILE then checks "
           "that the log still holds that entry with that hash, so a log cut short is caught. "
           "Refused when the chain is broken already.",
           {"beaver audit head > audit-anchor.txt"});
  on_run(head_cmd, ctx, [&ctx]() -> Result<void> {
    if (ctx.remote()) {
      auto ops = ctx.ops(Access::read);
      if (!ops) return std::unexpected(ops.error());
      auto v = (*ops)->audit_verify();
      if (!v) return std::unexpected(v.error());
      if (!(*v)->getValue<bool>("whole"))
        return fail(ErrorKind::refused, "the audit chain is broken: {}; no head to export",
                    text_of(*v, "problem"));
      auto h = (*v)->getObject("head");
      ctx.out.line(format_audit_head({h->getValue<int64_t>("seq"), text_of(h, "hash")}));
      return {};
    }
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
  auto* verify = audit->add_subcommand("verify", "prove the log was not changed out of band");
  add_help(*verify,
           "Walks the hash chain: the log was not edited, deleted or inserted into out of band. "
           "With --anchor, a head saved earlier by beaver audit head must still be in the log with "
           "its hash, so a log cut short is caught; --anchor is checked on the ledger's machine, "
           "not through a server.",
           {"beaver audit verify", "beaver audit verify --anchor audit-anchor.txt"});
  ctx.values.declare(
      verify->add_option("--anchor", *anchor, "a head exported earlier with 'beaver audit head'"),
      ValueKind::file);
  on_run(verify, ctx, [&ctx, anchor]() -> Result<void> {
    auto head = read_anchor(*anchor);
    if (!head) return std::unexpected(head.error());
    if (ctx.remote()) {
      if (*head)
        return fail(ErrorKind::bad_input,
                    "--anchor is checked on the ledger's machine; run it there, or without "
                    "--server");
      auto ops = ctx.ops(Access::read);
      if (!ops) return std::unexpected(ops.error());
      auto v = (*ops)->audit_verify();
      if (!v) return std::unexpected(v.error());
      if (!(*v)->getValue<bool>("whole"))
        return fail(ErrorKind::refused, "audit chain broken at entry {}: {}",
                    text_of(*v, "first_bad"), text_of(*v, "problem"));
      auto h = (*v)->getObject("head");
      ctx.out.line(fmt::format("audit chain whole: {} entries, head {} {}", text_of(*v, "entries"),
                               text_of(h, "seq"), text_of(h, "hash")));
      return {};
    }
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
