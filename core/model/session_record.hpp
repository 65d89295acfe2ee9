#pragma once
// A browser's sign-in as the ledger records it.

#include <cstdint>
#include <optional>
#include <string>

#include "clock/clock.hpp"

namespace beaver {

// Only the SHA-256 of its secret is kept; the CSRF token is kept whole, since the pages ask the
// server for it again in every new tab.
struct SessionRecord {
  int64_t id = 0;
  std::string user;
  std::string secret_hash;
  std::string csrf;
  std::string client;  // the address it was started from
  Timestamp created_at{};
  Timestamp seen_at{};  // its last use, to within a minute
  std::optional<Timestamp> ended_at;
};

}  // namespace beaver
