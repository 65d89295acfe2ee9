#include "server/http_front.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "server/api.hpp"

namespace beaver {
namespace {

constexpr uint64_t kListenerTag = 0;
constexpr uint64_t kWakeTag = 1;
// Connections accepted on one turn, at most, so that a flood of them does not starve the others.
constexpr int kAcceptsPerTurn = 64;
constexpr size_t kScratchBytes = 64 << 10;

UniqueFd checked(int fd, const char* what) {
  if (fd < 0) throw std::system_error(errno, std::generic_category(), what);
  return UniqueFd(fd);
}

// The client a connection counts against: its IPv4 address, or its IPv6 /64 (what one host
// usually has to itself).
std::string client_of(const sockaddr_storage& peer) {
  char text[INET6_ADDRSTRLEN] = "";
  if (peer.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(peer);
    inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
  } else if (peer.ss_family == AF_INET6) {
    in6_addr a = reinterpret_cast<const sockaddr_in6&>(peer).sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(&a)) {
      inet_ntop(AF_INET, &a.s6_addr[12], text, sizeof text);
    } else {
      std::memset(&a.s6_addr[8], 0, 8);
      inet_ntop(AF_INET6, &a, text, sizeof text);
    }
  }
  return text;
}

}  // namespace

HttpFront::HttpFront(Poco::Net::ServerSocket listener, Api& api, Metrics& metrics,
                     FrontOptions options)
    : listener_(std::move(listener)),
      api_(api),
      metrics_(metrics),
      options_(std::move(options)),
      scratch_(kScratchBytes),
      context_{options_.limits, metrics_, scratch_},
      epoll_(checked(epoll_create1(EPOLL_CLOEXEC), "epoll_create1")),
      wake_(checked(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), "eventfd")),
      spare_(::open("/dev/null", O_RDONLY | O_CLOEXEC)),
      workers_(options_.threads),
      long_workers_(options_.long_threads) {
  listener_.setBlocking(false);
  epoll_event listen{EPOLLIN, {.u64 = kListenerTag}};
  epoll_event woken{EPOLLIN, {.u64 = kWakeTag}};
  if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, listener_.impl()->sockfd(), &listen) != 0 ||
      epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, wake_.get(), &woken) != 0)
    throw std::system_error(errno, std::generic_category(), "epoll_ctl");
}

HttpFront::~HttpFront() = default;

ServerGauges HttpFront::gauges() const {
  ServerGauges g;
  g.refused_connections = refused_.load(std::memory_order_relaxed);
  g.open_connections = open_.load(std::memory_order_relaxed);
  g.queued_requests = static_cast<int64_t>(workers_.queued() + long_workers_.queued());
  g.busy_workers = workers_.busy() + long_workers_.busy();
  return g;
}

void HttpFront::run() {
  std::vector<epoll_event> events(256);
  while (!stopping_ || !connections_.empty()) {
    int n = epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()), wait_ms());
    auto now = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
      uint64_t tag = events[static_cast<size_t>(i)].data.u64;
      if (tag == kListenerTag)
        accept(now);
      else if (tag == kWakeTag)
        on_wake(now);
      else
        on_event(tag, events[static_cast<size_t>(i)].events, now);
    }
    for (auto id : std::exchange(again_, {})) {
      auto it = connections_.find(id);
      if (it != connections_.end()) apply(id, it->second.connection->readable(now), now);
    }
    expire(std::chrono::steady_clock::now());
    workers_.post_all(posts_);
    long_workers_.post_all(long_posts_);
  }
}

void HttpFront::stop() {
  stop_asked_.store(true);
  wake();
}

int HttpFront::wait_ms() const {
  if (!again_.empty()) return 0;
  if (deadlines_.empty()) return -1;
  auto left = deadlines_.begin()->first - std::chrono::steady_clock::now();
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return static_cast<int>(std::clamp<int64_t>(ms, 0, 60'000));
}

void HttpFront::accept(SteadyTime now) {
  for (int i = 0; i < kAcceptsPerTurn && !stopping_; ++i) {
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    UniqueFd fd(accept4(listener_.impl()->sockfd(), reinterpret_cast<sockaddr*>(&peer), &length,
                        SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (fd) {
      open(std::move(fd), client_of(peer), now);
    } else if (errno == EMFILE || errno == ENFILE) {
      // Out of descriptors: the connection would stay queued and wake the reactor again and
      // again. The spare one makes room to take it and close it.
      spare_.reset();
      UniqueFd(accept4(listener_.impl()->sockfd(), nullptr, nullptr, SOCK_CLOEXEC));
      spare_.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
      refused_.fetch_add(1, std::memory_order_relaxed);
    } else if (errno != EINTR && errno != ECONNABORTED) {
      return;  // EAGAIN: none left
    }
  }
}

void HttpFront::open(UniqueFd fd, const std::string& address, SteadyTime now) {
  auto known = per_address_.find(address);
  if (known != per_address_.end() && known->second >= options_.max_connections_per_address) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (connections_.size() >= options_.max_connections && !evict_idle()) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  // An answer goes out in one write; Nagle's algorithm would hold one written while the
  // client has not yet acknowledged the one before.
  int one = 1;
  setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  uint64_t id = next_id_++;
  epoll_event ready{EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, {.u64 = id}};
  if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd.get(), &ready) != 0) return;
  ++per_address_[address];
  open_.fetch_add(1, std::memory_order_relaxed);
  Entry entry;
  entry.connection = std::make_unique<HttpConnection>(std::move(fd), address, context_, now);
  entry.address = address;
  auto [it, _] = connections_.emplace(id, std::move(entry));
  sync(id, it->second);
}

bool HttpFront::evict_idle() {
  if (idle_.empty()) return false;
  close(connections_.find(idle_.front()));
  return true;
}

void HttpFront::on_event(uint64_t id, uint32_t events, SteadyTime now) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
    apply(id, it->second.connection->readable(now), now);
  if (!(events & EPOLLOUT)) return;
  it = connections_.find(id);
  if (it != connections_.end()) apply(id, it->second.connection->writable(now), now);
}

void HttpFront::on_wake(SteadyTime now) {
  uint64_t count;
  // Read before the completions are taken: one posted after this wakes the reactor again.
  while (::read(wake_.get(), &count, sizeof count) < 0 && errno == EINTR) {
  }
  if (stop_asked_.load() && !stopping_) begin_stop();
  std::vector<Completion> done;
  {
    std::lock_guard hold(done_lock_);
    done.swap(done_);
  }
  for (auto& [id, result] : done) {
    auto it = connections_.find(id);
    if (it == connections_.end()) continue;
    auto& c = *it->second.connection;
    Next next = std::holds_alternative<Admission>(result)
                    ? c.admitted(std::move(std::get<Admission>(result)), now)
                    : c.answered(std::move(std::get<WireAnswer>(result)), now);
    apply(id, next, now);
  }
}

void HttpFront::apply(uint64_t id, Next next, SteadyTime now) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  auto& c = *it->second.connection;
  auto queue_full = [this](const WorkerPool& lane, const auto& posts) {
    return lane.queued() + posts.size() >= options_.queue;
  };
  switch (next) {
    case Next::close:
      return close(it);
    case Next::admit:
      if (queue_full(workers_, posts_)) return apply(id, c.refuse_busy(now), now);
      posts_.emplace_back([this, id, head = c.head(), start = c.request_start()] {
        complete(id, admit_body(api_, metrics_, head, options_.limits.body, start));
      });
      break;
    case Next::run: {
      bool long_lane = Api::is_long(c.head().request);
      auto& posts = long_lane ? long_posts_ : posts_;
      if (queue_full(long_lane ? long_workers_ : workers_, posts))
        return apply(id, c.refuse_busy(now), now);
      posts.emplace_back([this, id, job = c.take_run()]() mutable {
        complete(id, run_request(api_, metrics_, std::move(job)));
      });
      break;
    }
    case Next::again:
      again_.push_back(id);
      break;
    case Next::wait:
      break;
  }
  sync(id, it->second);
}

void HttpFront::sync(uint64_t id, Entry& e) {
  const auto& c = *e.connection;
  auto deadline = c.deadline();
  if (deadline != e.deadline) {
    if (e.deadline != SteadyTime::max()) deadlines_.erase({e.deadline, id});
    if (deadline != SteadyTime::max()) deadlines_.emplace(deadline, id);
    e.deadline = deadline;
  }
  if (c.idle() != e.idle) {
    if (e.idle)
      idle_.erase(e.idle_at);
    else
      e.idle_at = idle_.insert(idle_.end(), id);
    e.idle = !e.idle;
  }
  if (c.in_flight() != e.in_flight) {
    e.in_flight = !e.in_flight;
    in_flight_.fetch_add(e.in_flight ? 1 : -1, std::memory_order_relaxed);
  }
}

void HttpFront::close(Entries::iterator it) {
  auto& e = it->second;
  if (e.deadline != SteadyTime::max()) deadlines_.erase({e.deadline, it->first});
  if (e.idle) idle_.erase(e.idle_at);
  if (e.in_flight) in_flight_.fetch_sub(1, std::memory_order_relaxed);
  if (auto count = per_address_.find(e.address); --count->second == 0) per_address_.erase(count);
  open_.fetch_sub(1, std::memory_order_relaxed);
  connections_.erase(it);  // closes the socket, which leaves epoll with it
}

void HttpFront::expire(SteadyTime now) {
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    auto key = *deadlines_.begin();
    auto it = connections_.find(key.second);
    apply(key.second, it->second.connection->expired(now), now);
    // A connection past its deadline moves on to another or closes; never twice the same.
    if (deadlines_.contains(key)) close(connections_.find(key.second));
  }
}

void HttpFront::begin_stop() {
  stopping_ = true;
  epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, listener_.impl()->sockfd(), nullptr);
  listener_.close();
  std::vector<uint64_t> done;
  for (auto& [id, e] : connections_)
    if (e.connection->stop()) done.push_back(id);
  for (auto id : done) close(connections_.find(id));
}

void HttpFront::complete(uint64_t id, std::variant<Admission, WireAnswer> result) {
  bool first;
  {
    std::lock_guard hold(done_lock_);
    first = done_.empty();
    done_.push_back({id, std::move(result)});
  }
  if (first) wake();
}

void HttpFront::wake() {
  uint64_t one = 1;
  while (::write(wake_.get(), &one, sizeof one) < 0 && errno == EINTR) {
  }
}

}  // namespace beaver
