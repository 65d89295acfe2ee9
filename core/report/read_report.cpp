#include "report/read_report.hpp"

#include "report/report_passes.hpp"
#include "report/submit_clock.hpp"

namespace beaver {
namespace {

// The report's passes on whichever connection the store hands over.
class ReportReading final : public BulkReader {
 public:
  explicit ReportReading(const ReportQuery& query) : query_(query) {}
  void read(sqlite::Database& db, const OpenSqliteReader& open_reader) override {
    report = compute_report(db, query_, open_reader);
  }
  void read(pg::Connection& c, const OpenPgReader& open_reader) override {
    report = compute_report(c, query_, open_reader);
  }
  Report report;

 private:
  const ReportQuery& query_;
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

}  // namespace

Result<Report> read_report(Ledger& ledger, const std::string& actor, Timestamp since,
                           Timestamp until, ReportBy by) {
  if (until <= since)
    return bad_field("until", "the period's end ({}) is not after its start ({})",
                     format_utc(until), format_utc(since));
  Report out;
  BEAVER_TRY(ledger.read_as(
      actor, [&](StoreTransaction& tx, const Policy& policy, Timestamp now) -> Result<void> {
        BEAVER_TRY(bound_period(tx, policy, by, now, since, until));
        PolicySubmitClock clock(policy, by);
        ReportQuery q{since, until, by, &clock, now, policy.review_deadline};
        ReportReading reading(q);
        tx.read_in_bulk(reading);
        out = std::move(reading.report);
        return {};
      }));
  return out;
}

Result<ReportCharts> read_report_charts(Ledger& ledger, const std::string& actor, Timestamp since,
                                        Timestamp until) {
  auto weeks = read_report(ledger, actor, since, until, ReportBy::week);
  if (!weeks) return std::unexpected(weeks.error());
  auto cells = read_report(ledger, actor, since, until, ReportBy::weekday_hour);
  if (!cells) return std::unexpected(cells.error());
  ReportCharts out;
  out.weeks = std::move(weeks->groups);
  for (const auto& g : cells->groups)
    out.weekday_hour[static_cast<size_t>(g.local_key / 24)][static_cast<size_t>(g.local_key % 24)] =
        g.totals.releases;
  return out;
}

}  // namespace beaver
