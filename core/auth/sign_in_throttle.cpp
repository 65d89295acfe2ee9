#include "auth/sign_in_throttle.hpp"

#include <algorithm>

namespace beaver {
namespace {

// Past it, the counts forgotten first are those of failures long past, so a flood of names
// cannot grow the server's memory without bound.
constexpr size_t kMostCounts = 100'000;

}  // namespace

std::chrono::seconds SignInThrottle::wait_of(const Counts& counts, const std::string& key, int free,
                                             Clock::time_point now) {
  auto it = counts.find(key);
  if (it == counts.end() || it->second.count < free) return std::chrono::seconds(0);
  if (now - it->second.last >= kLongestWait) return std::chrono::seconds(0);
  int doublings = std::min(it->second.count - free, 10);
  auto needed = std::min(std::chrono::seconds(1) * (1 << doublings), kLongestWait);
  auto waited = std::chrono::duration_cast<std::chrono::seconds>(now - it->second.last);
  return waited >= needed ? std::chrono::seconds(0) : needed - waited;
}

std::chrono::seconds SignInThrottle::wait(const std::string& user, const std::string& client,
                                          Clock::time_point now) {
  std::lock_guard hold(lock_);
  return std::max(wait_of(users_, user, kFreeFailuresPerUser, now),
                  wait_of(clients_, client, kFreeFailuresPerClient, now));
}

void SignInThrottle::count(Counts& counts, const std::string& key, Clock::time_point now) {
  if (counts.size() >= kMostCounts)
    std::erase_if(counts, [&](const auto& kv) { return now - kv.second.last >= kLongestWait; });
  if (counts.size() >= kMostCounts) counts.clear();
  auto& f = counts[key];
  if (f.count > 0 && now - f.last >= kLongestWait) f.count = 0;
  ++f.count;
  f.last = now;
}

void SignInThrottle::failed(const std::string& user, const std::string& client,
                            Clock::time_point now) {
  std::lock_guard hold(lock_);
  count(users_, user, now);
  count(clients_, client, now);
}

void SignInThrottle::succeeded(const std::string& user) {
  std::lock_guard hold(lock_);
  users_.erase(user);
}

}  // namespace beaver
