// beaver report: release figures over a period, whole or by group.

#include "command_help.hpp"
#include "commands.hpp"
#include "report/report.hpp"
#include "report/report_figures.hpp"

namespace beaver::cli {

void register_report_commands(CLI::App& app, Context& ctx) {
  struct Args {
    std::string since, until, by, team, service, env;
    bool bom = false, why = false;
  };
  auto a = std::make_shared<Args>();
  auto* report = app.add_subcommand("report", "release figures for a period, whole or by group");
  report->footer(
      wrapped("The period is the last 30 days unless --since or --until says "
              "otherwise.") +
      "\n\n" + std::string(report_figures_help()) + "\n" +
      examples_section(
          {"beaver report --since 2026-01-01 --until 2026-12-31 --by month --team payments",
           "beaver report -o csv --bom > report.csv   # for Excel"}));
  report->add_option("--since", a->since, "from this day (YYYY-MM-DD, the policy's time zone)");
  report->add_option("--until", a->until, "to this day, included (YYYY-MM-DD)");
  report->add_option("--by", a->by,
                     "group by team, service, env, category, approver, month, week, weekday or "
                     "hour");
  report->add_option("--team", a->team, "only the releases of this team's services");
  report->add_option("--service", a->service, "only this service's releases");
  report->add_option("--env", a->env, "only the releases to this environment");
  report->add_flag("--why-emergencies", a->why,
                   "instead of the figures, each team's share of emergencies against the "
                   "median, ranked, with what they were (-o table or json)");
  report->add_flag("--bom", a->bom,
                   "with -o csv: start with the UTF-8 byte-order mark, so Excel reads the text "
                   "right");
  add_output_option(*report, ctx, {"table", "json", "csv", "html"});
  on_run(report, ctx, [&ctx, a]() -> Result<void> {
    auto by = report_by_from_string(a->by);
    if (!by) return std::unexpected(by.error());
    auto optional = [](const std::string& s) {
      return s.empty() ? std::nullopt : std::optional<std::string>(s);
    };
    if (a->bom && ctx.out.format() != Format::csv) return bad_field("bom", "goes with -o csv only");
    auto ops = ctx.ops(Access::read, true);
    if (!ops) return std::unexpected(ops.error());
    ReportRequest request{optional(a->since),   optional(a->until), a->by,  optional(a->team),
                          optional(a->service), optional(a->env),   a->bom, a->why};
    if (ctx.out.format() == Format::json) {
      auto json = (*ops)->report(request);
      if (!json) return std::unexpected(json.error());
      ctx.out.rows({}, *json);
      return {};
    }
    // Drawn where the ledger is (here, or on the server), by the same code either way.
    auto format = ctx.out.format() == Format::csv    ? ReportFormat::csv
                  : ctx.out.format() == Format::html ? ReportFormat::html
                                                     : ReportFormat::table;
    auto text = (*ops)->report_text(request, format);
    if (!text) return std::unexpected(text.error());
    ctx.out.text(*text);
    return {};
  });
}

}  // namespace beaver::cli
