// beaver report: release figures over a period, whole or by group.

#include "commands.hpp"
#include "report/report_figures.hpp"
#include "report/report_json.hpp"
#include "report/report_rows.hpp"

namespace beaver::cli {
namespace {

Table to_table(ReportTable t) { return Table{std::move(t.headers), std::move(t.rows)}; }

std::string counts_text(const std::map<std::string, int64_t>& counts) {
  std::vector<std::string> parts;
  for (const auto& [key, n] : counts) parts.push_back(fmt::format("{} {}", key, n));
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

void register_report_commands(CLI::App& app, Context& ctx) {
  struct Args {
    std::string since, until, by;
  };
  auto a = std::make_shared<Args>();
  auto* report = app.add_subcommand(
      "report", "release figures for a period (default: the last 30 days), whole or by group");
  report->footer(std::string(report_figures_help()));
  report->add_option("--since", a->since, "from this day (YYYY-MM-DD, the policy's time zone)");
  report->add_option("--until", a->until, "to this day, included (YYYY-MM-DD)");
  report->add_option("--by", a->by,
                     "group by team, service, env, category, approver, week, weekday or hour");
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
    switch (ctx.out.format()) {
      case Format::json:
        ctx.out.rows({}, report_json(*r));
        return {};
      case Format::csv:
        ctx.out.rows(to_table(report_csv_table(*r)), {});
        return {};
      default:
        break;
    }
    if (r->totals.releases == 0) {
      ctx.out.line(fmt::format("no releases submitted from {} to {}: the report is empty",
                               format_utc(r->since), format_utc(r->until)));
      return {};
    }
    ctx.out.line(fmt::format("releases submitted from {} to {}", format_utc(r->since),
                             format_utc(r->until)));
    auto tables = report_terminal_tables(*r);
    for (size_t i = 0; i < tables.size(); ++i) {
      ctx.out.line("");
      ctx.out.rows(to_table(std::move(tables[i])), {});
    }
    ctx.out.line("");
    if (!r->emergency_by_category.empty())
      ctx.out.line(
          fmt::format("emergencies by category: {}", counts_text(r->emergency_by_category)));
    if (!r->emergency_by_approver.empty())
      ctx.out.line(
          fmt::format("emergencies by approver: {}", counts_text(r->emergency_by_approver)));
    return {};
  });
}

}  // namespace beaver::cli
