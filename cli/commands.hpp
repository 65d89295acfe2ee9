#pragma once
// The command line is a table: one file per command group, each registering its subcommands.

#include <CLI/CLI.hpp>

#include "context.hpp"

namespace beaver::cli {

void register_user_commands(CLI::App& app, Context& ctx);
// Under `user`: delegate, delegations, undelegate.
void register_delegation_commands(CLI::App& user, Context& ctx);
void register_service_commands(CLI::App& app, Context& ctx);
void register_policy_commands(CLI::App& app, Context& ctx);
void register_release_commands(CLI::App& app, Context& ctx);
void register_audit_commands(CLI::App& app, Context& ctx);
void register_build_commands(CLI::App& app, Context& ctx);
void register_report_commands(CLI::App& app, Context& ctx);
void register_deploy_commands(CLI::App& app, Context& ctx);
void register_dev_commands(CLI::App& app, Context& ctx);
void register_serve_commands(CLI::App& app, Context& ctx);
void register_token_commands(CLI::App& app, Context& ctx);
void register_notify_commands(CLI::App& app, Context& ctx);
void register_db_commands(CLI::App& app, Context& ctx);
void register_completion_commands(CLI::App& app, Context& ctx);
void register_alert_commands(CLI::App& app, Context& ctx);

// One best-effort, time-bounded pass over the notifications a release change queued; a channel
// that is down is a warning on stderr (when `warn`), never the command's failure.
void deliver_after_change(Context& ctx, bool warn);

// Adds "-o table|json|csv" (restricted to `allowed`) that sets the printer's format.
void add_output_option(CLI::App& cmd, Context& ctx, std::vector<std::string> allowed);

// "dev seed": the subcommand's words after `beaver`.
std::string command_words(const CLI::App& cmd);

// Runs `action` after parsing, when this subcommand was chosen.
template <class Action>
void on_run(CLI::App* cmd, Context& ctx, Action action) {
  cmd->callback([&ctx, cmd, action] {
    ctx.command = command_words(*cmd);
    ctx.outcome = action();
  });
}

// on_run for a command that may change a release and so queue notifications to send (a deploy
// that fails still ends its release).
template <class Action>
void on_release_change(CLI::App* cmd, Context& ctx, Action action) {
  cmd->callback([&ctx, cmd, action] {
    ctx.command = command_words(*cmd);
    ctx.release_changed = true;
    ctx.outcome = action();
  });
}

}  // namespace beaver::cli
