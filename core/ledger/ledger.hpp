#pragma once
// The ledger's operations: every change to users, services and releases, each one write
// transaction that applies the policy's rules and appends to the audit log. The command line and
// the server both call these; neither holds a rule of its own.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit.hpp"
#include "auth/ldap_directory.hpp"
#include "clock/clock.hpp"
#include "error/error.hpp"
#include "ledger/release_announcer.hpp"
#include "ledger/release_view.hpp"
#include "model/alert_event.hpp"
#include "model/release.hpp"
#include "model/user.hpp"
#include "policy/policy.hpp"
#include "store/store.hpp"

namespace beaver {

struct NewUser {
  std::string name;
  std::string team;
  std::vector<Role> roles;
  // Adding: the user's address, if any. Updating: absent keeps the address, empty removes it.
  std::optional<std::string> email{};
  // Chat ids as "KIND:ID" (see parse_im). Adding: the user's. Updating: each sets its kind's id,
  // "KIND:" removes it, and the kinds not named are kept.
  std::vector<std::string> im{};
};

struct SubmitRequest {
  std::string service;  // may be empty with a package: the package's service is used
  std::string env;
  std::string version;  // may be empty with a package: the package's version is used
  std::optional<std::string> commit;
  bool emergency = false;
  std::optional<std::string> category;
  std::optional<std::string> reason;
  std::optional<std::string> package_sha256;  // the package file's checksum
  std::optional<std::string> package_file;    // its name, for messages
  // A rollback: made by Ledger::rollback, which picks the package of an earlier deploy.
  bool rollback = false;
  // Cancels the open release of the same version on the same environment, which is otherwise
  // refused as a duplicate, in favour of this one.
  bool replace = false;
};

struct ReleaseQuery {
  std::optional<std::string> service;
  std::optional<std::string> env;
  std::optional<ReleaseType> type;
  std::optional<ReleaseState> state;
  std::optional<Timestamp> since;  // submitted at or after
  std::optional<Timestamp> until;  // submitted before
  bool owing_review = false;
  bool owing_signature = false;  // deployed by break glass, its approvals still owed
  std::optional<std::string> team, submitter;
  std::optional<std::string> text;  // in the reason, the version or the submitter
  int64_t limit = 1000;
  int64_t offset = 0;  // the newest this many left out
};

// A page of a release listing: its releases, newest first, and how many match in all.
struct ReleasePage {
  std::vector<Release> releases;
  int64_t total = 0;
};

// What a deploy claims when it starts: the checksum of the package file it is about to upload,
// and who holds the lease (so a holder that died can be told from one still running).
struct DeployClaim {
  std::string package_sha256;
  std::string batches;  // as planned, for the record
  std::string machine;
  int64_t pid = 0;
  std::string pid_start;
  std::chrono::seconds lease{60};
  // Breaking the glass, for this reason: a submitted emergency deployed before its approvals,
  // where its environment's policy allows it.
  std::optional<std::string> break_glass{};
};

struct DeployStarted {
  DeployRecord deploy;
  Release release;
  PackageRecord package;
  std::vector<std::string> recovered;  // leases of dead deploys taken over, one line each
};

// What an environment runs according to the ledger.
struct LiveState {
  std::vector<Release> deployed;         // releases deployed there, newest deploy first
  std::optional<PackageRecord> package;  // the package of deployed.front()
  std::optional<DeployLease> lease;
};

// A deploy as someone following it reads it.
struct DeployDetail {
  DeployRecord record;
  Release release;
  std::vector<DeployStep> steps;    // in the order they ended
  std::vector<DeployEvent> events;  // in the order they happened
};

// What a batch of alert events did: how many events, new alerts, alerts resolved (new or known),
// and new alerts attributed to a release.
struct AlertIntake {
  int64_t events = 0, added = 0, resolved = 0, attributed = 0;
};

// A token as made: its record and, this once, its text.
struct NewToken {
  TokenRecord record;
  std::string text;
};

// A browser's sign-in as made: its record and, this once, its cookie's value.
struct NewSession {
  SessionRecord record;
  std::string cookie;
};

// How long a browser's sign-in lasts: ended after `idle` without a request, and after
// `absolute` whatever its use.
struct SessionLimits {
  std::chrono::seconds idle{std::chrono::hours(1)};
  std::chrono::seconds absolute{std::chrono::hours(12)};
};

// Who a session cookie stands for.
struct SessionUser {
  User user;
  SessionRecord session;
};

// The rule for the first user of an empty ledger (well-named, and an admin, who can then add the
// others), checkable before a ledger exists.
Result<void> check_first_user(const NewUser& user);

class Ledger {
 public:
  // `policy` may be null for operations that do not need one (users, services, audit).
  // `announcer` hears of every change to a release (the notifications outbox).
  Ledger(Store& store, const Clock& clock, const Policy* policy, const ReleaseAnnouncer& announcer)
      : store_(store), clock_(clock), policy_(policy), announcer_(announcer) {}

  // Adds a user. Only an admin may, except for the first user of an empty ledger, who must be an
  // admin.
  Result<User> add_user(const std::string& actor, const NewUser& user);
  // Replaces a user's team and roles, and their e-mail address when the request has one (admin
  // only); the last admin keeps the admin role. With a policy, a change that would leave someone's
  // release with nobody to approve it (policy_check's newly_stuck) is refused.
  Result<User> update_user(const std::string& actor, const NewUser& user);
  Result<std::vector<User>> list_users(const std::string& actor);

  // Registers a service with its owning team (an admin, or a leader of that team).
  Result<Service> add_service(const std::string& actor, const std::string& name,
                              const std::string& team);
  Result<std::vector<Service>> list_services(const std::string& actor);

  // The approval steps that the registered users cannot meet under `policy`, and its email
  // channels that reach nobody (see policy_check).
  Result<std::vector<std::string>> policy_warnings(const Policy& policy);

  // Records a package built by `beaver package` (by a developer or a leader), registering its
  // service with the manifest's team when the ledger does not know it yet. The same package
  // registered again is not recorded twice; `registered` says whether it was new.
  // The checks register_package makes before recording, without recording: run them before a
  // build, so a refusal costs no build.
  Result<void> check_can_register(const std::string& actor, const std::string& service,
                                  const std::string& team);
  // Only whether `actor` registers packages at all: checked before a package's bytes are read.
  Result<void> check_can_register(const std::string& actor);
  Result<PackageRecord> register_package(const std::string& actor, PackageRecord package,
                                         const std::string& team, bool& registered);

  Result<ReleaseView> submit(const std::string& actor, const SubmitRequest& request);
  Result<ReleaseView> approve(const std::string& actor, int64_t id,
                              const std::optional<std::string>& comment);
  Result<ReleaseView> reject(const std::string& actor, int64_t id, const std::string& comment);
  Result<ReleaseView> cancel(const std::string& actor, int64_t id,
                             const std::optional<std::string>& comment);
  Result<ReleaseView> review(const std::string& actor, int64_t id, const std::string& notes);

  // Deploys. start_deploy takes the environment's lease (recovering one whose holder died or
  // whose time ran out) and moves the release to deploying, after checking again, inside that
  // transaction, that it is approved and unexpired, that `claim` names its package, and that no
  // newer release is live there (unless it is a rollback).
  Result<DeployStarted> start_deploy(const std::string& actor, int64_t release_id,
                                     const DeployClaim& claim);
  // The checks start_deploy makes, without taking anything: for a dry run. Notes what it would
  // recover.
  Result<std::vector<std::string>> check_deploy(const std::string& actor, int64_t release_id,
                                                const DeployClaim& claim);
  Result<void> record_steps(const std::vector<DeployStep>& steps);  // in one transaction
  // Steps and the lines among them (hosts finished, notes), in one transaction.
  Result<void> record_progress(const std::vector<DeployStep>& steps,
                               const std::vector<DeployEvent>& events);
  // Extends the lease; a conflict when the deploy lost it (it expired and was taken over).
  Result<void> renew_lease(int64_t deploy_id, const std::string& service, const std::string& env,
                           std::chrono::seconds lease);
  // Ends a deploy: `status` is deployed, failed, rolled_back or interrupted; frees the lease;
  // records each host's outcome (events of kind outcome).
  Result<ReleaseView> finish_deploy(const std::string& actor, int64_t deploy_id,
                                    const std::string& status,
                                    const std::optional<std::string>& message,
                                    const std::vector<DeployEvent>& outcomes = {});
  // Submits a rollback of `service` on `env` to `to` (a version), else to the version deployed
  // there before the live one. `deploy_at_once`: the caller deploys it as soon as it is approved
  // (beaver rollback); where the policy approves a rollback on submit, only who may deploy may
  // then ask for one, and anyone else is refused before anything is recorded.
  Result<ReleaseView> rollback(const std::string& actor, const std::string& service,
                               const std::string& env, const std::optional<std::string>& to,
                               bool deploy_at_once = false);
  Result<LiveState> live(const std::string& actor, const std::string& service,
                         const std::string& env);
  Result<PackageRecord> package(const std::string& actor, const std::string& sha256);
  // Packages newest first, of `service` when given.
  Result<std::vector<PackageRecord>> packages(const std::string& actor,
                                              const std::optional<std::string>& service,
                                              int64_t limit);
  // One deploy as a follower reads it: its record, its release, its steps and events.
  Result<DeployDetail> deploy(const std::string& actor, int64_t deploy_id);
  // Asks the running deploy `deploy_id` to stop between steps, as Ctrl-C does: for ops or an
  // admin. The request is kept on the deploy's lease, where the process running it (the command
  // line, any server) reads it within a second; `deliver`, when this process may run it (a
  // server's executor), tells it at once. A conflict when the deploy ended, or its process is
  // gone. Recorded in the audit log; the deploy records how it ended when it does.
  Result<DeployDetail> stop_deploy(const std::string& actor, int64_t deploy_id,
                                   const std::function<Result<void>()>& deliver);
  // Who asked the deploy `deploy_id`, holding the lease on `service` `env`, to stop, if anyone;
  // a conflict when it no longer holds the lease.
  Result<std::optional<std::string>> deploy_stop_request(int64_t deploy_id,
                                                         const std::string& service,
                                                         const std::string& env);
  // Deploys newest first, with their releases, of `service` on `env` when given.
  Result<std::vector<std::pair<DeployRecord, Release>>> deploys(
      const std::string& actor, const std::optional<std::string>& service,
      const std::optional<std::string>& env, int64_t limit);
  // Whether any deploy switched `host` to release `release_id`.
  Result<bool> host_received(const std::string& host, int64_t release_id);

  // Runs `read` on a consistent snapshot of the ledger for `actor`, any registered user, with
  // the policy in force and the time now: for what reads the ledger in bulk (the report). An
  // unknown user is refused, and nothing is read.
  using BulkRead = std::function<Result<void>(StoreTransaction&, const Policy&, Timestamp now)>;
  Result<void> read_as(const std::string& actor, const BulkRead& read);

  // Stand-ins. `user` (or an admin for them) lets `delegate` give the approvals `user` could
  // give until `until` (at most 90 days ahead); never an approval of the delegate's own release,
  // and the approval counts as `user`'s. The user, the delegate or an admin revokes it. The
  // list: those that hold now, or with `all` every one, newest first; of `user` (as user or
  // delegate) when given.
  Result<Delegation> delegate(const std::string& actor, const std::string& user,
                              const std::string& delegate, Timestamp until,
                              const std::optional<std::string>& reason);
  Result<Delegation> revoke_delegation(const std::string& actor, int64_t id);
  Result<std::vector<Delegation>> list_delegations(const std::string& actor,
                                                   const std::optional<std::string>& user,
                                                   bool all);

  // Monitoring's alerts, posted by a user holding the alerts role: each new alert is kept and
  // attributed (to the release deployed last where it fired, within the policy's window); a
  // known one is left as it is, but for its resolution. All in one transaction.
  Result<AlertIntake> receive_alerts(const std::string& actor,
                                     const std::vector<AlertEvent>& events);
  Result<std::vector<AlertRecord>> list_alerts(const std::string& actor, const AlertFilter& filter);

  // API tokens. Anyone creates and revokes their own; an admin anyone's. A token is shown only
  // when created; the ledger keeps its hash.
  Result<NewToken> create_token(const std::string& actor, const std::string& user,
                                const std::string& label);
  Result<std::vector<TokenRecord>> list_tokens(const std::string& actor);
  Result<TokenRecord> revoke_token(const std::string& actor, int64_t id);
  // The user a token stands for: unauthenticated when it is unknown, revoked or malformed.
  Result<User> authenticate(std::string_view token);

  // People's passwords and browser sessions. A user sets their own password, an admin anyone's;
  // a new password ends the user's sessions.
  Result<void> set_password(const std::string& actor, const std::string& user,
                            const std::string& password);
  // Signs `user` in from `client` when `password` is theirs: a new session. The password is the
  // one set in the ledger, or without one, where `directory` is given, the directory's. One
  // refusal for every failure (unknown user, no password, wrong password); each is audited. The
  // user must be in the ledger, which keeps their team and roles.
  Result<NewSession> start_session(const std::string& user, const std::string& password,
                                   const std::string& client,
                                   const LdapDirectory* directory = nullptr);
  // The user a session cookie stands for, while its session lasts; marks it used.
  Result<SessionUser> session_user(std::string_view cookie, const SessionLimits& limits);
  // Ends the session of `cookie` (signing out); a conflict when it has already ended.
  Result<void> end_session(std::string_view cookie);

  // The audit log, oldest first: the whole of it, or the entries about `subject` only
  // (e.g. "release/42").
  Result<std::vector<AuditEntry>> audit_log(const std::string& actor,
                                            const std::optional<std::string>& subject);

  Result<ReleaseView> show(const std::string& actor, int64_t id);
  Result<std::vector<Release>> list(const std::string& actor, const ReleaseQuery& query);
  // The same page of the listing, with the number of releases the query matches (counted in
  // the same snapshot).
  Result<ReleasePage> list_page(const std::string& actor, const ReleaseQuery& query);
  // Releases still in flight (submitted or approved), newest first, at most `limit`; needs no
  // policy.
  Result<std::vector<Release>> open_releases(const std::string& actor, int64_t limit);
  // The releases `actor` may approve now (including approved ones whose approval expired),
  // emergencies first, then oldest first.
  Result<std::vector<ReleaseView>> inbox(const std::string& actor);

 private:
  // A page of the listing, and how many match in all when `count`.
  Result<ReleasePage> read_list(const std::string& actor, const ReleaseQuery& query, bool count);

  // What a change to a release leaves in the audit log.
  struct ReleaseChanged {
    std::string action;
    AuditPayload payload;
  };
  using ReleaseChange = std::function<Result<ReleaseChanged>(
      StoreTransaction&, const Policy&, const User& actor, Release&, Timestamp now)>;
  // One write transaction: finds the acting user and the release, applies `change` to it, stores
  // it, records the policy in force and the audit entry, and returns the release's new view.
  Result<ReleaseView> change_release(const std::string& actor, int64_t id,
                                     const ReleaseChange& change);

  // Cancels `open`, which release `by` replaces (submitted with `replace`), as its submitter or
  // an admin may.
  Result<void> replace_open(StoreTransaction& tx, const Policy& p, const User& me, Release open,
                            int64_t by, Timestamp now);

  Result<const Policy*> policy() const;
  Result<User> acting_user(StoreTransaction& tx, const std::string& actor) const;
  // Records the policy in force when its content differs from the last one the ledger saw.
  void note_policy(StoreTransaction& tx, const std::string& actor) const;

  Store& store_;
  const Clock& clock_;
  const Policy* policy_;
  const ReleaseAnnouncer& announcer_;
};

}  // namespace beaver
