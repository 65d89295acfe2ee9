// beaver release submit | list | show | approve | reject | cancel | review.

#include <Poco/JSON/Array.h>

#include <charconv>

#include "commands.hpp"
#include "deploy/deploy.hpp"
#include "package/archive.hpp"
#include "paths/paths.hpp"
#include "policy/release_window.hpp"

namespace beaver::cli {

Result<int64_t> parse_release_id(const std::string& text) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0)
    return fail(ErrorKind::bad_input, "'{}' is not a release id (a positive number)", text);
  return id;
}

namespace {

std::string time_or_dash(const std::optional<Timestamp>& t) { return t ? format_utc(*t) : "-"; }

// The release as people read it in a terminal.
std::vector<std::string> describe(const ReleaseView& v, const Policy& policy) {
  const Release& r = v.release;
  std::vector<std::string> out;
  std::string type(to_string(r.type));
  if (r.category) type += fmt::format(" ({})", *r.category);
  out.push_back(fmt::format("release {}: {} {} to {}, {}, {}", r.id, r.service, r.version, r.env,
                            type, to_string(r.state)));
  // The environment's local time too: a release at 23:30 there should read as one.
  auto env = policy.environment(r.env);
  std::string local = env ? fmt::format(" ({})", format_local(**env, r.submitted_at)) : "";
  out.push_back(fmt::format("  submitted   {}{} by {} (team {})", format_utc(r.submitted_at), local,
                            r.submitter, v.team));
  if (r.commit) out.push_back(fmt::format("  commit      {}", *r.commit));
  if (r.package_sha256) out.push_back(fmt::format("  package     sha256 {}", *r.package_sha256));
  if (r.reason) out.push_back(fmt::format("  reason      {}", *r.reason));
  for (size_t i = 0; i < v.approvals.size(); ++i) {
    const auto& a = v.approvals[i];
    out.push_back(fmt::format("  approval    step {}: {} as {} at {}{}{}", a.step + 1, a.approver,
                              a.role, format_utc(a.approved_at),
                              a.comment ? fmt::format(": {}", *a.comment) : "",
                              v.counts[i] ? "" : " (no longer counts)"));
  }
  if (r.approved_at) out.push_back(fmt::format("  approved    {}", format_utc(*r.approved_at)));
  if (v.approval_expired)
    out.push_back("  expired     its approvals lapsed before a deploy; it must be approved again");
  if (auto w = v.waiting_for(); !w.empty()) {
    out.push_back(fmt::format("  waiting for {}", w));
    out.push_back(
        fmt::format("  may approve {}", v.may_approve.empty()
                                            ? "nobody registered (see beaver policy check)"
                                            : fmt::format("{}", fmt::join(v.may_approve, ", "))));
  }
  if (r.closed_by)
    out.push_back(fmt::format("  {} by {} at {}{}",
                              r.state == ReleaseState::rejected ? "rejected   " : "cancelled  ",
                              *r.closed_by, time_or_dash(r.closed_at),
                              r.close_comment ? fmt::format(": {}", *r.close_comment) : ""));
  if (r.deployed_at) out.push_back(fmt::format("  deployed    {}", format_utc(*r.deployed_at)));
  if (r.reviewed_at)
    out.push_back(fmt::format("  reviewed    {} by {}: {}", format_utc(*r.reviewed_at),
                              r.reviewed_by.value_or("?"), r.review_notes.value_or("")));
  else if (v.review_due)
    out.push_back(fmt::format("  review      due {}{}", format_utc(*v.review_due),
                              v.owing_review ? ", OWED (past its deadline)" : ""));
  for (const auto& d : v.deploys) {
    out.push_back(fmt::format("  deploy {}    by {} at {}, batches {}: {}{}", d.record.id,
                              d.record.actor, format_utc(d.record.started_at), d.record.batches,
                              d.record.status,
                              d.record.message ? fmt::format(" ({})", *d.record.message) : ""));
    for (const auto& st : d.steps) {
      std::string last = st.output;
      if (auto nl = last.rfind('\n'); nl != std::string::npos) last = last.substr(nl + 1);
      if (last.size() > 100) last = last.substr(0, 97) + "...";
      out.push_back(fmt::format("    {} [{}] {:<11} {:<6} {:>7.2f}s  {}", st.host, st.batch + 1,
                                st.step, st.status, static_cast<double>(st.elapsed_ms) / 1000.0,
                                last));
    }
  }
  return out;
}

struct SubmitArgs {
  SubmitRequest request;
  std::string commit, category, reason, package;
};

struct ListArgs {
  std::string service, env, type, status, since, until;
  bool owing_review = false;
  int64_t limit = 1000;
};

struct ActionArgs {
  std::string id, comment, notes;
};

// The lambda for approve, reject, cancel and review: parse the id, run, print the outcome.
template <class Op>
auto release_action(Context& ctx, std::shared_ptr<ActionArgs> args, Op op) {
  return [&ctx, args, op]() -> Result<void> {
    auto id = parse_release_id(args->id);
    if (!id) return std::unexpected(id.error());
    auto session = ctx.session(Access::write, true);
    if (!session) return std::unexpected(session.error());
    auto& [actor, ledger] = *session;
    auto view = op(ledger, actor, *id, *args);
    if (!view) return std::unexpected(view.error());
    ctx.out.record(describe(*view, **ctx.policy()), release_view_json(*view));
    return {};
  };
}

std::optional<std::string> optional_arg(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

}  // namespace

void register_release_commands(CLI::App& app, Context& ctx) {
  auto* release = app.add_subcommand("release", "submit, approve and follow releases");
  release->require_subcommand(1);

  auto sa = std::make_shared<SubmitArgs>();
  auto* submit = release->add_subcommand("submit",
                                         "ask to put a version of a service on an "
                                         "environment");
  submit->add_option("SERVICE", sa->request.service, "the service")->required();
  submit->add_option("--env", sa->request.env, "the environment")->required();
  submit->add_option("--version", sa->request.version, "the version to release");
  auto* commit =
      submit->add_option("--commit", sa->commit, "the git commit the version was built from");
  auto* package = submit->add_option("--package", sa->package,
                                     "a package made by 'beaver package' (its version and commit "
                                     "come from the ledger's record of it)");
  package->excludes(commit);
  submit->add_flag("--emergency", sa->request.emergency,
                   "the emergency path: needs --category and --reason, and a leader's approval");
  submit->add_option("--category", sa->category, "the emergency's reason category");
  submit->add_option("--reason", sa->reason, "why this cannot wait");
  add_output_option(*submit, ctx, {"table", "json"});
  on_release_change(submit, ctx, [&ctx, sa]() -> Result<void> {
    auto session = ctx.session(Access::write, true);
    if (!session) return std::unexpected(session.error());
    auto& [actor, ledger] = *session;
    SubmitRequest req = sa->request;
    req.commit = optional_arg(sa->commit);
    req.category = optional_arg(sa->category);
    req.reason = optional_arg(sa->reason);
    if (sa->package.empty() && req.version.empty())
      return fail(ErrorKind::bad_input, "a release needs --version VERSION or --package FILE");
    if (!sa->package.empty()) {
      auto sha = sha256_file(sa->package);
      if (!sha) return std::unexpected(sha.error());
      req.package_sha256 = *sha;
      req.package_file = sa->package;
    }
    auto view = ledger.submit(actor, req);
    if (!view) return std::unexpected(view.error());
    // Kept beside the ledger, so a deploy finds the very bytes the release names.
    if (!sa->package.empty()) {
      auto home = beaver_home();
      if (!home) return std::unexpected(home.error());
      BEAVER_TRY(keep_package(*home, sa->package, *req.package_sha256));
    }
    std::vector<std::string> text{
        fmt::format("release {} {}", view->release.id, to_string(view->release.state))};
    auto more = describe(*view, **ctx.policy());
    text.insert(text.end(), more.begin(), more.end());
    ctx.out.record(text, release_view_json(*view));
    return {};
  });

  auto la = std::make_shared<ListArgs>();
  auto* list = release->add_subcommand("list", "list releases, newest first");
  list->add_option("--service", la->service, "only this service");
  list->add_option("--env", la->env, "only this environment");
  list->add_option("--type", la->type, "only this type")
      ->check(CLI::IsMember({"normal", "emergency", "rollback"}));
  list->add_option("--status", la->status, "only this status")
      ->check(CLI::IsMember({"submitted", "approved", "rejected", "cancelled", "deploying",
                             "deployed", "failed", "rolled_back", "interrupted"}));
  list->add_option("--since", la->since, "submitted on or after (YYYY-MM-DD or ISO 8601)");
  list->add_option("--until", la->until, "submitted on or before (YYYY-MM-DD or ISO 8601)");
  list->add_flag("--owing-review", la->owing_review,
                 "emergencies whose post-release review is past its deadline");
  list->add_option("--limit", la->limit, "at most this many (default 1000)")
      ->check(CLI::Range(int64_t{1}, int64_t{100000}));
  add_output_option(*list, ctx, {"table", "json", "csv"});
  on_run(list, ctx, [&ctx, la]() -> Result<void> {
    auto session = ctx.session(Access::read, true);
    if (!session) return std::unexpected(session.error());
    auto& [actor, ledger] = *session;
    const Policy& policy = **ctx.policy();
    ReleaseQuery q;
    q.service = optional_arg(la->service);
    q.env = optional_arg(la->env);
    if (!la->type.empty()) q.type = release_type_from_string(la->type);
    if (!la->status.empty()) q.state = release_state_from_string(la->status);
    if (!la->since.empty()) {
      auto t = parse_day_or_time(la->since, policy.zone, false);
      if (!t) return fail(ErrorKind::bad_input, "--since: {}", t.error().message);
      q.since = *t;
    }
    if (!la->until.empty()) {
      auto t = parse_day_or_time(la->until, policy.zone, true);
      if (!t) return fail(ErrorKind::bad_input, "--until: {}", t.error().message);
      q.until = *t;
    }
    q.owing_review = la->owing_review;
    q.limit = la->limit;
    auto releases = ledger.list(actor, q);
    if (!releases) return std::unexpected(releases.error());
    Table t{{"ID", "SERVICE", "ENV", "VERSION", "TYPE", "STATUS", "SUBMITTER", "SUBMITTED",
             "REVIEW DUE"},
            {}};
    Poco::JSON::Array::Ptr json = new Poco::JSON::Array;
    for (const auto& r : *releases) {
      auto due = review_due(r, policy);
      t.rows.push_back({std::to_string(r.id), r.service, r.env, r.version,
                        std::string(to_string(r.type)), std::string(to_string(r.state)),
                        r.submitter, format_utc(r.submitted_at),
                        r.reviewed_at ? "reviewed" : time_or_dash(due)});
      auto o = release_json(r);
      o->set("review_due", due ? Poco::Dynamic::Var(format_utc(*due)) : Poco::Dynamic::Var());
      json->add(o);
    }
    ctx.out.rows(t, json);
    return {};
  });

  auto* inbox =
      release->add_subcommand("inbox", "the releases you may approve now, emergencies first");
  add_output_option(*inbox, ctx, {"table", "json", "csv"});
  on_run(inbox, ctx, [&ctx]() -> Result<void> {
    auto session = ctx.session(Access::read, true);
    if (!session) return std::unexpected(session.error());
    auto& [actor, ledger] = *session;
    auto views = ledger.inbox(actor);
    if (!views) return std::unexpected(views.error());
    Table t{{"ID", "SERVICE", "ENV", "VERSION", "TYPE", "SUBMITTER", "SUBMITTED", "WAITING FOR",
             "REASON"},
            {}};
    Poco::JSON::Array::Ptr json = new Poco::JSON::Array;
    for (const auto& v : *views) {
      const auto& r = v.release;
      t.rows.push_back({std::to_string(r.id), r.service, r.env, r.version,
                        std::string(to_string(r.type)), r.submitter, format_utc(r.submitted_at),
                        v.waiting_for(), r.reason.value_or("")});
      json->add(release_view_json(v));
    }
    ctx.out.rows(t, json);
    return {};
  });

  auto show_id = std::make_shared<std::string>();
  auto* show =
      release->add_subcommand("show", "a release with its approvals and what it waits for");
  show->add_option("ID", *show_id, "release id")->required();
  add_output_option(*show, ctx, {"table", "json"});
  on_run(show, ctx, [&ctx, show_id]() -> Result<void> {
    auto id = parse_release_id(*show_id);
    if (!id) return std::unexpected(id.error());
    auto session = ctx.session(Access::read, true);
    if (!session) return std::unexpected(session.error());
    auto& [actor, ledger] = *session;
    auto view = ledger.show(actor, *id);
    if (!view) return std::unexpected(view.error());
    ctx.out.record(describe(*view, **ctx.policy()), release_view_json(*view));
    return {};
  });

  auto approve_args = std::make_shared<ActionArgs>();
  auto* approve = release->add_subcommand("approve",
                                          "approve a release (the next step of its "
                                          "chain)");
  approve->add_option("ID", approve_args->id, "release id")->required();
  approve->add_option("--comment", approve_args->comment, "a note kept with the approval");
  add_output_option(*approve, ctx, {"table", "json"});
  on_release_change(
      approve, ctx,
      release_action(ctx, approve_args,
                     [](Ledger& l, const std::string& who, int64_t id, const ActionArgs& a) {
                       return l.approve(who, id, optional_arg(a.comment));
                     }));

  auto reject_args = std::make_shared<ActionArgs>();
  auto* reject = release->add_subcommand("reject", "reject a release, saying why");
  reject->add_option("ID", reject_args->id, "release id")->required();
  reject->add_option("--comment", reject_args->comment, "why it is rejected")->required();
  add_output_option(*reject, ctx, {"table", "json"});
  on_release_change(
      reject, ctx,
      release_action(ctx, reject_args,
                     [](Ledger& l, const std::string& who, int64_t id, const ActionArgs& a) {
                       return l.reject(who, id, a.comment);
                     }));

  auto cancel_args = std::make_shared<ActionArgs>();
  auto* cancel = release->add_subcommand("cancel", "withdraw a release before it is deployed");
  cancel->add_option("ID", cancel_args->id, "release id")->required();
  cancel->add_option("--comment", cancel_args->comment, "why it is withdrawn");
  add_output_option(*cancel, ctx, {"table", "json"});
  on_run(cancel, ctx,
         release_action(ctx, cancel_args,
                        [](Ledger& l, const std::string& who, int64_t id, const ActionArgs& a) {
                          return l.cancel(who, id, optional_arg(a.comment));
                        }));

  auto review_args = std::make_shared<ActionArgs>();
  auto* review = release->add_subcommand("review", "write an emergency's post-release review");
  review->add_option("ID", review_args->id, "release id")->required();
  review->add_option("--notes", review_args->notes, "what happened and what follows")->required();
  add_output_option(*review, ctx, {"table", "json"});
  on_run(review, ctx,
         release_action(ctx, review_args,
                        [](Ledger& l, const std::string& who, int64_t id, const ActionArgs& a) {
                          return l.review(who, id, a.notes);
                        }));
}

}  // namespace beaver::cli
