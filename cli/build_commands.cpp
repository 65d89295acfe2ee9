// beaver init | validate | build: a service's manifest and its standard build.

#include <Poco/JSON/Object.h>

#include <filesystem>
#include <iostream>

#include "build/build.hpp"
#include "command_help.hpp"
#include "commands.hpp"
#include "deploy/deploy.hpp"
#include "package/package.hpp"
#include "package/package_store.hpp"
#include "paths/paths.hpp"
#include "release_text.hpp"
#include "service/manifest.hpp"
#include "service/service_init.hpp"

namespace beaver::cli {
namespace {

// Streams the build to stderr (stdout carries the result, so `-o json` stays parseable): a header
// per step, its output as it comes, a line when it ends.
class TerminalBuild final : public BuildObserver {
 public:
  void step_started(const std::string& name, const std::vector<std::string>& argv) override {
    std::cerr << fmt::format("==> {}: {}\n", name, fmt::join(argv, " ")) << std::flush;
  }
  void output(std::string_view chunk) override { std::cerr << chunk << std::flush; }
  void step_finished(const StepReport& r) override {
    std::cerr << fmt::format(
                     "==> {} {} in {:.1f}s\n", r.name,
                     r.exit_code == 0 ? "done" : fmt::format("failed (exit {})", r.exit_code),
                     static_cast<double>(r.elapsed.count()) / 1000.0)
              << std::flush;
  }
};

void print_summary(Context& ctx, const BuildReport& report, const std::filesystem::path& root) {
  for (const auto& s : report.steps)
    ctx.out.line(fmt::format("  {:<12} {:>6.1f}s  exit {}", s.name,
                             static_cast<double>(s.elapsed.count()) / 1000.0, s.exit_code));
  ctx.out.line(fmt::format("version {} built: {}", report.version,
                           std::filesystem::relative(report.jar, root).string()));
}

}  // namespace

void register_build_commands(CLI::App& app, Context& ctx) {
  struct InitArgs {
    std::string dir = ".", service, team, pipeline;
    bool force = false;
  };
  auto ia = std::make_shared<InitArgs>();
  auto* init = app.add_subcommand("init", "write a first beaver.yaml, detecting the pipeline");
  add_help(*init,
           "The pipeline (java-maven, java-gradle or java-jdk) is detected from the files at the "
           "repository's root unless --pipeline names it. An existing beaver.yaml is replaced only "
           "with --force.",
           {"beaver init --team payments",
            "beaver init --dir ../hello-service --team payments --pipeline java-gradle"});
  init->add_option("--dir", ia->dir, "the service's repository root (default: here)");
  init->add_option("--service", ia->service, "the service's name (default: the folder's name)");
  ctx.values.declare(init->add_option("--team", ia->team, "the owning team"), ValueKind::team)
      ->required();
  init->add_option("--pipeline", ia->pipeline,
                   "java-maven, java-gradle or java-jdk (default: "
                   "detected)");
  init->add_flag("--force", ia->force, "replace an existing beaver.yaml");
  on_run(init, ctx, [&ctx, ia]() -> Result<void> {
    InitOptions o;
    if (!ia->service.empty()) o.service = ia->service;
    o.team = ia->team;
    if (!ia->pipeline.empty()) o.pipeline = ia->pipeline;
    o.force = ia->force;
    // The skeleton names the policy's environments when there is one to read; init needs none.
    if (auto policy = ctx.policy())
      for (const auto& [name, env] : (*policy)->environments) o.environments.push_back(name);
    auto made = init_service(ia->dir, o, data_dir());
    if (!made) return std::unexpected(made.error());
    auto m = load_service_manifest(made->file, data_dir());
    if (!m) return std::unexpected(m.error());
    ctx.out.line(
        fmt::format("{} written: service {}, team {}, pipeline {}, version from {}, {}",
                    made->file.string(), m->service, m->team, m->pipeline.name, m->version_source,
                    made->conf.empty()       ? "no conf files"
                    : made->conf.size() == 1 ? "1 conf file"
                                             : fmt::format("{} conf files", made->conf.size())));
    return {};
  });

  auto file = std::make_shared<std::string>("beaver.yaml");
  auto* validate =
      app.add_subcommand("validate", "check beaver.yaml against its schema and pipeline");
  add_help(*validate, "", {"beaver validate", "beaver validate ../hello-service/beaver.yaml"});
  ctx.values.declare(validate->add_option("FILE", *file, "the manifest (default: ./beaver.yaml)"),
                     ValueKind::file);
  on_run(validate, ctx, [&ctx, file]() -> Result<void> {
    auto m = load_service_manifest(*file, data_dir());
    if (!m) return std::unexpected(m.error());
    std::vector<std::string> envs;
    for (const auto& [name, env] : m->environments)
      envs.push_back(
          fmt::format("{} ({} host{})", name, env.hosts.size(), env.hosts.size() == 1 ? "" : "s"));
    ctx.out.line(
        fmt::format("{}: valid; service {}, team {}, pipeline {}, version from {}, jar "
                    "{}{}",
                    *file, m->service, m->team, m->pipeline.name, m->version_source, m->jar,
                    envs.empty() ? "" : fmt::format(", environments {}", fmt::join(envs, ", "))));
    return {};
  });

  auto dir = std::make_shared<std::string>(".");
  auto* build = app.add_subcommand("build", "run the pipeline's build steps");
  add_help(*build, "The steps' output is streamed as they run.",
           {"beaver build", "beaver build --dir ../hello-service"});
  build->add_option("--dir", *dir, "the service's repository root (default: here)");
  on_run(build, ctx, [&ctx, dir]() -> Result<void> {
    std::filesystem::path root = std::filesystem::weakly_canonical(std::filesystem::absolute(*dir));
    auto m = load_service_manifest(root / "beaver.yaml", data_dir());
    if (!m) return std::unexpected(m.error());
    TerminalBuild observer;
    auto report = run_build(*m, root, data_dir(), observer);
    if (!report) return std::unexpected(report.error());
    print_summary(ctx, *report, root);
    return {};
  });

  struct PackageArgs {
    std::string dir = ".";
    bool allow_dirty = false;
  };
  auto pa = std::make_shared<PackageArgs>();
  auto* package = app.add_subcommand("package", "build and package a commit, and register it");
  add_help(*package,
           "Builds, then makes the standard package in dist/ from a clean git commit and registers "
           "it in the ledger. Uncommitted changes are refused unless --allow-dirty, which the "
           "package and the ledger record.",
           {"beaver package", "beaver package --dir ../hello-service -o json"});
  package->add_option("--dir", pa->dir, "the service's repository root (default: here)");
  package->add_flag("--allow-dirty", pa->allow_dirty,
                    "package uncommitted changes (recorded in the package and the ledger)");
  add_output_option(*package, ctx, {"table", "json"});
  on_run(package, ctx, [&ctx, pa]() -> Result<void> {
    std::filesystem::path root =
        std::filesystem::weakly_canonical(std::filesystem::absolute(pa->dir));
    auto m = load_service_manifest(root / "beaver.yaml", data_dir());
    if (!m) return std::unexpected(m.error());
    TerminalBuild observer;
    PackageRecord record;
    bool registered = false;
    std::optional<BuiltPackage> built;
    if (ctx.remote()) {
      // Built here, then sent: the server checks it, registers it and keeps it for deploys.
      auto ops = ctx.ops(Access::write);
      if (!ops) return std::unexpected(ops.error());
      auto me = (*ops)->whoami();
      if (!me) return std::unexpected(me.error());
      auto made =
          make_package(*m, root, data_dir(), {pa->allow_dirty, text_of(*me, "name")}, observer);
      if (!made) return std::unexpected(made.error());
      built = std::move(*made);
      auto kept = (*ops)->put_package(built->record.sha256, built->file);
      if (!kept) return std::unexpected(kept.error());
      record = built->record;
      record.size = (*kept)->getValue<int64_t>("size");
      record.commit = text_of(*kept, "commit");
      record.allow_dirty = (*kept)->getValue<bool>("allow_dirty");
      registered = (*kept)->getValue<bool>("registered");
    } else {
      // Who packages is known before the build runs, so a refusal costs no build.
      auto session = ctx.session(Access::write);
      if (!session) return std::unexpected(session.error());
      auto& [actor, ledger] = *session;
      BEAVER_TRY(ledger.check_can_register(actor, m->service, m->team));
      auto made = make_package(*m, root, data_dir(), {pa->allow_dirty, actor}, observer);
      if (!made) return std::unexpected(made.error());
      built = std::move(*made);
      auto known = ledger.register_package(actor, built->record, m->team, registered);
      if (!known) return std::unexpected(known.error());
      record = *known;
      auto home = beaver_home();
      if (!home) return std::unexpected(home.error());
      BEAVER_TRY(keep_package(*home, built->file, record.sha256));
    }
    print_summary(ctx, built->build, root);
    Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("file", built->file.string());
    json->set("sha256", record.sha256);
    json->set("size", record.size);
    json->set("service", record.service);
    json->set("version", record.version);
    json->set("commit", record.commit);
    json->set("allow_dirty", record.allow_dirty);
    json->set("registered", registered);
    ctx.out.record(
        {fmt::format("package {} ({} files, {:.1f} MB)",
                     std::filesystem::relative(built->file).string(), built->files.size(),
                     static_cast<double>(record.size) / 1e6),
         fmt::format("  sha256 {}", record.sha256),
         fmt::format("  commit {}{}", record.commit,
                     record.allow_dirty ? " (with uncommitted changes: --allow-dirty)" : ""),
         registered ? "  registered in the ledger"
                    : "  already registered in the ledger (the same bytes as before)"},
        json);
    return {};
  });
}

}  // namespace beaver::cli
