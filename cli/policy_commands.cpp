// beaver policy check [FILE].

#include <filesystem>

#include "commands.hpp"
#include "paths/paths.hpp"

namespace beaver::cli {

void register_policy_commands(CLI::App& app, Context& ctx) {
  auto* policy = app.add_subcommand("policy", "the approval policy");
  policy->require_subcommand(1);

  auto file = std::make_shared<std::string>();
  auto* check = policy->add_subcommand(
      "check", "validate a policy file and warn about rules the registered users cannot meet");
  check->add_option("FILE", *file, "policy file (default: the policy in force)");
  on_run(check, ctx, [&ctx, file]() -> Result<void> {
    if (!file->empty()) ctx.options.policy = *file;
    auto p = ctx.policy();
    if (!p) return std::unexpected(p.error());
    const Policy& pol = **p;
    std::vector<std::string> envs;
    for (const auto& [name, env] : pol.environments) envs.push_back(name);
    ctx.out.line(fmt::format("{}: valid policy, {} environment(s) ({}), sha256 {}", pol.path,
                             envs.size(), fmt::join(envs, ", "), pol.sha256));
    // Only a ledger that exists is read: checking a file creates nothing.
    auto home = beaver_home();
    std::error_code ec;
    if (!home || !std::filesystem::exists(*home / "beaver.db", ec)) return {};
    auto session = ctx.session(Access::read);
    if (!session) return std::unexpected(session.error());
    auto warnings = session->ledger.policy_warnings(pol);
    if (!warnings) return std::unexpected(warnings.error());
    for (const auto& w : *warnings) ctx.out.warn(w);
    return {};
  });
}

}  // namespace beaver::cli
