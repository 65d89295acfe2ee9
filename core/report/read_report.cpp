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

}  // namespace

Result<Report> read_report(Ledger& ledger, const std::string& actor, Timestamp since,
                           Timestamp until, ReportBy by) {
  if (until <= since)
    return bad_field("until", "the period's end ({}) is not after its start ({})",
                     format_utc(until), format_utc(since));
  Report out;
  BEAVER_TRY(ledger.read_as(
      actor, [&](StoreTransaction& tx, const Policy& policy, Timestamp now) -> Result<void> {
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
