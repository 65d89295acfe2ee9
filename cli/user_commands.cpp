// beaver user add | update | passwd | list (and delegate | delegations | undelegate).

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "command_help.hpp"
#include "commands.hpp"
#include "password_input.hpp"
#include "paths/paths.hpp"
#include "release_text.hpp"

namespace beaver::cli {
namespace {

struct UserArgs {
  std::string name;
  std::string team;
  std::vector<std::string> roles;
  std::string email;
  CLI::Option* email_option = nullptr;  // given or not: an update without it keeps the address
  std::vector<std::string> im;
};

NewUser to_new_user(const UserArgs& a) {
  NewUser u{a.name, a.team, {}};
  if (a.email_option != nullptr && a.email_option->count() > 0) u.email = a.email;
  u.im = a.im;
  for (const auto& r : a.roles) u.roles.push_back(*role_from_string(r));
  return u;
}

// "developer+leader", as the ledger's roles_text prints them.
std::string roles_of(const Poco::JSON::Object::Ptr& u) {
  std::string out;
  for (const auto& r : *u->getArray("roles"))
    out += (out.empty() ? "" : "+") + r.convert<std::string>();
  return out;
}

// `name_kind`: an update names a user of the ledger, and keeps what it does not give; an
// addition names a new one, with its team and roles.
void add_user_options(CLI::App* cmd, Context& ctx, UserArgs& args,
                      std::optional<ValueKind> name_kind) {
  bool adding = !name_kind;
  auto* name = cmd->add_option("NAME", args.name, "user name")->required();
  if (name_kind) ctx.values.declare(name, *name_kind);
  ctx.values.declare(cmd->add_option("--team", args.team, "the user's team"), ValueKind::team)
      ->required(adding);
  ctx.values
      .one_of(cmd->add_option("--role", args.roles, "a role; repeat for several"),
              {"developer", "leader", "ops", "manager", "admin", "alerts"})
      ->required(adding);
  args.email_option = cmd->add_option(
      "--email", args.email,
      "the user's e-mail address, for mail to their roles (update: \"\" removes it)");
  cmd->add_option("--im", args.im,
                  "KIND:ID, where chat messages @-mention the user: wecom:USERID, "
                  "dingtalk:MOBILE, feishu:OPEN_ID or slack:MEMBER_ID; repeat for several "
                  "(update: KIND: removes one)");
}

}  // namespace

void register_user_commands(CLI::App& app, Context& ctx) {
  auto* user = app.add_subcommand("user", "people, their team and their roles");
  user->require_subcommand(1);

  auto add_args = std::make_shared<UserArgs>();
  auto* add = user->add_subcommand("add", "add a user (an admin; the first user must be one)");
  add_help(
      *add,
      "The first user of an empty ledger must hold the admin role; after that, only an admin adds "
      "users. Repeat --role for several roles. --email is where mail to the user's roles goes.",
      {"beaver user add root --team ops --role admin --as root",
       "beaver user add bob --team pay --role developer --email bob@example.com"});
  add_user_options(add, ctx, *add_args, std::nullopt);
  add_output_option(*add, ctx, {"table", "json"});
  on_run(add, ctx, [&ctx, add_args]() -> Result<void> {
    // Refused before a SQLite ledger is created, so a wrong first user leaves no file behind (a
    // PostgreSQL ledger's database exists already: the ledger checks the first user itself).
    auto request = to_new_user(*add_args);
    auto database = ledger_database("");
    std::error_code no_file;
    if (!ctx.remote() && database && database->kind == DatabaseUrl::Kind::sqlite &&
        !std::filesystem::exists(database->file, no_file))
      BEAVER_TRY(check_first_user(request));
    auto ops = ctx.ops(Access::create);
    if (!ops) return std::unexpected(ops.error());
    auto u = (*ops)->add_user(request);
    if (!u) return std::unexpected(u.error());
    ctx.out.record({fmt::format("user {} added (team {}, {})", text_of(*u, "name"),
                                text_of(*u, "team"), roles_of(*u))},
                   *u);
    return {};
  });

  auto update_args = std::make_shared<UserArgs>();
  auto* update = user->add_subcommand("update", "change a user (team, roles, mail, chat ids)");
  add_help(*update,
           "What is given replaces the user's own, and what is not given is kept: the roles "
           "given replace theirs, they are not added to them. --email \"\" removes the address. "
           "Each --im sets the id of its kind of chat, and --im KIND: removes it. Messages about "
           "a release @-mention in chat those who may act on it by these ids.",
           {"beaver user update bob --team pay --role leader",
            "beaver user update lea --im wecom:lea.wang --im dingtalk:13800138000"});
  add_user_options(update, ctx, *update_args, ValueKind::user);
  add_output_option(*update, ctx, {"table", "json"});
  on_run(update, ctx, [&ctx, update_args]() -> Result<void> {
    // Checked against the policy in force, where there is one: a change of roles must not leave
    // a release that nobody can approve.
    auto ops = ctx.ops(Access::write, !ctx.remote() && ctx.has_policy());
    if (!ops) return std::unexpected(ops.error());
    auto u = (*ops)->update_user(to_new_user(*update_args));
    if (!u) return std::unexpected(u.error());
    ctx.out.record({fmt::format("user {} updated (team {}, {})", text_of(*u, "name"),
                                text_of(*u, "team"), roles_of(*u))},
                   *u);
    return {};
  });

  struct PasswdArgs {
    std::string name;
    bool from_stdin = false;
  };
  auto passwd_args = std::make_shared<PasswdArgs>();
  auto* passwd = user->add_subcommand("passwd", "set a password for the web pages");
  add_help(*passwd,
           "Everyone sets their own password; an admin anyone's. Asks for it twice on the "
           "terminal, without echo; --password-stdin reads "
           "one line of standard input instead, for scripts. It is kept only as an argon2id "
           "hash, and a new one ends the user's sign-ins on the web pages. The command line "
           "keeps using tokens.",
           {"beaver user passwd lea", "beaver user passwd lea --password-stdin <lea.password"});
  ctx.values.declare(passwd->add_option("NAME", passwd_args->name, "user name")->required(),
                     ValueKind::user);
  passwd->add_flag("--password-stdin", passwd_args->from_stdin,
                   "read the password from the first line of standard input");
  add_output_option(*passwd, ctx, {"table", "json"});
  on_run(passwd, ctx, [&ctx, passwd_args]() -> Result<void> {
    auto password = read_new_password(passwd_args->name, passwd_args->from_stdin);
    if (!password) return std::unexpected(password.error());
    auto ops = ctx.ops(Access::write);
    if (!ops) return std::unexpected(ops.error());
    auto done = (*ops)->set_password(passwd_args->name, *password);
    if (!done) return std::unexpected(done.error());
    ctx.out.record({fmt::format("password of {} set; their sign-ins on the web pages ended",
                                passwd_args->name)},
                   *done);
    return {};
  });

  auto* list = user->add_subcommand("list", "list users");
  add_help(*list, "", {"beaver user list", "beaver user list -o csv"});
  add_output_option(*list, ctx, {"table", "json", "csv"});
  on_run(list, ctx, [&ctx]() -> Result<void> {
    auto ops = ctx.ops(Access::read);
    if (!ops) return std::unexpected(ops.error());
    auto users = (*ops)->list_users();
    if (!users) return std::unexpected(users.error());
    Table t{{"NAME", "TEAM", "ROLES", "EMAIL", "CHAT", "CREATED"}, {}};
    for (size_t i = 0; i < (*users)->size(); ++i) {
      auto u = (*users)->getObject(static_cast<unsigned>(i));
      std::string email = optional_of(u, "email").value_or("-");
      std::string im;
      if (auto ids = u->getArray("im"))
        for (const auto& id : *ids) im += (im.empty() ? "" : " ") + id.convert<std::string>();
      t.rows.push_back({text_of(u, "name"), text_of(u, "team"), roles_of(u), email,
                        im.empty() ? "-" : im, text_of(u, "created_at")});
    }
    ctx.out.rows(t, *users);
    return {};
  });
  register_delegation_commands(*user, ctx);
}

}  // namespace beaver::cli
