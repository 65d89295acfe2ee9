// beaver token create | list | revoke: users' credentials for the server.

#include <charconv>

#include "command_help.hpp"
#include "commands.hpp"
#include "model/names.hpp"

namespace beaver::cli {
namespace {

std::vector<std::string> token_row(const Poco::JSON::Object::Ptr& t) {
  auto text = [&t](const char* key) {
    return t->isNull(key) ? "-" : t->getValue<std::string>(key);
  };
  return {std::to_string(t->getValue<int64_t>("id")),
          text("user"),
          text("label"),
          text("created_by"),
          text("created_at"),
          t->isNull("revoked_at") ? "active" : "revoked " + text("revoked_at")};
}

}  // namespace

void register_token_commands(CLI::App& app, Context& ctx) {
  auto* token = app.add_subcommand("token", "API tokens for the server and the web pages");
  token->require_subcommand(1);

  struct CreateArgs {
    std::string user, label;
  };
  auto ca = std::make_shared<CreateArgs>();
  auto* create = token->add_subcommand("create", "make a token for a user; printed once");
  add_help(*create,
           "For yourself, or anyone as an admin. Its text is printed this once: the ledger keeps "
           "only its hash. Give it to the command line as BEAVER_TOKEN, or paste it on the web "
           "page's sign-in.",
           {"beaver token create alice --label laptop"});
  ctx.values.declare(create->add_option("USER", ca->user, "whose token"), ValueKind::user)
      ->required();
  create->add_option("--label", ca->label, "what it is for, e.g. 'laptop'");
  add_output_option(*create, ctx, {"table", "json"});
  on_run(create, ctx, [&ctx, ca]() -> Result<void> {
    auto ops = ctx.ops(Access::write);
    if (!ops) return std::unexpected(ops.error());
    auto made = (*ops)->create_token(ca->user, ca->label);
    if (!made) return std::unexpected(made.error());
    auto record = (*made)->getObject("token");
    ctx.out.record({(*made)->getValue<std::string>("text")}, *made);
    ctx.out.warn(fmt::format(
        "token {} for {}: shown once, keep it secret (export BEAVER_TOKEN=...); revoke it with "
        "'beaver token revoke {}'",
        record->getValue<int64_t>("id"), ca->user, record->getValue<int64_t>("id")));
    return {};
  });

  auto* list = token->add_subcommand("list", "your tokens (an admin: everyone's)");
  add_help(
      *list,
      "Their ids, users, labels, who made them and whether they are revoked; never their secrets.",
      {"beaver token list"});
  add_output_option(*list, ctx, {"table", "json", "csv"});
  on_run(list, ctx, [&ctx]() -> Result<void> {
    auto ops = ctx.ops(Access::read);
    if (!ops) return std::unexpected(ops.error());
    auto tokens = (*ops)->list_tokens();
    if (!tokens) return std::unexpected(tokens.error());
    Table t{{"ID", "USER", "LABEL", "CREATED BY", "CREATED", "STATE"}, {}};
    for (size_t i = 0; i < (*tokens)->size(); ++i)
      t.rows.push_back(token_row((*tokens)->getObject(i)));
    ctx.out.rows(t, *tokens);
    return {};
  });

  auto revoke_id = std::make_shared<std::string>();
  auto* revoke = token->add_subcommand("revoke", "revoke a token: it no longer signs anyone in");
  add_help(*revoke, "", {"beaver token revoke 3"});
  revoke->add_option("ID", *revoke_id, "the token's id (see beaver token list)")->required();
  on_run(revoke, ctx, [&ctx, revoke_id]() -> Result<void> {
    auto id = parse_id("token", *revoke_id);
    if (!id) return std::unexpected(id.error());
    auto ops = ctx.ops(Access::write);
    if (!ops) return std::unexpected(ops.error());
    auto revoked = (*ops)->revoke_token(*id);
    if (!revoked) return std::unexpected(revoked.error());
    ctx.out.line(
        fmt::format("token {} of {} revoked", *id, (*revoked)->getValue<std::string>("user")));
    return {};
  });
}

}  // namespace beaver::cli
