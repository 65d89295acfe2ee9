#pragma once
// Checking a YAML document against a JSON Schema (draft 7) from schemas/, with errors that point
// at the offending place in the file and say, in words, what was expected there.

#include <filesystem>

#include "error/error.hpp"
#include "schema/yaml_document.hpp"

namespace beaver {

// Validates `doc` against the schema in `schema_file` (parsed once and cached by path and
// modification time). On failure returns one bad_input error "NAME:LINE:COL: message" for the
// most specific problem, for instance
//   "unknown key 'aprovals' (did you mean 'approvals'?)"   at the key itself,
//   "missing key 'role'"                                   at the mapping lacking it,
//   "expected one of: mon, tue, ..., got 'mo'"             at the value.
// The expectation comes from the schema at that place: its enum, else its "description", else
// its type. A schema file that cannot be read or parsed is an internal error.
Result<void> validate(const YamlDocument& doc, const std::filesystem::path& schema_file);

}  // namespace beaver
