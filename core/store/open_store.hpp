#pragma once
// The ledger's store for a database location: SQLite or PostgreSQL, schema brought up to date.

#include <filesystem>
#include <memory>

#include "error/error.hpp"
#include "store/database_url.hpp"
#include "store/store.hpp"

namespace beaver {

// `migrations_root` holds one folder of migrations per store (schemas/migrations/sqlite and
// schemas/migrations/postgresql). `sqlite` applies to a SQLite file only.
Result<std::unique_ptr<Store>> open_store(const DatabaseUrl& url,
                                          const std::filesystem::path& migrations_root,
                                          SqliteOptions sqlite = {});

}  // namespace beaver
