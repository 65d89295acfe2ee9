// beaver service add | list.

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "commands.hpp"

namespace beaver::cli {

void register_service_commands(CLI::App& app, Context& ctx) {
  auto* service = app.add_subcommand("service", "services and their owning team");
  service->require_subcommand(1);

  struct Args {
    std::string name, team;
  };
  auto args = std::make_shared<Args>();
  auto* add = service->add_subcommand("add", "register a service (an admin or its team's leader)");
  add->add_option("NAME", args->name, "service name")->required();
  add->add_option("--team", args->team, "the owning team")->required();
  on_run(add, ctx, [&ctx, args]() -> Result<void> {
    auto session = ctx.session(Access::write);
    if (!session) return std::unexpected(session.error());
    auto& [actor, ledger] = *session;
    auto s = ledger.add_service(actor, args->name, args->team);
    if (!s) return std::unexpected(s.error());
    ctx.out.line(fmt::format("service {} added (team {})", s->name, s->team));
    return {};
  });

  auto* list = service->add_subcommand("list", "list services");
  add_output_option(*list, ctx, {"table", "json", "csv"});
  on_run(list, ctx, [&ctx]() -> Result<void> {
    auto session = ctx.session(Access::read);
    if (!session) return std::unexpected(session.error());
    auto& [actor, ledger] = *session;
    auto services = ledger.list_services(actor);
    if (!services) return std::unexpected(services.error());
    Table t{{"NAME", "TEAM", "CREATED"}, {}};
    Poco::JSON::Array::Ptr json = new Poco::JSON::Array;
    for (const auto& s : *services) {
      t.rows.push_back({s.name, s.team, format_utc(s.created_at)});
      Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      o->set("name", s.name);
      o->set("team", s.team);
      o->set("created_at", format_utc(s.created_at));
      json->add(o);
    }
    ctx.out.rows(t, json);
    return {};
  });
}

}  // namespace beaver::cli
