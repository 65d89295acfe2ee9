#include "store/pg.hpp"

#include <fmt/format.h>

#include <charconv>

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

int64_t Result::integer(int row, int column) const {
  auto v = view(row, column);
  int64_t out = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc{} || end != v.data() + v.size())
    throw PgError("XX001", fmt::format("not an integer in column {}: '{}'", column, v));
  return out;
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
  if (conn_ != nullptr) PQfinish(conn_);
}

bool Connection::ok() const { return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK; }

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

void Connection::exec(const std::string& sql) {
  PGresult* r = PQexec(conn_, sql.c_str());
  auto status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) raise(r, "database error");
  PQclear(r);
}

namespace {

std::vector<const char*> values_of(const std::vector<Param>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  return values;
}

}  // namespace

Result Connection::query(const std::string& sql, const std::vector<Param>& params) {
  auto found = prepared_.find(sql);
  if (found == prepared_.end()) {
    if (prepared_.size() >= kMaxPrepared) return query_once(sql, params);
    std::string name = fmt::format("s{}", prepared_.size() + 1);
    PGresult* made = PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr);
    if (PQresultStatus(made) != PGRES_COMMAND_OK) raise(made, "database error");
    PQclear(made);
    found = prepared_.emplace(sql, std::move(name)).first;
  }
  auto values = values_of(params);
  PGresult* r = PQexecPrepared(conn_, found->second.c_str(), static_cast<int>(values.size()),
                               values.data(), nullptr, nullptr, 0);
  auto status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) raise(r, "database error");
  return Result(r);
}

Result Connection::query_once(const std::string& sql, const std::vector<Param>& params) {
  auto values = values_of(params);
  PGresult* r = PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                             values.data(), nullptr, nullptr, 0);
  auto status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) raise(r, "database error");
  return Result(r);
}

}  // namespace beaver::pg
