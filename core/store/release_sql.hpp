#pragma once
// SQL conditions on the releases table that several of the store's queries share, so each rule
// is written once.

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace beaver {

// An emergency past approval with no review, whose review was due before `now`: `deadline`
// seconds after its deploy, or after its approval while no deploy is recorded. The one
// definition behind `release list --owing-review` and the report's owing_review. `r` is the
// releases table's alias with its dot (or empty); `due_by` is an SQL integer: `now` less the
// deadline, in seconds since the epoch.
inline std::string owing_review_by_sql(std::string_view r, std::string_view due_by) {
  // CASE rather than AND: SQLite evaluates every operand of an AND outside a WHERE clause, and
  // the time arithmetic is only worth doing for emergencies. 1 or 0 on both stores (PostgreSQL
  // has a boolean type, and its migration 0002 defines unixepoch).
  return fmt::format(
      "(CASE WHEN {0}type = 'emergency' AND {0}reviewed_at IS NULL AND {0}status IN ("
      "'approved', 'deploying', 'deployed', 'replaced', 'failed', 'rolled_back', 'interrupted') "
      "AND unixepoch(COALESCE({0}deployed_at, {0}approved_at)) < {1} THEN 1 ELSE 0 END)",
      r, due_by);
}

// The same with `now` (a UTC time as stored) and `deadline` (seconds) naming bound parameters.
// PostgreSQL works out unixepoch(now) again for each row, so a large scan binds due_by instead.
inline std::string owing_review_sql(std::string_view r, std::string_view now,
                                    std::string_view deadline) {
  return owing_review_by_sql(r, fmt::format("unixepoch({}) - {}", now, deadline));
}

}  // namespace beaver
