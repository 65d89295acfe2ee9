#pragma once
// The ledger on PostgreSQL (issue 8, under way): every StoreTransaction operation but reports,
// over the schema of schemas/migrations/postgresql. Not yet offered to users: the commands refuse
// a PostgreSQL BEAVER_DATABASE until reports, db copy and the server's use of it have landed.

#include <filesystem>
#include <memory>
#include <string>

#include "store/database_url.hpp"
#include "store/store.hpp"

namespace beaver {

// Migrates the database (schema_migrate.hpp), then connects. A database that cannot be reached
// is `unavailable`, named without its password.
Result<std::unique_ptr<Store>> open_postgresql_store(const DatabaseUrl& url,
                                                     const std::filesystem::path& migrations_root);

// Creates the empty database `name` (lower-case letters, digits and _) on the server that
// `admin`, a role allowed to create databases, connects to; its URL is admin's with that name.
Result<DatabaseUrl> create_postgresql_database(const DatabaseUrl& admin, const std::string& name);

}  // namespace beaver
