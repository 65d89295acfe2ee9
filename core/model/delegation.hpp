#pragma once
// A stand-in: while it holds, `delegate` may give the approvals `user` could give, recorded as
// "delegate for user".

#include <cstdint>
#include <optional>
#include <string>

#include "clock/clock.hpp"

namespace beaver {

struct Delegation {
  int64_t id = 0;
  std::string user;      // who is away
  std::string delegate;  // who approves for them
  Timestamp until{};
  std::optional<std::string> reason;
  std::string created_by;  // the user, or an admin for them
  Timestamp created_at{};
  std::optional<std::string> revoked_by;
  std::optional<Timestamp> revoked_at;

  bool holds(Timestamp now) const { return !revoked_at && created_at <= now && now < until; }
};

}  // namespace beaver
