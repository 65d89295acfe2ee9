// beaver: the command line front end. It parses arguments, calls the core, prints.

#include <algorithm>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "beaver_version.hpp"
#include "command_words.hpp"
#include "commands.hpp"
#include "completion.hpp"
#include "store/database_url.hpp"

namespace {

constexpr int kUsageError = 2;

// Errors echo what the user typed; control characters are shown escaped so an error stays one
// line and cannot forge another.
std::string one_line(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (u < 0x20 || u == 0x7f)
      out += fmt::format("\\x{:02x}", u);
    else
      out += c;
  }
  return out;
}

}  // namespace

namespace beaver::cli {

std::string command_words(const CLI::App& cmd) {
  std::string words = cmd.get_name();
  for (const CLI::App* up = cmd.get_parent(); up != nullptr && up->get_parent() != nullptr;
       up = up->get_parent())
    words = up->get_name() + " " + words;
  return words;
}

void add_output_option(CLI::App& cmd, Context& ctx, std::vector<std::string> allowed) {
  ctx.values.one_of(
      cmd.add_option_function<std::string>(
          "-o,--output", [&ctx](const std::string& f) { ctx.out.set_format(parse_format(f)); },
          "output format"),
      std::move(allowed));
}

}  // namespace beaver::cli

namespace {

// A database URL's password given as an argument (--database, db copy's --from and --to) is
// overwritten, star for character, where `ps` and /proc/PID/cmdline read the arguments. It
// was readable there from the start until now; ~/.pgpass keeps it out entirely.
void hide_passwords(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg(argv[i]);
    for (std::string_view scheme : {"postgresql://", "postgres://"}) {
      auto url = arg.find(scheme);
      if (url == std::string_view::npos) continue;
      for (auto [from, n] : beaver::database_url_passwords(arg.substr(url)))
        std::fill_n(argv[i] + url + from, n, '*');
      break;
    }
  }
}

// The command chosen on the command line, as far as the parser went: `app` when none was.
CLI::App* chosen_command(CLI::App& app) {
  CLI::App* command = &app;
  while (!command->get_subcommands().empty()) command = command->get_subcommands().front();
  return command;
}

// "--category: " when the error is about a field the command that ran takes as that flag.
std::string flag_of(CLI::App& app, const std::string& field) {
  if (field.empty()) return "";
  std::string flag = "--" + field;
  std::replace(flag.begin(), flag.end(), '_', '-');
  for (const CLI::App* command = chosen_command(app); command != nullptr;
       command = command->get_parent())
    if (command->get_option_no_throw(flag) != nullptr) return flag + ": ";
  return "";
}

// "(see 'beaver release submit --help')": the help of the command whose words were wrong.
std::string see_help(const CLI::App& command) {
  std::string words =
      command.get_parent() == nullptr ? "" : beaver::cli::command_words(command) + " ";
  return fmt::format("(see 'beaver {}--help')", words);
}

// A group given no subcommand says which it has, a line each, as its --help lists them.
int list_subcommands(CLI::App& group) {
  auto subcommands = group.get_subcommands([](CLI::App* s) { return !s->get_group().empty(); });
  size_t width = 0;
  for (const auto* s : subcommands) width = std::max(width, s->get_name().size());
  std::string words =
      group.get_parent() == nullptr ? "beaver" : "beaver " + beaver::cli::command_words(group);
  std::cerr << fmt::format("beaver: '{}' needs a command, one of:\n", words);
  for (const auto* s : subcommands)
    std::cerr << fmt::format("  {:<{}}  {}\n", s->get_name(), width, s->get_description());
  return kUsageError;
}

// `beaver __complete WORDS...` prints its candidates a line each. Whatever goes wrong, it prints
// nothing else and exits 0: the shell shows its output as it is, at every Tab.
int print_completions(CLI::App& app, beaver::cli::Context& ctx, int argc, char** argv) {
  using namespace beaver::cli;
  try {
    auto lines = completion_lines(complete(app, ctx, {argv + 2, argv + argc}));
    for (const auto& line : lines) ctx.out.line(line);
    std::cout.flush();
  } catch (...) {  // NOLINT(bugprone-empty-catch): silence is the promise above
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace beaver::cli;
  std::ios::sync_with_stdio(false);
  // Commands run while the arguments are parsed (a server for as long as it serves): they are
  // parsed from copies, and the originals lose their passwords at once.
  std::vector<std::string> arg_copies(argv, argv + argc);
  std::vector<char*> args;
  for (auto& a : arg_copies) args.push_back(a.data());
  args.push_back(nullptr);
  hide_passwords(argc, argv);
  argv = args.data();
  try {
    Printer printer(std::cout, std::cerr);
    Context ctx(printer);
    CLI::App app{"beaver: release and deployment governance for Java services", "beaver"};
    app.set_version_flag("--version", fmt::format("beaver {}", beaver::kVersion));
    app.require_subcommand(1);
    app.fallthrough();
    ctx.values.declare(app.add_option("--as", ctx.options.as,
                                      "act as this user (local mode; else BEAVER_USER, "
                                      "else the login name)"),
                       ValueKind::user);
    ctx.values.declare(
        app.add_option("--policy", ctx.options.policy,
                       "policy file (else BEAVER_POLICY, else $BEAVER_HOME/policy.yaml)"),
        ValueKind::file);
    app.add_option("--server", ctx.options.server,
                   "send commands to this beaver server (else BEAVER_SERVER; signs in with "
                   "BEAVER_TOKEN)");
    register_user_commands(app, ctx);
    register_service_commands(app, ctx);
    register_policy_commands(app, ctx);
    register_release_commands(app, ctx);
    register_audit_commands(app, ctx);
    register_build_commands(app, ctx);
    register_report_commands(app, ctx);
    register_deploy_commands(app, ctx);
    register_dev_commands(app, ctx);
    register_serve_commands(app, ctx);
    register_token_commands(app, ctx);
    register_notify_commands(app, ctx);
    register_db_commands(app, ctx);
    register_completion_commands(app, ctx);
    register_alert_commands(app, ctx);
    if (argc >= 2 && argv[1] == kCompleteCommand) return print_completions(app, ctx, argc, argv);
    if (auto unknown = unknown_command(app, argc, argv)) {
      std::cerr << "beaver: " << one_line(unknown->message) << ' ' << see_help(*unknown->under)
                << '\n';
      return kUsageError;
    }
    try {
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
      return app.exit(e);
    } catch (const CLI::ParseError& e) {
      // The deepest command parsed is the one whose words were wrong. Words it does not take
      // are the first thing to say: the parser checks what is missing before what is left over.
      CLI::App* command = chosen_command(app);
      auto left_over = app.remaining(true);
      if (!left_over.empty()) {
        std::reverse(left_over.begin(), left_over.end());  // ExtrasError names them backwards
        std::cerr << "beaver: " << one_line(CLI::ExtrasError(left_over).what()) << ' '
                  << see_help(*command) << '\n';
        return kUsageError;
      }
      bool no_subcommand = dynamic_cast<const CLI::RequiredError*>(&e) != nullptr &&
                           command->get_subcommands().empty() &&
                           !command->get_subcommands([](CLI::App*) { return true; }).empty();
      if (no_subcommand) return list_subcommands(*command);
      std::cerr << "beaver: " << one_line(e.what()) << ' ' << see_help(*command) << '\n';
      return kUsageError;
    }
    if (!ctx.outcome) return 0;
    int code = 0;
    if (!*ctx.outcome) {
      std::cerr << "beaver: " << flag_of(app, ctx.outcome->error().field)
                << one_line(ctx.outcome->error().message) << '\n';
      code = beaver::exit_code(ctx.outcome->error().kind);
    }
    // After the output, so a slow channel never delays what the command printed; also after a
    // failed deploy, which still ended a release (quietly then: an error stays one line).
    std::cout.flush();
    if (ctx.release_changed) deliver_after_change(ctx, code == 0);
    if (code != 0) return code;
    std::cout.flush();
    return std::cout.good() ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "beaver: internal error: " << one_line(e.what()) << '\n';
    return 1;
  } catch (...) {
    std::cerr << "beaver: internal error\n";
    return 1;
  }
}
