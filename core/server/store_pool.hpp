#pragma once
// The server's connections to the ledger: one per worker at most, each borrowed for one request.
// On SQLite, writers take one lock in this process before their transaction, so they queue here
// in order instead of polling SQLite's busy handler; readers never wait for it (WAL snapshots).
// On PostgreSQL the database queues them, and writers that arrive while one waits for its turn
// join its transaction (pg_store.cpp).

#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "error/error.hpp"
#include "store/database_url.hpp"
#include "store/store.hpp"

namespace beaver {

class PgWriteBatches;

class StorePool {
 public:
  StorePool(DatabaseUrl database, std::filesystem::path migrations_root, SqliteOptions options);
  ~StorePool();

  class Lease {
   public:
    Lease(StorePool& pool, std::unique_ptr<Store> store) : pool_(&pool), store_(std::move(store)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Store& operator*() const { return *store_; }
    Store* operator->() const { return store_.get(); }

   private:
    StorePool* pool_;
    std::unique_ptr<Store> store_;
  };

  // A connection, opened when none is free.
  Result<Lease> borrow();

 private:
  friend class Lease;
  void give_back(std::unique_ptr<Store> store);

  DatabaseUrl database_;
  std::filesystem::path migrations_root_;
  SqliteOptions options_;
  std::mutex free_lock_;
  std::vector<std::unique_ptr<Store>> free_;
  std::shared_ptr<std::mutex> write_lock_;
  std::shared_ptr<PgWriteBatches> pg_batches_;
};

}  // namespace beaver
