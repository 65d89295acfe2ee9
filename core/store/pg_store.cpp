// The ledger on PostgreSQL: the tables' statements of sql_transaction.hpp, run over the schema
// of schemas/migrations/postgresql by PgTransaction (pg_transaction.hpp). Rows, times and ids are
// written exactly as on SQLite, so a ledger moves between the stores unchanged. This file holds
// how units of work begin, retry, batch and commit.
//
// Write units of work are serialised across every server on the database by a transaction-level
// advisory lock, as SQLite's BEGIN IMMEDIATE serialises writers on one file: the audit log's next
// sequence number and hash follow the last entry, so two writers may never both read the same
// last entry. Readers take a REPEATABLE READ snapshot and never wait for writers.
//
// The lock is not held while the commit is flushed to disk, or writers would go one flush at a
// time. A writer commits without waiting for the flush, which releases the lock, then commits a
// transaction of its own that does wait (see PgSession::commit): the log is written in order,
// so once the second commit is on disk, so is the first. The waits of many writers are served by
// one flush, as in any group commit, and a unit of work returns only once its writes are durable. A
// crash can lose a commit nobody was told of, and with it every later one, which may have read it:
// the log on disk is always a prefix, so the audit chain stays whole. The price: a reader may see
// a commit a moment (one flush) before it is on disk, and after a crash at that moment not see it
// again. Whatever a writer does on what it saw (an approval, a claimed message) is flushed with
// it before the writer returns.

#include "store/pg_store.hpp"

#include <fmt/format.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <utility>

#include "store/ledger_columns.hpp"
#include "store/pg.hpp"
#include "store/pg_transaction.hpp"
#include "store/schema_migrate.hpp"

namespace beaver {

// A server's writers take the writers' lock in turns. While one waits for it, the others of the
// same server queue here; once it is granted, the one waiting takes them (up to kMostUnits) into
// its transaction and runs their units after its own, and the next writer to arrive waits for
// the lock in its turn. One lock hold, one commit and one flush serve the whole batch, so a busy
// server's writers do not queue at the lock one by one (on a 2-core machine each hand-over is a
// wake-up of another process). Each writer waits on its own thread for its unit's outcome.
class PgWriteBatches {
 public:
  static constexpr size_t kMostUnits = 64;

  struct Entry {
    const StoreWork& work;
    // done: ran and committed with its batch (or failed by itself); alone: to be run again in a
    // transaction of its own (the batch failed).
    enum class State { queued, done, alone } state = State::queued;
    Result<void> result{};
    std::exception_ptr thrown{};
  };

  std::mutex lock;
  std::condition_variable changed;
  std::deque<Entry*> queue;
  bool gathering = false;  // a writer waits for the lock, and will take the queue
};

namespace {

using pg::Connection;
using pg::PgError;

// The advisory lock every write unit of work holds until it ends: "beaver" and 2.
constexpr const char* kWriteLock = "7089337349742411778";

constexpr std::string_view kPolicyChanged = "policy.changed";

class PgStore final : public Store {
 public:
  PgStore(const DatabaseUrl& url, std::shared_ptr<PgWriteBatches> batches)
      : url_(url), c_(connect(url)), batches_(std::move(batches)) {}

  Result<void> write(const StoreWork& work) override {
    if (!batches_) return run(write_begin(), true, work);
    using State = PgWriteBatches::Entry::State;
    auto& b = *batches_;
    PgWriteBatches::Entry mine{work};
    {
      std::unique_lock hold(b.lock);
      b.queue.push_back(&mine);
      b.changed.wait(hold, [&] {
        // Taken into a batch, it is no longer in the queue, and waits to be told.
        return mine.state != State::queued ||
               (!b.gathering && !b.queue.empty() && b.queue.front() == &mine);
      });
      if (mine.state == State::queued) {
        b.gathering = true;
        b.queue.pop_front();
      }
    }
    if (mine.state == State::queued) lead(mine);
    if (mine.state == State::alone) return run(write_begin(), true, work);
    if (mine.thrown) std::rethrow_exception(mine.thrown);
    return mine.result;
  }
  Result<void> read(const StoreWork& work) override {
    return run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT n FROM users_version",
               false, work);
  }
  std::string describe() const override { return url_.shown; }

 private:
  // The writers' lock is waited for at most kLockTimeoutMs, as SQLite's busy timeout: a writer
  // that holds it this long is stuck. A statement runs for at most the URL's statement_timeout
  // (options=-c statement_timeout=...), else kStatementTimeoutMs; an answer that does not come
  // a moment after that (a server stopped or cut off answers nothing, not even the
  // cancellation) closes the connection, so that no request waits on the database for longer.
  static std::unique_ptr<Connection> connect(const DatabaseUrl& url) {
    auto c = std::make_unique<Connection>(url.conninfo, url.shown);
    c->set_wait_limit(std::chrono::milliseconds(kStatementTimeoutMs + kAnswerMarginMs));
    auto given =
        c->exec(fmt::format("SET lock_timeout = {}; SELECT setting::bigint FROM pg_settings "
                            "WHERE name = 'statement_timeout'",
                            kLockTimeoutMs))
            .integer(0, 0);
    if (given == 0) {
      c->exec(fmt::format("SET statement_timeout = {}", kStatementTimeoutMs));
      given = kStatementTimeoutMs;
    }
    c->set_wait_limit(std::chrono::milliseconds(given + kAnswerMarginMs));
    return c;
  }

  // Whatever ends a unit of work, an exception of any kind included, its transaction ends with
  // it: a connection left inside one would hold the writers' lock and fold the next unit's
  // writes into it.
  struct RollbackUnlessEnded {
    Connection& c;
    bool ended = false;
    ~RollbackUnlessEnded() {
      if (ended || !c.ok()) return;
      try {
        c.exec("ROLLBACK");
      } catch (const PgError&) {
      }
    }
  };

  // READ COMMITTED: each statement after the lock sees every write committed before it was
  // granted (a snapshot taken at BEGIN would miss the last writer's audit entry).
  static const std::string& write_begin() {
    static const std::string begin = fmt::format(
        "BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL synchronous_commit = off; SELECT "
        "pg_advisory_xact_lock({}); SELECT (SELECT n FROM users_version), ({}), (SELECT "
        "coalesce(max(id), 0) FROM releases), a.* FROM (SELECT 1) one LEFT JOIN LATERAL ({}) a "
        "ON true",
        kWriteLock,
        "SELECT subject FROM audit WHERE action = 'policy.changed' ORDER BY seq DESC LIMIT 1",
        fmt::format("SELECT {} FROM audit ORDER BY seq DESC LIMIT 1", kAuditColumns));
    return begin;
  }

  // What a unit knows from the round trip that begins it: the directory's version, and for a
  // writer, once the writers' lock is granted, the audit log's head and the last release id. A
  // writer holds the lock until its commit, so none of these can change under it but by its own
  // hand; it keeps them instead of asking the server again, since every round trip a writer
  // makes is one that every other writer waits for.
  static UnitFacts read_start(const pg::Result& first, bool writes) {
    UnitFacts facts;
    facts.users_version = -1;
    if (first.rows() != 1) return facts;
    if (!first.is_null(0, 0)) facts.users_version = first.integer(0, 0);
    if (writes) {
      facts.subjects[std::string(kPolicyChanged)] = first.optional_text(0, 1);
      // Under the writers' lock the next release is the last one's successor, as SQLite numbers
      // them: known without asking, so a release's insert can wait for the commit too.
      facts.next_release_id = first.integer(0, 2) + 1;
      std::optional<AuditEntry> last;
      if (!first.is_null(0, 3)) {
        auto t = [&](int i) { return first.text(0, 3 + i); };
        last = AuditEntry{first.integer(0, 3), t(1), t(2), t(3), t(4), t(5), t(6), t(7)};
      }
      facts.last_audit.emplace(std::move(last));
    }
    return facts;
  }

  // The batch `mine` gathers (see PgWriteBatches): once the lock is granted, the writers that
  // queued meanwhile join; the units run one after another, each undone alone when it fails, and
  // are committed together. When the database fails the batch, each unit is run again alone, so
  // that a failing one fails by itself and the others are not lost. Leaves every unit of the
  // batch done or to run alone, `mine` included.
  void lead(PgWriteBatches::Entry& mine) {
    using Entry = PgWriteBatches::Entry;
    auto& b = *batches_;
    std::vector<Entry*> batch{&mine};
    // Whatever ends the batch, the next writers may gather and every writer of it learns its
    // outcome: those not told `done` run alone.
    struct BatchEnd {
      PgWriteBatches& b;
      std::vector<Entry*>& batch;
      bool gathering = true;
      void take() {
        std::lock_guard hold(b.lock);
        while (!b.queue.empty() && batch.size() < PgWriteBatches::kMostUnits) {
          batch.push_back(b.queue.front());
          b.queue.pop_front();
        }
        b.gathering = gathering = false;
        b.changed.notify_all();
      }
      void tell(Entry::State state) {
        std::lock_guard hold(b.lock);
        if (gathering) b.gathering = gathering = false;
        for (size_t i = 1; i < batch.size(); ++i) batch[i]->state = state;
        batch.resize(1);  // told, they may be gone: only `mine` is still ours
        b.changed.notify_all();
      }
      ~BatchEnd() { tell(Entry::State::alone); }
    } end{b, batch};
    try {
      bool fresh = false;  // a batch that fails is run again alone, which retries what it may
      ready_connection(fresh);
      RollbackUnlessEnded guard{*c_};
      UnitFacts start = read_start(c_->exec(write_begin()), true);
      end.take();
      PgSession session(*c_);
      PgTransaction tx(session, *c_, users_, known_services_, std::move(start),
                       [this] { return connect(url_); });
      UserDirectory::ForgetUnlessCommitted forget{users_};
      bool marks = batch.size() > 1, any = false;
      for (auto* e : batch) {
        std::optional<PgTransaction::UnitMark> mark;
        if (marks) mark = tx.begin_unit();
        try {
          e->result = e->work(tx);
        } catch (const PgError&) {
          throw;
        } catch (...) {
          e->thrown = std::current_exception();
        }
        bool ok = e->result && !e->thrown;
        any = any || ok;
        if (!marks) continue;
        if (ok)
          tx.end_unit();
        else
          tx.undo_unit(std::move(*mark));
      }
      if (any) {
        session.commit(true);
        guard.ended = true;
        forget.committed = true;
        tx.remember_services(known_services_);
      }
      end.tell(Entry::State::done);
      mine.state = Entry::State::done;
    } catch (const PgError&) {
      mine.state = Entry::State::alone;  // and the others, as `end` ends
    }
  }

  // A connection, made again when the server dropped it (a restart, a failover), outside any
  // transaction. `fresh` is set before a new one is tried, so that a failure to make it is known
  // as a fresh connection's.
  void ready_connection(bool& fresh) {
    if (!c_ || !c_->ok()) {
      c_.reset();
      fresh = true;
      c_ = connect(url_);
      users_.version = -1;
    }
    if (c_->in_transaction()) c_->exec("ROLLBACK");
  }

  // Begins a unit in one round trip: `begin` ends with the query read_start reads.
  Result<void> run(const std::string& begin, bool writes, const StoreWork& work) {
    for (int attempt = 1;; ++attempt) {
      bool begun = false, fresh = false;
      try {
        // A unit of work a dropped connection was serving failed with `unavailable`; one that
        // had not begun is tried again.
        ready_connection(fresh);
        RollbackUnlessEnded guard{*c_};
        UnitFacts start = read_start(c_->exec(begin), writes);
        begun = true;
        PgSession session(*c_);
        PgTransaction tx(session, *c_, users_, known_services_, std::move(start),
                         [this] { return connect(url_); });
        UserDirectory::ForgetUnlessCommitted forget{users_};
        auto result = work(tx);
        if (!result) {
          guard.ended = true;
          c_->exec("ROLLBACK");
          return result;
        }
        // A commit that fails (a deferred write refused) leaves the connection in an aborted
        // transaction block (PostgreSQL released its locks at the error): the guard ends it now,
        // not at this connection's next use.
        session.commit(writes);
        guard.ended = true;
        forget.committed = true;
        tx.remember_services(known_services_);
        return {};
      } catch (const PgError& e) {
        bool busy = e.retryable() || e.sqlstate() == "55P03";
        // A connection the server dropped since its last use (a restart) fails at once, and is
        // made again; one made afresh that fails, or an answer that never came, is not.
        bool stale = e.connection_lost() && !begun && !fresh && !e.timed_out();
        if (attempt < kAttempts && (busy || stale)) continue;
        if (busy)
          return fail(ErrorKind::unavailable,
                      "the ledger {} is held by another writer (waited {} ms, {} attempts); try "
                      "again",
                      url_.shown, kLockTimeoutMs * attempt, attempt);
        return fail(e.connection_lost() ? ErrorKind::unavailable : ErrorKind::internal, "{}",
                    e.what());
      }
    }
  }

  static constexpr int kAttempts = 3;
  static constexpr int kLockTimeoutMs = 5000;
  static constexpr int64_t kStatementTimeoutMs = 10000;
  static constexpr int64_t kAnswerMarginMs = 2000;

  DatabaseUrl url_;
  std::unique_ptr<Connection> c_;
  UserDirectory users_;
  KnownServices known_services_;
  std::shared_ptr<PgWriteBatches> batches_;  // none: every unit in a transaction of its own
};

}  // namespace

std::shared_ptr<PgWriteBatches> make_pg_write_batches() {
  return std::make_shared<PgWriteBatches>();
}

Result<std::unique_ptr<Store>> open_postgresql_store(const DatabaseUrl& url,
                                                     const std::filesystem::path& migrations_root,
                                                     std::shared_ptr<PgWriteBatches> batches) {
  auto migrated = migrate_database(url, migrations_root);
  if (!migrated) return std::unexpected(migrated.error());
  try {
    return std::make_unique<PgStore>(url, std::move(batches));
  } catch (const PgError& e) {
    return fail(ErrorKind::unavailable, "{}", e.what());
  }
}

}  // namespace beaver
