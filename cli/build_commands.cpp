// beaver init | validate: a service's manifest.

#include <filesystem>

#include "commands.hpp"
#include "paths/paths.hpp"
#include "service/manifest.hpp"
#include "service/service_init.hpp"

namespace beaver::cli {

void register_build_commands(CLI::App& app, Context& ctx) {
  struct InitArgs {
    std::string dir = ".", service, team, pipeline;
    bool force = false;
  };
  auto ia = std::make_shared<InitArgs>();
  auto* init = app.add_subcommand("init", "write a first beaver.yaml, detecting the pipeline");
  init->add_option("--dir", ia->dir, "the service's repository root (default: here)");
  init->add_option("--service", ia->service, "the service's name (default: the folder's name)");
  init->add_option("--team", ia->team, "the owning team")->required();
  init->add_option("--pipeline", ia->pipeline, "java-maven, java-gradle or java-jdk (default: "
                                               "detected)");
  init->add_flag("--force", ia->force, "replace an existing beaver.yaml");
  on_run(init, ctx, [&ctx, ia]() -> Result<void> {
    InitOptions o;
    if (!ia->service.empty()) o.service = ia->service;
    o.team = ia->team;
    if (!ia->pipeline.empty()) o.pipeline = ia->pipeline;
    o.force = ia->force;
    auto file = init_service(ia->dir, o, data_dir());
    if (!file) return std::unexpected(file.error());
    auto m = load_service_manifest(*file, data_dir());
    if (!m) return std::unexpected(m.error());
    ctx.out.line(fmt::format("wrote {}: service {}, team {}, pipeline {}, version from {}",
                             file->string(), m->service, m->team, m->pipeline.name,
                             m->version_source));
    return {};
  });

  auto file = std::make_shared<std::string>("beaver.yaml");
  auto* validate = app.add_subcommand("validate", "check beaver.yaml against its schema and "
                                                  "pipeline");
  validate->add_option("FILE", *file, "the manifest (default: ./beaver.yaml)");
  on_run(validate, ctx, [&ctx, file]() -> Result<void> {
    auto m = load_service_manifest(*file, data_dir());
    if (!m) return std::unexpected(m.error());
    std::vector<std::string> envs;
    for (const auto& [name, env] : m->environments)
      envs.push_back(fmt::format("{} ({} host{})", name, env.hosts.size(),
                                 env.hosts.size() == 1 ? "" : "s"));
    ctx.out.line(fmt::format("{}: valid; service {}, team {}, pipeline {}, version from {}, jar "
                             "{}{}",
                             *file, m->service, m->team, m->pipeline.name, m->version_source,
                             m->jar,
                             envs.empty() ? "" : fmt::format(", environments {}",
                                                             fmt::join(envs, ", "))));
    return {};
  });
}

}  // namespace beaver::cli
