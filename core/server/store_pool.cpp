#include "server/store_pool.hpp"

#include <fmt/format.h>
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
                     SqliteOptions options, size_t max_readers, std::chrono::milliseconds max_wait)
    : database_(std::move(database)),
      migrations_root_(std::move(migrations_root)),
      options_(options),
      max_readers_(database_.kind == DatabaseUrl::Kind::postgresql ? max_readers : 0),
      max_wait_(max_wait),
      write_lock_(std::make_shared<std::mutex>()),
      pg_batches_(make_pg_write_batches()) {
  // The pool's threads allocate through SQLite at once, and its memory statistics take one
  // process-wide lock per allocation; nothing reads them. Refused (harmlessly) when SQLite was
  // already initialized in this process.
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

StorePool::~StorePool() = default;

StorePool::Lease::~Lease() {
  if (store_) pool_->give_back(std::move(store_), reader_);
}

Result<StorePool::Lease> StorePool::borrow(Use use) {
  bool reader = use == Use::read && max_readers_ > 0;
  {
    std::unique_lock hold(free_lock_);
    if (reader) {
      if (!reader_left_.wait_for(hold, max_wait_, [&] { return readers_ < max_readers_; }))
        return fail(ErrorKind::unavailable,
                    fmt::format("{} reads of the database were under way for {} ms", max_readers_,
                                max_wait_.count()));
      ++readers_;
    }
    if (!free_.empty()) {
      auto store = std::move(free_.back());
      free_.pop_back();
      return Lease(*this, std::move(store), reader);
    }
  }
  auto opened = open();
  if (!opened) {
    if (reader) give_back(nullptr, true);
    return std::unexpected(opened.error());
  }
  return Lease(*this, std::move(*opened), reader);
}

Result<std::unique_ptr<Store>> StorePool::open() {
  // PostgreSQL queues writers itself, and does not hold them through each other's flush (see
  // pg_store.cpp): a lock here would serialise this server's writes whole, flushes included.
  // Instead the server's writers share their turns at the database's lock, in batches.
  if (database_.kind == DatabaseUrl::Kind::postgresql)
    return open_postgresql_store(database_, migrations_root_, pg_batches_);
  auto opened = open_store(database_, migrations_root_, options_);
  if (!opened) return std::unexpected(opened.error());
  return std::unique_ptr<Store>(
      std::make_unique<SerializedWrites>(std::move(*opened), write_lock_));
}

void StorePool::give_back(std::unique_ptr<Store> store, bool reader) {
  std::lock_guard hold(free_lock_);
  if (store) free_.push_back(std::move(store));
  if (reader) {
    --readers_;
    reader_left_.notify_one();
  }
}

}  // namespace beaver
