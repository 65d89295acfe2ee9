// beaver db migrate|copy|backup|restore: the ledger's schema, on SQLite or PostgreSQL, created or
// brought up to date; a whole ledger moved from one store to another; a SQLite ledger's backup,
// and its restore.

#include <functional>

#include "command_help.hpp"
#include "commands.hpp"
#include "ledger/ledger_backup.hpp"
#include "ledger/ledger_copy.hpp"
#include "paths/paths.hpp"
#include "store/schema_migrate.hpp"

namespace beaver::cli {
namespace {

// "2391 audit entries, the chain verifies up to entry 2391 (5b0e...)".
std::string chain_summary(const AuditVerdict& v) {
  return fmt::format("{} audit entries, the chain verifies up to entry {} ({})", v.entries,
                     v.head.seq, v.head.hash);
}

// What a command on FILE and the ledger does; what it did, in a line.
using FileAction =
    std::function<Result<std::string>(const std::string& file, const DatabaseUrl& ledger)>;

// `beaver db NAME FILE [--database URL]`: `act` on FILE and the ledger here (--database, else
// BEAVER_DATABASE, else the SQLite file in $BEAVER_HOME).
void add_file_command(CLI::App& db, Context& ctx, const char* name, const char* summary,
                      const char* help, const char* example, const char* file_help,
                      const char* database_help, FileAction act) {
  struct Args {
    std::string file, database;
  };
  auto a = std::make_shared<Args>();
  auto* command = db.add_subcommand(name, summary);
  add_help(*command, help, {example});
  ctx.values.declare(command->add_option("FILE", a->file, file_help), ValueKind::file)->required();
  command->add_option(
      "--database", a->database,
      fmt::format("{} (default: BEAVER_DATABASE, else the SQLite file in $BEAVER_HOME)",
                  database_help));
  on_run(command, ctx, [&ctx, a, act]() -> Result<void> {
    BEAVER_TRY(ctx.local_only());
    auto url = ledger_database(a->database);
    if (!url) return std::unexpected(url.error());
    auto said = act(a->file, *url);
    if (!said) return std::unexpected(said.error());
    ctx.out.line(*said);
    return {};
  });
}

}  // namespace

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

  add_file_command(
      *db, ctx, "backup", "copy a SQLite ledger while it is in use",
      "Writes FILE, a new file, as one consistent state of the ledger, even while a server "
      "writes to it (SQLite's online backup), then verifies the copy's audit chain. A "
      "PostgreSQL ledger is backed up with pg_dump (see the admin guide).",
      "beaver db backup /var/backups/beaver-2026-11-24.db", "the copy to write (must not exist)",
      "the ledger: sqlite:///PATH or a file",
      [](const std::string& file, const DatabaseUrl& ledger) -> Result<std::string> {
        auto verdict = backup_ledger(ledger, file, data_dir() / "schemas/migrations");
        if (!verdict) return std::unexpected(verdict.error());
        return fmt::format("backed up {} to {}: {}", ledger.shown, file, chain_summary(*verdict));
      });
  add_file_command(
      *db, ctx, "restore", "make a backup the SQLite ledger",
      "Makes FILE, a copy written by 'beaver db backup', the ledger: only when its audit chain "
      "verifies, and never over an existing ledger (move that away first). FILE is left as it "
      "is. A PostgreSQL ledger is restored with pg_restore (see the admin guide).",
      "beaver db restore /var/backups/beaver-2026-11-24.db", "the backup to restore",
      "the ledger to create: sqlite:///PATH or a file",
      [](const std::string& file, const DatabaseUrl& ledger) -> Result<std::string> {
        auto verdict = restore_ledger(file, ledger, data_dir() / "schemas/migrations");
        if (!verdict) return std::unexpected(verdict.error());
        return fmt::format("restored {} as {}: {}", file, ledger.shown, chain_summary(*verdict));
      });
}

}  // namespace beaver::cli
