#pragma once
// One entry of the append-only audit log.

#include <cstdint>
#include <string>

#include "clock/clock.hpp"

namespace beaver {

struct AuditEntry {
  int64_t seq = 0;  // gap-free, from 1
  std::string at;   // UTC "YYYY-MM-DDTHH:MM:SSZ", exactly as stored and hashed
  std::string actor;
  std::string action;   // "release.approve", "user.add", ...
  std::string subject;  // "release/42", "user/alice", "policy/<sha256>"
  std::string payload;  // canonical JSON object
  std::string prev_hash;
  std::string hash;
};

}  // namespace beaver
