#include "report/read_report.hpp"

#include "report/report_passes.hpp"
#include "report/report_reasons.hpp"
#include "report/submit_clock.hpp"

namespace beaver {
namespace {

// The report's passes on whichever connection the store hands over; with `reasons`, the
// emergencies' top reasons too.
class ReportReading final : public BulkReader {
 public:
  ReportReading(const ReportQuery& query, bool reasons) : query_(query), reasons_(reasons) {}
  void read(sqlite::Database& db, const OpenSqliteReader& open_reader) override {
    report = compute_report(db, query_, open_reader);
    if (reasons_) {
      SqliteRowSource source(db);
      report.emergency_reasons = read_top_reasons(source, query_);
    }
  }
  void read(pg::Connection& c, const OpenPgReader& open_reader) override {
    report = compute_report(c, query_, open_reader);
    if (reasons_) {
      PgRowSource source(c);
      report.emergency_reasons = read_top_reasons(source, query_);
    }
  }
  Report report;

 private:
  const ReportQuery& query_;
  bool reasons_;
};

// The longest period a report reads. Its cost grows with the period's days (each day holds the
// marks where a release's local facts change: midnight, the night, the windows; by hour, every
// hour), and by week with its rows: ten years are 522 weekly rows, more than any chart shows,
// and a day's 24 hourly marks over ten years cost about 3 MB; the other groupings read a few
// marks a day, so a century costs about as much.
std::chrono::days longest_period(ReportBy by) {
  using std::chrono::days;
  constexpr days kYear{366};
  switch (by) {
    // By month the marks are those of the other groupings, a few a day; ten years are 120 rows
    // and a chart of them still labels each year, as the bound by week keeps its chart readable.
    case ReportBy::month:
    case ReportBy::week:
    case ReportBy::hour:
    case ReportBy::weekday_hour:
      return 10 * kYear;
    default:
      return 100 * kYear;
  }
}

// The start of the day holding `t`, and of the day after, on the policy's clock.
Timestamp day_start(const date::time_zone* zone, Timestamp t, int days_after = 0) {
  auto day = date::floor<date::days>(zone->to_local(t)) + date::days{days_after};
  return date::floor<std::chrono::seconds>(zone->to_sys(day, date::choose::earliest));
}

std::string years_text(std::chrono::days span) {
  return fmt::format("{} years", span.count() / 366);
}

// A period longer than its grouping's limit is read only where the ledger has releases: from the
// day of its first to the day of its last (or today). One that is still too long is refused.
Result<void> bound_period(StoreTransaction& tx, const Policy& policy, ReportBy by, Timestamp now,
                          Timestamp& since, Timestamp& until) {
  auto longest = longest_period(by);
  if (until - since <= longest) return {};
  auto span = tx.submitted_span();
  Timestamp first = span ? std::min(span->first, now) : now;
  Timestamp last = span ? std::max(span->second, now) : now;
  Timestamp from = std::max(since, day_start(policy.zone, first));
  Timestamp to = std::min(until, day_start(policy.zone, last, 1));
  if (to <= from)
    return bad_field("since",
                     "a report by {} covers at most {}, and the ledger has no release from {} to "
                     "{}: ask for a shorter period",
                     to_string(by), years_text(longest), format_utc(since), format_utc(until));
  if (to - from > longest)
    return bad_field("since",
                     "a report by {} covers at most {}; the ledger's releases from {} to {} span "
                     "more: ask for a shorter period",
                     to_string(by), years_text(longest), format_utc(from), format_utc(to));
  since = from;
  until = to;
  return {};
}

// The report of [since, until) grouped `by` this, read in `tx`; with `full`, the previous period
// and the top reasons too.
Result<Report> read_in(StoreTransaction& tx, const Policy& policy, Timestamp now, Timestamp since,
                       Timestamp until, ReportBy by, const ReportScope& scope, bool full) {
  BEAVER_TRY(bound_period(tx, policy, by, now, since, until));
  PolicySubmitClock clock(policy, by);
  ReportQuery q{since, until, by, &clock, now, policy.review_deadline, scope};
  ReportReading reading(q, full);
  tx.read_in_bulk(reading);
  Report out = std::move(reading.report);
  if (!full) return out;
  ReleaseFilter glass;
  glass.submitted_from = since;
  glass.submitted_until = until;
  glass.team = scope.team;
  glass.service = scope.service;
  glass.env = scope.env;
  for (const auto& b : tx.break_glass_of(glass)) {
    auto& f = out.break_glass;
    ++f.deploys;
    if (b.signed_late())
      ++f.signed_late;
    else if (b.signed_at)
      ++f.signed_in_time;
    else if (b.overdue(now))
      ++f.never_signed;
    else
      ++f.owing;
  }
  auto before =
      read_in(tx, policy, now, since - (until - since), since, ReportBy::none, scope, false);
  if (before)  // else it reaches beyond what a report may read: there is no comparison
    out.previous = PeriodFigures{before->since, before->until, before->totals, before->deploys};
  return out;
}

}  // namespace

Result<Report> read_report(Ledger& ledger, const std::string& actor, Timestamp since,
                           Timestamp until, ReportBy by, const ReportScope& scope) {
  if (until <= since)
    return bad_field("until", "the period's end ({}) is not after its start ({})",
                     format_utc(until), format_utc(since));
  Report out;
  BEAVER_TRY(ledger.read_as(
      actor, [&](StoreTransaction& tx, const Policy& policy, Timestamp now) -> Result<void> {
        auto r = read_in(tx, policy, now, since, until, by, scope, true);
        if (!r) return std::unexpected(r.error());
        out = std::move(*r);
        return {};
      }));
  return out;
}

Result<ReportCharts> read_report_charts(Ledger& ledger, const std::string& actor, Timestamp since,
                                        Timestamp until, const ReportScope& scope) {
  if (until <= since)
    return bad_field("until", "the period's end ({}) is not after its start ({})",
                     format_utc(until), format_utc(since));
  ReportCharts out;
  BEAVER_TRY(ledger.read_as(
      actor, [&](StoreTransaction& tx, const Policy& policy, Timestamp now) -> Result<void> {
        auto part = [&](ReportBy by, const ReportScope& s) {
          return read_in(tx, policy, now, since, until, by, s, false);
        };
        auto weeks = part(ReportBy::week, scope);
        if (!weeks) return std::unexpected(weeks.error());
        out.weeks = std::move(weeks->groups);
        auto cells = part(ReportBy::weekday_hour, scope);
        if (!cells) return std::unexpected(cells.error());
        for (const auto& g : cells->groups)
          out.weekday_hour[static_cast<size_t>(g.local_key / 24)]
                          [static_cast<size_t>(g.local_key % 24)] = g.totals.releases;
        // A line per team: the teams with the most releases, drawn in the order of their names;
        // none when the report is one team's already.
        if (scope.team) return {};
        auto teams = part(ReportBy::team, scope);
        if (!teams) return std::unexpected(teams.error());
        auto groups = std::move(teams->groups);
        std::erase_if(groups, [](const ReportGroup& g) { return g.totals.releases == 0; });
        std::stable_sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
          return a.totals.releases > b.totals.releases;
        });
        if (groups.size() > ReportCharts::kTrendTeams) groups.resize(ReportCharts::kTrendTeams);
        std::sort(groups.begin(), groups.end(),
                  [](const auto& a, const auto& b) { return a.key < b.key; });
        for (const auto& g : groups) {
          ReportScope team = scope;
          team.team = g.key;
          auto team_weeks = part(ReportBy::week, team);
          if (!team_weeks) return std::unexpected(team_weeks.error());
          out.team_weeks.emplace_back(g.key, std::move(team_weeks->groups));
        }
        return {};
      }));
  return out;
}

}  // namespace beaver
