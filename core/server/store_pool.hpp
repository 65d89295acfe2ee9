#pragma once
// The server's connections to the ledger: one per worker at most, each borrowed for one request.
// On SQLite, writers take one lock in this process before their transaction, so they queue here
// in order instead of polling SQLite's busy handler; readers never wait for it (WAL snapshots).
// On PostgreSQL the database queues them, and writers that arrive while one waits for its turn
// join its transaction (pg_store.cpp). There, reads may also be let in a few at a time: each is a
// string of round trips to a backend, and more of them at once than the cores can run only add
// switches between processes. Writers are never held back: those that wait for their turn at the
// database wait in its batch, and a batch is the larger for them.

#include <chrono>
#include <condition_variable>
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
  // `max_readers`: on PostgreSQL, the most reads at once (0: no limit); a reader waits up to
  // `max_wait` for its turn.
  StorePool(DatabaseUrl database, std::filesystem::path migrations_root, SqliteOptions options,
            size_t max_readers = 0,
            std::chrono::milliseconds max_wait = std::chrono::milliseconds{5000});
  ~StorePool();

  class Lease {
   public:
    Lease(StorePool& pool, std::unique_ptr<Store> store, bool reader)
        : pool_(&pool), store_(std::move(store)), reader_(reader) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Store& operator*() const { return *store_; }
    Store* operator->() const { return store_.get(); }

   private:
    StorePool* pool_;
    std::unique_ptr<Store> store_;
    bool reader_;  // counted among the readers
  };

  // read: a request that changes nothing (GET, HEAD), let in a few at a time when limited;
  // other: writes, and health checks, which answer at once even while reads queue.
  enum class Use { read, other };

  // A connection, opened when none is free. A read waits for its turn when the readers are
  // limited: unavailable once `max_wait` has passed without one.
  Result<Lease> borrow(Use use = Use::other);

 private:
  friend class Lease;
  void give_back(std::unique_ptr<Store> store, bool reader);
  Result<std::unique_ptr<Store>> open();

  DatabaseUrl database_;
  std::filesystem::path migrations_root_;
  SqliteOptions options_;
  size_t max_readers_;
  std::chrono::milliseconds max_wait_;
  std::mutex free_lock_;
  std::condition_variable reader_left_;
  std::vector<std::unique_ptr<Store>> free_;
  size_t readers_ = 0;  // reads under way, counted when limited
  std::shared_ptr<std::mutex> write_lock_;
  std::shared_ptr<PgWriteBatches> pg_batches_;
};

}  // namespace beaver
