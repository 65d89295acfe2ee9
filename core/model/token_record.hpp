#pragma once
// An API token as the ledger records it.

#include <cstdint>
#include <optional>
#include <string>

#include "clock/clock.hpp"

namespace beaver {

// A user's API token. Only the SHA-256 of its secret is kept.
struct TokenRecord {
  int64_t id = 0;
  std::string user;
  std::string label;
  std::string secret_hash;
  std::string created_by;
  Timestamp created_at{};
  std::optional<std::string> revoked_by;
  std::optional<Timestamp> revoked_at;
};

}  // namespace beaver
