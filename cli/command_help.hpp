#pragma once
// A command's help in two parts: its description, one short line that `beaver --help` (or its
// group's --help) lists and that fits an 80-column terminal with the command's name, and what
// its own --help adds below the options: details, then examples to copy.

#include <CLI/CLI.hpp>
#include <initializer_list>
#include <string>
#include <string_view>

namespace beaver::cli {

// `text` wrapped at 80 columns, between words; "\n\n" starts a new paragraph.
std::string wrapped(std::string_view text);

// "Example:" (or "Examples:") and each of `examples` indented: a command line, continued on the
// lines after a "\n" (which follows the shell's "\" at the end of a line).
std::string examples_section(std::initializer_list<std::string_view> examples);

// Sets `cmd`'s footer: `details` wrapped (none when empty), then its examples.
void add_help(CLI::App& cmd, std::string_view details,
              std::initializer_list<std::string_view> examples);

}  // namespace beaver::cli
