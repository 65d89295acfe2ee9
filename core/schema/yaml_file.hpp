#pragma once
// Reading a YAML file that a schema describes: bounded in size, parsed with positions, validated.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "schema/yaml_document.hpp"

namespace beaver {

// Reads `file` (at most `max_bytes`), parses it and validates it against `schema_file`. Errors are
// bad_input: "cannot read WHAT FILE: reason" or "FILE:LINE:COL: what was expected".
Result<YamlDocument> load_yaml_file(const std::filesystem::path& file, std::string_view what,
                                    const std::filesystem::path& schema_file,
                                    std::uintmax_t max_bytes = 1 << 20);

// The scalars of a validated YAML list (none when the node is absent).
std::vector<std::string> scalars(const YAML::Node& list);

// The file's bytes, with the same errors.
Result<std::string> read_small_file(const std::filesystem::path& file, std::string_view what,
                                    std::uintmax_t max_bytes);

}  // namespace beaver
