#pragma once
// Edits a ledger file behind beaver's back, as an attacker with sqlite3 would.

#include <sqlite3.h>

#include <filesystem>
#include <string>

namespace beaver::test {

// Runs `sql` on `file` in its own connection; returns SQLite's error text, or "" on success.
inline std::string raw_sql(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  char* err = nullptr;
  sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string out = err != nullptr ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  return out;
}

}  // namespace beaver::test
