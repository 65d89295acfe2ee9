#include "store/sqlite.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <utility>

namespace beaver::sqlite {

Database::Database(const std::string& path, int flags) {
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw SqliteError(rc, fmt::format("cannot open {}: {}", path, message));
  }
  sqlite3_extended_result_codes(db_, 1);
  // The ledger's statements order names COLLATE "C", as PostgreSQL orders them in byte order
  // only so; here it is SQLite's own byte order.
  rc = sqlite3_create_collation_v2(
      db_, "C", SQLITE_UTF8, nullptr,
      [](void*, int n1, const void* a, int n2, const void* b) {
        int c = std::memcmp(a, b, static_cast<size_t>(std::min(n1, n2)));
        return c != 0 ? c : n1 - n2;
      },
      nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw SqliteError(rc, fmt::format("cannot open {}: {}", path, sqlite3_errstr(rc)));
  }
}

Database::~Database() {
  for (auto& [sql, stmt] : idle_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

sqlite3_stmt* Database::take_prepared(std::string_view sql) {
  auto found = idle_.find(sql);
  if (found == idle_.end() || found->second == nullptr) return nullptr;
  return std::exchange(found->second, nullptr);
}

void Database::keep_prepared(sqlite3_stmt* stmt) {
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  const char* sql = sqlite3_sql(stmt);
  auto found = idle_.find(std::string_view(sql));
  if (found != idle_.end() && found->second == nullptr) {
    found->second = stmt;
  } else if (found == idle_.end() && idle_.size() < kMaxIdleStatements) {
    idle_.emplace(sql, stmt);
  } else {
    sqlite3_finalize(stmt);  // a second one of the same SQL in use at once, or no room
  }
}

void Database::exec(const std::string& sql) {
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) raise(rc);
}

void Database::raise(int code) const { throw SqliteError(code, sqlite3_errmsg(db_)); }

Statement::Statement(Database& db, std::string_view sql) : db_(db) {
  stmt_ = db.take_prepared(sql);
  if (stmt_ != nullptr) return;
  int rc = sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) db.raise(rc);
}

Statement::~Statement() {
  if (stmt_ != nullptr) db_.keep_prepared(stmt_);
}

Statement& Statement::bind(int index, std::string_view value) {
  int rc = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                             SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) db_.raise(rc);
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) db_.raise(rc);
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
  return value ? bind(index, std::string_view{*value}) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) db_.raise(rc);
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.raise(rc);
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  return p == nullptr ? std::string{}
                      : std::string(reinterpret_cast<const char*>(p),
                                    static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string_view Statement::view(int column) const {
  // Through the column's value: one call into the statement rather than two (text and bytes),
  // as a report reads several columns of a million rows. As a blob, a text column's bytes are
  // given where they lie in the page; as text, SQLite would first copy them to add a NUL that a
  // string_view does not need. The ledger's text is UTF-8, as SQLite stores it.
  sqlite3_value* v = sqlite3_column_value(stmt_, column);
  const void* p = sqlite3_value_blob(v);
  return p == nullptr ? std::string_view{}
                      : std::string_view(static_cast<const char*>(p),
                                         static_cast<size_t>(sqlite3_value_bytes(v)));
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

}  // namespace beaver::sqlite
