#pragma once
// The ledger's storage: one interface that the rules use, so they never see SQL, with a SQLite
// and a PostgreSQL implementation. The records it reads and writes are defined in model/.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "error/error.hpp"
#include "model/alert.hpp"
#include "model/audit_entry.hpp"
#include "model/break_glass.hpp"
#include "model/delegation.hpp"
#include "model/deploy_record.hpp"
#include "model/notification.hpp"
#include "model/package_record.hpp"
#include "model/release.hpp"
#include "model/session_record.hpp"
#include "model/token_record.hpp"
#include "model/user.hpp"

namespace beaver {

class BulkReader;  // store/row_source.hpp

struct ReleaseFilter {
  std::optional<std::string> service;
  std::optional<std::string> env;
  std::optional<ReleaseType> type;
  std::optional<ReleaseState> state;
  std::optional<Timestamp> submitted_from;   // inclusive
  std::optional<Timestamp> submitted_until;  // exclusive
  // Emergencies past approval or deploy with no review, whose review was due before this time.
  std::optional<Timestamp> review_due_before;
  std::chrono::seconds review_deadline{0};  // used with review_due_before
  std::optional<std::string> team;          // releases of this team's services
  std::optional<std::string> submitter;     // releases this person submitted
  // Text found in the reason, the version or the submitter, ASCII letters in any case; % and _
  // are plain characters here.
  std::optional<std::string> text;
  bool owing_signature = false;  // deployed by break glass, its approvals still owed
  int64_t limit = 1000;
  int64_t offset = 0;  // the newest this many that match are left out
};

// Alerts newest first (by when they fired): of `service` and `env` when given, only those
// attributed to no release when `unattributed`.
struct AlertFilter {
  std::optional<std::string> service, env;
  bool unattributed = false;
  int64_t limit = 1000;
};

// A release's approvals, and its deploy runs with their steps: what its page shows.
struct ReleaseRecords {
  std::vector<Approval> approvals;                                        // oldest first
  std::vector<std::pair<DeployRecord, std::vector<DeployStep>>> deploys;  // oldest first
};

// What one unit of work may read and write. Database faults inside are thrown and turned into
// errors by Store::write/read, which also roll the whole unit back.
class StoreTransaction {
 public:
  virtual ~StoreTransaction() = default;

  // approvals_of, deploys_of and deploy_steps of each run; a store may read them at once.
  virtual ReleaseRecords release_records(int64_t release_id) {
    ReleaseRecords out;
    out.approvals = approvals_of(release_id);
    for (auto& d : deploys_of(release_id)) {
      auto steps = deploy_steps(d.id);
      out.deploys.emplace_back(std::move(d), std::move(steps));
    }
    return out;
  }

  virtual std::optional<User> find_user(std::string_view name) = 0;
  virtual std::vector<User> list_users() = 0;
  // Users holding `role` (in `team` if given), by name, each with all their roles.
  virtual std::vector<User> users_with_role(Role role,
                                            std::optional<std::string_view> team = {}) = 0;
  virtual void insert_user(const User& user) = 0;
  virtual void update_user(const User& user) = 0;  // team, roles and email

  virtual std::optional<Service> find_service(std::string_view name) = 0;
  virtual std::vector<Service> list_services() = 0;
  virtual void insert_service(const Service& service) = 0;

  // Keeps a policy's content, once per SHA-256.
  virtual void keep_policy(const std::string& sha256, const std::string& path,
                           const std::string& content, Timestamp seen_at) = 0;

  virtual int64_t insert_package(const PackageRecord& package) = 0;  // returns the new id
  virtual std::optional<PackageRecord> find_package(std::string_view sha256) = 0;
  // The newest package registered for this service and version, if any.
  virtual std::optional<PackageRecord> find_package_of(std::string_view service,
                                                       std::string_view version) = 0;
  // Packages newest first, of `service` when given.
  virtual std::vector<PackageRecord> list_packages(const std::optional<std::string>& service,
                                                   int64_t limit) = 0;

  virtual int64_t insert_release(const Release& release) = 0;  // returns the new id
  virtual std::optional<Release> find_release(int64_t id) = 0;
  // Releases newest first (by id), `filter.offset` of them left out, at most `filter.limit`.
  virtual std::vector<Release> list_releases(const ReleaseFilter& filter) = 0;
  // How many releases `filter` matches, whatever its limit and offset.
  virtual int64_t count_releases(const ReleaseFilter& filter) = 0;
  // Releases still in flight, submitted or approved, newest first: read through the status
  // index, so as quick on a million releases as on a hundred.
  virtual std::vector<Release> open_releases(int64_t limit) = 0;
  virtual void update_release(const Release& release) = 0;
  // Marks `replaced` every deployed release but the one of its place's last successful deploy:
  // for a history written without deploying (beaver dev seed).
  virtual void mark_replaced() = 0;
  // The open releases (submitted or approved) of `version` of `service` on `env`, oldest first.
  virtual std::vector<Release> open_releases_of(std::string_view service, std::string_view env,
                                                std::string_view version) = 0;
  // How many releases there are of each (type, status).
  virtual std::map<std::pair<std::string, std::string>, int64_t> release_counts() = 0;
  // When the first and the last release were submitted; none in an empty ledger.
  virtual std::optional<std::pair<Timestamp, Timestamp>> submitted_span() = 0;

  virtual int64_t insert_deploy(const DeployRecord& deploy) = 0;  // returns the new id
  virtual void update_deploy(const DeployRecord& deploy) = 0;
  virtual std::optional<DeployRecord> find_deploy(int64_t id) = 0;
  virtual std::vector<DeployRecord> deploys_of(int64_t release_id) = 0;  // oldest first
  virtual void insert_deploy_step(const DeployStep& step) = 0;
  virtual std::vector<DeployStep> deploy_steps(int64_t deploy_id) = 0;  // in order
  // Releases of `service` on `env` whose deploy succeeded, newest deploy first, each once.
  virtual std::vector<Release> deployed_releases(std::string_view service, std::string_view env,
                                                 int64_t limit) = 0;
  // The release whose status is 'deployed' on `service` and `env`: what runs there now.
  virtual std::optional<Release> live_release(std::string_view service, std::string_view env) = 0;
  // Whether a deploy of `release_id` switched `host` to it.
  virtual bool host_received(std::string_view host, int64_t release_id) = 0;
  virtual void insert_deploy_event(const DeployEvent& event) = 0;
  virtual std::vector<DeployEvent> deploy_events(int64_t deploy_id) = 0;  // in order
  // Deploys newest first, of releases of `service` and on `env` when given.
  virtual std::vector<DeployRecord> list_deploys(const std::optional<std::string>& service,
                                                 const std::optional<std::string>& env,
                                                 int64_t limit) = 0;

  virtual std::optional<DeployLease> find_lease(std::string_view service, std::string_view env) = 0;
  virtual void put_lease(const DeployLease& lease) = 0;  // inserts or replaces
  virtual void delete_lease(std::string_view service, std::string_view env, int64_t deploy_id) = 0;

  // Delegations not revoked, which may have ended (see Delegation::holds), by id; read from the
  // connection's memory of the users.
  virtual std::vector<Delegation> standing_delegations() = 0;
  virtual int64_t insert_delegation(const Delegation& d) = 0;  // returns the new id
  virtual std::optional<Delegation> find_delegation(int64_t id) = 0;
  virtual std::vector<Delegation> list_delegations(int64_t limit) = 0;  // newest first
  virtual void revoke_delegation(int64_t id, const std::string& by, Timestamp at) = 0;

  virtual void insert_break_glass(const BreakGlass& b) = 0;
  virtual std::optional<BreakGlass> find_break_glass(int64_t release_id) = 0;
  virtual void sign_break_glass(int64_t release_id, Timestamp at) = 0;  // its signed_at
  // The first of `team`'s break glasses still unsigned at its deadline, if one is at `now`.
  virtual std::optional<BreakGlass> overdue_break_glass(std::string_view team, Timestamp now) = 0;
  // The break glasses of the releases `filter` matches (its limit and offset aside), by release.
  virtual std::vector<BreakGlass> break_glass_of(const ReleaseFilter& filter) = 0;

  virtual int64_t insert_alert(const AlertRecord& a) = 0;  // returns the new id
  // The alert `key` of `source` (AlertRecord::key), if it was received before.
  virtual std::optional<AlertRecord> find_alert(std::string_view source, std::string_view key) = 0;
  virtual void resolve_alert(int64_t id, Timestamp at) = 0;
  virtual std::vector<AlertRecord> alerts_of(int64_t release_id) = 0;  // by when they fired
  virtual std::vector<AlertRecord> list_alerts(const AlertFilter& filter) = 0;
  // The last deploy started by `at`, of `service` and on `env` when given, however it ended (or
  // running still); repairs, which change no release, aside.
  virtual std::optional<DeployRecord> last_deploy_before(const std::optional<std::string>& service,
                                                         const std::optional<std::string>& env,
                                                         Timestamp at) = 0;
  // The hosts a deploy's steps ran on, by name.
  virtual std::vector<std::string> deploy_hosts(int64_t deploy_id) = 0;

  virtual int64_t insert_token(const TokenRecord& token) = 0;  // returns the new id
  virtual std::optional<TokenRecord> find_token(int64_t id) = 0;
  virtual std::vector<TokenRecord> list_tokens() = 0;  // oldest first
  virtual void revoke_token(int64_t id, const std::string& by, Timestamp at) = 0;

  // A user's password hash (argon2id, PHC string), if one was set.
  virtual std::optional<std::string> password_hash(std::string_view user) = 0;
  virtual void put_password(const std::string& user, const std::string& hash,
                            const std::string& set_by, Timestamp at) = 0;  // inserts or replaces
  virtual int64_t insert_session(const SessionRecord& session) = 0;        // returns the new id
  virtual std::optional<SessionRecord> find_session(int64_t id) = 0;
  virtual void touch_session(int64_t id, Timestamp at) = 0;  // its seen_at
  virtual void end_session(int64_t id, Timestamp at) = 0;
  // Ends every open session of `user`: a new password ends the old sign-ins.
  virtual void end_sessions_of(std::string_view user, Timestamp at) = 0;

  virtual int64_t insert_notification(const Notification& n) = 0;  // returns the new id
  // Pending notifications whose next attempt is due at `now`, oldest first.
  virtual std::vector<Notification> due_notifications(Timestamp now, int64_t limit) = 0;
  // Notifications newest first, only those with `status` when given.
  virtual std::vector<Notification> list_notifications(const std::optional<std::string>& status,
                                                       int64_t limit) = 0;
  // Stores status, attempts, next_attempt_at, sent_at and last_error; a notification cancelled
  // meanwhile (while it was being sent) stays cancelled.
  virtual void update_notification(const Notification& n) = 0;
  // Marks `cancelled` the notifications of `release_id` about `event` still pending.
  virtual void cancel_notifications(int64_t release_id, std::string_view event) = 0;
  virtual void insert_notification_attempt(const NotificationAttempt& a) = 0;
  virtual std::vector<NotificationAttempt> notification_attempts(int64_t notification_id) = 0;

  virtual void insert_approval(const Approval& approval) = 0;
  virtual std::vector<Approval> approvals_of(int64_t release_id) = 0;  // oldest first

  // Hands this unit's connection, in its transaction, to `reader`, which reads rows in bulk (the
  // report's passes), with a way to open a second connection on the same snapshot. Writes this
  // unit made are sent first, so the reader sees them.
  virtual void read_in_bulk(BulkReader& reader) = 0;

  virtual std::optional<AuditEntry> last_audit_entry() = 0;
  // The subject of the newest entry with `action`, e.g. the last policy seen.
  virtual std::optional<std::string> last_audit_subject(std::string_view action) = 0;
  virtual void insert_audit_entry(const AuditEntry& entry) = 0;
  // Calls `visit` for each entry in sequence order until it returns false.
  virtual void scan_audit(int64_t from_seq,
                          const std::function<bool(const AuditEntry&)>& visit) = 0;
};

using StoreWork = std::function<Result<void>(StoreTransaction&)>;

class Store {
 public:
  virtual ~Store() = default;
  // Runs `work` in one write transaction, committed when it succeeds and rolled back when it
  // returns an error. When the database is busy the whole unit is retried a bounded number of
  // times; after that the error is `unavailable`.
  virtual Result<void> write(const StoreWork& work) = 0;
  // Runs `work` on a consistent snapshot; changes nothing.
  virtual Result<void> read(const StoreWork& work) = 0;
  // "sqlite:///home/ann/.beaver/beaver.db", for messages.
  virtual std::string describe() const = 0;
};

struct SqliteOptions {
  std::chrono::milliseconds busy_timeout{5000};
  int attempts = 3;  // whole-transaction attempts while the database stays busy
};

// Opens (creating when missing) the SQLite ledger at `file`, in WAL mode with synchronous=FULL
// and foreign keys, and brings its schema up to date with the migrations in `migrations_dir`.
// A database written by a newer beaver is refused.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::filesystem::path& file,
                                                 const std::filesystem::path& migrations_dir,
                                                 SqliteOptions options = {});

}  // namespace beaver
