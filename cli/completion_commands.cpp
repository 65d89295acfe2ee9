// beaver completion SHELL: the script that makes a shell complete beaver's command lines.

#include <fstream>
#include <sstream>

#include "command_help.hpp"
#include "commands.hpp"
#include "paths/paths.hpp"

namespace beaver::cli {
namespace {

const std::vector<std::string> kShells = {"bash", "zsh", "fish"};

}  // namespace

void register_completion_commands(CLI::App& app, Context& ctx) {
  auto shell = std::make_shared<std::string>();
  auto* completion =
      app.add_subcommand("completion", "the completion script for bash, zsh or fish");
  add_help(*completion,
           "The script completes commands, flags and their values (environments, services, users, "
           "release ids...) by asking beaver itself, so it knows every flag of the binary it "
           "calls and the values in use: the policy's and the ledger's, or the server's when "
           "--server or BEAVER_SERVER names one. Load it from the shell's startup file; "
           "docs/reference/cli.md says how for each shell.",
           {"beaver completion bash > ~/.local/share/bash-completion/completions/beaver",
            "beaver completion fish > ~/.config/fish/completions/beaver.fish"});
  ctx.values.declare(completion->add_option("SHELL", *shell, "bash, zsh or fish")->required(),
                     kShells);
  on_run(completion, ctx, [&ctx, shell]() -> Result<void> {
    if (std::find(kShells.begin(), kShells.end(), *shell) == kShells.end())
      return fail(ErrorKind::bad_input, "no completion script for '{}': the shells are {}", *shell,
                  fmt::join(kShells, ", "));
    auto file = data_dir() / "templates/completion" / ("beaver." + *shell);
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in || text.str().empty())
      return fail(ErrorKind::internal, "cannot read {}: is beaver installed whole?", file.string());
    ctx.out.text(text.str());
    return {};
  });
}

}  // namespace beaver::cli
