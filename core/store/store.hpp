#pragma once
// The ledger's storage: one interface that the rules use, so they never see SQL, and one
// implementation per database (SQLite now; PostgreSQL can sit beside it).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_entry.hpp"
#include "error/error.hpp"
#include "model/release.hpp"
#include "model/user.hpp"
#include "report/report.hpp"

namespace beaver {

// A package as the ledger records it.
struct PackageRecord {
  int64_t id = 0;
  std::string sha256;
  std::string service;
  std::string version;
  std::string file_name;
  int64_t size = 0;
  std::string commit;
  std::optional<std::string> branch;
  std::optional<std::string> tag;
  Timestamp commit_time{};
  bool allow_dirty = false;
  std::string builder;
  Timestamp registered_at{};
  std::string manifest_json;
};

// One run of a release on its hosts.
struct DeployRecord {
  int64_t id = 0;
  int64_t release_id = 0;
  std::string actor;
  std::string status;   // running | deployed | failed | rolled_back | interrupted
  std::string batches;  // "1,50%,100%" as planned
  Timestamp started_at{};
  std::optional<Timestamp> finished_at;
  std::optional<std::string> message;  // why it failed or stopped
};

// One step on one host of a deploy.
struct DeployStep {
  int64_t deploy_id = 0;
  std::string host;  // the host's URL as in beaver.yaml
  int batch = 0;
  std::string step;    // upload, verify, unpack, stop, switch, start, health, prune, restore...
  std::string status;  // ok | failed | skipped
  Timestamp started_at{};
  int64_t elapsed_ms = 0;
  std::string output;
};

// A line of a deploy's story beside its steps (see 0010_deploy_events.sql).
struct DeployEvent {
  int64_t deploy_id = 0;
  int64_t after_steps = 0;  // the deploy's steps recorded before it
  std::string kind;         // host (a host finished) | note | outcome (a host's, once ended)
  std::string host;         // empty for a note
  int batch = 0;
  std::string outcome;  // deployed, unchanged, restored, failed, not_started; empty for a note
  std::string note;
};

// Who holds a service's environment for deploying, until when.
struct DeployLease {
  std::string service;
  std::string env;
  int64_t deploy_id = 0;
  std::string actor;
  std::string machine;    // host name of the machine the deploy runs on
  int64_t pid = 0;        // the deploying process there
  std::string pid_start;  // its start time (from /proc), so a reused pid is not mistaken for it
  Timestamp acquired_at{};
  Timestamp expires_at{};
  std::optional<std::string> stop_requested_by;  // who asked the deploy to stop between steps
};

// A user's API token. Only the SHA-256 of its secret is kept.
struct TokenRecord {
  int64_t id = 0;
  std::string user;
  std::string label;
  std::string secret_hash;
  std::string created_by;
  Timestamp created_at{};
  std::optional<std::string> revoked_by;
  std::optional<Timestamp> revoked_at;
};

// One message in the notifications outbox: queued with the change it announces, then sent.
struct Notification {
  int64_t id = 0;
  // approval_needed | approved | rejected | deploy_failed (approval_requested in rows queued
  // before migration 0007 renamed it)
  std::string event;
  int64_t release_id = 0;
  std::string channel;             // the channel's name in the policy
  std::string channel_type;        // webhook | wecom | dingtalk | feishu | slack | email
  std::string target;              // the URL, or "smtp://host:port"
  std::string body;                // rendered when queued (see 0005_notifications.sql)
  std::string status = "pending";  // pending | sent | failed
  int attempts = 0;
  Timestamp next_attempt_at{};
  Timestamp created_at{};
  std::optional<Timestamp> sent_at;
  std::optional<std::string> last_error;
};

struct NotificationAttempt {
  int64_t notification_id = 0;
  int attempt = 0;  // from 1
  Timestamp at{};
  bool ok = false;
  std::string detail;  // "HTTP 200", the SMTP reply, or the connection error
};

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
  virtual std::vector<Release> list_releases(const ReleaseFilter& filter) = 0;
  virtual void update_release(const Release& release) = 0;
  // How many releases there are of each (type, status).
  virtual std::map<std::pair<std::string, std::string>, int64_t> release_counts() = 0;

  virtual int64_t insert_deploy(const DeployRecord& deploy) = 0;  // returns the new id
  virtual void update_deploy(const DeployRecord& deploy) = 0;
  virtual std::optional<DeployRecord> find_deploy(int64_t id) = 0;
  virtual std::vector<DeployRecord> deploys_of(int64_t release_id) = 0;  // oldest first
  virtual void insert_deploy_step(const DeployStep& step) = 0;
  virtual std::vector<DeployStep> deploy_steps(int64_t deploy_id) = 0;  // in order
  // Releases of `service` on `env` whose deploy succeeded, newest deploy first, each once.
  virtual std::vector<Release> deployed_releases(std::string_view service, std::string_view env,
                                                 int64_t limit) = 0;
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

  virtual int64_t insert_token(const TokenRecord& token) = 0;  // returns the new id
  virtual std::optional<TokenRecord> find_token(int64_t id) = 0;
  virtual std::vector<TokenRecord> list_tokens() = 0;  // oldest first
  virtual void revoke_token(int64_t id, const std::string& by, Timestamp at) = 0;

  virtual int64_t insert_notification(const Notification& n) = 0;  // returns the new id
  // Pending notifications whose next attempt is due at `now`, oldest first.
  virtual std::vector<Notification> due_notifications(Timestamp now, int64_t limit) = 0;
  // Notifications newest first, only those with `status` when given.
  virtual std::vector<Notification> list_notifications(const std::optional<std::string>& status,
                                                       int64_t limit) = 0;
  // Stores status, attempts, next_attempt_at, sent_at and last_error.
  virtual void update_notification(const Notification& n) = 0;
  virtual void insert_notification_attempt(const NotificationAttempt& a) = 0;
  virtual std::vector<NotificationAttempt> notification_attempts(int64_t notification_id) = 0;

  virtual void insert_approval(const Approval& approval) = 0;
  virtual std::vector<Approval> approvals_of(int64_t release_id) = 0;  // oldest first

  // Report figures for releases submitted in [query.since, query.until), aggregated in the
  // database (never every release in memory): the totals, the groups by `query.by`, the
  // emergencies by category and by approver. Local time is read through `query.clock`.
  virtual Report report(const ReportQuery& query) = 0;

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
