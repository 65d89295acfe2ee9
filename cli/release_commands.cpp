// beaver release submit | list | show | approve | reject | cancel | review.

#include <Poco/JSON/Array.h>

#include <charconv>

#include "command_help.hpp"
#include "commands.hpp"
#include "deploy/deploy.hpp"
#include "model/names.hpp"
#include "package/archive.hpp"
#include "package/package_store.hpp"
#include "paths/paths.hpp"
#include "policy/release_window.hpp"
#include "release_text.hpp"

namespace beaver::cli {

namespace {

struct SubmitArgs {
  SubmitRequest request;
  std::string commit, category, reason, package;
};

struct ListArgs {
  std::string service, env, type, status, since, until, team, submitter, search;
  bool owing_review = false, owing_signature = false, live = false;
  int64_t limit = ReleaseListRequest::kDefaultLimit;
  int64_t offset = 0;
};

struct ActionArgs {
  std::string id, comment, notes;
};

std::optional<std::string> optional_arg(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

// Makes sure the side that holds the ledger (here, or the server) keeps the bytes of a package it
// registered, so its deploys find them. A package it does not know is not sent: the submit is
// refused then.
Result<void> send_package(Operations& ops, const std::string& sha256, const std::string& file) {
  auto known = ops.show_package(sha256);
  if (!known) {
    if (known.error().kind == ErrorKind::not_found) return {};
    return std::unexpected(known.error());
  }
  if ((*known)->getValue<bool>("stored")) return {};
  auto kept = ops.put_package(sha256, file);
  if (!kept) return std::unexpected(kept.error());
  return {};
}

// The lambda for approve, reject, cancel and review: parse the id, run, print the outcome.
auto release_action(Context& ctx, std::shared_ptr<ActionArgs> args, ReleaseAction action) {
  return [&ctx, args, action]() -> Result<void> {
    auto id = parse_id("release", args->id);
    if (!id) return std::unexpected(id.error());
    auto ops = ctx.ops(Access::write, true);
    if (!ops) return std::unexpected(ops.error());
    auto text = action == ReleaseAction::review ? args->notes : args->comment;
    auto view = (*ops)->act(*id, action, optional_arg(text));
    if (!view) return std::unexpected(view.error());
    ctx.out.record(describe_release(*view, ctx.release_page(text_of(*view, "id"))), *view);
    return {};
  };
}

}  // namespace

void register_release_commands(CLI::App& app, Context& ctx) {
  auto* release = app.add_subcommand("release", "submit, approve and follow releases");
  release->require_subcommand(1);

  auto sa = std::make_shared<SubmitArgs>();
  auto* submit =
      release->add_subcommand("submit", "submit a version of a service to an environment");
  add_help(
      *submit,
      "Asks to put a version, or a package made by beaver package, on an environment. A normal "
      "release is refused outside the environment's windows and inside its freezes; --emergency "
      "takes the emergency path, which needs --category and --reason, and a leader's approval.",
      {"beaver release submit pay-api --env prod --package dist/pay-api-1.4.2.tar.gz",
       "beaver release submit pay-api --env prod --version 1.4.3 --emergency \\\n"
       "--category hotfix --reason \"card payments declined\""});
  ctx.values.declare(submit->add_option("SERVICE", sa->request.service,
                                        "the service (else the one --package was made for)"),
                     ValueKind::service);
  ctx.values
      .declare(submit->add_option("--env", sa->request.env, "the environment"),
               ValueKind::environment)
      ->required();
  submit->add_option("--version", sa->request.version, "the version to release");
  auto* commit =
      submit->add_option("--commit", sa->commit, "the git commit the version was built from");
  auto* package = submit->add_option("--package", sa->package,
                                     "a package made by 'beaver package' (its version and commit "
                                     "come from the ledger's record of it)");
  ctx.values.declare(package, ValueKind::file);
  package->excludes(commit);
  submit->add_flag("--emergency", sa->request.emergency,
                   "the emergency path: needs --category and --reason, and a leader's approval");
  ctx.values.declare(
      submit->add_option("--category", sa->category, "the emergency's reason category"),
      ValueKind::category);
  submit->add_option("--reason", sa->reason, "why this cannot wait");
  submit->add_flag("--replace", sa->request.replace,
                   "cancel the open release of the same version on this environment (yours, "
                   "unless you are an admin) in favour of this one");
  add_output_option(*submit, ctx, {"table", "json"});
  on_release_change(submit, ctx, [&ctx, sa]() -> Result<void> {
    SubmitRequest req = sa->request;
    req.commit = optional_arg(sa->commit);
    req.category = optional_arg(sa->category);
    req.reason = optional_arg(sa->reason);
    if (sa->package.empty() && req.version.empty())
      return fail(ErrorKind::bad_input, "a release needs --version VERSION or --package FILE");
    if (sa->package.empty() && req.service.empty())
      return fail(ErrorKind::bad_input,
                  "SERVICE is required (or --package FILE, which names its service)");
    if (!sa->package.empty()) {
      auto sha = sha256_file(sa->package);
      if (!sha) return std::unexpected(sha.error());
      req.package_sha256 = *sha;
      req.package_file = sa->package;
    }
    auto ops = ctx.ops(Access::write, true);
    if (!ops) return std::unexpected(ops.error());
    // Kept where deploys read it (beside this ledger, or on the server) before the release is
    // recorded, so that no release names bytes that are not there.
    if (!sa->package.empty()) BEAVER_TRY(send_package(**ops, *req.package_sha256, sa->package));
    auto view = (*ops)->submit(req);
    if (!view) return std::unexpected(view.error());
    std::vector<std::string> text{
        fmt::format("release {} {}", text_of(*view, "id"), text_of(*view, "status"))};
    auto more = describe_release(*view, ctx.release_page(text_of(*view, "id")));
    text.insert(text.end(), more.begin(), more.end());
    ctx.out.record(text, *view);
    return {};
  });

  auto la = std::make_shared<ListArgs>();
  auto* list = release->add_subcommand("list", "list releases, newest first");
  add_help(*list, "",
           {"beaver release list --env prod --type emergency --since 2026-11-01",
            "beaver release list --team payments --submitter bob --search timeout --offset 50"});
  ctx.values.declare(list->add_option("--service", la->service, "only this service"),
                     ValueKind::service);
  ctx.values.declare(list->add_option("--env", la->env, "only this environment"),
                     ValueKind::environment);
  list->add_option("--type", la->type, "only this type: normal, emergency or rollback");
  list->add_option("--status", la->status, "only this status: " + all_states_text());
  list->add_option("--since", la->since, "submitted on or after (YYYY-MM-DD or ISO 8601)");
  list->add_option("--until", la->until, "submitted on or before (YYYY-MM-DD or ISO 8601)");
  list->add_flag("--owing-review", la->owing_review,
                 "emergencies whose post-release review is past its deadline");
  list->add_flag("--owing-signature", la->owing_signature,
                 "emergencies deployed by break glass whose approvals are still owed");
  list->add_flag("--live", la->live,
                 "what runs on each environment now (releases deployed over are 'replaced')");
  list->add_option("--team", la->team, "only the releases of this team's services");
  list->add_option("--submitter", la->submitter, "only the releases this person submitted");
  list->add_option("--search", la->search,
                   "only those whose reason, version or submitter holds this text (any case)");
  list->add_option("--limit", la->limit,
                   fmt::format("at most this many, 1 to {} (default {})",
                               ReleaseListRequest::kMostLimit, ReleaseListRequest::kDefaultLimit));
  list->add_option("--offset", la->offset, "leave out the newest this many (the next page)");
  add_output_option(*list, ctx, {"table", "json", "csv"});
  on_run(list, ctx, [&ctx, la]() -> Result<void> {
    ReleaseListRequest q;
    q.service = optional_arg(la->service);
    q.env = optional_arg(la->env);
    q.type = optional_arg(la->type);
    q.status = optional_arg(la->status);
    q.since = optional_arg(la->since);
    q.until = optional_arg(la->until);
    q.owing_review = la->owing_review;
    q.owing_signature = la->owing_signature;
    q.live = la->live;
    q.team = optional_arg(la->team);
    q.submitter = optional_arg(la->submitter);
    q.q = optional_arg(la->search);
    q.limit = la->limit;
    q.offset = la->offset;
    auto ops = ctx.ops(Access::read, true);
    if (!ops) return std::unexpected(ops.error());
    auto page = (*ops)->list_page(q);
    if (!page) return std::unexpected(page.error());
    auto releases = std::optional<JsonArray>((*page)->getArray("releases"));
    auto total = (*page)->getValue<int64_t>("total");
    Table t{{"ID", "SERVICE", "ENV", "VERSION", "TYPE", "STATUS", "SUBMITTER", "SUBMITTED",
             "REVIEW DUE"},
            {}};
    for (size_t i = 0; i < (*releases)->size(); ++i) {
      auto r = (*releases)->getObject(static_cast<unsigned>(i));
      auto f = [&r](const char* key) { return text_of(r, key); };
      t.rows.push_back({f("id"), f("service"), f("env"), f("version"), f("type"), f("status"),
                        f("submitter"), f("submitted_at"),
                        optional_of(r, "reviewed_at")
                            ? "reviewed"
                            : optional_of(r, "review_due").value_or("-")});
    }
    ctx.out.rows(t, *releases);
    auto shown = static_cast<int64_t>((*releases)->size());
    if (la->offset > 0 || la->offset + shown < total)
      ctx.out.line(shown == 0
                       ? fmt::format("none of {} (--offset {})", total, la->offset)
                       : fmt::format("{}-{} of {}", la->offset + 1, la->offset + shown, total));
    return {};
  });

  auto* inbox = release->add_subcommand("inbox", "releases you may approve now, emergencies first");
  add_help(*inbox, "", {"beaver release inbox"});
  add_output_option(*inbox, ctx, {"table", "json", "csv"});
  on_run(inbox, ctx, [&ctx]() -> Result<void> {
    auto ops = ctx.ops(Access::read, true);
    if (!ops) return std::unexpected(ops.error());
    auto views = (*ops)->inbox();
    if (!views) return std::unexpected(views.error());
    Table t{{"ID", "SERVICE", "ENV", "VERSION", "TYPE", "SUBMITTER", "SUBMITTED", "WAITING FOR",
             "REASON"},
            {}};
    // The page to open, where beaver knows its web address.
    bool pages = ctx.web_address().has_value();
    if (pages) t.headers.push_back("PAGE");
    for (size_t i = 0; i < (*views)->size(); ++i) {
      auto v = (*views)->getObject(static_cast<unsigned>(i));
      auto f = [&v](const char* key) { return text_of(v, key); };
      t.rows.push_back({f("id"), f("service"), f("env"), f("version"), f("type"), f("submitter"),
                        f("submitted_at"), f("waiting_for"), f("reason")});
      if (pages) t.rows.back().push_back(ctx.release_page(f("id")).value_or(""));
    }
    ctx.out.rows(t, *views);
    return {};
  });

  auto show_id = std::make_shared<std::string>();
  auto* show =
      release->add_subcommand("show", "a release with its approvals and what it waits for");
  add_help(*show, "", {"beaver release show 42", "beaver release show 42 -o json"});
  ctx.values.declare(show->add_option("ID", *show_id, "release id"), ValueKind::release)
      ->required();
  add_output_option(*show, ctx, {"table", "json"});
  on_run(show, ctx, [&ctx, show_id]() -> Result<void> {
    auto id = parse_id("release", *show_id);
    if (!id) return std::unexpected(id.error());
    auto ops = ctx.ops(Access::read, true);
    if (!ops) return std::unexpected(ops.error());
    auto view = (*ops)->show(*id);
    if (!view) return std::unexpected(view.error());
    ctx.out.record(describe_release(*view, ctx.release_page(text_of(*view, "id"))), *view);
    return {};
  });

  auto approve_args = std::make_shared<ActionArgs>();
  auto* approve =
      release->add_subcommand("approve", "approve a release (the next step of its chain)");
  add_help(*approve,
           "Nobody approves their own release; each approval counts toward the step of the "
           "policy's approval chain that is open.",
           {"beaver release approve 42 --comment \"checked the migration\""});
  ctx.values.declare(approve->add_option("ID", approve_args->id, "release id"), ValueKind::release)
      ->required();
  approve->add_option("--comment", approve_args->comment, "a note kept with the approval");
  add_output_option(*approve, ctx, {"table", "json"});
  on_release_change(approve, ctx, release_action(ctx, approve_args, ReleaseAction::approve));

  auto reject_args = std::make_shared<ActionArgs>();
  auto* reject = release->add_subcommand("reject", "reject a release, saying why");
  add_help(*reject, "",
           {"beaver release reject 42 --comment \"no way back from the schema change\""});
  ctx.values.declare(reject->add_option("ID", reject_args->id, "release id"), ValueKind::release)
      ->required();
  reject->add_option("--comment", reject_args->comment, "why it is rejected")->required();
  add_output_option(*reject, ctx, {"table", "json"});
  on_release_change(reject, ctx, release_action(ctx, reject_args, ReleaseAction::reject));

  auto cancel_args = std::make_shared<ActionArgs>();
  auto* cancel = release->add_subcommand("cancel", "withdraw a release before it is deployed");
  add_help(*cancel, "", {"beaver release cancel 42 --comment \"superseded by 1.4.3\""});
  ctx.values.declare(cancel->add_option("ID", cancel_args->id, "release id"), ValueKind::release)
      ->required();
  cancel->add_option("--comment", cancel_args->comment, "why it is withdrawn");
  add_output_option(*cancel, ctx, {"table", "json"});
  on_run(cancel, ctx, release_action(ctx, cancel_args, ReleaseAction::cancel));

  auto review_args = std::make_shared<ActionArgs>();
  auto* review = release->add_subcommand("review", "write an emergency's post-release review");
  add_help(*review,
           "An emergency owes its review within the policy's review_deadline after its deploy.",
           {"beaver release review 42 --notes \"an expired certificate; renewal now monitored\""});
  review->add_option("ID", review_args->id, "release id")->required();
  review->add_option("--notes", review_args->notes, "what happened and what follows")->required();
  add_output_option(*review, ctx, {"table", "json"});
  on_run(review, ctx, release_action(ctx, review_args, ReleaseAction::review));
}

}  // namespace beaver::cli
