#include "server/token_cache.hpp"

#include "auth/token.hpp"

namespace beaver {

std::optional<std::string> TokenCache::user_of(std::string_view token, Clock::time_point now) {
  auto parts = parse_token(token);
  if (!parts) return std::nullopt;
  auto digest = token_secret_hash(parts->secret);  // outside the lock: it is the costly part
  std::lock_guard hold(lock_);
  auto found = entries_.find(parts->id);
  if (found == entries_.end()) return std::nullopt;
  if (now >= found->second.until) {
    entries_.erase(found);
    return std::nullopt;
  }
  // A wrong secret for a remembered id is left to the ledger, which refuses it as it always does.
  if (!same_digest(found->second.secret_hash, digest)) return std::nullopt;
  return found->second.user;
}

uint64_t TokenCache::generation() {
  std::lock_guard hold(lock_);
  return generation_;
}

void TokenCache::remember(std::string_view token, const std::string& user, Clock::time_point now,
                          uint64_t checked) {
  auto parts = parse_token(token);
  if (!parts) return;
  auto digest = token_secret_hash(parts->secret);
  std::lock_guard hold(lock_);
  if (checked != generation_) return;
  // Full of tokens nobody reuses: start over rather than grow (the cache only saves reads).
  if (entries_.size() >= kMaxTokens) entries_.clear();
  entries_.insert_or_assign(parts->id, Entry{std::move(digest), user, now + kTimeToLive});
}

void TokenCache::forget_all() {
  std::lock_guard hold(lock_);
  ++generation_;
  entries_.clear();
}

}  // namespace beaver
