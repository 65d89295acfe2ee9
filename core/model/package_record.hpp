#pragma once
// A package as the ledger records it: its file, the commit it was built from, who built it.

#include <cstdint>
#include <optional>
#include <string>

#include "clock/clock.hpp"

namespace beaver {

// A package as the ledger records it.
struct PackageRecord {
  int64_t id = 0;
  std::string sha256;
  std::string service;
  std::string version;
  std::string file_name;
  int64_t size = 0;
  std::string commit;
  std::optional<std::string> branch;
  std::optional<std::string> tag;
  Timestamp commit_time{};
  bool allow_dirty = false;
  std::string builder;
  Timestamp registered_at{};
  std::string manifest_json;
};

}  // namespace beaver
