// beaver user add | update | list.

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "commands.hpp"
#include "paths/paths.hpp"

namespace beaver::cli {
namespace {

struct UserArgs {
  std::string name;
  std::string team;
  std::vector<std::string> roles;
};

NewUser to_new_user(const UserArgs& a) {
  NewUser u{a.name, a.team, {}};
  for (const auto& r : a.roles) u.roles.push_back(*role_from_string(r));
  return u;
}

Poco::JSON::Object::Ptr user_json(const User& u) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("name", u.name);
  o->set("team", u.team);
  Poco::JSON::Array::Ptr roles = new Poco::JSON::Array;
  for (Role r : u.roles) roles->add(std::string(to_string(r)));
  o->set("roles", roles);
  o->set("created_at", format_utc(u.created_at));
  return o;
}

void add_user_options(CLI::App* cmd, UserArgs& args) {
  cmd->add_option("NAME", args.name, "user name")->required();
  cmd->add_option("--team", args.team, "the user's team")->required();
  cmd->add_option("--role", args.roles, "a role; repeat for several")
      ->required()
      ->check(CLI::IsMember({"developer", "leader", "ops", "manager", "admin"}));
}

}  // namespace

void register_user_commands(CLI::App& app, Context& ctx) {
  auto* user = app.add_subcommand("user", "people, their team and their roles");
  user->require_subcommand(1);

  auto add_args = std::make_shared<UserArgs>();
  auto* add = user->add_subcommand("add", "add a user (an admin; the first user must be one)");
  add_user_options(add, *add_args);
  add_output_option(*add, ctx, {"table", "json"});
  on_run(add, ctx, [&ctx, add_args]() -> Result<void> {
    // Refused before the ledger is created, so a wrong first user leaves nothing behind.
    auto request = to_new_user(*add_args);
    auto home = beaver_home();
    std::error_code no_file;
    if (home && !std::filesystem::exists(*home / "beaver.db", no_file))
      BEAVER_TRY(check_first_user(request));
    auto session = ctx.session(Access::create);
    if (!session) return std::unexpected(session.error());
    auto& [actor, ledger] = *session;
    auto u = ledger.add_user(actor, request);
    if (!u) return std::unexpected(u.error());
    ctx.out.record(
        {fmt::format("user {} added (team {}, {})", u->name, u->team, roles_text(u->roles))},
        user_json(*u));
    return {};
  });

  auto update_args = std::make_shared<UserArgs>();
  auto* update = user->add_subcommand("update", "replace a user's team and roles (an admin)");
  add_user_options(update, *update_args);
  add_output_option(*update, ctx, {"table", "json"});
  on_run(update, ctx, [&ctx, update_args]() -> Result<void> {
    auto session = ctx.session(Access::write);
    if (!session) return std::unexpected(session.error());
    auto& [actor, ledger] = *session;
    auto u = ledger.update_user(actor, to_new_user(*update_args));
    if (!u) return std::unexpected(u.error());
    ctx.out.record(
        {fmt::format("user {} updated (team {}, {})", u->name, u->team, roles_text(u->roles))},
        user_json(*u));
    return {};
  });

  auto* list = user->add_subcommand("list", "list users");
  add_output_option(*list, ctx, {"table", "json", "csv"});
  on_run(list, ctx, [&ctx]() -> Result<void> {
    auto session = ctx.session(Access::read);
    if (!session) return std::unexpected(session.error());
    auto& [actor, ledger] = *session;
    auto users = ledger.list_users(actor);
    if (!users) return std::unexpected(users.error());
    Table t{{"NAME", "TEAM", "ROLES", "CREATED"}, {}};
    Poco::JSON::Array::Ptr json = new Poco::JSON::Array;
    for (const auto& u : *users) {
      t.rows.push_back({u.name, u.team, roles_text(u.roles), format_utc(u.created_at)});
      json->add(user_json(u));
    }
    ctx.out.rows(t, json);
    return {};
  });
}

}  // namespace beaver::cli
