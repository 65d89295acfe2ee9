// beaver user delegate | delegations | undelegate: stand-ins for approvers who are away.

#include "command_help.hpp"
#include "commands.hpp"
#include "model/names.hpp"

namespace beaver::cli {
namespace {

std::vector<std::string> delegation_row(const Poco::JSON::Object::Ptr& d) {
  auto text = [&d](const char* key) {
    return d->isNull(key) ? "-" : d->getValue<std::string>(key);
  };
  return {std::to_string(d->getValue<int64_t>("id")),
          text("delegate") + " for " + text("user"),
          text("until"),
          text("reason"),
          text("created_by"),
          d->isNull("revoked_at") ? "-" : "revoked by " + text("revoked_by")};
}

}  // namespace

void register_delegation_commands(CLI::App& user, Context& ctx) {
  struct DelegateArgs {
    std::string user, to, until, reason;
    CLI::Option* reason_option = nullptr;
  };
  auto da = std::make_shared<DelegateArgs>();
  auto* delegate =
      user.add_subcommand("delegate", "let someone approve for a user while they are away");
  add_help(*delegate,
           "Until --until (a day, to its end in the policy's time zone, or an ISO 8601 time; at "
           "most 90 days ahead), OTHER may give the approvals NAME could give, recorded as "
           "\"OTHER for NAME\" and counted as NAME's. Never an approval of OTHER's own release. "
           "A user delegates their own approvals, an admin anyone's; revoke it with 'beaver user "
           "undelegate ID'.",
           {"beaver user delegate lea --to leo --until 2026-12-24 --reason \"on leave\""});
  ctx.values.declare(delegate->add_option("NAME", da->user, "who is away")->required(),
                     ValueKind::user);
  ctx.values.declare(delegate->add_option("--to", da->to, "who approves for them")->required(),
                     ValueKind::user);
  delegate->add_option("--until", da->until, "when it ends: YYYY-MM-DD or an ISO 8601 time")
      ->required();
  da->reason_option = delegate->add_option("--reason", da->reason, "why, e.g. 'on leave'");
  add_output_option(*delegate, ctx, {"table", "json"});
  on_run(delegate, ctx, [&ctx, da]() -> Result<void> {
    auto ops = ctx.ops(Access::write, !ctx.remote() && ctx.has_policy());
    if (!ops) return std::unexpected(ops.error());
    std::optional<std::string> reason;
    if (da->reason_option->count() > 0) reason = da->reason;
    auto made = (*ops)->delegate({da->user, da->to, da->until, reason});
    if (!made) return std::unexpected(made.error());
    ctx.out.record(
        {fmt::format("delegation {}: {} approves for {} until {}", (*made)->getValue<int64_t>("id"),
                     da->to, da->user, (*made)->getValue<std::string>("until"))},
        *made);
    return {};
  });

  struct ListArgs {
    std::string user;
    bool all = false;
  };
  auto la = std::make_shared<ListArgs>();
  auto* list = user.add_subcommand("delegations", "the stand-ins that hold now");
  add_help(*list,
           "Of everyone, or of NAME (given or received). --all adds those that ended or were "
           "revoked.",
           {"beaver user delegations", "beaver user delegations lea --all"});
  ctx.values.declare(list->add_option("NAME", la->user, "whose delegations"), ValueKind::user);
  list->add_flag("--all", la->all, "also those that ended or were revoked");
  add_output_option(*list, ctx, {"table", "json", "csv"});
  on_run(list, ctx, [&ctx, la]() -> Result<void> {
    auto ops = ctx.ops(Access::read);
    if (!ops) return std::unexpected(ops.error());
    std::optional<std::string> who;
    if (!la->user.empty()) who = la->user;
    auto found = (*ops)->list_delegations(who, la->all);
    if (!found) return std::unexpected(found.error());
    Table t{{"ID", "WHO", "UNTIL", "REASON", "BY", "REVOKED"}, {}};
    for (size_t i = 0; i < (*found)->size(); ++i)
      t.rows.push_back(delegation_row((*found)->getObject(static_cast<unsigned>(i))));
    ctx.out.rows(t, *found);
    return {};
  });

  auto revoke_id = std::make_shared<std::string>();
  auto* revoke = user.add_subcommand("undelegate", "end a delegation now");
  add_help(*revoke, "By the user, the stand-in or an admin. Approvals given under it still count.",
           {"beaver user undelegate 3"});
  revoke->add_option("ID", *revoke_id, "the delegation's id (see beaver user delegations)")
      ->required();
  add_output_option(*revoke, ctx, {"table", "json"});
  on_run(revoke, ctx, [&ctx, revoke_id]() -> Result<void> {
    auto id = parse_id("delegation", *revoke_id);
    if (!id) return std::unexpected(id.error());
    auto ops = ctx.ops(Access::write, !ctx.remote() && ctx.has_policy());
    if (!ops) return std::unexpected(ops.error());
    auto revoked = (*ops)->revoke_delegation(*id);
    if (!revoked) return std::unexpected(revoked.error());
    ctx.out.record({fmt::format("delegation {} revoked: {} no longer approves for {}", *id,
                                (*revoked)->getValue<std::string>("delegate"),
                                (*revoked)->getValue<std::string>("user"))},
                   *revoked);
    return {};
  });
}

}  // namespace beaver::cli
