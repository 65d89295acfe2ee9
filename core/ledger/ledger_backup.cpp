#include "ledger/ledger_backup.hpp"

#include "store/open_store.hpp"
#include "store/sqlite_backup.hpp"

namespace beaver {
namespace {

namespace fs = std::filesystem;

Result<void> sqlite_only(const DatabaseUrl& url, const char* what, const char* tool) {
  if (url.kind == DatabaseUrl::Kind::sqlite) return {};
  return fail(ErrorKind::bad_input,
              "{} is a PostgreSQL ledger: {} with {} (see the admin guide); db backup and db "
              "restore are for SQLite ledgers",
              url.shown, what, tool);
}

// The audit chain of the SQLite ledger at `file`, its schema brought up to date first.
Result<AuditVerdict> verify_file(const fs::path& file, const fs::path& migrations_root) {
  DatabaseUrl url;
  url.file = file;
  url.shown = "sqlite://" + file.string();
  auto store = open_store(url, migrations_root);
  if (!store) return std::unexpected(store.error());
  return verify_audit(**store, std::nullopt);
}

// Removes `file` and the files SQLite may keep beside it.
void remove_database(const fs::path& file) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    fs::remove(file.string() + suffix, ec);
}

std::unexpected<Error> broken(const std::string& what, const AuditVerdict& v,
                              const std::string& then) {
  return fail(ErrorKind::conflict, "{}'s audit chain is broken at entry {} ({}); {}", what,
              *v.first_bad, v.problem, then);
}

}  // namespace

Result<AuditVerdict> backup_ledger(const DatabaseUrl& from, const fs::path& to,
                                   const fs::path& migrations_root) {
  BEAVER_TRY(sqlite_only(from, "back it up", "pg_dump"));
  BEAVER_TRY(copy_sqlite_database(from.file, to));
  auto verdict = verify_file(to, migrations_root);
  if (!verdict) {
    remove_database(to);
    return std::unexpected(verdict.error());
  }
  if (!verdict->whole()) {
    remove_database(to);
    return broken(from.shown, *verdict, "no backup is kept until that is explained");
  }
  return verdict;
}

Result<AuditVerdict> restore_ledger(const fs::path& from, const DatabaseUrl& to,
                                    const fs::path& migrations_root) {
  BEAVER_TRY(sqlite_only(to, "restore it", "pg_restore"));
  std::error_code ec;
  if (fs::exists(to.file, ec))
    return fail(ErrorKind::bad_input,
                "{} exists: a restore never replaces a ledger; move it away first", to.shown);
  if (!fs::is_regular_file(from, ec))
    return fail(ErrorKind::not_found, "no backup at {}", from.string());
  // A new BEAVER_HOME is made for the ledger, and removed again when nothing is restored.
  fs::path folder = to.file.parent_path().empty() ? fs::path(".") : to.file.parent_path();
  bool made = fs::create_directories(folder, ec);
  if (ec)
    return fail(ErrorKind::unavailable, "cannot create {}: {}", folder.string(), ec.message());
  auto undo = [&] {
    if (made) fs::remove(folder, ec);
  };
  fs::path staging = to.file;
  staging += ".restoring";
  remove_database(staging);
  if (auto copied = copy_sqlite_database(from, staging); !copied) {
    undo();
    return std::unexpected(copied.error());
  }
  auto verdict = verify_file(staging, migrations_root);
  if (!verdict || !verdict->whole()) {
    remove_database(staging);
    undo();
    if (!verdict) return std::unexpected(verdict.error());
    return broken(from.string(), *verdict, "it is not restored");
  }
  // The store, closed, left its WAL folded into the file: the file alone is the ledger.
  fs::rename(staging, to.file, ec);
  if (ec) {
    remove_database(staging);
    return fail(ErrorKind::unavailable, "cannot rename {} to {}: {}", staging.string(),
                to.file.string(), ec.message());
  }
  for (const char* suffix : {"-wal", "-shm"}) fs::remove(staging.string() + suffix, ec);
  return verdict;
}

}  // namespace beaver
