#pragma once
// `beaver db backup` and `db restore`: a SQLite ledger copied while a server writes to it, and a
// copy put back as the ledger only when its audit chain verifies. (A PostgreSQL ledger is backed
// up with pg_dump and restored with pg_restore; see the admin guide.)

#include <filesystem>

#include "audit/audit.hpp"
#include "error/error.hpp"
#include "store/database_url.hpp"

namespace beaver {

// Copies the SQLite ledger `from` into the new file `to` as one consistent state (SQLite's online
// backup: commits made meanwhile are in it or not, whole), then verifies the copy's audit chain.
// bad_input for a PostgreSQL ledger (pg_dump backs it up) and when `to` exists; not_found when
// there is no ledger. A copy whose chain does not verify is removed, and the answer is a conflict
// naming the entry at fault.
Result<AuditVerdict> backup_ledger(const DatabaseUrl& from, const std::filesystem::path& to,
                                   const std::filesystem::path& migrations_root);

// Makes the copy `from` the SQLite ledger `to`, which must not exist yet: `from` is copied beside
// `to`, its schema brought up to date, its audit chain verified, and only then renamed to `to`.
// A copy whose chain does not verify is refused (conflict, naming the entry) and leaves nothing
// behind; `from` itself is never changed. bad_input for a PostgreSQL target (pg_restore restores
// one) and when `to` exists.
Result<AuditVerdict> restore_ledger(const std::filesystem::path& from, const DatabaseUrl& to,
                                    const std::filesystem::path& migrations_root);

}  // namespace beaver
