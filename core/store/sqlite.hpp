#pragma once
// Thin RAII wrappers over the SQLite C API: a connection and a prepared statement with bound
// parameters. Failures are thrown as SqliteError and turned into Result errors by the store.

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace beaver::sqlite {

class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }
  bool busy() const { return (code_ & 0xff) == SQLITE_BUSY || (code_ & 0xff) == SQLITE_LOCKED; }

 private:
  int code_;
};

class Database {
 public:
  Database(const std::string& path, int flags);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs SQL text without parameters (schema, pragmas, transaction control).
  void exec(const std::string& sql);
  sqlite3* handle() const { return db_; }
  [[noreturn]] void raise(int code) const;

 private:
  friend class Statement;
  // Statements are kept prepared for reuse, one idle statement per SQL text: preparing costs
  // more than running the short lookups a server answers with. Bounded; reset when idle.
  static constexpr size_t kMaxIdleStatements = 128;
  sqlite3_stmt* take_prepared(std::string_view sql);
  void keep_prepared(sqlite3_stmt* stmt);

  sqlite3* db_ = nullptr;
  std::map<std::string, sqlite3_stmt*, std::less<>> idle_;
};

// A prepared statement, taken from its connection's idle statements when one with the same SQL
// is there, and given back (reset, parameters unbound) when destroyed.
class Statement {
 public:
  Statement(Database& db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are numbered from 1, as in SQLite.
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) {
    return bind(index, std::string_view{value});
  }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view{value}); }
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, const std::optional<std::string>& value);
  Statement& bind_null(int index);

  // Advances to the next row; false when done.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  // Makes the statement ready to run again, its parameters unbound.
  void reset();

  std::string text(int column) const;
  // The column's text without a copy, valid until the next step() or reset(); empty for NULL.
  std::string_view view(int column) const;
  std::optional<std::string> optional_text(int column) const;
  int64_t integer(int column) const;
  bool is_null(int column) const;

 private:
  Database& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace beaver::sqlite
