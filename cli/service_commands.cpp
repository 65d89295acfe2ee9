// beaver service add | list.

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "command_help.hpp"
#include "commands.hpp"
#include "release_text.hpp"

namespace beaver::cli {

void register_service_commands(CLI::App& app, Context& ctx) {
  auto* service = app.add_subcommand("service", "services and their owning team");
  service->require_subcommand(1);

  struct Args {
    std::string name, team;
  };
  auto args = std::make_shared<Args>();
  auto* add = service->add_subcommand("add", "register a service (an admin or its team's leader)");
  add_help(*add, "beaver package also registers the service named in beaver.yaml.",
           {"beaver service add hello-service --team payments"});
  add->add_option("NAME", args->name, "service name")->required();
  ctx.values.declare(add->add_option("--team", args->team, "the owning team"), ValueKind::team)
      ->required();
  on_run(add, ctx, [&ctx, args]() -> Result<void> {
    auto ops = ctx.ops(Access::write);
    if (!ops) return std::unexpected(ops.error());
    auto s = (*ops)->add_service(args->name, args->team);
    if (!s) return std::unexpected(s.error());
    ctx.out.line(
        fmt::format("service {} added (team {})", text_of(*s, "name"), text_of(*s, "team")));
    return {};
  });

  auto* list = service->add_subcommand("list", "list services");
  add_help(*list, "", {"beaver service list", "beaver service list -o json"});
  add_output_option(*list, ctx, {"table", "json", "csv"});
  on_run(list, ctx, [&ctx]() -> Result<void> {
    auto ops = ctx.ops(Access::read);
    if (!ops) return std::unexpected(ops.error());
    auto services = (*ops)->list_services();
    if (!services) return std::unexpected(services.error());
    Table t{{"NAME", "TEAM", "CREATED"}, {}};
    for (size_t i = 0; i < (*services)->size(); ++i) {
      auto s = (*services)->getObject(static_cast<unsigned>(i));
      t.rows.push_back({text_of(s, "name"), text_of(s, "team"), text_of(s, "created_at")});
    }
    ctx.out.rows(t, *services);
    return {};
  });
}

}  // namespace beaver::cli
