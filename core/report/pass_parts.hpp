#pragma once
// What the report's passes over the ledger share: stored times read as seconds, local-time cells
// read once per segment of the period, groups found by their key, and nearest-rank percentiles.
// The release pass (release_pass.cpp) and the deploy pass (deploy_pass.cpp) both read
// rows in time order through these, so a submit time and a deploy's end fall in the same week,
// weekday or hour by the same computation.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "report/report.hpp"
#include "store/row_source.hpp"

namespace beaver {

// Seconds since 1970 of stored times. The form beaver writes ("2026-11-24T07:27:33Z") is read
// here directly, with the day of the previous time kept, as times read in time order mostly fall
// on a few days; any other form goes to parse_iso8601. Absent for a time that is no time.
class StoredSeconds {
 public:
  std::optional<int64_t> operator()(std::string_view t);

 private:
  char day_text_[10] = {};  // "YYYY-MM-DD" of the last time read
  int64_t day_seconds_ = 0;
};

// The cells (SubmitTimeReader::cell) of times read in order. The period is cut where a cell may
// change (cell_boundaries), so a cell is computed once per environment and segment, not once per
// row.
class SegmentCells {
 public:
  explicit SegmentCells(const ReportQuery& q);

  // The cell of a time `at` (UTC text as stored) in environment `env`; `at` not before the
  // previous call's.
  int64_t cell(std::string_view env, std::string_view at);

 private:
  const SubmitTimeReader& clock_;
  Timestamp start_;  // of the current segment
  std::vector<std::pair<Timestamp, std::string>> boundaries_;
  size_t next_ = 0;  // the first boundary after the current segment
  std::vector<std::pair<std::string, int64_t>> cells_;  // of the current segment
};

// Finds each row's group among `groups` (elements with `key` and `local_key`), adding it when
// new, without building its key text but when the group is new; rows of a group mostly come one
// after another, so the last group is tried first.
template <class Group>
class GroupIndex {
 public:
  explicit GroupIndex(std::vector<Group>& groups) : groups_(groups) {}

  size_t of_text(std::string_view key) {
    if (last_ < groups_.size() && groups_[last_].key == key) return last_;
    auto found = by_text_.find(key);
    if (found == by_text_.end()) found = by_text_.emplace(std::string(key), add(key, 0)).first;
    return last_ = found->second;
  }

  size_t of_local_key(int64_t key, const SubmitTimeReader& clock) {
    if (last_ < groups_.size() && groups_[last_].local_key == key) return last_;
    auto found = by_number_.find(key);
    if (found == by_number_.end())
      found = by_number_.emplace(key, add(clock.key_text(key), key)).first;
    return last_ = found->second;
  }

 private:
  size_t add(std::string_view key, int64_t local_key) {
    Group g{};
    g.key = std::string(key);
    g.local_key = local_key;
    groups_.push_back(std::move(g));
    return groups_.size() - 1;
  }

  std::vector<Group>& groups_;
  std::map<std::string, size_t, std::less<>> by_text_;
  std::map<int64_t, size_t> by_number_;
  size_t last_ = static_cast<size_t>(-1);
};

// Hashes text keys so that unordered maps are searched by a string_view without building a string.
struct TextHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <class T>
using TextMap = std::unordered_map<std::string, T, TextHash, std::equal_to<>>;

// The group of each row's team, for a report grouped by team. The rows carry their service, not
// its team: joining services for each of a million rows cost PostgreSQL about a quarter of a
// second a pass. The teams are read once; each service's group is found the first time the
// service is met. A service without a row (the foreign keys forbid it) has the team "-", as a
// release without a category has the category "-": both passes count all they read.
class ServiceTeams {
 public:
  template <class Source>
  explicit ServiceTeams(Source& db) {
    auto rows = db.rows("SELECT name, team FROM services", {});
    while (rows->step()) team_.emplace(std::string(rows->view(0)), std::string(rows->view(1)));
  }

  // The group in `index` of `service`'s team.
  template <class Group>
  size_t group(std::string_view service, GroupIndex<Group>& index) {
    if (auto known = group_.find(service); known != group_.end()) return known->second;
    auto team = team_.find(service);
    size_t g = index.of_text(team != team_.end() ? std::string_view(team->second) : "-");
    group_.emplace(std::string(service), g);
    return g;
  }

 private:
  TextMap<std::string> team_;
  TextMap<size_t> group_;
};

// The least and greatest ids that `sql` reads (with ?1 and ?2 the period's ends), when there
// are any; its rows are done with when this returns, so that the connection may read others.
// They are asked as min(id + 0): PostgreSQL would otherwise walk the whole primary key from one
// end for the first id in the period (0.7 s for the last week of a million releases), where
// reading the period's ids through its report index takes 5 ms.
template <class Source>
std::optional<std::pair<int64_t, int64_t>> id_range(Source& db, std::string_view sql,
                                                    const ReportQuery& q) {
  auto rows = db.rows(sql, {format_utc(q.since), format_utc(q.until)});
  if (!rows->step() || rows->is_null(0)) return std::nullopt;
  return std::pair{rows->integer(0), rows->integer(1)};
}

// The people who approved each release, each once, for a report grouped by approver. Read once,
// in release order, from the approvals of the releases whose ids are in `ids` (those a pass can
// count), rather than joined for each of a million rows: keeping each person once took a
// correlated subquery a row, and PostgreSQL about 2 s a pass. The price is memory: 16 bytes an
// approval in the range (7 MB for the 447,541 of a seeded million), and the range may reach back
// to an old release deployed again in the period.
class ReleaseApprovers {
 public:
  template <class Source>
  ReleaseApprovers(Source& db, std::optional<std::pair<int64_t, int64_t>> ids) {
    if (!ids) return;
    auto rows = db.rows(
        "SELECT release_id, approver FROM approvals WHERE release_id BETWEEN ?1 AND ?2 "
        "ORDER BY release_id, id",
        {ids->first, ids->second});
    while (rows->step()) add(rows->integer(0), rows->view(1));
  }

  // Calls `visit` with the group in `index` of each person who approved release `id`.
  template <class Group, class Visit>
  void for_each_group(int64_t id, GroupIndex<Group>& index, Visit visit) {
    for (size_t i = first_of(id); i < approvals_.size() && approvals_[i].first == id; ++i) {
      auto& g = group_[approvals_[i].second];
      if (!g) g = index.of_text(names_[approvals_[i].second]);
      visit(*g);
    }
  }

 private:
  void add(int64_t release, std::string_view approver);
  // The first approval of release `id` or later.
  size_t first_of(int64_t id);

  std::vector<std::pair<int64_t, uint32_t>> approvals_;  // release, person; each pair once
  std::vector<std::string> names_;
  TextMap<uint32_t> numbers_;                 // of names_
  std::vector<std::optional<size_t>> group_;  // of each person, once met
  size_t from_ = 0;  // where the last search ended: rows come mostly in release order
};

// " AND ..." clauses keeping only the rows of `scope`'s releases, where `service` and `env` name
// the row's columns; their values are appended to `params`, numbered after those already there.
// Empty for an empty scope. The SQL is fixed text; only the values come from the caller.
std::string scope_sql(const ReportScope& scope, std::string_view service, std::string_view env,
                      std::vector<RowParam>& params);

// The nearest-rank median (rank ceil(n/2)) and 90th percentile (rank ceil(0.9 n)) of `values`,
// which it reorders; both absent when there are none.
Percentiles nearest_rank(std::vector<int64_t>& values);

}  // namespace beaver
