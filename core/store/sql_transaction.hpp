#pragma once
// Every StoreTransaction operation, written once over SqlSession: each table's statements and
// row readers exist here alone, and both stores run them. What differs between the stores
// (connections, retries, deferred writes, batches, the report's row sources) stays in their own
// files, which derive from this class where they read something faster their own way.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/sql_session.hpp"
#include "store/store.hpp"
#include "store/user_directory.hpp"

namespace beaver {

// Services are never changed or removed: one a committed unit saw stays as it was, and a store
// keeps those it has seen for the units after it.
using KnownServices = std::map<std::string, Service, std::less<>>;

// What a unit of work knows without asking the database again: what a store read when the unit
// began, or what the unit read or wrote itself since. A writer holds the writers' lock until it
// commits and a reader reads one snapshot, so nothing else changes these under the unit.
struct UnitFacts {
  std::optional<int64_t> users_version;  // unknown after this unit changed a user
  std::optional<std::optional<AuditEntry>> last_audit;
  std::map<std::string, std::optional<std::string>, std::less<>> subjects;  // by action
  std::map<std::string, std::optional<Service>, std::less<>> services;
  std::set<int64_t> without_approvals;  // releases this unit inserted
  std::set<int64_t> without_deploys;
  // A writer's next release id, when the store read the last one under the writers' lock: its
  // insert then waits for the unit's next statement like any other write.
  std::optional<int64_t> next_release_id;
};

class SqlTransaction : public StoreTransaction {
 public:
  // `users` is the store's directory, read again when the ledger's users_version moved;
  // `known_services` (may be null) those earlier committed units saw.
  SqlTransaction(SqlSession& db, UserDirectory& users, const KnownServices* known_services,
                 UnitFacts facts = {});

  // The services this unit saw, once it has committed (see KnownServices).
  void remember_services(KnownServices& into) const;

  std::optional<User> find_user(std::string_view name) override;
  std::vector<User> list_users() override;
  std::vector<User> users_with_role(Role role, std::optional<std::string_view> team) override;
  void insert_user(const User& user) override;
  void update_user(const User& user) override;

  std::optional<Service> find_service(std::string_view name) override;
  std::vector<Service> list_services() override;
  void insert_service(const Service& service) override;

  void keep_policy(const std::string& sha256, const std::string& path, const std::string& content,
                   Timestamp seen_at) override;

  int64_t insert_package(const PackageRecord& package) override;
  std::optional<PackageRecord> find_package(std::string_view sha256) override;
  std::optional<PackageRecord> find_package_of(std::string_view service,
                                               std::string_view version) override;
  std::vector<PackageRecord> list_packages(const std::optional<std::string>& service,
                                           int64_t limit) override;

  int64_t insert_release(const Release& release) override;
  std::optional<Release> find_release(int64_t id) override;
  std::vector<Release> list_releases(const ReleaseFilter& filter) override;
  int64_t count_releases(const ReleaseFilter& filter) override;
  void mark_replaced() override;
  std::vector<Release> open_releases_of(std::string_view service, std::string_view env,
                                        std::string_view version) override;
  std::vector<Release> open_releases(int64_t limit) override;
  void update_release(const Release& release) override;
  std::map<std::pair<std::string, std::string>, int64_t> release_counts() override;
  std::optional<std::pair<Timestamp, Timestamp>> submitted_span() override;

  int64_t insert_deploy(const DeployRecord& deploy) override;
  void update_deploy(const DeployRecord& deploy) override;
  std::optional<DeployRecord> find_deploy(int64_t id) override;
  std::vector<DeployRecord> deploys_of(int64_t release_id) override;
  void insert_deploy_step(const DeployStep& step) override;
  std::vector<DeployStep> deploy_steps(int64_t deploy_id) override;
  std::vector<Release> deployed_releases(std::string_view service, std::string_view env,
                                         int64_t limit) override;
  std::optional<Release> live_release(std::string_view service, std::string_view env) override;
  bool host_received(std::string_view host, int64_t release_id) override;
  void insert_deploy_event(const DeployEvent& event) override;
  std::vector<DeployEvent> deploy_events(int64_t deploy_id) override;
  std::vector<DeployRecord> list_deploys(const std::optional<std::string>& service,
                                         const std::optional<std::string>& env,
                                         int64_t limit) override;

  std::optional<DeployLease> find_lease(std::string_view service, std::string_view env) override;
  void put_lease(const DeployLease& lease) override;
  void delete_lease(std::string_view service, std::string_view env, int64_t deploy_id) override;

  std::vector<Delegation> standing_delegations() override;
  int64_t insert_delegation(const Delegation& d) override;
  std::optional<Delegation> find_delegation(int64_t id) override;
  std::vector<Delegation> list_delegations(int64_t limit) override;
  void revoke_delegation(int64_t id, const std::string& by, Timestamp at) override;
  void insert_break_glass(const BreakGlass& b) override;
  std::optional<BreakGlass> find_break_glass(int64_t release_id) override;
  void sign_break_glass(int64_t release_id, Timestamp at) override;
  std::optional<BreakGlass> overdue_break_glass(std::string_view team, Timestamp now) override;
  std::vector<BreakGlass> break_glass_of(const ReleaseFilter& filter) override;
  int64_t insert_alert(const AlertRecord& a) override;
  std::optional<AlertRecord> find_alert(std::string_view source, std::string_view key) override;
  void resolve_alert(int64_t id, Timestamp at) override;
  std::vector<AlertRecord> alerts_of(int64_t release_id) override;
  std::vector<AlertRecord> list_alerts(const AlertFilter& filter) override;
  std::optional<DeployRecord> last_deploy_before(const std::optional<std::string>& service,
                                                 const std::optional<std::string>& env,
                                                 Timestamp at) override;
  std::vector<std::string> deploy_hosts(int64_t deploy_id) override;
  int64_t insert_token(const TokenRecord& token) override;
  std::optional<TokenRecord> find_token(int64_t id) override;
  std::vector<TokenRecord> list_tokens() override;
  void revoke_token(int64_t id, const std::string& by, Timestamp at) override;
  std::optional<std::string> password_hash(std::string_view user) override;
  void put_password(const std::string& user, const std::string& hash, const std::string& set_by,
                    Timestamp at) override;
  int64_t insert_session(const SessionRecord& session) override;
  std::optional<SessionRecord> find_session(int64_t id) override;
  void touch_session(int64_t id, Timestamp at) override;
  void end_session(int64_t id, Timestamp at) override;
  void end_sessions_of(std::string_view user, Timestamp at) override;

  int64_t insert_notification(const Notification& n) override;
  std::vector<Notification> due_notifications(Timestamp now, int64_t limit) override;
  std::vector<Notification> list_notifications(const std::optional<std::string>& status,
                                               int64_t limit) override;
  void update_notification(const Notification& n) override;
  void cancel_notifications(int64_t release_id, std::string_view event) override;
  void insert_notification_attempt(const NotificationAttempt& a) override;
  std::vector<NotificationAttempt> notification_attempts(int64_t notification_id) override;

  void insert_approval(const Approval& approval) override;
  std::vector<Approval> approvals_of(int64_t release_id) override;

  std::optional<AuditEntry> last_audit_entry() override;
  std::optional<std::string> last_audit_subject(std::string_view action) override;
  void insert_audit_entry(const AuditEntry& entry) override;
  void scan_audit(int64_t from_seq, const std::function<bool(const AuditEntry&)>& visit) override;

 protected:
  // The statements behind release_records, for a store that sends them at once.
  static const SqlText& approvals_of_sql();      // ?1 the release
  static const SqlText& deploys_of_sql();        // ?1 the release
  static const SqlText& steps_of_release_sql();  // ?1 the release, in run then step order
  static Approval read_approval(const SqlRow& row);
  static BreakGlass read_break_glass(const SqlRow& row);
  static DeployRecord read_deploy(const SqlRow& row);
  static DeployStep read_step(const SqlRow& row);

  // Whether release_records must be read one statement after another: this unit wrote the
  // release, so what it holds is this unit's own.
  bool records_written_here(int64_t release_id) const {
    return facts_.without_approvals.contains(release_id) ||
           facts_.without_deploys.contains(release_id);
  }

  SqlSession& db_;
  UserDirectory& users_;
  const KnownServices* known_services_;
  UnitFacts facts_;

 private:
  const UserDirectory& directory();
  void write_roles(const User& u);

 protected:
  // Each row of `sql` as `read` reads it.
  template <class Read>
  auto rows(const SqlText& sql, const SqlParams& params, Read read) {
    std::vector<decltype(read(std::declval<const SqlRow&>()))> out;
    db_.query(sql, params, [&](const SqlRow& row) { out.push_back(read(row)); });
    return out;
  }
  // The first row of `sql` (which asks for one at most) as `read` reads it.
  template <class Read>
  auto first_row(const SqlText& sql, const SqlParams& params, Read read) {
    std::optional<decltype(read(std::declval<const SqlRow&>()))> out;
    db_.query(sql, params, [&](const SqlRow& row) {
      if (!out) out = read(row);
    });
    return out;
  }
};

}  // namespace beaver
