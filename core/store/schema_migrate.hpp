#pragma once
// `beaver db migrate`: brings a ledger's schema, on SQLite or PostgreSQL, to the newest migration
// this beaver has (schemas/migrations/<dialect>), creating it when the database is empty.

#include <filesystem>

#include "error/error.hpp"
#include "store/database_url.hpp"

namespace beaver {

struct SchemaChange {
  int from = 0;  // 0: the database held no ledger
  int to = 0;
};

// Idempotent. On PostgreSQL every migration runs in one transaction under an advisory lock, so
// servers started at once migrate a database once and never see half a schema. A database
// written by a newer beaver is refused, unchanged.
Result<SchemaChange> migrate_database(const DatabaseUrl& url,
                                      const std::filesystem::path& migrations_root);

}  // namespace beaver
