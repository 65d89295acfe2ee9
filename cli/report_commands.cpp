// beaver report: release figures over a period, whole or by group.

#include "commands.hpp"
#include "paths/paths.hpp"
#include "report/report_figures.hpp"
#include "report/report_html.hpp"
#include "report/report_period.hpp"
#include "report/report_rows.hpp"
#include "report/report_text.hpp"

namespace beaver::cli {

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
      case Format::csv: {
        auto t = report_csv_table(*r);
        ctx.out.rows({std::move(t.headers), std::move(t.rows)}, {});
        return {};
      }
      case Format::html: {
        auto charts = ledger.report_charts(actor, since, until);
        if (!charts) return std::unexpected(charts.error());
        auto page = report_html(data_dir() / "templates/report.html", *r, *charts);
        if (!page) return std::unexpected(page.error());
        ctx.out.page(*page);
        return {};
      }
      default:
        ctx.out.text(report_terminal_text(*r));
        return {};
    }
  });
}

}  // namespace beaver::cli
