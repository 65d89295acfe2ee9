#pragma once
// `beaver db copy`: a whole ledger moved between stores (SQLite and PostgreSQL, either way), row
// for row with its ids, and its audit chain verified where it arrives.

#include <filesystem>
#include <string>

#include "audit/audit.hpp"
#include "error/error.hpp"
#include "store/database_url.hpp"

namespace beaver {

struct CopySummary {
  int64_t rows = 0;
  int64_t releases = 0;
  AuditVerdict verdict;  // of the copy
};

// Brings both schemas up to date (the source's as any command opening it would), then copies
// every table of `from` into `to` in one transaction on each side (a consistent snapshot of
// `from`; `to` all or nothing). Refused, the target untouched, when `from`'s audit chain is
// broken, and when `to` is `from` or already holds a ledger (a row in any of the ledger's
// tables, checked before anything is created there). The copy's audit chain must verify and
// end at the last entry of the snapshot copied.
Result<CopySummary> copy_ledger(const DatabaseUrl& from, const DatabaseUrl& to,
                                const std::filesystem::path& migrations_root);

}  // namespace beaver
