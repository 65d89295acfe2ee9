#include "ledger/ledger.hpp"

#include <algorithm>
#include <filesystem>

#include "audit/audit.hpp"
#include "ledger/release_lookup.hpp"
#include "model/names.hpp"
#include "policy/policy_check.hpp"
#include "policy/release_window.hpp"
#include "policy/submit_rights.hpp"
#include "text/nearest.hpp"

namespace beaver {
namespace {

constexpr size_t kMaxText = 4000;

// The last approval `r`'s chain needed is given: it becomes approved, or when its glass was
// broken (it ran before them), it is signed, late or not, and stays as it is.
Result<void> complete_chain(StoreTransaction& tx, Release& r, bool owes_signature, Timestamp now) {
  r.approved_at = now;
  if (owes_signature) {
    tx.sign_break_glass(r.id, now);
    return {};
  }
  return transition(r.id, r.state, ReleaseState::approved);
}

// The registered package a submit names by its file's checksum, with a message for each way a
// file can fail to be one.
Result<PackageRecord> package_for(StoreTransaction& tx, const SubmitRequest& req) {
  std::string file = req.package_file.value_or("the package");
  auto package = tx.find_package(*req.package_sha256);
  if (package) {
    if (req.service.empty()) return *package;
    if (package->service != req.service)
      return fail(ErrorKind::refused, "{} is a package of {}, not of {}", file, package->service,
                  req.service);
    if (!req.version.empty() && req.version != package->version)
      return fail(ErrorKind::bad_input, "{} holds version {}, not {}", file, package->version,
                  req.version);
    return *package;
  }
  // Not registered: say whether it is a registered package changed since.
  std::string name = std::filesystem::path(file).filename().string();
  std::string prefix = req.service + "-", suffix = ".tar.gz";
  if (!req.service.empty() && name.starts_with(prefix) && name.ends_with(suffix) &&
      name.size() > prefix.size() + suffix.size()) {
    std::string version = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    if (auto registered = tx.find_package_of(req.service, version))
      return fail(ErrorKind::refused,
                  "{} does not match the package registered for {} {} (its sha256 is {}, the "
                  "ledger's {}): it changed after packaging",
                  file, req.service, version, *req.package_sha256, registered->sha256);
  }
  return fail(ErrorKind::refused,
              "{} (sha256 {}) is not a package beaver built: make one with 'beaver package'", file,
              *req.package_sha256);
}

// The refusal of a second open release of the same version on the same place: a leader would
// find two of them waiting.
std::unexpected<Error> duplicate(const Release& open) {
  return fail(ErrorKind::conflict,
              "release {} already puts {} {} on {} ({} by {}): follow it with 'beaver release "
              "show {}', or submit with --replace to cancel it in favour of this one",
              open.id, open.service, open.version, open.env, to_string(open.state), open.submitter,
              open.id);
}

}  // namespace

Result<const Policy*> Ledger::policy() const {
  if (policy_ == nullptr) return fail(ErrorKind::bad_input, "this operation needs a policy");
  return policy_;
}

Result<User> Ledger::acting_user(StoreTransaction& tx, const std::string& actor) const {
  auto user = tx.find_user(actor);
  if (!user)
    return unknown_user(tx, actor, ErrorKind::unauthenticated,
                        "act as a registered user with --as NAME or BEAVER_USER (an admin adds "
                        "users with 'beaver user add')");
  if (user->has(Role::alerts))
    return fail(ErrorKind::refused,
                "{} holds the alerts role: it posts alerts and does nothing else", actor);
  return *user;
}

void Ledger::note_policy(StoreTransaction& tx, const std::string& actor) const {
  if (policy_ == nullptr) return;
  std::string subject = "policy/" + policy_->sha256;
  if (tx.last_audit_subject("policy.changed") == subject) return;
  auto now = clock_.now();
  tx.keep_policy(policy_->sha256, policy_->path, policy_->content, now);
  append_audit(tx, now, actor, "policy.changed", subject,
               AuditPayload().set("path", policy_->path).set("sha256", policy_->sha256));
}

Result<ReleaseView> Ledger::submit(const std::string& actor, const SubmitRequest& req) {
  auto pol = policy();
  if (!pol) return std::unexpected(pol.error());
  const Policy& p = **pol;
  if (req.service.empty() && !req.package_sha256)
    return bad_field("service", "a release needs a service, or a package, which names its own");
  if (!req.service.empty()) BEAVER_TRY(check_name("service", req.service));
  BEAVER_TRY(check_name("environment", req.env));
  if (!req.package_sha256 || !req.version.empty()) BEAVER_TRY(check_name("version", req.version));
  if (req.commit) BEAVER_TRY(check_commit(*req.commit));
  auto env = p.environment(req.env);
  if (!env) return std::unexpected(env.error());
  if (req.rollback && (req.emergency || req.category || req.reason))
    return fail(ErrorKind::bad_input, "a rollback is not an emergency release");
  if (req.emergency) {
    if (!req.category)
      return bad_field("category", "an emergency release needs a category ({})",
                       fmt::join(p.emergency_categories, ", "));
    const auto& cats = p.emergency_categories;
    if (std::find(cats.begin(), cats.end(), *req.category) == cats.end()) {
      std::string near = did_you_mean(nearest_names(*req.category, cats));
      return bad_field("category", "unknown emergency category '{}' ({}the policy has: {})",
                       *req.category, near.empty() ? "" : near + " ", fmt::join(cats, ", "));
    }
    if (!req.reason) return bad_field("reason", "an emergency release needs a reason saying why");
    BEAVER_TRY(in_field("reason", check_text("reason", *req.reason, kMaxText, false)));
  } else if (req.category || req.reason) {
    return bad_field("emergency",
                     "a category and a reason are for emergency releases; this one is not one");
  }
  Release r;
  r.service = req.service;
  r.env = req.env;
  r.version = req.version;
  r.commit = req.commit;
  r.type = req.rollback    ? ReleaseType::rollback
           : req.emergency ? ReleaseType::emergency
                           : ReleaseType::normal;
  r.category = req.category;
  r.reason = req.reason;
  r.submitter = actor;
  r.policy_sha256 = p.sha256;
  const auto& chain = (*env)->chain_for(r.type);
  ReleaseView view;
  BEAVER_TRY(store_.write([&](StoreTransaction& tx) -> Result<void> {
    auto now = clock_.now();
    r.submitted_at = now;
    auto me = acting_user(tx, actor);
    if (!me) return std::unexpected(me.error());
    BEAVER_TRY(may_submit_type(*me, r.type));
    std::optional<PackageRecord> package;
    if (req.package_sha256) {
      auto found = package_for(tx, req);
      if (!found) return std::unexpected(found.error());
      package = *found;
      r.service = package->service;
    }
    auto service = tx.find_service(r.service);
    if (!service) return unknown_service(tx, r.service);
    BEAVER_TRY(may_submit_for(**env, *me, *service, r.type));
    if (package) {
      r.version = package->version;
      r.commit = package->commit;
      r.package_sha256 = package->sha256;
    }
    // Like for like: a release approved long ago but never deployed does not hold up a rollback
    // to its version, which restores what ran; a second rollback there would be a duplicate.
    auto open = tx.open_releases_of(r.service, r.env, r.version);
    std::erase_if(open, [&](const Release& o) {
      return (o.type == ReleaseType::rollback) != (r.type == ReleaseType::rollback);
    });
    if (!open.empty() && !req.replace) return duplicate(open.front());
    // A rollback restores what ran before: it is not held to the release windows.
    if (r.type == ReleaseType::normal) {
      auto window = check_release_window(**env, now);
      if (!window.open) {
        std::string when = window.next_open ? fmt::format("the next window opens {}",
                                                          format_local(**env, *window.next_open))
                                            : std::string("no window opens within a year");
        std::string why =
            window.freeze
                ? fmt::format("{} is frozen ({})", r.env,
                              window.freeze->reason.empty() ? "freeze" : window.freeze->reason)
                : fmt::format("{} is outside its release windows", r.env);
        return fail(ErrorKind::refused,
                    "{} at {}; {}. An urgent change can go the emergency way, as an emergency "
                    "release with a category and a reason",
                    why, format_local(**env, now), when);
      }
    }
    note_policy(tx, actor);
    bool auto_approved = chain.empty();
    if (auto_approved) {
      r.state = ReleaseState::approved;
      r.approved_at = now;
    }
    r.id = tx.insert_release(r);
    append_audit(tx, now, actor, "release.submit", release_subject(r.id),
                 AuditPayload()
                     .set("service", r.service)
                     .set("env", r.env)
                     .set("version", r.version)
                     .set("commit", r.commit)
                     .set("package_sha256", r.package_sha256)
                     .set("type", std::string(to_string(r.type)))
                     .set("category", r.category)
                     .set("reason", r.reason)
                     .set("status", std::string(to_string(r.state)))
                     .set("policy_sha256", p.sha256));
    for (const Release& old : open) BEAVER_TRY(replace_open(tx, p, *me, old, r.id, now));
    view = build_release_view(tx, p, r, now);
    announcer_.announce(tx, p, nullptr, view, now);
    return {};
  }));
  return view;
}

Result<void> Ledger::replace_open(StoreTransaction& tx, const Policy& p, const User& me,
                                  Release open, int64_t by, Timestamp now) {
  if (open.submitter != me.name && !me.has(Role::admin))
    return fail(ErrorKind::refused,
                "release {} already puts {} {} on {}, and only its submitter ({}) or an admin "
                "may replace it",
                open.id, open.service, open.version, open.env, open.submitter);
  std::optional<ReleaseView> before;
  if (!p.notify.empty()) before = build_release_view(tx, p, open, now);
  BEAVER_TRY(transition(open.id, open.state, ReleaseState::cancelled));
  std::string comment = fmt::format("replaced by release {}", by);
  open.closed_by = me.name;
  open.close_comment = comment;
  open.closed_at = now;
  tx.update_release(open);
  append_audit(tx, now, me.name, "release.cancel", release_subject(open.id),
               AuditPayload().set("comment", comment).set("replaced_by", by));
  if (before) announcer_.announce(tx, p, &*before, build_release_view(tx, p, open, now), now);
  return {};
}

Result<ReleaseView> Ledger::change_release(const std::string& actor, int64_t id,
                                           const ReleaseChange& change) {
  auto pol = policy();
  if (!pol) return std::unexpected(pol.error());
  const Policy& p = **pol;
  ReleaseView view;
  BEAVER_TRY(store_.write([&](StoreTransaction& tx) -> Result<void> {
    auto me = acting_user(tx, actor);
    if (!me) return std::unexpected(me.error());
    auto found = find_release(tx, id);
    if (!found) return std::unexpected(found.error());
    Release r = *found;
    auto now = clock_.now();
    // What the release waited for before, to tell which change is worth announcing.
    std::optional<ReleaseView> before;
    if (!p.notify.empty()) before = build_release_view(tx, p, r, now);
    auto entry = change(tx, p, *me, r, now);
    if (!entry) return std::unexpected(entry.error());
    note_policy(tx, actor);
    tx.update_release(r);
    append_audit(tx, now, actor, entry->action, release_subject(r.id), entry->payload);
    view = build_release_view(tx, p, r, now);
    if (before) announcer_.announce(tx, p, &*before, view, now);
    return {};
  }));
  return view;
}

Result<ReleaseView> Ledger::approve(const std::string& actor, int64_t id,
                                    const std::optional<std::string>& comment) {
  if (comment) BEAVER_TRY(in_field("comment", check_text("comment", *comment, kMaxText, true)));
  return change_release(
      actor, id,
      [&](StoreTransaction& tx, const Policy& p, const User& me, Release& r,
          Timestamp now) -> Result<ReleaseChanged> {
        auto current = build_release_view(tx, p, r, now);
        if (r.state == ReleaseState::approved && current.approval_expired) {
          // Its approvals lapsed before a deploy: it waits for the whole chain again.
          BEAVER_TRY(transition(r.id, r.state, ReleaseState::submitted));
          r.approved_at.reset();
          tx.update_release(r);
          append_audit(tx, now, me.name, "release.approval_expired", release_subject(r.id),
                       AuditPayload().set("expires_after", format_duration(p.approval_expires)));
        } else if (r.state != ReleaseState::submitted && !current.owes_signature) {
          return fail(ErrorKind::conflict,
                      "release {} is {}; only a submitted release is approved{}", r.id,
                      to_string(r.state),
                      current.break_glass ? " (its break glass approvals are all given)" : "");
        }
        if (auto env = p.environment(r.env); !env)
          return fail(ErrorKind::refused,
                      "release {} is for environment {}, which the policy no longer has; it "
                      "cannot be approved",
                      r.id, r.env);
        if (current.chain.complete()) {
          // The policy changed since submit and the approvals already given meet it now.
          bool eligible = std::any_of(
              current.chain.steps.begin(), current.chain.steps.end(), [&](const StepStatus& st) {
                return !why_not_eligible(st.rule, me, current.team, r.submitter);
              });
          if (!eligible)
            return fail(ErrorKind::refused, "{} may not approve release {}", me.name, r.id);
          BEAVER_TRY(complete_chain(tx, r, current.owes_signature, now));
          return ReleaseChanged{
              "release.approve",
              AuditPayload()
                  .set("note", "the approvals already given meet the policy now in force")
                  .set("status", std::string(to_string(r.state)))};
        }
        // One person counts once: someone who approved, in their own right or as a stand-in,
        // approves no more.
        for (size_t i = 0; i < current.approvals.size(); ++i)
          if (current.counts[i] && current.approvals[i].approver == me.name)
            return fail(ErrorKind::refused,
                        "{} already approved release {} (step {}{}); one person counts once",
                        me.name, r.id, current.approvals[i].step + 1,
                        current.approvals[i].for_user
                            ? fmt::format(", for {}", *current.approvals[i].for_user)
                            : std::string());
        auto step = approval_step_for(r, current.chain, me, current.team);
        std::optional<std::string> for_user;
        // Not in their own right: as a stand-in for someone who could, while a delegation holds,
        // and never for their own release.
        if (!step && me.name != r.submitter) {
          // Why not for the first one they stand in for: "lea already approved ...".
          std::optional<std::pair<std::string, Error>> as_stand_in;
          for (const auto& d : tx.standing_delegations()) {
            if (!d.holds(now) || d.delegate != me.name) continue;
            auto principal = tx.find_user(d.user);
            if (!principal) continue;
            auto as = approval_step_for(r, current.chain, *principal, current.team);
            if (as) {
              step = as;
              for_user = d.user;
              break;
            }
            if (!as_stand_in) as_stand_in = {d.user, as.error()};
          }
          if (!step && as_stand_in)
            return fail(as_stand_in->second.kind, "{}; nor for {}, whom {} stands in for: {}",
                        step.error().message, as_stand_in->first, me.name,
                        as_stand_in->second.message);
        }
        if (!step) return std::unexpected(step.error());
        Approval a{r.id,
                   me.name,
                   static_cast<int>(*step),
                   std::string(to_string(current.chain.steps[*step].rule.role)),
                   approval_binding(r),
                   comment,
                   now,
                   for_user};
        tx.insert_approval(a);
        if (build_release_view(tx, p, r, now).chain.complete())
          BEAVER_TRY(complete_chain(tx, r, current.owes_signature, now));
        return ReleaseChanged{"release.approve",
                              AuditPayload()
                                  .set("step", static_cast<int64_t>(*step + 1))
                                  .set("role", a.role)
                                  .set("for", a.for_user)
                                  .set("comment", comment)
                                  .set("binding", a.binding)
                                  .set("status", std::string(to_string(r.state)))};
      });
}

Result<ReleaseView> Ledger::reject(const std::string& actor, int64_t id,
                                   const std::string& comment) {
  BEAVER_TRY(in_field("comment", check_text("a rejection's comment", comment, kMaxText, false)));
  return change_release(
      actor, id,
      [&](StoreTransaction& tx, const Policy& p, const User& me, Release& r,
          Timestamp now) -> Result<ReleaseChanged> {
        if (r.submitter == me.name)
          return fail(ErrorKind::refused,
                      "{} submitted release {} and cannot reject it (cancel it instead)", me.name,
                      r.id);
        auto current = build_release_view(tx, p, r, now);
        if (current.break_glass)
          return fail(ErrorKind::conflict,
                      "release {} was deployed by break glass, before its approvals: they are "
                      "given, not refused; to undo it, roll it back (beaver rollback {} --env {})",
                      r.id, r.service, r.env);
        // Whoever could approve some step of the chain may reject.
        bool may = std::any_of(current.chain.steps.begin(), current.chain.steps.end(),
                               [&](const StepStatus& s) {
                                 return !why_not_eligible(s.rule, me, current.team, r.submitter);
                               });
        if (!may)
          return fail(ErrorKind::refused,
                      "{} may not reject release {}: only someone who could approve it may",
                      me.name, r.id);
        BEAVER_TRY(transition(r.id, r.state, ReleaseState::rejected));
        r.closed_by = me.name;
        r.close_comment = comment;
        r.closed_at = now;
        return ReleaseChanged{"release.reject", AuditPayload().set("comment", comment)};
      });
}

Result<ReleaseView> Ledger::cancel(const std::string& actor, int64_t id,
                                   const std::optional<std::string>& comment) {
  if (comment) BEAVER_TRY(in_field("comment", check_text("comment", *comment, kMaxText, true)));
  return change_release(
      actor, id,
      [&](StoreTransaction&, const Policy&, const User& me, Release& r,
          Timestamp now) -> Result<ReleaseChanged> {
        if (r.submitter != me.name && !me.has(Role::admin))
          return fail(ErrorKind::refused, "only its submitter ({}) or an admin cancels release {}",
                      r.submitter, r.id);
        BEAVER_TRY(transition(r.id, r.state, ReleaseState::cancelled));
        r.closed_by = me.name;
        r.close_comment = comment;
        r.closed_at = now;
        return ReleaseChanged{"release.cancel", AuditPayload().set("comment", comment)};
      });
}

Result<ReleaseView> Ledger::review(const std::string& actor, int64_t id, const std::string& notes) {
  BEAVER_TRY(in_field("notes", check_text("the review's notes", notes, kMaxText, false)));
  return change_release(
      actor, id,
      [&](StoreTransaction& tx, const Policy& p, const User& me, Release& r,
          Timestamp now) -> Result<ReleaseChanged> {
        if (r.type != ReleaseType::emergency)
          return fail(ErrorKind::conflict,
                      "release {} is a {} release; only emergencies get a post-release review",
                      r.id, to_string(r.type));
        if (!review_due(r, p))
          return fail(ErrorKind::conflict,
                      "release {} is {}; its review is written once it is approved", r.id,
                      to_string(r.state));
        if (r.reviewed_at)
          return fail(ErrorKind::conflict, "release {} was reviewed by {} at {}", r.id,
                      r.reviewed_by.value_or("?"), format_utc(*r.reviewed_at));
        auto svc = tx.find_service(r.service);
        bool team_leader = svc && me.has(Role::leader) && me.team == svc->team;
        if (me.name != r.submitter && !team_leader && !me.has(Role::admin))
          return fail(
              ErrorKind::refused,
              "the review of release {} is written by its submitter, a leader of team {} or "
              "an admin",
              r.id, svc ? svc->team : "?");
        r.reviewed_by = me.name;
        r.reviewed_at = now;
        r.review_notes = notes;
        return ReleaseChanged{"release.review", AuditPayload().set("notes", notes)};
      });
}

Result<void> Ledger::read_as(const std::string& actor, const BulkRead& read) {
  auto pol = policy();
  if (!pol) return std::unexpected(pol.error());
  Timestamp now = clock_.now();
  return store_.read([&](StoreTransaction& tx) -> Result<void> {
    BEAVER_TRY(acting_user(tx, actor));
    return read(tx, **pol, now);
  });
}

Result<std::vector<AuditEntry>> Ledger::audit_log(const std::string& actor,
                                                  const std::optional<std::string>& subject) {
  std::vector<AuditEntry> entries;
  BEAVER_TRY(store_.read([&](StoreTransaction& tx) -> Result<void> {
    BEAVER_TRY(acting_user(tx, actor));
    tx.scan_audit(1, [&](const AuditEntry& e) {
      if (!subject || e.subject == *subject) entries.push_back(e);
      return true;
    });
    return {};
  }));
  return entries;
}

Result<ReleaseView> Ledger::show(const std::string& actor, int64_t id) {
  auto pol = policy();
  if (!pol) return std::unexpected(pol.error());
  ReleaseView view;
  BEAVER_TRY(store_.read([&](StoreTransaction& tx) -> Result<void> {
    BEAVER_TRY(acting_user(tx, actor));
    auto found = find_release(tx, id);
    if (!found) return std::unexpected(found.error());
    view = build_release_view(tx, **pol, *found, clock_.now());
    view.context = read_release_context(tx, view.release);
    view.alerts = tx.alerts_of(view.release.id);
    return {};
  }));
  return view;
}

Result<std::vector<Release>> Ledger::list(const std::string& actor, const ReleaseQuery& q) {
  auto page = read_list(actor, q, false);
  if (!page) return std::unexpected(page.error());
  return std::move(page->releases);
}

Result<ReleasePage> Ledger::list_page(const std::string& actor, const ReleaseQuery& q) {
  return read_list(actor, q, true);
}

Result<ReleasePage> Ledger::read_list(const std::string& actor, const ReleaseQuery& q, bool count) {
  auto pol = policy();
  if (!pol) return std::unexpected(pol.error());
  if (q.service) BEAVER_TRY(check_name("service", *q.service));
  if (q.env) BEAVER_TRY(check_name("environment", *q.env));
  if (q.since && q.until && *q.until <= *q.since)
    return bad_field("until", "the period's end ({}) is not after its start ({})",
                     format_utc(*q.until), format_utc(*q.since));
  ReleaseFilter f;
  f.service = q.service;
  f.env = q.env;
  f.type = q.type;
  f.state = q.state;
  f.submitted_from = q.since;
  f.submitted_until = q.until;
  f.team = q.team;
  f.submitter = q.submitter;
  f.text = q.text;
  f.owing_signature = q.owing_signature;
  f.limit = q.limit;
  f.offset = q.offset;
  if (q.owing_review) {
    f.review_due_before = clock_.now();
    f.review_deadline = (*pol)->review_deadline;
  }
  ReleasePage out;
  BEAVER_TRY(store_.read([&](StoreTransaction& tx) -> Result<void> {
    BEAVER_TRY(acting_user(tx, actor));
    out.releases = tx.list_releases(f);
    if (count) out.total = tx.count_releases(f);
    return {};
  }));
  return out;
}

Result<std::vector<Release>> Ledger::open_releases(const std::string& actor, int64_t limit) {
  std::vector<Release> out;
  BEAVER_TRY(store_.read([&](StoreTransaction& tx) -> Result<void> {
    BEAVER_TRY(acting_user(tx, actor));
    out = tx.open_releases(limit);
    return {};
  }));
  return out;
}

Result<std::vector<ReleaseView>> Ledger::inbox(const std::string& actor) {
  auto pol = policy();
  if (!pol) return std::unexpected(pol.error());
  std::vector<ReleaseView> out;
  BEAVER_TRY(store_.read([&](StoreTransaction& tx) -> Result<void> {
    BEAVER_TRY(acting_user(tx, actor));
    auto now = clock_.now();
    ReleaseFilter owed;
    owed.owing_signature = true;
    owed.limit = 100000;
    auto releases = tx.open_releases(100000);
    for (auto& r : tx.list_releases(owed)) releases.push_back(std::move(r));
    for (auto& r : releases) {
      auto view = build_release_view(tx, **pol, std::move(r), now);
      const auto& who = view.may_approve;
      if (std::find(who.begin(), who.end(), actor) != who.end()) out.push_back(std::move(view));
    }
    return {};
  }));
  std::stable_sort(out.begin(), out.end(), [](const ReleaseView& a, const ReleaseView& b) {
    bool ae = a.release.type == ReleaseType::emergency,
         be = b.release.type == ReleaseType::emergency;
    if (ae != be) return ae;
    return a.release.id < b.release.id;
  });
  return out;
}

}  // namespace beaver
