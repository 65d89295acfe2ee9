// beaver db migrate: the ledger's schema, on SQLite or PostgreSQL, created or brought up to date.

#include <cstdlib>

#include "commands.hpp"
#include "paths/paths.hpp"
#include "store/schema_migrate.hpp"

namespace beaver::cli {

Result<DatabaseUrl> ledger_database(const std::string& option) {
  if (!option.empty()) return parse_database_url(option);
  if (const char* env = std::getenv("BEAVER_DATABASE"); env != nullptr && *env != '\0') {
    auto url = parse_database_url(env);
    if (!url) return fail(url.error().kind, "BEAVER_DATABASE: {}", url.error().message);
    return url;
  }
  auto home = beaver_home();
  if (!home) return std::unexpected(home.error());
  return parse_database_url((*home / "beaver.db").string());
}

void register_db_commands(CLI::App& app, Context& ctx) {
  auto* db = app.add_subcommand("db", "the ledger's database: its schema");
  db->require_subcommand(1);
  auto database = std::make_shared<std::string>();
  auto* migrate = db->add_subcommand(
      "migrate",
      "create the ledger's schema, or bring it up to this beaver's version (idempotent; on "
      "PostgreSQL in one transaction)");
  migrate->add_option("--database", *database,
                      "postgresql://USER[:PASSWORD]@HOST[:PORT]/DB or sqlite:///PATH (default: "
                      "BEAVER_DATABASE, else the SQLite file in $BEAVER_HOME)");
  on_run(migrate, ctx, [&ctx, database]() -> Result<void> {
    BEAVER_TRY(ctx.local_only());
    auto url = ledger_database(*database);
    if (!url) return std::unexpected(url.error());
    auto change = migrate_database(*url, data_dir() / "schemas/migrations");
    if (!change) return std::unexpected(change.error());
    if (change->from == change->to)
      ctx.out.line(fmt::format("{}: schema at version {}, nothing to do", url->shown, change->to));
    else if (change->from == 0)
      ctx.out.line(fmt::format("{}: schema created at version {}", url->shown, change->to));
    else
      ctx.out.line(fmt::format("{}: schema upgraded from version {} to {}", url->shown,
                               change->from, change->to));
    return {};
  });
}

}  // namespace beaver::cli
