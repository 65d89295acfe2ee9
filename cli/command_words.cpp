#include "command_words.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "text/nearest.hpp"

namespace beaver::cli {
namespace {

// Options of the top level that take a value, so their value is not read as a command.
bool takes_value(std::string_view option) {
  return option == "--as" || option == "--policy" || option == "--server";
}

}  // namespace

std::optional<UnknownCommand> unknown_command(CLI::App& app, int argc, const char* const* argv) {
  CLI::App* level = &app;
  for (int i = 1; i < argc; ++i) {
    std::string_view word = argv[i];
    if (takes_value(word)) {
      ++i;
      continue;
    }
    if (word.starts_with('-')) {
      if (word.starts_with("--as=") || word.starts_with("--policy=")) continue;
      return std::nullopt;  // other options: CLI11 judges the rest
    }
    auto subcommands = level->get_subcommands([](CLI::App*) { return true; });
    if (subcommands.empty()) return std::nullopt;
    auto known = std::find_if(subcommands.begin(), subcommands.end(),
                              [&](CLI::App* s) { return s->get_name() == word; });
    if (known != subcommands.end()) {
      level = *known;
      continue;
    }
    std::vector<std::string> names;  // the ones --help lists: not the hidden ones
    for (auto* s : subcommands)
      if (!s->get_group().empty()) names.push_back(s->get_name());
    std::string where = level == &app ? "" : level->get_name() + " ";
    if (auto near = nearest_names(word, names, 1); !near.empty())
      return UnknownCommand{fmt::format("unknown command '{}{}' (did you mean '{}{}'?)", where,
                                        word, where, near.front()),
                            level};
    return UnknownCommand{
        fmt::format("unknown command '{}{}' (commands: {})", where, word, fmt::join(names, ", ")),
        level};
  }
  return std::nullopt;
}

}  // namespace beaver::cli
