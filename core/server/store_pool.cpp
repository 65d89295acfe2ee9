#include "server/store_pool.hpp"

#include <sqlite3.h>

#include "store/open_store.hpp"
#include "store/pg_store.hpp"

namespace beaver {
namespace {

class SerializedWrites final : public Store {
 public:
  SerializedWrites(std::unique_ptr<Store> inner, std::shared_ptr<std::mutex> lock)
      : inner_(std::move(inner)), lock_(std::move(lock)) {}

  Result<void> write(const StoreWork& work) override {
    std::lock_guard hold(*lock_);
    return inner_->write(work);
  }
  Result<void> read(const StoreWork& work) override { return inner_->read(work); }
  std::string describe() const override { return inner_->describe(); }

 private:
  std::unique_ptr<Store> inner_;
  std::shared_ptr<std::mutex> lock_;
};

}  // namespace

StorePool::StorePool(DatabaseUrl database, std::filesystem::path migrations_root,
                     SqliteOptions options)
    : database_(std::move(database)),
      migrations_root_(std::move(migrations_root)),
      options_(options),
      write_lock_(std::make_shared<std::mutex>()),
      pg_batches_(make_pg_write_batches()) {
  // The pool's threads allocate through SQLite at once, and its memory statistics take one
  // process-wide lock per allocation; nothing reads them. Refused (harmlessly) when SQLite was
  // already initialized in this process.
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

StorePool::~StorePool() = default;

StorePool::Lease::~Lease() {
  if (store_) pool_->give_back(std::move(store_));
}

Result<StorePool::Lease> StorePool::borrow() {
  {
    std::lock_guard hold(free_lock_);
    if (!free_.empty()) {
      auto store = std::move(free_.back());
      free_.pop_back();
      return Lease(*this, std::move(store));
    }
  }
  // PostgreSQL queues writers itself, and does not hold them through each other's flush (see
  // pg_store.cpp): a lock here would serialise this server's writes whole, flushes included.
  // Instead the server's writers share their turns at the database's lock, in batches.
  if (database_.kind == DatabaseUrl::Kind::postgresql) {
    auto opened = open_postgresql_store(database_, migrations_root_, pg_batches_);
    if (!opened) return std::unexpected(opened.error());
    return Lease(*this, std::move(*opened));
  }
  auto opened = open_store(database_, migrations_root_, options_);
  if (!opened) return std::unexpected(opened.error());
  return Lease(*this, std::make_unique<SerializedWrites>(std::move(*opened), write_lock_));
}

void StorePool::give_back(std::unique_ptr<Store> store) {
  std::lock_guard hold(free_lock_);
  free_.push_back(std::move(store));
}

}  // namespace beaver
