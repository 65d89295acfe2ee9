#pragma once
// Thin RAII wrappers over libpq: a connection and a query's result, with parameters always bound
// (never spliced into the SQL text). Failures are thrown as PgError and turned into Result errors
// by the store, as sqlite.hpp's are.

#include <libpq-fe.h>

#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace beaver::pg {

class PgError : public std::runtime_error {
 public:
  PgError(std::string sqlstate, const std::string& what, bool timed_out = false)
      : std::runtime_error(what), sqlstate_(std::move(sqlstate)), timed_out_(timed_out) {}
  // Five characters, e.g. "40001" (serialization failure); empty when the server gave none (the
  // connection failed).
  const std::string& sqlstate() const { return sqlstate_; }
  bool connection_lost() const { return sqlstate_.empty() || sqlstate_.starts_with("08"); }
  bool retryable() const { return sqlstate_ == "40001" || sqlstate_ == "40P01"; }
  // The server did not answer within the connection's wait limit (the connection is closed).
  bool timed_out() const { return timed_out_; }

 private:
  std::string sqlstate_;
  bool timed_out_ = false;
};

// A column's text as a 64-bit integer, or PgError naming the column.
int64_t parse_integer(std::string_view v, int column);

class Result {
 public:
  explicit Result(PGresult* r) : r_(r) {}
  ~Result() { PQclear(r_); }
  Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Result& operator=(Result&&) = delete;
  Result(const Result&) = delete;

  int rows() const { return PQntuples(r_); }
  bool is_null(int row, int column) const { return PQgetisnull(r_, row, column) != 0; }
  std::string_view view(int row, int column) const {
    return {PQgetvalue(r_, row, column), static_cast<size_t>(PQgetlength(r_, row, column))};
  }
  std::string text(int row, int column) const { return std::string(view(row, column)); }
  std::optional<std::string> optional_text(int row, int column) const;
  int64_t integer(int row, int column) const;

 private:
  PGresult* r_;
};

// A parameter: text, or SQL NULL.
using Param = std::optional<std::string>;

// One line of COPY's text output (without its newline) split into its fields: views into `line`,
// or into `decoded` for a field with escapes; nullopt for NULL. The views are valid while both are.
void split_copy_line(std::string_view line, std::vector<std::optional<std::string_view>>& fields,
                     std::string& decoded);

class Connection {
 public:
  // `conninfo` is given to libpq as is; `shown` names the database in messages (no password).
  // Fails with PgError when the server cannot be reached within `connect_timeout`.
  Connection(const std::string& conninfo, std::string shown,
             std::chrono::seconds connect_timeout = std::chrono::seconds{5});
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs SQL text without parameters (schema, transaction control); may hold several statements,
  // sent in one round trip, and returns the last one's result. In READ COMMITTED each statement
  // sees what was committed before it began, after the statements before it ended.
  Result exec(const std::string& sql);
  // One statement with $1, $2... bound to `params` as text, prepared on this connection the
  // first time its text is seen (a server runs the same few statements for every request, and
  // PostgreSQL then parses and plans each once).
  Result query(const std::string& sql, const std::vector<Param>& params = {});
  // The same without keeping it prepared: for text that changes each time (a cursor's name).
  Result query_once(const std::string& sql, const std::vector<Param>& params = {});

  struct Statement {
    std::string sql;
    std::vector<Param> params;
    bool prepare = true;  // as query() does; false for transaction control, as query_once()
  };
  // Runs `statements` in order in one round trip (libpq's pipeline mode) and returns the last
  // one's result. The first that fails is thrown; those after it are not run.
  Result pipeline(const std::vector<Statement>& statements);
  // The same, with each statement's result, in order.
  std::vector<Result> pipeline_results(const std::vector<Statement>& statements);
  // COPY in PostgreSQL's text format, for moving whole tables (see ledger_copy.cpp): rows sent
  // in large chunks, or read as they stream, without a statement per row.
  void copy_in_begin(const std::string& sql);  // "COPY t (a, b) FROM STDIN"
  void copy_in_row(const std::vector<Param>& row);
  void copy_in_end();
  void copy_out(const std::string& sql,  // "COPY (SELECT ...) TO STDOUT"
                const std::function<void(const std::vector<Param>&)>& row);
  // The same a line at a time: copy_out_begin, then copy_out_next until it says there is no
  // more (split_copy_line reads a line). Nothing else may be sent on the connection meanwhile.
  void copy_out_begin(const std::string& sql);
  // The next line without its newline, valid until the next call; false at the end, once the
  // COPY's own result is checked.
  bool copy_out_next(std::string_view& line);
  const std::string& shown() const { return shown_; }
  bool ok() const;
  // The longest to wait for each answer of the server; zero (the default) waits as long as it
  // takes. Past it the connection is closed and PgError thrown as for a lost connection.
  void set_wait_limit(std::chrono::milliseconds limit);
  // Inside a transaction block (or a failed one not yet rolled back).
  bool in_transaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }
  // Inside a transaction a statement failed in: its COMMIT would roll it back and succeed.
  bool in_failed_transaction() const { return PQtransactionStatus(conn_) == PQTRANS_INERROR; }

 private:
  [[noreturn]] void raise(PGresult* r, const std::string& what) const;
  // Closes the connection, which cannot be used again, and throws PgError saying why.
  [[noreturn]] void give_up(const std::string& why, bool timed_out);
  const std::string& prepared_name(const std::string& sql);  // empty past kMaxPrepared
  PGresult* next_result();                                   // PQgetResult, within the wait limit
  // Waits until the server sends more, then reads it in; false if the connection failed. Past
  // `deadline` the connection is closed and PgError thrown, as for a lost connection.
  bool wait_readable(std::chrono::steady_clock::time_point deadline);
  // Sends a COPY and waits, within the wait limit, for the server to begin it (`begun`).
  void copy_begin(const std::string& sql, ExecStatusType begun);
  void finish_copy();  // the COPY's own result: the first failure thrown
  // The answers to what was just sent: the last one, or the first failure thrown.
  Result await(const char* what);

  static constexpr size_t kMaxPrepared = 256;

  PGconn* conn_ = nullptr;
  std::string shown_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
  std::string copy_buffer_;
  char* copy_line_ = nullptr;  // the line copy_out_next gave, freed by the next call
  std::chrono::milliseconds wait_limit_{0};
};

}  // namespace beaver::pg
