#pragma once
// A SQLite file copied page by page with SQLite's online backup, while other connections go on
// writing to it: the copy is the database as one read transaction saw it, every commit before
// that transaction included, none after.

#include <filesystem>

#include "error/error.hpp"

namespace beaver {

// Copies the SQLite database `from` into the new file `to` (its folder must exist), written whole
// under a temporary name beside it, synced, then renamed: a copy interrupted leaves no `to`.
// Refused (bad_input) when `to` exists; not_found when `from` does not; unavailable when SQLite
// cannot read or write.
Result<void> copy_sqlite_database(const std::filesystem::path& from,
                                  const std::filesystem::path& to);

}  // namespace beaver
