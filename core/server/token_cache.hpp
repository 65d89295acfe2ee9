#pragma once
// Which user a bearer token signed in as, remembered for a short time so that a server answering
// many requests with one token does not read and hash it for every request. A token revoked
// through this server is forgotten at once (forget_all); one revoked elsewhere (the command
// line, another server) stops working here within the time to live. Like the ledger, it keeps
// only the SHA-256 of a token's secret, found by the token's id and compared in constant time.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace beaver {

class TokenCache {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kTimeToLive{2};
  static constexpr size_t kMaxTokens = 1024;

  // The user `token` signed in as, if it did so less than the time to live ago.
  std::optional<std::string> user_of(std::string_view token, Clock::time_point now);
  // What forget_all() has been called so far: read it before checking a token in the ledger.
  uint64_t generation();
  // Remembers that `token` signed in as `user` at `now`, unless forget_all() was called since
  // `checked` = generation() was read (the check may predate a revocation).
  void remember(std::string_view token, const std::string& user, Clock::time_point now,
                uint64_t checked);
  // Forgets every token: after a revocation, or any change to who may sign in.
  void forget_all();

 private:
  struct Entry {
    std::string secret_hash;
    std::string user;
    Clock::time_point until;
  };
  std::mutex lock_;
  uint64_t generation_ = 0;
  std::unordered_map<int64_t, Entry> entries_;
};

}  // namespace beaver
