#include "store/report_source.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cctype>

namespace beaver {
namespace {

// ?N becomes $N: the parameters are numbered alike in both dialects.
std::string dollar_parameters(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  for (size_t i = 0; i < sql.size(); ++i) {
    bool numbered =
        sql[i] == '?' && i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1]));
    out += numbered ? '$' : sql[i];
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

PgRows::PgRows(pg::Connection& c, const std::string& sql, const std::vector<pg::Param>& params)
    : c_(c) {
  static std::atomic<int> next{0};  // names unique in the process, so on any connection
  name_ = fmt::format("beaver_report_{}", ++next);
  c_.query_once(fmt::format("DECLARE {} NO SCROLL CURSOR FOR {}", name_, sql), params);
}

PgRows::~PgRows() {
  try {
    if (c_.ok()) c_.exec("CLOSE " + name_);
  } catch (const pg::PgError&) {
  }
}

bool PgRows::step() {
  constexpr int kBatch = 20000;
  if (done_) return false;
  if (batch_ && row_ + 1 < batch_->rows()) {
    ++row_;
    return true;
  }
  if (batch_ && batch_->rows() < kBatch) {
    done_ = true;
    return false;
  }
  batch_ =
      std::make_unique<pg::Result>(c_.query_once(fmt::format("FETCH {} FROM {}", kBatch, name_)));
  row_ = 0;
  if (batch_->rows() == 0) {
    done_ = true;
    return false;
  }
  return true;
}

std::unique_ptr<PgRows> PgReportSource::rows(std::string_view sql,
                                             const std::vector<ReportParam>& params) {
  std::vector<pg::Param> values;
  for (const auto& p : params) {
    if (const auto* text = std::get_if<std::string>(&p))
      values.emplace_back(*text);
    else
      values.emplace_back(std::to_string(std::get<int64_t>(p)));
  }
  return std::make_unique<PgRows>(c_, dollar_parameters(sql), values);
}

}  // namespace beaver
