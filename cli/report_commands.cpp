// beaver report: release figures over a period, whole or by group.

#include "commands.hpp"
#include "paths/paths.hpp"
#include "report/report_figures.hpp"
#include "report/report_html.hpp"
#include "report/report_period.hpp"
#include "report/report_rows.hpp"

namespace beaver::cli {
namespace {

Table to_table(ReportTable t) { return Table{std::move(t.headers), std::move(t.rows)}; }

// "what: a 3, b 1, ..." in lines of at most 100 columns.
std::vector<std::string> counts_lines(std::string_view what,
                                      const std::map<std::string, int64_t>& counts) {
  std::vector<std::string> lines{fmt::format("{}:", what)};
  size_t left = counts.size();
  for (const auto& [key, n] : counts) {
    std::string part = fmt::format(" {} {}{}", key, n, --left > 0 ? "," : "");
    if (lines.back().size() + part.size() > 100) lines.emplace_back();
    lines.back() += part;
  }
  return lines;
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
  add_output_option(*report, ctx, {"table", "json", "csv", "html"});
  on_run(report, ctx, [&ctx, a]() -> Result<void> {
    auto by = report_by_from_string(a->by);
    if (!by) return std::unexpected(by.error());
    auto optional = [](const std::string& s) {
      return s.empty() ? std::nullopt : std::optional<std::string>(s);
    };
    if (ctx.out.format() == Format::json) {
      auto ops = ctx.ops(Access::read, true);
      if (!ops) return std::unexpected(ops.error());
      auto json = (*ops)->report({optional(a->since), optional(a->until), a->by});
      if (!json) return std::unexpected(json.error());
      ctx.out.rows({}, *json);
      return {};
    }
    if (ctx.remote())
      return fail(ErrorKind::bad_input,
                  "on a server, beaver report prints only -o json (the table, csv and html "
                  "forms need the ledger on this machine)");
    auto session = ctx.session(Access::read, true);
    if (!session) return std::unexpected(session.error());
    auto& [actor, ledger] = *session;
    auto period = report_period(optional(a->since), optional(a->until), (*ctx.policy())->zone,
                                (*ctx.clock())->now());
    if (!period) return std::unexpected(period.error());
    auto [since, until] = *period;
    auto r = ledger.report(actor, since, until, *by);
    if (!r) return std::unexpected(r.error());
    switch (ctx.out.format()) {
      case Format::csv:
        ctx.out.rows(to_table(report_csv_table(*r)), {});
        return {};
      case Format::html: {
        auto charts = ledger.report_charts(actor, since, until);
        if (!charts) return std::unexpected(charts.error());
        auto page = report_html(data_dir() / "templates/report.html", *r, *charts);
        if (!page) return std::unexpected(page.error());
        ctx.out.page(*page);
        return {};
      }
      default:
        break;
    }
    if (r->totals.releases == 0 && r->deploys.ended == 0) {
      ctx.out.line(
          fmt::format("no releases submitted and no deploys ended from {} to {}: the "
                      "report is empty",
                      format_utc(r->since), format_utc(r->until)));
      return {};
    }
    ctx.out.line(fmt::format("releases submitted from {} to {}", format_utc(r->since),
                             format_utc(r->until)));
    auto tables = report_terminal_tables(*r);
    for (size_t i = 0; i < tables.size(); ++i) {
      ctx.out.line("");
      if (i == 2)
        ctx.out.line(fmt::format("deploys that ended from {} to {}", format_utc(r->since),
                                 format_utc(r->until)));
      ctx.out.rows(to_table(std::move(tables[i])), {});
    }
    ctx.out.line("");
    for (const auto& [what, counts] :
         {std::pair{"emergencies by category", &r->emergency_by_category},
          std::pair{"emergencies by approver", &r->emergency_by_approver}})
      if (!counts->empty())
        for (const auto& l : counts_lines(what, *counts)) ctx.out.line(l);
    return {};
  });
}

}  // namespace beaver::cli
