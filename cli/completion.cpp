#include "completion.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <string_view>

namespace beaver::cli {
namespace {

// A person waits for the answer at every Tab: a server that does not answer within this
// completes nothing rather than holding the shell.
constexpr auto kServerWait = std::chrono::seconds(1);

// A flag expects no value (CLI11 gives it a type size of 1 and an expected count of 0).
bool takes_value(const CLI::Option* option) { return option->get_items_expected_max() > 0; }

bool is_option_word(std::string_view word) { return word.size() > 1 && word.front() == '-'; }

// The option `name` ("--env", "-o") of `cmd`, else of the commands above it, whose options the
// parser also takes after a subcommand.
CLI::Option* find_option(CLI::App* cmd, const std::string& name) {
  for (; cmd != nullptr; cmd = cmd->get_parent())
    if (auto* option = cmd->get_option_no_throw(name)) return option;
  return nullptr;
}

CLI::App* find_subcommand(CLI::App* cmd, std::string_view name) {
  auto found = cmd->get_subcommands([name](CLI::App* s) { return s->get_name() == name; });
  return found.empty() ? nullptr : found.front();
}

std::vector<CLI::App*> visible_subcommands(CLI::App* cmd) {
  return cmd->get_subcommands([](CLI::App* s) { return !s->get_group().empty(); });
}

// The positional of `cmd` that the positional word number `index` (from 0) fills, if any.
const CLI::Option* positional_at(CLI::App* cmd, size_t index) {
  auto positionals = cmd->get_options([](const CLI::Option* o) { return o->get_positional(); });
  for (const auto* option : positionals) {
    auto takes = static_cast<size_t>(std::max(option->get_items_expected_max(), 1));
    if (index < takes) return option;
    index -= takes;
  }
  return nullptr;
}

bool excludes(const CLI::Option* a, const CLI::Option* b) {
  auto excluded = a->get_excludes();
  return std::find(excluded.begin(), excluded.end(), b) != excluded.end();
}

// Whether `option` is given already and takes no more, or excluded by one that is given.
bool ruled_out(const CLI::Option* option, const std::vector<const CLI::Option*>& used) {
  for (const auto* u : used) {
    if (u == option ? option->get_items_expected_max() <= 1
                    : excludes(u, option) || excludes(option, u))
      return true;
  }
  return false;
}

// The long flags `cmd` takes that start with `typed`: its own, then the global ones of the
// commands above it (not their --help or --version), less those already given.
std::vector<Candidate> flags(CLI::App* cmd, std::string_view typed,
                             const std::vector<const CLI::Option*>& used) {
  std::vector<Candidate> out;
  std::set<std::string> seen;
  for (CLI::App* level = cmd; level != nullptr; level = level->get_parent()) {
    for (const CLI::Option* option : level->get_options()) {
      if (option->get_positional() || option->get_group().empty() || option->get_lnames().empty())
        continue;
      if (level != cmd && (option == level->get_help_ptr() || option == level->get_help_all_ptr() ||
                           option == level->get_version_ptr()))
        continue;
      std::string flag = "--" + option->get_lnames().front();
      if (!flag.starts_with(typed) || ruled_out(option, used) || !seen.insert(flag).second)
        continue;
      out.push_back({flag, option->get_description()});
    }
  }
  return out;
}

// The values `option` takes that start with `typed`, each after `lead` ("--env=" when the flag
// and its value are one word).
Completion values(const CLI::Option* option, Context& ctx, std::string_view typed,
                  const std::string& lead) {
  Completion out;
  const OptionValue* declared = ctx.values.of(option);
  if (declared == nullptr) return out;
  std::vector<Candidate> all;
  if (declared->kind == ValueKind::file) {
    out.files = lead.empty();  // a shell completes a file name as a word of its own
    return out;
  }
  if (declared->kind == ValueKind::choice) {
    for (const auto& choice : declared->choices) all.push_back({choice, ""});
  } else {
    auto found = values_in_use(declared->kind, ctx);
    if (!found) return out;
    all = std::move(*found);
  }
  for (auto& c : all)
    if (c.value.starts_with(typed)) out.candidates.push_back({lead + c.value, c.description});
  return out;
}

std::vector<Candidate> subcommands(CLI::App* cmd, std::string_view typed) {
  std::vector<Candidate> out;
  for (CLI::App* s : visible_subcommands(cmd))
    if (s->get_name().starts_with(typed)) out.push_back({s->get_name(), s->get_description()});
  return out;
}

// Where the words before the one being typed leave the command line.
struct Position {
  CLI::App* cmd = nullptr;                // the command they chose
  size_t positionals = 0;                 // positional words given to it
  std::vector<const CLI::Option*> used;   // the options given
  bool only_positionals = false;          // after "--"
  const CLI::Option* awaiting = nullptr;  // the option whose value is being typed
};

// Walks `words` as the parser reads them. None when a word is not a command of its group:
// nothing after it fits. The global options given (--server, --policy, --as) are applied to
// `app`'s variables, so that the values come from where they would for a command.
std::optional<Position> locate(CLI::App& app, const std::vector<std::string>& words) {
  Position at;
  at.cmd = &app;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (!at.only_positionals && word == "--") {
      at.only_positionals = true;
    } else if (!at.only_positionals && is_option_word(word)) {
      bool is_long = word.starts_with("--");
      auto equals = word.find('=');
      std::string name = is_long ? word.substr(0, equals) : word.substr(0, 2);
      std::optional<std::string> value;
      if (is_long && equals != std::string::npos)
        value = word.substr(equals + 1);
      else if (!is_long && word.size() > 2)
        value = word.substr(2);
      CLI::Option* option = find_option(at.cmd, name);
      if (option == nullptr) continue;
      at.used.push_back(option);
      if (!takes_value(option)) continue;
      if (!value && i + 1 == words.size()) {
        at.awaiting = option;
        return at;
      }
      if (!value) value = words[++i];
      if (app.get_option_no_throw(name) == option) {
        option->add_result(*value);
        option->run_callback();
      }
    } else if (!at.only_positionals && !visible_subcommands(at.cmd).empty()) {
      at.cmd = find_subcommand(at.cmd, word);
      if (at.cmd == nullptr) return std::nullopt;
      at.positionals = 0;
    } else {
      ++at.positionals;
    }
  }
  return at;
}

}  // namespace

Completion complete(CLI::App& app, Context& ctx, std::vector<std::string> words) {
  ctx.server_timeout = kServerWait;
  if (words.empty()) words.emplace_back();
  const std::string typed = words.back();
  words.pop_back();
  auto at = locate(app, words);
  if (!at) return {};
  if (at->awaiting != nullptr) return values(at->awaiting, ctx, typed, "");
  if (!at->only_positionals && is_option_word(typed)) {
    auto equals = typed.find('=');
    if (!typed.starts_with("--") || equals == std::string::npos)
      return {flags(at->cmd, typed, at->used)};
    const CLI::Option* option = find_option(at->cmd, typed.substr(0, equals));
    if (option == nullptr || !takes_value(option)) return {};
    return values(option, ctx, std::string_view(typed).substr(equals + 1),
                  typed.substr(0, equals + 1));
  }
  if (!at->only_positionals && !visible_subcommands(at->cmd).empty())
    return {subcommands(at->cmd, typed)};
  if (const CLI::Option* positional = positional_at(at->cmd, at->positionals))
    return values(positional, ctx, typed, "");
  // Nothing is left to give but flags: they are offered before a "-" is typed.
  if (typed.empty()) return {flags(at->cmd, typed, at->used)};
  return {};
}

std::vector<std::string> completion_lines(const Completion& completion) {
  std::vector<std::string> lines;
  for (const auto& c : completion.candidates) {
    // A description is one line: the shells read a line per candidate.
    std::string description = c.description;
    std::replace_if(
        description.begin(), description.end(), [](char ch) { return ch == '\n' || ch == '\t'; },
        ' ');
    lines.push_back(description.empty() ? c.value : c.value + '\t' + description);
  }
  if (completion.files) lines.emplace_back(":file");
  return lines;
}

}  // namespace beaver::cli
