#include "server/token_cache.hpp"

#include <string>

namespace beaver {

std::optional<std::string> TokenCache::user_of(std::string_view token, Clock::time_point now) {
  std::lock_guard hold(lock_);
  auto found = entries_.find(std::string(token));
  if (found == entries_.end()) return std::nullopt;
  if (now >= found->second.until) {
    entries_.erase(found);
    return std::nullopt;
  }
  return found->second.user;
}

uint64_t TokenCache::generation() {
  std::lock_guard hold(lock_);
  return generation_;
}

void TokenCache::remember(std::string_view token, const std::string& user, Clock::time_point now,
                          uint64_t checked) {
  std::lock_guard hold(lock_);
  if (checked != generation_) return;
  // Full of tokens nobody reuses: start over rather than grow (the cache only saves reads).
  if (entries_.size() >= kMaxTokens) entries_.clear();
  entries_.insert_or_assign(std::string(token), Entry{user, now + kTimeToLive});
}

void TokenCache::forget_all() {
  std::lock_guard hold(lock_);
  ++generation_;
  entries_.clear();
}

}  // namespace beaver
