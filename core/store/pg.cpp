#include "store/pg.hpp"

#include <fmt/format.h>
#include <poll.h>

#include <cerrno>
#include <charconv>
#include <memory>

namespace beaver::pg {
namespace {

// libpq's messages end in a newline and may run over several lines ("...failed: Connection
// refused\n\tIs the server running on that host..."): one line for beaver's errors.
std::string one_line(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace

std::optional<std::string> Result::optional_text(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return text(row, column);
}

int64_t parse_integer(std::string_view v, int column) {
  int64_t out = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc{} || end != v.data() + v.size())
    throw PgError("XX001", fmt::format("not an integer in column {}: '{}'", column, v));
  return out;
}

int64_t Result::integer(int row, int column) const {
  return parse_integer(view(row, column), column);
}

Connection::Connection(const std::string& conninfo, std::string shown,
                       std::chrono::seconds connect_timeout)
    : shown_(std::move(shown)) {
  // The URL's own connect_timeout, when it has one, wins over ours (libpq reads the later one).
  std::string timeout = std::to_string(connect_timeout.count());
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {timeout.c_str(), "beaver", conninfo.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn_ == nullptr)
    throw PgError("", fmt::format("cannot connect to {}: out of memory", shown_));
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string why = one_line(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    throw PgError("", fmt::format("cannot connect to {}: {}", shown_, why));
  }
  // Notices ("relation ... already exists, skipping") are for a person at psql, not for beaver's
  // output: libpq would print them on stderr.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
}

Connection::~Connection() {
  PQfreemem(copy_line_);
  if (conn_ != nullptr) PQfinish(conn_);
}

bool Connection::ok() const {
  // A pipeline left unfinished by a failure leaves the connection unusable for plain queries.
  return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK &&
         PQpipelineStatus(conn_) == PQ_PIPELINE_OFF;
}

void Connection::raise(PGresult* r, const std::string& what) const {
  const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string message =
      one_line(r != nullptr && *PQresultErrorMessage(r) != '\0' ? PQresultErrorMessage(r)
                                                                : PQerrorMessage(conn_));
  std::string sqlstate = state != nullptr ? state : "";
  PQclear(r);
  if (PQstatus(conn_) != CONNECTION_OK) sqlstate.clear();  // the connection is gone
  throw PgError(sqlstate, fmt::format("{} on {}: {}", what, shown_, message));
}

void Connection::set_wait_limit(std::chrono::milliseconds limit) { wait_limit_ = limit; }

void Connection::give_up(const std::string& why, bool timed_out) {
  PQfinish(conn_);
  conn_ = nullptr;
  throw PgError("", why + "; the connection is closed", timed_out);
}

bool Connection::wait_readable(std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{PQsocket(conn_), POLLIN, 0};
    int n = left.count() > 0 ? poll(&p, 1, static_cast<int>(left.count())) : 0;
    if (n < 0 && errno == EINTR) continue;
    // A server that stopped answering (stopped, or cut off) holds the socket open: the
    // connection is given up, so no request waits on it longer than this.
    if (n == 0)
      give_up(fmt::format("no answer from {} within {} ms", shown_, wait_limit_.count()),
              /*timed_out=*/true);
    return n > 0 && PQconsumeInput(conn_) != 0;
  }
}

PGresult* Connection::next_result() {
  if (wait_limit_.count() > 0) {
    auto deadline = std::chrono::steady_clock::now() + wait_limit_;
    while (PQisBusy(conn_) != 0)
      if (!wait_readable(deadline)) break;  // PQgetResult says what went wrong
  }
  return PQgetResult(conn_);
}

namespace {

// A result held while more are read, cleared unless handed on, also when a wait gives up.
using HeldResult = std::unique_ptr<PGresult, decltype(&PQclear)>;
HeldResult held(PGresult* r = nullptr) { return HeldResult(r, &PQclear); }

}  // namespace

Result Connection::await(const char* what) {
  auto last = held(), failed = held();
  while (PGresult* r = next_result()) {
    auto status = PQresultStatus(r);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
      last = held(r);
    else if (!failed)
      failed = held(r);
    else
      PQclear(r);
    if (PQstatus(conn_) != CONNECTION_OK) break;
  }
  if (failed || !last) raise(failed.release(), what);
  return Result(last.release());
}

Result Connection::exec(const std::string& sql) {
  if (PQsendQuery(conn_, sql.c_str()) != 1) raise(nullptr, "database error");
  return await("database error");
}

namespace {

std::vector<const char*> values_of(const std::vector<Param>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  return values;
}

}  // namespace

const std::string& Connection::prepared_name(const std::string& sql) {
  static const std::string kNone;
  auto found = prepared_.find(sql);
  if (found == prepared_.end()) {
    if (prepared_.size() >= kMaxPrepared) return kNone;
    std::string name = fmt::format("s{}", prepared_.size() + 1);
    if (PQsendPrepare(conn_, name.c_str(), sql.c_str(), 0, nullptr) != 1)
      raise(nullptr, "database error");
    await("database error");
    found = prepared_.emplace(sql, std::move(name)).first;
  }
  return found->second;
}

Result Connection::query(const std::string& sql, const std::vector<Param>& params) {
  const auto& name = prepared_name(sql);
  if (name.empty()) return query_once(sql, params);
  auto values = values_of(params);
  if (PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(values.size()), values.data(),
                          nullptr, nullptr, 0) != 1)
    raise(nullptr, "database error");
  return await("database error");
}

Result Connection::query_once(const std::string& sql, const std::vector<Param>& params) {
  auto values = values_of(params);
  if (PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                        nullptr, nullptr, 0) != 1)
    raise(nullptr, "database error");
  return await("database error");
}

Result Connection::pipeline(const std::vector<Statement>& statements) {
  auto results = pipeline_results(statements);
  return std::move(results.back());
}

std::vector<Result> Connection::pipeline_results(const std::vector<Statement>& statements) {
  if (statements.empty()) throw PgError("XX000", "an empty pipeline");
  // Statements are prepared before the pipeline starts: once per connection, as query() does.
  std::vector<const std::string*> names;
  names.reserve(statements.size());
  for (const auto& st : statements) names.push_back(st.prepare ? &prepared_name(st.sql) : nullptr);
  if (PQenterPipelineMode(conn_) != 1) raise(nullptr, "database error");
  struct Leave {
    PGconn*& conn;  // null once a wait past the limit closed it
    ~Leave() {
      if (conn != nullptr) PQexitPipelineMode(conn);
    }
  } leave{conn_};
  for (size_t i = 0; i < statements.size(); ++i) {
    auto values = values_of(statements[i].params);
    int n = static_cast<int>(values.size());
    int sent =
        names[i] != nullptr && !names[i]->empty()
            ? PQsendQueryPrepared(conn_, names[i]->c_str(), n, values.data(), nullptr, nullptr, 0)
            : PQsendQueryParams(conn_, statements[i].sql.c_str(), n, nullptr, values.data(),
                                nullptr, nullptr, 0);
    if (sent != 1) raise(nullptr, "database error");
  }
  if (PQpipelineSync(conn_) != 1) raise(nullptr, "database error");
  // Every result is read, up to the sync, even after a failure: the connection is then ready for
  // the next statement (a ROLLBACK).
  std::vector<Result> results;
  results.reserve(statements.size());
  auto failed = held();
  for (;;) {
    PGresult* r = next_result();
    if (r == nullptr) {
      if (PQstatus(conn_) != CONNECTION_OK) break;
      continue;  // the end of one statement's results
    }
    auto status = PQresultStatus(r);
    if (status == PGRES_PIPELINE_SYNC) {
      PQclear(r);
      break;
    }
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
      results.emplace_back(r);
    else if (status == PGRES_FATAL_ERROR && !failed)
      failed = held(r);
    else
      PQclear(r);  // PGRES_PIPELINE_ABORTED: not run after the failure
  }
  if (failed) raise(failed.release(), "database error");
  if (PQstatus(conn_) != CONNECTION_OK || results.size() != statements.size())
    raise(nullptr, "database error");
  return results;
}

namespace {

// COPY's text format: NULL is \N, and a backslash, tab, newline or carriage return in a value is
// escaped with a backslash.
void append_copy_field(std::string& out, const Param& value) {
  if (!value) {
    out += "\\N";
    return;
  }
  for (char c : *value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
}

}  // namespace

void split_copy_line(std::string_view line, std::vector<std::optional<std::string_view>>& fields,
                     std::string& decoded) {
  fields.clear();
  decoded.clear();
  decoded.reserve(line.size());  // never outgrown: a field decoded is never longer
  size_t start = 0;
  for (;;) {
    size_t end = line.find('\t', start);
    std::string_view raw = line.substr(start, end == std::string_view::npos ? end : end - start);
    if (raw == "\\N") {
      fields.emplace_back(std::nullopt);
    } else if (raw.find('\\') == std::string_view::npos) {
      fields.emplace_back(raw);
    } else {
      size_t from = decoded.size();
      for (size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c != '\\' || i + 1 == raw.size()) {
          decoded += c;
          continue;
        }
        switch (char e = raw[++i]) {
          case 't':
            decoded += '\t';
            break;
          case 'n':
            decoded += '\n';
            break;
          case 'r':
            decoded += '\r';
            break;
          case 'b':
            decoded += '\b';
            break;
          case 'f':
            decoded += '\f';
            break;
          case 'v':
            decoded += '\v';
            break;
          default:
            decoded += e;
        }
      }
      fields.emplace_back(std::string_view(decoded).substr(from));
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

void Connection::copy_begin(const std::string& sql, ExecStatusType begun) {
  if (PQsendQuery(conn_, sql.c_str()) != 1) raise(nullptr, "database error");
  auto first = held(next_result());
  auto copying = [](const PGresult* r) {
    auto status = PQresultStatus(r);
    return status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH;
  };
  if (PQresultStatus(first.get()) == begun) return;
  // Refused: the rest of the answer is read, so that the connection can be used again. A COPY
  // begun the other way, or after another statement, would hold it (libpq answers its state
  // again at every call): the connection is closed instead.
  bool stuck = copying(first.get());
  while (!stuck)
    if (auto more = held(next_result()); !more)
      break;
    else
      stuck = copying(more.get());
  if (!stuck) raise(first.release(), "database error");
  give_up(fmt::format("database error on {}: the statement began no COPY {}", shown_,
                      begun == PGRES_COPY_IN ? "FROM STDIN" : "TO STDOUT"),
          /*timed_out=*/false);
}

void Connection::copy_in_begin(const std::string& sql) {
  copy_begin(sql, PGRES_COPY_IN);
  copy_buffer_.clear();
}

void Connection::copy_in_row(const std::vector<Param>& row) {
  for (size_t i = 0; i < row.size(); ++i) {
    if (i > 0) copy_buffer_ += '\t';
    append_copy_field(copy_buffer_, row[i]);
  }
  copy_buffer_ += '\n';
  if (copy_buffer_.size() < (1u << 16)) return;
  if (PQputCopyData(conn_, copy_buffer_.data(), static_cast<int>(copy_buffer_.size())) != 1)
    raise(nullptr, "database error");
  copy_buffer_.clear();
}

void Connection::copy_in_end() {
  if (!copy_buffer_.empty() &&
      PQputCopyData(conn_, copy_buffer_.data(), static_cast<int>(copy_buffer_.size())) != 1)
    raise(nullptr, "database error");
  copy_buffer_.clear();
  if (PQputCopyEnd(conn_, nullptr) != 1) raise(nullptr, "database error");
  finish_copy();
}

void Connection::copy_out(const std::string& sql,
                          const std::function<void(const std::vector<Param>&)>& row) {
  copy_out_begin(sql);
  std::vector<std::optional<std::string_view>> views;
  std::string decoded;
  std::vector<Param> fields;
  std::string_view line;
  while (copy_out_next(line)) {
    split_copy_line(line, views, decoded);
    fields.clear();
    for (const auto& v : views) fields.emplace_back(v ? Param(std::string(*v)) : Param());
    row(fields);
  }
}

void Connection::copy_out_begin(const std::string& sql) { copy_begin(sql, PGRES_COPY_OUT); }

bool Connection::copy_out_next(std::string_view& line) {
  PQfreemem(copy_line_);
  copy_line_ = nullptr;
  int n = 0;
  if (wait_limit_.count() > 0) {  // each line within the limit, as each answer elsewhere
    auto deadline = std::chrono::steady_clock::now() + wait_limit_;
    while ((n = PQgetCopyData(conn_, &copy_line_, /*async=*/1)) == 0)
      if (!wait_readable(deadline)) {
        n = -2;
        break;
      }
  } else {
    n = PQgetCopyData(conn_, &copy_line_, 0);
  }
  if (n == -1) {  // the end of the data
    finish_copy();
    return false;
  }
  if (n < 0) raise(nullptr, "database error");
  // Each chunk is one whole line, ending in a newline.
  line = std::string_view(copy_line_, static_cast<size_t>(n));
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  return true;
}

void Connection::finish_copy() {
  PGresult* failed = nullptr;
  while (PGresult* r = PQgetResult(conn_)) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK && failed == nullptr)
      failed = r;
    else
      PQclear(r);
  }
  if (failed != nullptr) raise(failed, "database error");
}

}  // namespace beaver::pg
