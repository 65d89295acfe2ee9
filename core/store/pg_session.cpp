#include "store/pg_session.hpp"

#include <fmt/format.h>

#include <utility>
#include <variant>

namespace beaver {

std::vector<pg::Param> pg_params(const SqlParams& params) {
  std::vector<pg::Param> out;
  out.reserve(params.size());
  for (const auto& v : params) {
    if (const auto* text = std::get_if<std::string>(&v))
      out.emplace_back(*text);
    else if (const auto* n = std::get_if<int64_t>(&v))
      out.emplace_back(std::to_string(*n));
    else
      out.emplace_back(std::nullopt);
  }
  return out;
}

void PgSession::query(const SqlText& sql, const SqlParams& params,
                      const std::function<void(const SqlRow&)>& row) {
  auto r = now(sql.postgresql(), pg_params(params), false);
  for (int i = 0; i < r.rows(); ++i) row(PgRow(r, i));
}

void PgSession::execute(const SqlText& sql, SqlParams params) {
  deferred_.push_back({sql.postgresql(), pg_params(params)});
}

int64_t PgSession::insert(const SqlText& sql, const SqlParams& params) {
  auto r = now(sql.postgresql(), pg_params(params), true);
  if (r.rows() != 1) throw pg::PgError("XX000", "an insert returned no id");
  return r.integer(0, 0);
}

void PgSession::flush() {
  if (!deferred_.empty()) now("", {}, false);
}

pg::Result PgSession::now(const std::string& sql, const std::vector<pg::Param>& params,
                          bool writes) {
  // The unit's writes are about to leave, or this statement writes.
  if (in_unit_ && !unit_savepoint_ && (deferred_.size() > unit_start_ || writes)) open_savepoint();
  if (sql.empty()) return send();
  if (deferred_.empty()) return c_.query(sql, params);
  deferred_.push_back({sql, params});
  return send();
}

pg::Result PgSession::send() {
  unit_start_ = 0;  // where what the unit defers from now on begins
  return c_.pipeline(std::exchange(deferred_, {}));
}

void PgSession::open_savepoint() {
  deferred_.insert(deferred_.begin() + static_cast<std::ptrdiff_t>(unit_start_),
                   {"SAVEPOINT unit", {}, /*prepare=*/false});
  unit_savepoint_ = true;
}

void PgSession::commit(bool durably) {
  if (c_.in_failed_transaction())
    throw pg::PgError("25P02", fmt::format("a statement of this unit of work failed on {}; "
                                           "nothing of it was stored",
                                           c_.shown()));
  deferred_.push_back({"COMMIT", {}, /*prepare=*/false});
  if (durably) deferred_.push_back({"SELECT pg_current_xact_id()", {}, /*prepare=*/false});
  if (in_unit_ && !unit_savepoint_ && deferred_.size() > unit_start_) open_savepoint();
  send();
}

void PgSession::begin_unit() {
  in_unit_ = true;
  unit_start_ = deferred_.size();
  unit_savepoint_ = false;
}

void PgSession::end_unit() {
  if (unit_savepoint_) deferred_.push_back({"RELEASE SAVEPOINT unit", {}, /*prepare=*/false});
  in_unit_ = false;
}

void PgSession::undo_unit() {
  if (unit_savepoint_) {
    deferred_.push_back({"ROLLBACK TO SAVEPOINT unit", {}, /*prepare=*/false});
    deferred_.push_back({"RELEASE SAVEPOINT unit", {}, /*prepare=*/false});
  } else {
    deferred_.resize(unit_start_);
  }
  in_unit_ = false;
}

}  // namespace beaver
