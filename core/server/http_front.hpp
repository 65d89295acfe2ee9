#pragma once
// The HTTP front of `beaver serve`: one thread, the reactor, accepts connections, reads whole
// requests and writes answers without ever waiting on a client (epoll, non-blocking sockets); a
// fixed pool of workers runs the API on whole requests, first come first served. So a client that
// is slow, idle or hostile holds a connection, bounded per address and overall and each with its
// deadline, and never a worker.

#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "server/http_connection.hpp"
#include "server/metrics.hpp"
#include "server/worker_pool.hpp"

namespace beaver {

class Api;

struct FrontOptions {
  int threads = 2;  // workers for the requests the ledger answers at once
  // Workers for the requests that may take seconds (Api::is_long): apart, so that a few reports
  // or package uploads never leave a quick read waiting for a worker.
  int long_threads = 4;
  size_t queue = 64;  // requests waiting for a worker, in each lane; one more is answered 503
  // Connections open at once: past it the idle one unused longest is closed for the newcomer,
  // and without one the newcomer is.
  size_t max_connections = 1024;
  // Connections open at once from one client address (an IPv6 client's /64): past it a newcomer
  // is closed at once.
  int max_connections_per_address = 256;
  ConnectionLimits limits;
};

class HttpFront {
 public:
  // Serves `listener` (bound and listening) with `api`.
  HttpFront(Poco::Net::ServerSocket listener, Api& api, Metrics& metrics, FrontOptions options);
  ~HttpFront();
  HttpFront(const HttpFront&) = delete;
  HttpFront& operator=(const HttpFront&) = delete;

  // The reactor: returns once stop() was called and the requests in flight are answered.
  void run();
  // From any thread: stops accepting, closes the connections with no request under way and each
  // other one once its request is answered.
  void stop();

  ServerGauges gauges() const;
  // Connections with a request read (or being read) and not yet answered.
  int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

 private:
  using Next = HttpConnection::Next;
  struct Entry {
    std::unique_ptr<HttpConnection> connection;
    std::string address;
    SteadyTime deadline = SteadyTime::max();
    std::list<uint64_t>::iterator idle_at;
    bool idle = false;
    bool in_flight = false;
  };
  using Entries = std::unordered_map<uint64_t, Entry>;
  struct Completion {
    uint64_t id;
    std::variant<Admission, WireAnswer> result;
  };

  void accept(SteadyTime now);
  void open(UniqueFd fd, const std::string& address, SteadyTime now);
  // Closes the idle connection unused longest; false when none is idle.
  bool evict_idle();
  void on_event(uint64_t id, uint32_t events, SteadyTime now);
  void on_wake(SteadyTime now);
  void apply(uint64_t id, Next next, SteadyTime now);
  // Brings the deadlines, the idle list and the gauges in line with the connection's phase.
  void sync(uint64_t id, Entry& entry);
  void close(Entries::iterator it);
  void expire(SteadyTime now);
  int wait_ms() const;
  void begin_stop();
  // From a worker: a request's admission or answer, for the reactor.
  void complete(uint64_t id, std::variant<Admission, WireAnswer> result);
  void wake();

  Poco::Net::ServerSocket listener_;
  Api& api_;
  Metrics& metrics_;
  FrontOptions options_;
  std::vector<char> scratch_;
  ConnectionContext context_;
  UniqueFd epoll_;
  UniqueFd wake_;   // an eventfd: a worker's completion, or stop()
  UniqueFd spare_;  // given up to accept (and close) a connection when descriptors run out

  Entries connections_;
  std::unordered_map<std::string, int> per_address_;
  std::set<std::pair<SteadyTime, uint64_t>> deadlines_;
  std::list<uint64_t> idle_;  // the idle connections, unused longest first
  std::vector<uint64_t> again_;
  // Jobs of this turn, handed to the workers at its end: a worker woken at once would take the
  // core from the reactor before it has read the other connections ready.
  std::vector<std::move_only_function<void()>> posts_;
  std::vector<std::move_only_function<void()>> long_posts_;
  uint64_t next_id_ = 2;  // 0 and 1 tag the listener and the eventfd in epoll
  bool stopping_ = false;
  std::atomic<bool> stop_asked_{false};

  std::mutex done_lock_;
  std::vector<Completion> done_;

  std::atomic<int64_t> open_{0};
  std::atomic<int64_t> refused_{0};
  std::atomic<int64_t> in_flight_{0};

  // Last: their threads stop first, before what their jobs use.
  WorkerPool workers_;
  WorkerPool long_workers_;
};

}  // namespace beaver
