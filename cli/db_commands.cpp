// beaver db migrate|copy: the ledger's schema, on SQLite or PostgreSQL, created or brought up to
// date; a whole ledger moved from one store to another.

#include "command_help.hpp"
#include "commands.hpp"
#include "ledger/ledger_copy.hpp"
#include "paths/paths.hpp"
#include "store/schema_migrate.hpp"

namespace beaver::cli {

void register_db_commands(CLI::App& app, Context& ctx) {
  auto* db = app.add_subcommand("db", "the ledger's database: its schema, and moving it");
  db->require_subcommand(1);
  auto database = std::make_shared<std::string>();
  auto* migrate = db->add_subcommand("migrate", "create or upgrade the ledger's schema");
  add_help(*migrate,
           "Creates the ledger's schema, or brings it up to this beaver's version. Running it "
           "again changes nothing; on PostgreSQL it runs in one transaction.",
           {"beaver db migrate",
            "beaver db migrate --database postgresql://beaver@db.example.com/beaver"});
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

  struct CopyArgs {
    std::string from, to;
  };
  auto c = std::make_shared<CopyArgs>();
  auto* copy = db->add_subcommand("copy", "copy a whole ledger into an empty database");
  add_help(
      *copy,
      "SQLite or PostgreSQL, either way. Ids and the audit chain arrive intact, and the chain is "
      "verified where it arrives.",
      {"beaver db copy --from ~/.beaver/beaver.db --to postgresql://beaver@db/beaver"});
  copy->add_option("--from", c->from, "the ledger to copy (a URL or a SQLite file)")->required();
  copy->add_option("--to", c->to, "an empty database (a URL or a SQLite file)")->required();
  on_run(copy, ctx, [&ctx, c]() -> Result<void> {
    BEAVER_TRY(ctx.local_only());
    auto from = parse_database_url(c->from);
    if (!from) return fail(from.error().kind, "--from: {}", from.error().message);
    auto to = parse_database_url(c->to);
    if (!to) return fail(to.error().kind, "--to: {}", to.error().message);
    auto copied = copy_ledger(*from, *to, data_dir() / "schemas/migrations");
    if (!copied) return std::unexpected(copied.error());
    ctx.out.line(fmt::format(
        "copied {} rows ({} releases, {} audit entries) from {} to {}; the copy's audit chain "
        "verifies, up to entry {} ({})",
        copied->rows, copied->releases, copied->verdict.entries, from->shown, to->shown,
        copied->verdict.head.seq, copied->verdict.head.hash));
    return {};
  });
}

}  // namespace beaver::cli
