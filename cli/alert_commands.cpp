// beaver alerts list: monitoring's alerts, and the releases they are attributed to.

#include "command_help.hpp"
#include "commands.hpp"
#include "release_text.hpp"

namespace beaver::cli {

void register_alert_commands(CLI::App& app, Context& ctx) {
  auto* alerts = app.add_subcommand("alerts", "alerts from monitoring, linked to releases");
  alerts->require_subcommand(1);
  struct ListArgs {
    std::string service, env;
    bool unattributed = false;
    int64_t limit = 1000;
  };
  auto la = std::make_shared<ListArgs>();
  auto* list = alerts->add_subcommand("list", "alerts, newest first, with their releases");
  add_help(*list,
           "Each alert Alertmanager posted to beaver (POST /api/v1/alerts/alertmanager, by a user "
           "holding the alerts role), once however often it was sent: its grade, whether it is "
           "still firing, and the release deployed where it fired, when it fired within the "
           "policy's window after that deploy (alerts: window, 2h by default), with how sure "
           "the match is: host, service or environment.",
           {"beaver alerts list --service hello-service --env prod",
            "beaver alerts list --unattributed"});
  ctx.values.declare(list->add_option("--service", la->service, "only this service's"),
                     ValueKind::service);
  ctx.values.declare(list->add_option("--env", la->env, "only this environment's"),
                     ValueKind::environment);
  list->add_flag("--unattributed", la->unattributed, "only those linked to no release");
  list->add_option("--limit", la->limit, "at most this many, 1 to 100000 (default 1000)");
  add_output_option(*list, ctx, {"table", "json", "csv"});
  on_run(list, ctx, [&ctx, la]() -> Result<void> {
    if (la->limit < 1 || la->limit > 100000)
      return bad_field("limit", "--limit {} is not between 1 and 100000", la->limit);
    AlertFilter f;
    if (!la->service.empty()) f.service = la->service;
    if (!la->env.empty()) f.env = la->env;
    f.unattributed = la->unattributed;
    f.limit = la->limit;
    auto ops = ctx.ops(Access::read);
    if (!ops) return std::unexpected(ops.error());
    auto found = (*ops)->list_alerts(f);
    if (!found) return std::unexpected(found.error());
    Table t{
        {"ID", "FIRED", "GRADE", "STATUS", "NAME", "SERVICE", "ENV", "HOST", "RELEASE", "MATCH"},
        {}};
    for (size_t i = 0; i < (*found)->size(); ++i) {
      auto a = (*found)->getObject(static_cast<unsigned>(i));
      auto dash = [&a](const char* key) {
        auto v = text_of(a, key);
        return v.empty() ? std::string("-") : v;
      };
      std::string status = text_of(a, "status");
      if (auto resolved = optional_of(a, "resolved_at")) status += " " + *resolved;
      t.rows.push_back({text_of(a, "id"), text_of(a, "fired_at"), text_of(a, "grade"), status,
                        text_of(a, "name"), dash("service"), dash("env"), dash("host"),
                        dash("release"), dash("confidence")});
    }
    ctx.out.rows(t, *found);
    return {};
  });
}

}  // namespace beaver::cli
