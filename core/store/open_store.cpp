#include "store/open_store.hpp"

#include "store/pg_store.hpp"

namespace beaver {

Result<std::unique_ptr<Store>> open_store(const DatabaseUrl& url,
                                          const std::filesystem::path& migrations_root,
                                          SqliteOptions sqlite) {
  if (url.kind == DatabaseUrl::Kind::postgresql) return open_postgresql_store(url, migrations_root);
  return open_sqlite_store(url.file, migrations_root / "sqlite", sqlite);
}

}  // namespace beaver
