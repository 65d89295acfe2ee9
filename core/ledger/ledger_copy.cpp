#include "ledger/ledger_copy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "store/open_store.hpp"
#include "store/pg.hpp"
#include "store/schema_migrate.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"

namespace beaver {
namespace {

// Every table of the ledger, parents before children (PostgreSQL checks foreign keys row by row).
// users_version is not copied: the target's own triggers count the users it receives.
constexpr const char* kTables[] = {"users",        "user_roles",    "passwords",
                                   "delegations",  "services",      "policies",
                                   "packages",     "releases",      "approvals",
                                   "break_glass",  "audit",         "deploys",
                                   "deploy_steps", "deploy_events", "deploy_leases",
                                   "tokens",       "notifications", "notification_attempts",
                                   "alerts"};

// The tables whose ids PostgreSQL generates: after a copy their sequences start past the copy.
constexpr const char* kIdentityTables[] = {
    "releases",     "approvals",     "delegations", "packages",      "deploys",
    "deploy_steps", "deploy_events", "tokens",      "notifications", "notification_attempts",
    "alerts"};

using Row = std::vector<std::optional<std::string>>;

std::string quoted(const std::string& name) { return "\"" + name + "\""; }

// One side of a copy: a connection to either store, in a transaction, reading or writing tables
// as text (integers as their decimal digits), NULL as NULL.
class Side {
 public:
  virtual ~Side() = default;
  virtual std::vector<std::string> columns(const char* table) = 0;
  virtual void read(const char* table, const std::vector<std::string>& columns,
                    const std::function<void(const Row&)>& row) = 0;
  // Rows are inserted into one table at a time, between begin_table and end_table.
  virtual void begin_table(const char* table, const std::vector<std::string>& columns) = 0;
  virtual void insert(const Row& row) = 0;
  virtual void end_table() {}
  virtual int64_t count(const char* table) = 0;
  virtual void finish_identities() {}
  virtual void commit() = 0;
  virtual void after_commit() {}
};

// "a", "b", ... for a statement's column list.
std::string column_list(const std::vector<std::string>& columns) {
  std::string names;
  for (size_t i = 0; i < columns.size(); ++i) names += (i ? ", " : "") + quoted(columns[i]);
  return names;
}

std::string insert_sql(const char* table, const std::vector<std::string>& columns) {
  std::string values;
  for (size_t i = 0; i < columns.size(); ++i) values += fmt::format("{}?{}", i ? ", " : "", i + 1);
  return fmt::format("INSERT INTO {} ({}) VALUES ({})", table, column_list(columns), values);
}

Error holds_a_ledger(const DatabaseUrl& to, std::string_view table) {
  return {
      ErrorKind::conflict,
      fmt::format("{} already holds a ledger ({} has rows): beaver copies into an empty one only",
                  to.shown, table)};
}

std::string select_sql(const char* table, const std::vector<std::string>& columns) {
  // In key order, so that a copy of a copy is the same file row for row.
  return fmt::format("SELECT {} FROM {} ORDER BY {}", column_list(columns), table,
                     std::string(table) == "audit" ? "seq" : "1, 2");
}

class SqliteSide final : public Side {
 public:
  SqliteSide(const std::filesystem::path& file, bool writes)
      : db_(file.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX) {
    sqlite3_busy_timeout(db_.handle(), 5000);
    db_.exec(writes ? "BEGIN IMMEDIATE" : "BEGIN");
  }
  std::vector<std::string> columns(const char* table) override {
    sqlite::Statement s(db_, "SELECT name FROM pragma_table_info(?1) ORDER BY cid");
    s.bind(1, table);
    std::vector<std::string> out;
    while (s.step()) out.push_back(s.text(0));
    return out;
  }
  void read(const char* table, const std::vector<std::string>& columns,
            const std::function<void(const Row&)>& visit) override {
    sqlite::Statement s(db_, select_sql(table, columns));
    Row row(columns.size());
    while (s.step()) {
      for (size_t i = 0; i < columns.size(); ++i) row[i] = s.optional_text(static_cast<int>(i));
      visit(row);
    }
  }
  void begin_table(const char* table, const std::vector<std::string>& columns) override {
    insert_ = std::make_unique<sqlite::Statement>(db_, insert_sql(table, columns));
  }
  void insert(const Row& row) override {
    for (size_t i = 0; i < row.size(); ++i) insert_->bind(static_cast<int>(i + 1), row[i]);
    insert_->run();
    insert_->reset();
  }
  void end_table() override { insert_.reset(); }
  int64_t count(const char* table) override {
    sqlite::Statement s(db_, fmt::format("SELECT count(*) FROM {}", table));
    s.step();
    return s.integer(0);
  }
  void commit() override { db_.exec("COMMIT"); }

 private:
  sqlite::Database db_;
  std::unique_ptr<sqlite::Statement> insert_;
};

class PgSide final : public Side {
 public:
  PgSide(const DatabaseUrl& url, bool writes) : c_(url.conninfo, url.shown) {
    c_.exec(writes ? "BEGIN ISOLATION LEVEL READ COMMITTED"
                   : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    // The lock every writer of this ledger holds (pg_store.cpp): no server writes meanwhile.
    if (writes) c_.query("SELECT pg_advisory_xact_lock(7089337349742411778)");
  }
  std::vector<std::string> columns(const char* table) override {
    auto r = c_.query(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND table_name = $1 ORDER BY ordinal_position",
        {std::string(table)});
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
    return out;
  }
  void read(const char* table, const std::vector<std::string>& columns,
            const std::function<void(const Row&)>& visit) override {
    // Streamed as the server writes it: a million rows never sit in memory at once.
    c_.copy_out(fmt::format("COPY ({}) TO STDOUT", select_sql(table, columns)), visit);
  }
  void begin_table(const char* table, const std::vector<std::string>& columns) override {
    c_.copy_in_begin(fmt::format("COPY {} ({}) FROM STDIN", table, column_list(columns)));
  }
  void insert(const Row& row) override { c_.copy_in_row(row); }
  void end_table() override { c_.copy_in_end(); }
  int64_t count(const char* table) override {
    return c_.query(fmt::format("SELECT count(*) FROM {}", table)).integer(0, 0);
  }
  void finish_identities() override {
    for (const char* table : kIdentityTables)
      c_.query(
          fmt::format("SELECT setval(pg_get_serial_sequence('{0}', 'id'), "
                      "COALESCE((SELECT max(id) FROM {0}), 0) + 1, false)",
                      table));
  }
  void commit() override { c_.exec("COMMIT"); }
  // A bulk load leaves the planner without statistics and the tables' pages not yet known to be
  // visible to all, so the reports' index-only scans would read the tables too: VACUUM (ANALYZE)
  // both, as autovacuum would some time later. The copy is committed by then: a failure here
  // leaves that to autovacuum.
  void after_commit() override {
    try {
      for (const char* table : kTables) c_.exec(fmt::format("VACUUM (ANALYZE) {}", table));
    } catch (const pg::PgError&) {
    }
  }

 private:
  pg::Connection c_;
};

std::unique_ptr<Side> open_side(const DatabaseUrl& url, bool writes) {
  if (url.kind == DatabaseUrl::Kind::postgresql) return std::make_unique<PgSide>(url, writes);
  return std::make_unique<SqliteSide>(url.file, writes);
}

// The first of the ledger's tables that exists at `url` and holds a row, read without creating
// or changing anything there; none for a database (or SQLite file) that holds no ledger row.
std::optional<std::string> table_with_rows(const DatabaseUrl& url) {
  if (url.kind == DatabaseUrl::Kind::sqlite) {
    std::error_code ec;
    if (!std::filesystem::exists(url.file, ec)) return std::nullopt;
    sqlite::Database db(url.file.string(), SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
    for (const char* table : kTables) {
      sqlite::Statement exists(db,
                               "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
      exists.bind(1, table);
      if (!exists.step()) continue;
      sqlite::Statement any(db, fmt::format("SELECT 1 FROM {} LIMIT 1", table));
      if (any.step()) return table;
    }
    return std::nullopt;
  }
  pg::Connection c(url.conninfo, url.shown);
  for (const char* table : kTables) {
    if (c.query("SELECT to_regclass($1) IS NOT NULL", {std::string(table)}).view(0, 0) != "t")
      continue;
    if (c.query_once(fmt::format("SELECT 1 FROM {} LIMIT 1", table)).rows() > 0) return table;
  }
  return std::nullopt;
}

}  // namespace

Result<CopySummary> copy_ledger(const DatabaseUrl& from, const DatabaseUrl& to,
                                const std::filesystem::path& migrations_root) {
  if (from.shown == to.shown)
    return fail(ErrorKind::bad_input, "{} is both the source and the target", from.shown);
  if (from.kind == DatabaseUrl::Kind::sqlite && !std::filesystem::exists(from.file))
    return fail(ErrorKind::not_found, "no ledger at {}", from.shown);
  auto source_store = open_store(from, migrations_root);
  if (!source_store) return std::unexpected(source_store.error());
  auto source_verdict = verify_audit(**source_store, std::nullopt);
  if (!source_verdict) return std::unexpected(source_verdict.error());
  if (!source_verdict->whole())
    return fail(ErrorKind::conflict,
                "{}'s audit chain is broken at entry {} ({}): it is not copied until that is "
                "explained",
                from.shown, *source_verdict->first_bad, source_verdict->problem);
  // Only now is the target touched, once it is known to hold no ledger: created, or its schema
  // brought up to date.
  try {
    if (auto table = table_with_rows(to)) return std::unexpected(holds_a_ledger(to, *table));
  } catch (const sqlite::SqliteError& e) {
    return fail(ErrorKind::unavailable, "cannot read {}: {}", to.shown, e.what());
  } catch (const pg::PgError& e) {
    return fail(ErrorKind::unavailable, "{}", e.what());
  }
  auto migrated = migrate_database(to, migrations_root);
  if (!migrated) return std::unexpected(migrated.error());

  CopySummary summary;
  std::optional<AuditHead> copied_head;
  try {
    auto source = open_side(from, false);
    auto target = open_side(to, true);
    // Checked again under the target's write lock: another copy may have begun meanwhile.
    for (const char* table : kTables)
      if (target->count(table) > 0) return std::unexpected(holds_a_ledger(to, table));
    for (const char* table : kTables) {
      auto columns = source->columns(table);
      if (columns != target->columns(table))
        return fail(ErrorKind::internal, "the table {} differs between {} and {}", table,
                    from.shown, to.shown);
      bool audit = std::string_view(table) == "audit";
      auto hash = std::find(columns.begin(), columns.end(), "hash") - columns.begin();
      target->begin_table(table, columns);
      source->read(table, columns, [&](const Row& row) {
        target->insert(row);
        ++summary.rows;
        // The last entry of the snapshot copied, which the copy's chain must end at.
        if (audit && row[0] && row[static_cast<size_t>(hash)])
          copied_head = AuditHead{std::stoll(*row[0]), *row[static_cast<size_t>(hash)]};
      });
      target->end_table();
    }
    summary.releases = target->count("releases");
    target->finish_identities();
    target->commit();
    target->after_commit();
  } catch (const sqlite::SqliteError& e) {
    return fail(ErrorKind::unavailable, "copy failed, nothing kept in {}: {}", to.shown, e.what());
  } catch (const pg::PgError& e) {
    return fail(ErrorKind::unavailable, "copy failed, nothing kept in {}: {}", to.shown, e.what());
  }

  auto target_store = open_store(to, migrations_root);
  if (!target_store) return std::unexpected(target_store.error());
  auto verdict = verify_audit(**target_store, std::nullopt);
  if (!verdict) return std::unexpected(verdict.error());
  summary.verdict = *verdict;
  bool complete =
      copied_head ? verdict->head.seq == copied_head->seq && verdict->head.hash == copied_head->hash
                  : verdict->entries == 0;
  if (!verdict->whole() || !complete)
    return fail(ErrorKind::internal,
                "the copy in {} does not verify as its source does (entry {}: {}); the copy is "
                "there to inspect, the source is unchanged",
                to.shown, verdict->first_bad.value_or(verdict->head.seq), verdict->problem);
  return summary;
}

}  // namespace beaver
