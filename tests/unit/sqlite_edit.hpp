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

// The first column of the first row `sql` answers; empty when none.
inline std::string sql_value(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != nullptr)
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

}  // namespace beaver::test
