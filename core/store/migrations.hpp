#pragma once
// Versioned schema migrations, kept as SQL files per dialect:
// schemas/migrations/<dialect>/NNNN_what.sql, applied in order of NNNN.

#include <filesystem>
#include <string>
#include <vector>

#include "error/error.hpp"

namespace beaver {

struct Migration {
  int version = 0;
  std::filesystem::path file;
  std::string sql;
};

// The migrations in `dir`, sorted by version; an empty or missing folder, a badly named file or
// two files with one version are errors.
Result<std::vector<Migration>> load_migrations(const std::filesystem::path& dir);

}  // namespace beaver
