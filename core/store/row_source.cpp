#include "store/row_source.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <stdexcept>

namespace beaver {
namespace {

// ?N becomes the setting PgRowSource::rows gives parameter N, read as its type.
std::string setting_parameters(std::string_view sql, const std::vector<RowParam>& params) {
  std::string out;
  out.reserve(sql.size() + 64);
  for (size_t i = 0; i < sql.size(); ++i) {
    size_t digits = 0;
    while (sql[i] == '?' && i + 1 + digits < sql.size() &&
           std::isdigit(static_cast<unsigned char>(sql[i + 1 + digits])))
      ++digits;
    if (digits == 0) {
      out += sql[i];
      continue;
    }
    size_t n = 0;
    std::from_chars(sql.data() + i + 1, sql.data() + i + 1 + digits, n);
    if (n == 0 || n > params.size())
      throw std::logic_error(fmt::format("report SQL names parameter ?{} of {}", n, params.size()));
    out += fmt::format("current_setting('beaver.report_{}'){}", n,
                       std::holds_alternative<int64_t>(params[n - 1]) ? "::bigint" : "");
    i += digits;
  }
  return out;
}

}  // namespace

std::unique_ptr<sqlite::Statement> SqliteRowSource::rows(std::string_view sql,
                                                         const std::vector<RowParam>& params) {
  auto s = std::make_unique<sqlite::Statement>(db_, sql);
  for (size_t i = 0; i < params.size(); ++i) {
    int index = static_cast<int>(i + 1);
    if (const auto* text = std::get_if<std::string>(&params[i]))
      s->bind(index, *text);
    else
      s->bind(index, std::get<int64_t>(params[i]));
  }
  return s;
}

PgRows::PgRows(pg::Connection& c, const std::string& copy_sql) : c_(c) {
  c_.copy_out_begin(copy_sql);
}

PgRows::~PgRows() {
  try {
    std::string_view line;
    while (!done_ && c_.ok() && c_.copy_out_next(line)) {
    }
  } catch (const pg::PgError&) {
  }
}

bool PgRows::step() {
  if (done_) return false;
  std::string_view line;
  if (!c_.copy_out_next(line)) {
    done_ = true;
    return false;
  }
  pg::split_copy_line(line, fields_, decoded_);
  return true;
}

std::unique_ptr<PgRows> PgRowSource::rows(std::string_view sql,
                                          const std::vector<RowParam>& params) {
  if (!params.empty()) {
    // Local to the transaction when there is one (a report reads in one), else to the session.
    std::string set = "SELECT ";
    std::vector<pg::Param> values;
    for (size_t i = 0; i < params.size(); ++i) {
      set += fmt::format("{}set_config('beaver.report_{}', ${}, {})", i ? ", " : "", i + 1, i + 1,
                         c_.in_transaction() ? "true" : "false");
      if (const auto* text = std::get_if<std::string>(&params[i]))
        values.emplace_back(*text);
      else
        values.emplace_back(std::to_string(std::get<int64_t>(params[i])));
    }
    c_.query(set, values);
  }
  return std::make_unique<PgRows>(
      c_, fmt::format("COPY ({}) TO STDOUT", setting_parameters(sql, params)));
}

namespace {

// The last audit entry a connection's transaction sees. Every change to what a report reads
// (releases, approvals, deploy runs, packages, services) is made with an audit entry in the same
// transaction, so two transactions that see the same last entry see the same rows.
int64_t audit_head(sqlite::Database& db) {
  sqlite::Statement s(db, "SELECT COALESCE(max(seq), 0) FROM audit");
  s.step();
  return s.integer(0);
}

}  // namespace

std::unique_ptr<sqlite::Database> same_snapshot_reader(sqlite::Database& db,
                                                       const OpenSqliteReader& open_reader) {
  if (!open_reader) return nullptr;
  try {
    auto reader = open_reader();
    reader->exec("BEGIN");
    if (audit_head(*reader) == audit_head(db)) return reader;
  } catch (const sqlite::SqliteError&) {
  }
  return nullptr;
}

std::unique_ptr<pg::Connection> same_snapshot_reader(pg::Connection& c,
                                                     const OpenPgReader& open_reader) {
  if (!open_reader) return nullptr;
  try {
    if (c.query_once("SELECT current_setting('transaction_isolation')").view(0, 0) !=
        "repeatable read")
      return nullptr;
    auto snapshot = c.query_once("SELECT pg_export_snapshot()").text(0, 0);
    // Spliced into SET TRANSACTION SNAPSHOT, which takes no parameter: PostgreSQL's own text,
    // checked all the same ("00000003-0000001B-1").
    if (snapshot.empty() || snapshot.find_first_not_of("0123456789ABCDEF-") != std::string::npos)
      return nullptr;
    auto reader = open_reader();
    if (!reader) return nullptr;
    reader->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '" +
                 snapshot + "'");
    return reader;
  } catch (const pg::PgError&) {
    return nullptr;
  }
}

}  // namespace beaver
