#include "store/report_source.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <stdexcept>

namespace beaver {
namespace {

// ?N becomes the setting PgReportSource::rows gives parameter N, read as its type.
std::string setting_parameters(std::string_view sql, const std::vector<ReportParam>& params) {
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

std::unique_ptr<sqlite::Statement> SqliteReportSource::rows(
    std::string_view sql, const std::vector<ReportParam>& params) {
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

std::unique_ptr<PgRows> PgReportSource::rows(std::string_view sql,
                                             const std::vector<ReportParam>& params) {
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

}  // namespace beaver
