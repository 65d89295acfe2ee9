#pragma once
// The ledger on PostgreSQL: every StoreTransaction operation, over the schema of
// schemas/migrations/postgresql.

#include <filesystem>
#include <memory>
#include <string>

#include "store/database_url.hpp"
#include "store/store.hpp"

namespace beaver {

// What the connections of one process to one database share to write in batches (see
// pg_store.cpp): a server's pool gives one to each of its connections.
class PgWriteBatches;
std::shared_ptr<PgWriteBatches> make_pg_write_batches();

// Migrates the database (schema_migrate.hpp), then connects. A database that cannot be reached
// is `unavailable`, named without its password. Without `batches`, each write unit of work is a
// transaction of its own.
Result<std::unique_ptr<Store>> open_postgresql_store(const DatabaseUrl& url,
                                                     const std::filesystem::path& migrations_root,
                                                     std::shared_ptr<PgWriteBatches> batches = {});

// Creates the empty database `name` (lower-case letters, digits and _) on the server that
// `admin`, a role allowed to create databases, connects to; its URL is admin's with that name.
Result<DatabaseUrl> create_postgresql_database(const DatabaseUrl& admin, const std::string& name);

}  // namespace beaver
