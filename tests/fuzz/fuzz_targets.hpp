#pragma once
// The fuzz targets: each takes bytes from outside as beaver would meet them and must end in a
// value or a clean error, never a crash, a leak, undefined behaviour or unbounded memory.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace beaver::fuzz {

using Target = void (*)(const uint8_t* data, size_t size);

// The target named `name` (tar, policy, service, json_body, database_url, alertmanager), or
// nullptr.
Target find_target(std::string_view name);

// The names of all targets, space-separated, for usage lines.
std::string_view target_names();

}  // namespace beaver::fuzz
