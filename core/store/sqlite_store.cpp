#include <sys/stat.h>

#include <memory>
#include <thread>
#include <variant>

#include "store/migrations.hpp"
#include "store/row_source.hpp"
#include "store/sql_transaction.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"

namespace beaver {
namespace {

namespace fs = std::filesystem;
using sqlite::Database;
using sqlite::SqliteError;
using sqlite::Statement;

class SqliteRow final : public SqlRow {
 public:
  explicit SqliteRow(const Statement& s) : s_(s) {}
  std::string_view view(int column) const override { return s_.view(column); }
  bool is_null(int column) const override { return s_.is_null(column); }
  int64_t integer(int column) const override { return s_.integer(column); }
  // A row that is not what beaver writes means the file was edited by hand.
  [[noreturn]] void corrupt(const std::string& what) const override {
    throw SqliteError(SQLITE_CORRUPT, what);
  }

 private:
  const Statement& s_;
};

// The ledger's statements on one SQLite connection, each prepared once and kept (sqlite.hpp).
class SqliteSession final : public SqlSession {
 public:
  explicit SqliteSession(Database& db) : db_(db) {}

  void query(const SqlText& sql, const SqlParams& params,
             const std::function<void(const SqlRow&)>& row) override {
    Statement s(db_, sql.sqlite());
    bind(s, params);
    SqliteRow r(s);
    while (s.step()) row(r);
  }

  void execute(const SqlText& sql, SqlParams params) override {
    Statement s(db_, sql.sqlite());
    bind(s, params);
    s.run();
  }

  int64_t insert(const SqlText& sql, const SqlParams& params) override {
    Statement s(db_, sql.sqlite());
    bind(s, params);
    if (!s.step()) throw SqliteError(SQLITE_ERROR, "an insert returned no id");
    int64_t id = s.integer(0);
    s.run();
    return id;
  }

 private:
  static void bind(Statement& s, const SqlParams& params) {
    for (size_t i = 0; i < params.size(); ++i) {
      int index = static_cast<int>(i + 1);
      if (const auto* text = std::get_if<std::string>(&params[i]))
        s.bind(index, *text);
      else if (const auto* n = std::get_if<int64_t>(&params[i]))
        s.bind(index, *n);
      else
        s.bind_null(index);
    }
  }

  Database& db_;
};

class SqliteTransaction final : public SqlTransaction {
 public:
  SqliteTransaction(SqliteSession& session, Database& db, UserDirectory& users,
                    const KnownServices& known_services, const fs::path& file)
      : SqlTransaction(session, users, &known_services), db_(db), file_(file) {}

  void read_in_bulk(BulkReader& reader) override {
    reader.read(db_, [this] {
      auto second =
          std::make_unique<Database>(file_.string(), SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
      sqlite3_busy_timeout(second->handle(), kReaderBusyTimeoutMs);
      return second;
    });
  }

 private:
  // A second connection for bulk reads waits for a checkpoint's lock no longer than a moment.
  static constexpr int kReaderBusyTimeoutMs = 1000;

  Database& db_;
  const fs::path& file_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(fs::path file, SqliteOptions options)
      : file_(std::move(file)),
        options_(options),
        db_(file_.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX) {
    sqlite3_busy_timeout(db_.handle(), static_cast<int>(options_.busy_timeout.count()));
    db_.exec("PRAGMA journal_mode = WAL");
    // Governance data: an acknowledged write survives power loss.
    db_.exec("PRAGMA synchronous = FULL");
    db_.exec("PRAGMA foreign_keys = ON");
    // Statement journals (an insert that names its id may need one) stay in memory: in a temporary
    // file, seeding a history wrote every row to disk a second time.
    db_.exec("PRAGMA temp_store = MEMORY");
  }

  Result<void> migrate(const std::vector<Migration>& migrations) {
    int known = migrations.back().version;
    // Checked outside a write transaction first, so readers of an up-to-date ledger never wait
    // for its write lock; checked again inside it, in case another process migrated meanwhile.
    if (schema_version() == known) return {};
    return write([&](StoreTransaction&) -> Result<void> {
      int current = schema_version();
      if (current > known)
        return fail(ErrorKind::unavailable,
                    "{} was written by a newer beaver (schema version {}; this beaver knows up "
                    "to {}): upgrade beaver",
                    file_.string(), current, known);
      for (const auto& m : migrations) {
        if (m.version <= current) continue;
        db_.exec(m.sql);
        db_.exec(fmt::format("PRAGMA user_version = {}", m.version));
      }
      return {};
    });
  }

  Result<void> write(const StoreWork& work) override {
    return run("BEGIN IMMEDIATE", work, options_.attempts);
  }

  Result<void> read(const StoreWork& work) override { return run("BEGIN", work, 1); }

  std::string describe() const override { return "sqlite://" + file_.string(); }

 private:
  Result<void> run(const char* begin, const StoreWork& work, int attempts) {
    for (int attempt = 1;; ++attempt) {
      bool open = false;
      try {
        // Through kept statements, not exec: a server runs these for every request.
        Statement(db_, begin).run();
        open = true;
        SqliteSession session(db_);
        SqliteTransaction tx(session, db_, users_, known_services_, file_);
        UserDirectory::ForgetUnlessCommitted forget{users_};
        auto result = work(tx);
        if (!result) {
          db_.exec("ROLLBACK");
          return result;
        }
        Statement(db_, "COMMIT").run();
        forget.committed = true;
        tx.remember_services(known_services_);
        return {};
      } catch (const SqliteError& e) {
        if (open || !sqlite3_get_autocommit(db_.handle())) rollback_quietly();
        if (e.busy() && attempt < attempts) {
          std::this_thread::sleep_for(std::chrono::milliseconds(50 * attempt));
          continue;
        }
        if (e.busy())
          return fail(ErrorKind::unavailable,
                      "the ledger {} is locked by another beaver (waited {} ms, {} attempts); "
                      "try again",
                      file_.string(), options_.busy_timeout.count() * attempts, attempts);
        return fail(ErrorKind::internal, "database error in {}: {}", file_.string(), e.what());
      } catch (...) {
        // Any other failure inside a unit of work ends its transaction too: the connection is
        // used again, and the unit's writes must not join the next one's.
        if (open || !sqlite3_get_autocommit(db_.handle())) rollback_quietly();
        throw;
      }
    }
  }

  int schema_version() {
    Statement v(db_, "PRAGMA user_version");
    v.step();
    return static_cast<int>(v.integer(0));
  }

  void rollback_quietly() { sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr); }

  fs::path file_;
  SqliteOptions options_;
  Database db_;
  UserDirectory users_;
  KnownServices known_services_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const fs::path& file,
                                                 const fs::path& migrations_dir,
                                                 SqliteOptions options) {
  auto migrations = load_migrations(migrations_dir);
  if (!migrations) return std::unexpected(migrations.error());
  std::error_code ec;
  if (file.has_parent_path() && !fs::exists(file.parent_path(), ec)) {
    fs::create_directories(file.parent_path(), ec);
    if (ec)
      return fail(ErrorKind::bad_input, "cannot create {}: {}", file.parent_path().string(),
                  ec.message());
    // The ledger holds who approved what: private to its owner.
    chmod(file.parent_path().c_str(), 0700);
  }
  try {
    auto store = std::make_unique<SqliteStore>(file, options);
    BEAVER_TRY(store->migrate(*migrations));
    return store;
  } catch (const SqliteError& e) {
    if (e.busy())
      return fail(ErrorKind::unavailable, "the ledger {} is locked by another beaver; try again",
                  file.string());
    return fail(ErrorKind::unavailable, "cannot open the ledger {}: {}", file.string(), e.what());
  }
}

}  // namespace beaver
