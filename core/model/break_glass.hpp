#pragma once
// A broken glass: an emergency deployed before its approvals, which stay owed until its chain
// is complete. They are owed by `sign_by`; a team with an overdue one breaks no glass again.

#include <cstdint>
#include <optional>
#include <string>

#include "clock/clock.hpp"

namespace beaver {

struct BreakGlass {
  int64_t release_id = 0;
  std::string team;  // the service's team when the glass was broken
  std::string actor;
  std::string reason;
  Timestamp at{};
  Timestamp sign_by{};
  std::optional<Timestamp> signed_at;  // when its chain became complete

  bool owing() const { return !signed_at; }
  bool overdue(Timestamp now) const { return !signed_at && now >= sign_by; }
  bool signed_late() const { return signed_at && *signed_at > sign_by; }
};

}  // namespace beaver
