// Break glasses: emergencies deployed before their approvals, and when they were signed.

#include "store/ledger_columns.hpp"
#include "store/sql_transaction.hpp"

namespace beaver {

BreakGlass SqlTransaction::read_break_glass(const SqlRow& r) {
  return BreakGlass{r.integer(0), r.text(1), r.text(2),         r.text(3),
                    r.time(4),    r.time(5), r.optional_time(6)};
}

void SqlTransaction::insert_break_glass(const BreakGlass& b) {
  static const SqlText sql{fmt::format("INSERT INTO break_glass ({}) VALUES ({})",
                                       kBreakGlassColumns, numbered_parameters(7))};
  db_.execute(sql,
              sql_params(b.release_id, b.team, b.actor, b.reason, b.at, b.sign_by, b.signed_at));
}

std::optional<BreakGlass> SqlTransaction::find_break_glass(int64_t release_id) {
  static const SqlText sql{
      fmt::format("SELECT {} FROM break_glass WHERE release_id = ?1", kBreakGlassColumns)};
  return first_row(sql, sql_params(release_id), read_break_glass);
}

void SqlTransaction::sign_break_glass(int64_t release_id, Timestamp at) {
  static const SqlText sql{"UPDATE break_glass SET signed_at = ?2 WHERE release_id = ?1"};
  db_.execute(sql, sql_params(release_id, at));
}

std::optional<BreakGlass> SqlTransaction::overdue_break_glass(std::string_view team,
                                                              Timestamp now) {
  // The condition as index break_glass_owing states it.
  static const SqlText sql{fmt::format(
      "SELECT {} FROM break_glass WHERE team = ?1 AND signed_at IS NULL AND sign_by <= ?2 "
      "ORDER BY sign_by LIMIT 1",
      kBreakGlassColumns)};
  return first_row(sql, sql_params(team, now), read_break_glass);
}

}  // namespace beaver
