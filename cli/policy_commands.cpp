// beaver policy check [FILE] | show: the approval policy, here or on a server.

#include <filesystem>
#include <fstream>
#include <sstream>

#include "command_help.hpp"
#include "commands.hpp"
#include "ops/ops_json.hpp"
#include "paths/paths.hpp"
#include "policy/policy_check.hpp"
#include "release_text.hpp"

namespace beaver::cli {
namespace {

// A policy file is small; a larger one is not worth sending to a server.
constexpr std::uintmax_t kMaxPolicyFile = 512 * 1024;

// The check's verdict from policy_json: one line, then each warning on stderr.
void print_check(Context& ctx, const Poco::JSON::Object::Ptr& p) {
  std::vector<std::string> envs;
  if (auto list = p->getArray("environments"))
    for (size_t i = 0; i < list->size(); ++i)
      envs.push_back(list->getElement<std::string>(static_cast<unsigned>(i)));
  ctx.out.line(fmt::format("{}: valid; {} environment{} ({}), sha256 {}", text_of(p, "path"),
                           envs.size(), envs.size() == 1 ? "" : "s", fmt::join(envs, ", "),
                           text_of(p, "sha256")));
  if (auto warnings = p->getArray("warnings"))
    for (size_t i = 0; i < warnings->size(); ++i)
      ctx.out.warn(warnings->getElement<std::string>(static_cast<unsigned>(i)));
}

Result<std::string> read_policy_file(const std::string& file) {
  std::error_code ec;
  auto size = std::filesystem::file_size(file, ec);
  if (ec) return fail(ErrorKind::bad_input, "cannot read {}: {}", file, ec.message());
  if (size > kMaxPolicyFile)
    return fail(ErrorKind::bad_input, "{} is over {} KiB: not a policy file", file,
                kMaxPolicyFile / 1024);
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return fail(ErrorKind::bad_input, "cannot read {}", file);
  return text.str();
}

// The policy in force on this machine, checked against the ledger here when there is one (only
// a ledger that exists is read: checking a file creates nothing).
Result<Poco::JSON::Object::Ptr> local_policy(Context& ctx) {
  auto p = ctx.policy();
  if (!p) return std::unexpected(p.error());
  std::vector<std::string> warnings;
  auto database = ledger_database("");
  std::error_code ec;
  if (database && (database->kind == DatabaseUrl::Kind::postgresql ||
                   std::filesystem::exists(database->file, ec))) {
    auto session = ctx.session(Access::read);
    if (!session) return std::unexpected(session.error());
    auto found = session->ledger.policy_warnings(**p);
    if (!found) return std::unexpected(found.error());
    warnings = std::move(*found);
  } else {
    warnings = unlinked_channels(**p);
  }
  return policy_json(**p, warnings);
}

// The policy a command reads: the server's (or, with FILE, that file checked by the server
// against its users) in remote mode, else this machine's.
Result<Poco::JSON::Object::Ptr> policy_for(Context& ctx, const std::string& file) {
  if (!ctx.remote()) {
    if (!file.empty()) ctx.options.policy = file;
    return local_policy(ctx);
  }
  auto ops = ctx.ops(Access::read);
  if (!ops) return std::unexpected(ops.error());
  if (file.empty()) return (*ops)->policy();
  auto content = read_policy_file(file);
  if (!content) return std::unexpected(content.error());
  return (*ops)->check_policy(file, *content);
}

}  // namespace

void register_policy_commands(CLI::App& app, Context& ctx) {
  auto* policy = app.add_subcommand("policy", "the approval policy");
  policy->require_subcommand(1);

  auto file = std::make_shared<std::string>();
  auto* check = policy->add_subcommand("check", "validate a policy file");
  add_help(
      *check,
      "Checks FILE against the policy schema and warns about approval rules the registered users "
      "cannot meet. Without FILE, the policy in force is checked; through a server, the server's.",
      {"beaver policy check policy.yaml", "beaver policy check"});
  ctx.values.declare(
      check->add_option(
          "FILE", *file,
          "policy file (default: the policy in force; through a server, the server's)"),
      ValueKind::file);
  add_output_option(*check, ctx, {"table", "json"});
  on_run(check, ctx, [&ctx, file]() -> Result<void> {
    auto p = policy_for(ctx, *file);
    if (!p) return std::unexpected(p.error());
    if (ctx.out.format() == Format::json) {
      ctx.out.rows({}, *p);
      return {};
    }
    print_check(ctx, *p);
    return {};
  });

  auto* show = policy->add_subcommand("show", "print the policy in force");
  add_help(*show,
           "Prints the policy's text after a comment line naming its file and SHA-256. Through a "
           "server, the server's policy.",
           {"beaver policy show", "beaver policy show -o json"});
  add_output_option(*show, ctx, {"table", "json"});
  on_run(show, ctx, [&ctx]() -> Result<void> {
    auto p = policy_for(ctx, "");
    if (!p) return std::unexpected(p.error());
    std::string content = text_of(*p, "content");
    if (!content.empty() && !content.ends_with('\n')) content += '\n';
    ctx.out.record({fmt::format("# {} (sha256 {})", text_of(*p, "path"), text_of(*p, "sha256")),
                    content.substr(0, content.empty() ? 0 : content.size() - 1)},
                   *p);
    return {};
  });
}

}  // namespace beaver::cli
