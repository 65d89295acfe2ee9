#include "notify/notifier.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <set>
#include <string_view>

#include "model/names.hpp"

namespace beaver {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr milliseconds kLeastGap{20};  // between the starts of two delivery rounds

// How long to wait after the `attempts`-th failed attempt.
milliseconds backoff(const DeliveryOptions& o, int attempts) {
  milliseconds delay = o.first_backoff;
  for (int i = 1; i < attempts && delay < o.max_backoff; ++i) delay *= 2;
  return std::min(delay, o.max_backoff);
}

// Claims the oldest due notification not yet tried in this call, keeping it from other
// deliverers until the claim runs out.
Result<std::optional<Notification>> claim_next(Store& store, const Clock& clock,
                                               const DeliveryOptions& o,
                                               const std::set<int64_t>& tried) {
  std::optional<Notification> claimed;
  // Looked for first without writing: a server wakes its deliverer after every change, and a
  // write would queue behind every other writer (on PostgreSQL, every other server's) for
  // nothing when no message is due.
  bool any_due = false;
  BEAVER_TRY(store.read([&](StoreTransaction& tx) -> Result<void> {
    auto due = tx.due_notifications(clock.now(), static_cast<int64_t>(tried.size()) + 1);
    any_due = std::any_of(due.begin(), due.end(),
                          [&](const Notification& n) { return !tried.contains(n.id); });
    return {};
  }));
  if (!any_due) return claimed;
  BEAVER_TRY(store.write([&](StoreTransaction& tx) -> Result<void> {
    claimed.reset();
    auto now = clock.now();
    // One more than those tried: if any untried one is due, it is among them.
    for (auto& n : tx.due_notifications(now, static_cast<int64_t>(tried.size()) + 1)) {
      if (tried.contains(n.id)) continue;
      n.next_attempt_at = now + o.claim;
      tx.update_notification(n);
      claimed = std::move(n);
      break;
    }
    return {};
  }));
  return claimed;
}

Result<void> record_attempt(Store& store, const Clock& clock, const DeliveryOptions& o,
                            Notification& n, const DeliveryOutcome& outcome) {
  return store.write([&](StoreTransaction& tx) -> Result<void> {
    auto now = clock.now();
    n.attempts += 1;
    // A server's reply is recorded as text any store keeps whole.
    std::string detail = recordable_text(outcome.detail);
    tx.insert_notification_attempt({n.id, n.attempts, now, outcome.ok, detail});
    if (outcome.ok) {
      n.status = "sent";
      n.sent_at = now;
    } else {
      n.last_error = detail;
      if (n.attempts >= o.max_attempts) {
        n.status = "failed";
      } else {
        auto wait = backoff(o, n.attempts);
        // Stored times are whole seconds: round up, so a retry never comes early.
        n.next_attempt_at = now + std::chrono::ceil<std::chrono::seconds>(wait);
      }
    }
    tx.update_notification(n);
    return {};
  });
}

}  // namespace

Result<DeliveryOptions> delivery_options_from_environment() {
  DeliveryOptions o;
  const char* text = std::getenv("BEAVER_NOTIFY_BACKOFF_MS");
  if (text != nullptr && *text != '\0') {
    std::string_view s(text);
    int64_t ms = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), ms);
    if (ec != std::errc{} || end != s.data() + s.size() || ms < 0)
      return fail(ErrorKind::bad_input,
                  "BEAVER_NOTIFY_BACKOFF_MS: '{}' is not a number of milliseconds", s);
    o.first_backoff = milliseconds(ms);
  }
  return o;
}

Result<DeliveryReport> deliver_due(Store& store, const Clock& clock,
                                   steady_clock::time_point deadline,
                                   const DeliveryOptions& options) {
  const NotificationSender& sender = options.sender ? *options.sender : network_sender();
  DeliveryReport report;
  std::set<int64_t> tried;
  while (steady_clock::now() < deadline && !(options.should_stop && options.should_stop())) {
    auto claimed = claim_next(store, clock, options, tried);
    if (!claimed) return std::unexpected(claimed.error());
    if (!*claimed) break;
    Notification n = std::move(**claimed);
    tried.insert(n.id);
    auto left = std::chrono::duration_cast<milliseconds>(deadline - steady_clock::now());
    // Even a pass out of time gives the send it started a moment.
    auto timeout = std::min(options.timeout, std::max(left, milliseconds(200)));
    auto outcome = sender.send(n, timeout);
    BEAVER_TRY(record_attempt(store, clock, options, n, outcome));
    if (outcome.ok) {
      ++report.sent;
      continue;
    }
    ++report.failed;
    report.failures.push_back(fmt::format(
        "notification {} ({} {} to {}) attempt {} failed: {}; {}", n.id, n.channel, n.event,
        n.target, n.attempts, outcome.detail,
        n.status == "failed" ? "given up" : "retried at " + format_utc(n.next_attempt_at)));
  }
  return report;
}

Notifier::Notifier(StoreOpener open_store, const Clock& clock, DeliveryOptions options,
                   milliseconds poll)
    : open_store_(std::move(open_store)), clock_(clock), options_(std::move(options)), poll_(poll) {
  options_.should_stop = [this] {
    std::lock_guard lock(mutex_);
    return stopping_;
  };
}

Notifier::~Notifier() { stop(); }

void Notifier::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void Notifier::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_one();
}

void Notifier::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Notifier::run() {
  std::unique_ptr<Store> store;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      woken_ = false;
    }
    if (!store) {
      auto opened = open_store_();
      if (opened) store = std::move(*opened);
    }
    auto began = steady_clock::now();
    // A round that fails (a locked or lost database) is tried again at the next one, on a
    // store opened afresh.
    if (store && !deliver_due(*store, clock_, began + poll_ * 10, options_)) store.reset();
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, poll_, [this] { return stopping_ || woken_; });
    // A busy server changes the ledger hundreds of times a second: one round serves the wakes of
    // a short while, rather than a database round trip each.
    cv_.wait_until(lock, began + std::min(poll_, kLeastGap), [this] { return stopping_; });
  }
}

}  // namespace beaver
