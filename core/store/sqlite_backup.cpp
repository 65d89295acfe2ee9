#include "store/sqlite_backup.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <system_error>

#include "store/sqlite.hpp"

namespace beaver {
namespace {

namespace fs = std::filesystem;

// The copy's bytes on disk before its name is: a rename after a crash must not reveal a file
// whose pages never arrived.
Result<void> sync_file(const fs::path& file) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail(ErrorKind::unavailable, "cannot open {}: {}", file.string(),
                std::generic_category().message(errno));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0)
    return fail(ErrorKind::unavailable, "cannot sync {}: {}", file.string(),
                std::generic_category().message(err));
  return {};
}

}  // namespace

Result<void> copy_sqlite_database(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  if (!fs::is_regular_file(from, ec))
    return fail(ErrorKind::not_found, "no ledger at {}", from.string());
  if (fs::exists(to, ec))
    return fail(ErrorKind::bad_input, "{} exists: a copy never overwrites a file", to.string());
  fs::path folder = to.parent_path().empty() ? fs::path(".") : to.parent_path();
  if (!fs::is_directory(folder, ec))
    return fail(ErrorKind::bad_input, "no folder {} to write {} in", folder.string(),
                to.filename().string());
  fs::path part = to;
  part += ".part";
  fs::remove(part, ec);
  try {
    sqlite::Database source(from.string(), SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
    sqlite3_busy_timeout(source.handle(), 5000);
    // Not a ledger (any other file) fails here, before anything is written.
    source.exec("SELECT count(*) FROM sqlite_schema");
    {
      sqlite::Database target(part.string(),
                              SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
      sqlite3_backup* backup =
          sqlite3_backup_init(target.handle(), "main", source.handle(), "main");
      if (backup == nullptr) target.raise(sqlite3_errcode(target.handle()));
      // All pages in one step: one read transaction on the source, so one consistent state.
      int rc = sqlite3_backup_step(backup, -1);
      sqlite3_backup_finish(backup);
      if (rc != SQLITE_DONE) target.raise(rc);
      // The copy carries the source's WAL mode; folded into the file, it is one file again.
      target.exec("PRAGMA wal_checkpoint(TRUNCATE)");
      target.exec("PRAGMA journal_mode = DELETE");
    }
    BEAVER_TRY(sync_file(part));
    fs::rename(part, to);
    BEAVER_TRY(sync_file(folder));
  } catch (const sqlite::SqliteError& e) {
    fs::remove(part, ec);
    return fail(ErrorKind::unavailable, "cannot copy {} to {}: {}", from.string(), to.string(),
                e.what());
  } catch (const fs::filesystem_error& e) {
    fs::remove(part, ec);
    return fail(ErrorKind::unavailable, "cannot copy {} to {}: {}", from.string(), to.string(),
                e.code().message());
  }
  return {};
}

}  // namespace beaver
