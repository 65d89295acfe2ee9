#pragma once
// Delivering the notifications outbox: each pending notification that is due is claimed, sent,
// and its attempt recorded; a failure is retried later with exponential backoff, up to a bounded
// number of attempts. Several beavers sharing one database may deliver at once: a claim keeps a
// notification from the others while it is being sent.
//
// For a server: own one Notifier, start() it, wake() it after a ledger change that may have
// queued notifications, stop() it on shutdown:
//
//   Notifier notifier([&] { return open_sqlite_store(db, migrations); }, clock,
//                     delivery_options_from_environment().value());
//   notifier.start();
//   ... after each release change: notifier.wake();
//   notifier.stop();  // or let the destructor do it

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "clock/clock.hpp"
#include "error/error.hpp"
#include "notify/notify_send.hpp"
#include "store/store.hpp"

namespace beaver {

struct DeliveryOptions {
  std::chrono::milliseconds first_backoff{2000};  // doubled after each failed attempt
  std::chrono::milliseconds max_backoff{5 * 60 * 1000};
  int max_attempts = 8;                     // then the notification is given up as failed
  std::chrono::milliseconds timeout{5000};  // to connect, to send and to receive
  // How long a claimed notification is kept from other deliverers while it is being sent; one
  // whose deliverer died becomes due again after it.
  std::chrono::seconds claim{120};
  const NotificationSender* sender = nullptr;  // null: network_sender()
  std::function<bool()> should_stop;           // asked between notifications
};

// The defaults, with BEAVER_NOTIFY_BACKOFF_MS (a whole number, 0 allowed) as the first backoff;
// a bad value is bad_input.
Result<DeliveryOptions> delivery_options_from_environment();

struct DeliveryReport {
  int sent = 0;
  int failed = 0;                     // attempts that failed (retried later, or given up)
  std::vector<std::string> failures;  // one line per failed attempt, for people
};

// Sends the notifications due at `clock.now()`, each at most once in this call, until none is due,
// `deadline` passes or `options.should_stop` says so; each send is bounded by the lesser of
// `options.timeout` and the time left. A channel that is down is a failed attempt recorded in
// the store, never an error here; the error is the store's (a locked or broken database).
Result<DeliveryReport> deliver_due(Store& store, const Clock& clock,
                                   std::chrono::steady_clock::time_point deadline,
                                   const DeliveryOptions& options = {});

// Runs deliver_due on its own thread: at once when woken, else every `poll`. The thread opens
// its own store with `open_store` (a store is not shared across threads) and opens it again
// after a failure. Failures to reach the database are retried at the next round.
class Notifier {
 public:
  using StoreOpener = std::function<Result<std::unique_ptr<Store>>()>;

  Notifier(StoreOpener open_store, const Clock& clock, DeliveryOptions options = {},
           std::chrono::milliseconds poll = std::chrono::seconds(2));
  ~Notifier();  // stop()
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Starts the thread; does nothing when it runs already.
  void start();
  // Asks for a delivery round now (e.g. after a change queued notifications); never blocks.
  void wake();
  // Lets the send in progress finish (bounded by the timeout), then joins the thread. Pending
  // notifications stay queued for the next start or another deliverer.
  void stop();

 private:
  void run();

  StoreOpener open_store_;
  const Clock& clock_;
  DeliveryOptions options_;
  std::chrono::milliseconds poll_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace beaver
