// beaver report: counts and ratios of releases over a period, whole or by group.

#include "commands.hpp"
#include "report/report_json.hpp"

namespace beaver::cli {
namespace {

std::vector<std::string> totals_cells(const std::string& key, const ReportTotals& t) {
  return {key,
          std::to_string(t.releases),
          std::to_string(t.normal),
          std::to_string(t.emergency),
          std::to_string(t.rollback),
          fmt::format("{:.2f}", t.emergency_ratio()),
          std::to_string(t.rejected),
          std::to_string(t.deployed),
          std::to_string(t.failed)};
}

}  // namespace

void register_report_commands(CLI::App& app, Context& ctx) {
  struct Args {
    std::string since, until, by;
  };
  auto a = std::make_shared<Args>();
  auto* report = app.add_subcommand(
      "report",
      "release figures for a period (default: the last 30 days).\n"
      "  releases: submitted in the period, cancelled ones excluded; normal, emergency,\n"
      "  rollback: releases of each type; emergency ratio: emergency / releases;\n"
      "  rejected, deployed: releases in that state now; failed: failed or rolled back now");
  report->add_option("--since", a->since, "from this day (YYYY-MM-DD, the policy's time zone)");
  report->add_option("--until", a->until, "to this day, included (YYYY-MM-DD)");
  report->add_option("--by", a->by,
                     "group by team, service, env, category, week, weekday or hour (the last "
                     "three on the policy's clock)");
  add_output_option(*report, ctx, {"table", "json", "csv"});
  on_run(report, ctx, [&ctx, a]() -> Result<void> {
    auto by = report_by_from_string(a->by);
    if (!by) return std::unexpected(by.error());
    auto session = ctx.session(Access::read, true);
    if (!session) return std::unexpected(session.error());
    auto& [actor, ledger] = *session;
    const Policy& policy = **ctx.policy();
    auto now = (*ctx.clock())->now();
    Timestamp until = now, since = now - std::chrono::days(30);
    if (!a->until.empty()) {
      auto t = parse_day_or_time(a->until, policy.zone, true);
      if (!t) return fail(ErrorKind::bad_input, "--until: {}", t.error().message);
      until = *t;
    }
    if (!a->since.empty()) {
      auto t = parse_day_or_time(a->since, policy.zone, false);
      if (!t) return fail(ErrorKind::bad_input, "--since: {}", t.error().message);
      since = *t;
    }
    auto r = ledger.report(actor, since, until, *by);
    if (!r) return std::unexpected(r.error());
    Table t{{a->by.empty() ? "PERIOD" : a->by, "RELEASES", "NORMAL", "EMERGENCY", "ROLLBACK",
             "EMERG.RATIO", "REJECTED", "DEPLOYED", "FAILED"},
            {}};
    for (const auto& g : r->groups) t.rows.push_back(totals_cells(g.key, g.totals));
    t.rows.push_back(totals_cells("total", r->totals));
    if (r->totals.releases == 0)
      ctx.out.line(fmt::format("no releases submitted from {} to {}: the report is empty",
                               format_utc(r->since), format_utc(r->until)));
    else
      ctx.out.line(fmt::format("releases submitted from {} to {}", format_utc(r->since),
                               format_utc(r->until)));
    ctx.out.rows(t, report_json(*r));
    if (ctx.out.format() == Format::table && !r->emergency_by_category.empty()) {
      std::vector<std::string> parts;
      for (const auto& [c, n] : r->emergency_by_category)
        parts.push_back(fmt::format("{} {}", c, n));
      ctx.out.line(fmt::format("emergencies by category: {}", fmt::join(parts, ", ")));
    }
    return {};
  });
}

}  // namespace beaver::cli
