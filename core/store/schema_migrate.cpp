#include "store/schema_migrate.hpp"

#include <sqlite3.h>

#include "store/migrations.hpp"
#include "store/pg.hpp"
#include "store/store.hpp"

namespace beaver {
namespace {

// pg_advisory_xact_lock's key for schema changes: "beaver" and 1, as a 64-bit number.
constexpr const char* kSchemaLock = "7089337349742411777";

Result<SchemaChange> migrate_postgresql(const DatabaseUrl& url,
                                        const std::vector<Migration>& migrations) {
  int known = migrations.back().version;
  try {
    pg::Connection c(url.conninfo, url.shown);
    c.exec("BEGIN");
    c.query("SELECT pg_advisory_xact_lock($1::bigint)", {kSchemaLock});
    c.exec("CREATE TABLE IF NOT EXISTS beaver_schema (version integer NOT NULL)");
    auto current = c.query("SELECT version FROM beaver_schema");
    SchemaChange change;
    change.from = current.rows() > 0 ? static_cast<int>(current.integer(0, 0)) : 0;
    change.to = std::max(change.from, known);
    if (change.from > known) {
      c.exec("ROLLBACK");
      return fail(ErrorKind::unavailable,
                  "{} was written by a newer beaver (schema version {}; this beaver knows up to "
                  "{}): upgrade beaver",
                  url.shown, change.from, known);
    }
    for (const auto& m : migrations)
      if (m.version > change.from) c.exec(m.sql);
    if (current.rows() == 0)
      c.query("INSERT INTO beaver_schema (version) VALUES ($1)", {std::to_string(change.to)});
    else
      c.query("UPDATE beaver_schema SET version = $1", {std::to_string(change.to)});
    c.exec("COMMIT");
    return change;
  } catch (const pg::PgError& e) {
    return fail(e.connection_lost() ? ErrorKind::unavailable : ErrorKind::internal, "{}", e.what());
  }
}

// The schema version of a SQLite ledger, 0 when the file does not exist yet.
int sqlite_version(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return 0;
  sqlite3* db = nullptr;
  int version = 0;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
      version = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return version;
}

}  // namespace

Result<SchemaChange> migrate_database(const DatabaseUrl& url,
                                      const std::filesystem::path& migrations_root) {
  bool postgresql = url.kind == DatabaseUrl::Kind::postgresql;
  auto migrations = load_migrations(migrations_root / (postgresql ? "postgresql" : "sqlite"));
  if (!migrations) return std::unexpected(migrations.error());
  if (postgresql) return migrate_postgresql(url, *migrations);
  SchemaChange change;
  change.from = sqlite_version(url.file);
  auto store = open_sqlite_store(url.file, migrations_root / "sqlite");
  if (!store) return std::unexpected(store.error());
  change.to = sqlite_version(url.file);
  return change;
}

}  // namespace beaver
