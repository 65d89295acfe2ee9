#include "command_words.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <string_view>
#include <vector>

namespace beaver::cli {
namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

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
    std::vector<std::string> names;
    std::string closest;
    size_t best = 3;  // suggest only what is two edits away or closer
    for (auto* s : subcommands) {
      names.push_back(s->get_name());
      if (size_t d = edit_distance(word, s->get_name()); d < best) {
        best = d;
        closest = s->get_name();
      }
    }
    std::string where = level == &app ? "" : level->get_name() + " ";
    if (!closest.empty())
      return UnknownCommand{
          fmt::format("unknown command '{}{}' (did you mean '{}{}'?)", where, word, where, closest),
          level};
    return UnknownCommand{
        fmt::format("unknown command '{}{}' (commands: {})", where, word, fmt::join(names, ", ")),
        level};
  }
  return std::nullopt;
}

}  // namespace beaver::cli
