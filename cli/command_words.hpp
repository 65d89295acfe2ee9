#pragma once
// CLI11 2.1 answers a mistyped command with "A subcommand is required"; this names the word that
// is wrong and suggests the closest command instead.

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace beaver::cli {

// The error for the first command word in `argv` that `app` does not know, if any:
// "unknown command 'relase' (did you mean 'release'?)".
std::optional<std::string> unknown_command(CLI::App& app, int argc, const char* const* argv);

}  // namespace beaver::cli
