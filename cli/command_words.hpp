#pragma once
// CLI11 2.1 answers a mistyped command with "A subcommand is required"; this names the word that
// is wrong and suggests the closest command instead.

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace beaver::cli {

// The first command word in `argv` that `app` does not know: the error, "unknown command
// 'relase' (did you mean 'release'?)", and the command it was looked for under.
struct UnknownCommand {
  std::string message;
  const CLI::App* under;
};
std::optional<UnknownCommand> unknown_command(CLI::App& app, int argc, const char* const* argv);

}  // namespace beaver::cli
