#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <memory>
#include <thread>

#include "store/ledger_columns.hpp"
#include "store/migrations.hpp"
#include "store/release_sql.hpp"
#include "store/report_store.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"
#include "store/user_directory.hpp"

namespace beaver {
namespace {

namespace fs = std::filesystem;
using sqlite::Database;
using sqlite::SqliteError;
using sqlite::Statement;

// A time column that is not what beaver wrote means the file was edited by hand.
Timestamp parse_time(const std::string& text) {
  auto t = parse_iso8601(text);
  if (!t) throw SqliteError(SQLITE_CORRUPT, fmt::format("bad time '{}' in the ledger", text));
  return *t;
}

std::optional<Timestamp> parse_optional_time(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return parse_time(*text);
}

std::optional<std::string> optional_time_text(const std::optional<Timestamp>& t) {
  if (!t) return std::nullopt;
  return format_utc(*t);
}

Release read_release(const Statement& s) {
  Release r;
  r.id = s.integer(0);
  r.service = s.text(1);
  r.env = s.text(2);
  r.version = s.text(3);
  r.commit = s.optional_text(4);
  r.package_sha256 = s.optional_text(5);
  auto type = release_type_from_string(s.text(6));
  auto state = release_state_from_string(s.text(7));
  if (!type || !state)
    throw SqliteError(SQLITE_CORRUPT, fmt::format("release {} has a bad type or status", r.id));
  r.type = *type;
  r.state = *state;
  r.category = s.optional_text(8);
  r.reason = s.optional_text(9);
  r.submitter = s.text(10);
  r.submitted_at = parse_time(s.text(11));
  r.approved_at = parse_optional_time(s.optional_text(12));
  r.deployed_at = parse_optional_time(s.optional_text(13));
  r.closed_by = s.optional_text(14);
  r.close_comment = s.optional_text(15);
  r.closed_at = parse_optional_time(s.optional_text(16));
  r.policy_sha256 = s.optional_text(17);
  r.reviewed_by = s.optional_text(18);
  r.reviewed_at = parse_optional_time(s.optional_text(19));
  r.review_notes = s.optional_text(20);
  return r;
}

// Binds every column of a release but its id, from parameter 1 in kReleaseColumns' order.
void bind_release(Statement& s, const Release& r) {
  s.bind(1, r.service).bind(2, r.env).bind(3, r.version).bind(4, r.commit);
  s.bind(5, r.package_sha256).bind(6, to_string(r.type)).bind(7, to_string(r.state));
  s.bind(8, r.category).bind(9, r.reason).bind(10, r.submitter);
  s.bind(11, format_utc(r.submitted_at)).bind(12, optional_time_text(r.approved_at));
  s.bind(13, optional_time_text(r.deployed_at)).bind(14, r.closed_by).bind(15, r.close_comment);
  s.bind(16, optional_time_text(r.closed_at)).bind(17, r.policy_sha256).bind(18, r.reviewed_by);
  s.bind(19, optional_time_text(r.reviewed_at)).bind(20, r.review_notes);
}

PackageRecord read_package(const Statement& s) {
  PackageRecord p;
  p.id = s.integer(0);
  p.sha256 = s.text(1);
  p.service = s.text(2);
  p.version = s.text(3);
  p.file_name = s.text(4);
  p.size = s.integer(5);
  p.commit = s.text(6);
  p.branch = s.optional_text(7);
  p.tag = s.optional_text(8);
  p.commit_time = parse_time(s.text(9));
  p.allow_dirty = s.integer(10) != 0;
  p.builder = s.text(11);
  p.registered_at = parse_time(s.text(12));
  p.manifest_json = s.text(13);
  return p;
}

constexpr std::string_view kTokenSelect =
    "SELECT id, user, label, secret_hash, created_by, created_at, revoked_by, revoked_at FROM "
    "tokens";

TokenRecord read_token(const Statement& s) {
  return TokenRecord{s.integer(0),       s.text(1),
                     s.text(2),          s.text(3),
                     s.text(4),          parse_time(s.text(5)),
                     s.optional_text(6), parse_optional_time(s.optional_text(7))};
}

Notification read_notification(const Statement& s) {
  Notification n;
  n.id = s.integer(0);
  n.event = s.text(1);
  n.release_id = s.integer(2);
  n.channel = s.text(3);
  n.channel_type = s.text(4);
  n.target = s.text(5);
  n.body = s.text(6);
  n.status = s.text(7);
  n.attempts = static_cast<int>(s.integer(8));
  n.next_attempt_at = parse_time(s.text(9));
  n.created_at = parse_time(s.text(10));
  n.sent_at = parse_optional_time(s.optional_text(11));
  n.last_error = s.optional_text(12);
  return n;
}

AuditEntry read_audit(const Statement& s) {
  // The time stays text: verification hashes what is stored, so any edit to it shows.
  return AuditEntry{s.integer(0), s.text(1), s.text(2), s.text(3),
                    s.text(4),    s.text(5), s.text(6), s.text(7)};
}

class SqliteTransaction final : public StoreTransaction {
 public:
  SqliteTransaction(Database& db, UserDirectory& users, const fs::path& file)
      : db_(db), users_(users), file_(file) {}

  std::optional<User> find_user(std::string_view name) override {
    if (const auto* u = directory().find(name)) return *u;
    return std::nullopt;
  }

  std::vector<User> list_users() override { return directory().users; }

  std::vector<User> users_with_role(Role role, std::optional<std::string_view> team) override {
    return directory().with_role(role, team);
  }

  void insert_user(const User& u) override {
    Statement s(db_, "INSERT INTO users (name, team, created_at, email) VALUES (?1, ?2, ?3, ?4)");
    s.bind(1, u.name).bind(2, u.team).bind(3, format_utc(u.created_at)).bind(4, u.email).run();
    write_roles(u);
  }

  void update_user(const User& u) override {
    Statement s(db_, "UPDATE users SET team = ?2, email = ?3 WHERE name = ?1");
    s.bind(1, u.name).bind(2, u.team).bind(3, u.email).run();
    Statement d(db_, "DELETE FROM user_roles WHERE user = ?1");
    d.bind(1, u.name).run();
    write_roles(u);
  }

  std::optional<Service> find_service(std::string_view name) override {
    Statement s(db_, "SELECT name, team, created_at FROM services WHERE name = ?1");
    s.bind(1, name);
    if (!s.step()) return std::nullopt;
    return Service{s.text(0), s.text(1), parse_time(s.text(2))};
  }

  std::vector<Service> list_services() override {
    std::vector<Service> out;
    Statement s(db_, "SELECT name, team, created_at FROM services ORDER BY name");
    while (s.step()) out.push_back(Service{s.text(0), s.text(1), parse_time(s.text(2))});
    return out;
  }

  void insert_service(const Service& svc) override {
    Statement s(db_, "INSERT INTO services (name, team, created_at) VALUES (?1, ?2, ?3)");
    s.bind(1, svc.name).bind(2, svc.team).bind(3, format_utc(svc.created_at)).run();
  }

  void keep_policy(const std::string& sha256, const std::string& path, const std::string& content,
                   Timestamp seen_at) override {
    Statement s(db_,
                "INSERT OR IGNORE INTO policies (sha256, path, content, first_seen) "
                "VALUES (?1, ?2, ?3, ?4)");
    s.bind(1, sha256).bind(2, path).bind(3, content).bind(4, format_utc(seen_at)).run();
  }

  int64_t insert_package(const PackageRecord& p) override {
    Statement s(db_, fmt::format("INSERT INTO packages ({}) VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, "
                                 "?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                                 kPackageColumns));
    s.bind(1, p.sha256).bind(2, p.service).bind(3, p.version).bind(4, p.file_name);
    s.bind(5, p.size).bind(6, p.commit).bind(7, p.branch).bind(8, p.tag);
    s.bind(9, format_utc(p.commit_time)).bind(10, int64_t{p.allow_dirty ? 1 : 0});
    s.bind(11, p.builder).bind(12, format_utc(p.registered_at)).bind(13, p.manifest_json).run();
    return sqlite3_last_insert_rowid(db_.handle());
  }

  std::optional<PackageRecord> find_package(std::string_view sha256) override {
    Statement s(db_, fmt::format("SELECT {} FROM packages WHERE sha256 = ?1", kPackageColumns));
    s.bind(1, sha256);
    if (!s.step()) return std::nullopt;
    return read_package(s);
  }

  std::optional<PackageRecord> find_package_of(std::string_view service,
                                               std::string_view version) override {
    Statement s(db_, fmt::format("SELECT {} FROM packages WHERE service = ?1 AND version = ?2 "
                                 "ORDER BY id DESC LIMIT 1",
                                 kPackageColumns));
    s.bind(1, service).bind(2, version);
    if (!s.step()) return std::nullopt;
    return read_package(s);
  }

  std::vector<PackageRecord> list_packages(const std::optional<std::string>& service,
                                           int64_t limit) override {
    Statement s(db_, fmt::format("SELECT {} FROM packages WHERE (?1 IS NULL OR service = ?1) "
                                 "ORDER BY id DESC LIMIT ?2",
                                 kPackageColumns));
    s.bind(1, service).bind(2, limit);
    std::vector<PackageRecord> out;
    while (s.step()) out.push_back(read_package(s));
    return out;
  }

  int64_t insert_release(const Release& r) override {
    static const std::string sql = fmt::format(
        "INSERT INTO releases ({}) VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
        "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
        kReleaseColumns);
    Statement& s = prepared(sql);
    bind_release(s, r);
    s.run();
    s.reset();
    return sqlite3_last_insert_rowid(db_.handle());
  }

  std::optional<Release> find_release(int64_t id) override {
    Statement s(db_, fmt::format("SELECT {} FROM releases WHERE id = ?1", kReleaseColumns));
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_release(s);
  }

  std::vector<Release> list_releases(const ReleaseFilter& f) override {
    // Every filter is a bound parameter; an absent one is NULL and matches everything.
    Statement s(
        db_, fmt::format("SELECT {} FROM releases WHERE (?1 IS NULL OR service = ?1) "
                         "AND (?2 IS NULL OR env = ?2) AND (?3 IS NULL OR type = ?3) "
                         "AND (?4 IS NULL OR status = ?4) AND (?5 IS NULL OR submitted_at >= ?5) "
                         "AND (?6 IS NULL OR submitted_at < ?6) AND (?7 IS NULL OR {} = 1) "
                         "ORDER BY id DESC LIMIT ?9",
                         kReleaseColumns, owing_review_sql("", "?7", "?8")));
    s.bind(1, f.service).bind(2, f.env);
    f.type ? s.bind(3, to_string(*f.type)) : s.bind_null(3);
    f.state ? s.bind(4, to_string(*f.state)) : s.bind_null(4);
    s.bind(5, optional_time_text(f.submitted_from)).bind(6, optional_time_text(f.submitted_until));
    s.bind(7, optional_time_text(f.review_due_before))
        .bind(8, static_cast<int64_t>(f.review_deadline.count()))
        .bind(9, f.limit);
    std::vector<Release> out;
    while (s.step()) out.push_back(read_release(s));
    return out;
  }

  void update_release(const Release& r) override {
    Statement s(db_,
                "UPDATE releases SET service = ?1, env = ?2, version = ?3, git_commit = ?4, "
                "package_sha256 = ?5, type = ?6, status = ?7, category = ?8, reason = ?9, "
                "submitter = ?10, submitted_at = ?11, approved_at = ?12, deployed_at = ?13, "
                "closed_by = ?14, close_comment = ?15, closed_at = ?16, policy_sha256 = ?17, "
                "reviewed_by = ?18, reviewed_at = ?19, review_notes = ?20 WHERE id = ?21");
    bind_release(s, r);
    s.bind(21, r.id).run();
  }

  int64_t insert_deploy(const DeployRecord& d) override {
    Statement& s = prepared(
        "INSERT INTO deploys (release_id, actor, status, batches, started_at, finished_at, "
        "message) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    s.bind(1, d.release_id).bind(2, d.actor).bind(3, d.status).bind(4, d.batches);
    s.bind(5, format_utc(d.started_at)).bind(6, optional_time_text(d.finished_at));
    s.bind(7, d.message).run();
    s.reset();
    return sqlite3_last_insert_rowid(db_.handle());
  }

  void update_deploy(const DeployRecord& d) override {
    Statement s(db_,
                "UPDATE deploys SET status = ?2, finished_at = ?3, message = ?4 WHERE id = ?1");
    s.bind(1, d.id).bind(2, d.status).bind(3, optional_time_text(d.finished_at));
    s.bind(4, d.message).run();
  }

  static DeployRecord read_deploy(const Statement& s) {
    return DeployRecord{s.integer(0),
                        s.integer(1),
                        s.text(2),
                        s.text(3),
                        s.text(4),
                        parse_time(s.text(5)),
                        parse_optional_time(s.optional_text(6)),
                        s.optional_text(7)};
  }
  std::optional<DeployRecord> find_deploy(int64_t id) override {
    Statement s(db_, fmt::format("SELECT {} FROM deploys WHERE id = ?1", kDeployColumns));
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_deploy(s);
  }

  std::vector<DeployRecord> deploys_of(int64_t release_id) override {
    Statement s(db_, fmt::format("SELECT {} FROM deploys WHERE release_id = ?1 ORDER BY id",
                                 kDeployColumns));
    s.bind(1, release_id);
    std::vector<DeployRecord> out;
    while (s.step()) out.push_back(read_deploy(s));
    return out;
  }

  void insert_deploy_step(const DeployStep& d) override {
    Statement s(db_,
                "INSERT INTO deploy_steps (deploy_id, host, batch, step, status, started_at, "
                "elapsed_ms, output) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    s.bind(1, d.deploy_id).bind(2, d.host).bind(3, static_cast<int64_t>(d.batch));
    s.bind(4, d.step).bind(5, d.status).bind(6, format_utc(d.started_at));
    s.bind(7, d.elapsed_ms).bind(8, d.output).run();
  }

  std::vector<DeployStep> deploy_steps(int64_t deploy_id) override {
    Statement s(db_,
                "SELECT deploy_id, host, batch, step, status, started_at, elapsed_ms, output "
                "FROM deploy_steps WHERE deploy_id = ?1 ORDER BY id");
    s.bind(1, deploy_id);
    std::vector<DeployStep> out;
    while (s.step())
      out.push_back(DeployStep{s.integer(0), s.text(1), static_cast<int>(s.integer(2)), s.text(3),
                               s.text(4), parse_time(s.text(5)), s.integer(6), s.text(7)});
    return out;
  }

  std::vector<Release> deployed_releases(std::string_view service, std::string_view env,
                                         int64_t limit) override {
    // From the place's releases (releases_by_service_env) to their runs (deploys_by_release):
    // grouping every successful run of the ledger first took seconds on a million of them. The
    // unary + keeps SQLite, which has no statistics, from starting at every 'deployed' run.
    Statement s(db_, fmt::format("SELECT {} FROM releases r JOIN deploys d "
                                 "ON d.release_id = r.id AND +d.status = 'deployed' "
                                 "WHERE r.service = ?1 AND r.env = ?2 "
                                 "GROUP BY r.id ORDER BY max(d.id) DESC LIMIT ?3",
                                 prefixed_release_columns("r.")));
    s.bind(1, service).bind(2, env).bind(3, limit);
    std::vector<Release> out;
    while (s.step()) out.push_back(read_release(s));
    return out;
  }

  bool host_received(std::string_view host, int64_t release_id) override {
    Statement s(db_,
                "SELECT 1 FROM deploy_steps st JOIN deploys d ON d.id = st.deploy_id "
                "WHERE st.host = ?1 AND st.step = 'switch' AND st.status = 'ok' "
                "AND d.release_id = ?2 LIMIT 1");
    s.bind(1, host).bind(2, release_id);
    return s.step();
  }

  void insert_deploy_event(const DeployEvent& e) override {
    Statement s(db_,
                "INSERT INTO deploy_events (deploy_id, after_steps, kind, host, batch, outcome, "
                "note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    s.bind(1, e.deploy_id).bind(2, e.after_steps).bind(3, e.kind).bind(4, e.host);
    s.bind(5, static_cast<int64_t>(e.batch)).bind(6, e.outcome).bind(7, e.note).run();
  }

  std::vector<DeployEvent> deploy_events(int64_t deploy_id) override {
    Statement s(db_,
                "SELECT deploy_id, after_steps, kind, host, batch, outcome, note FROM "
                "deploy_events WHERE deploy_id = ?1 ORDER BY id");
    s.bind(1, deploy_id);
    std::vector<DeployEvent> out;
    while (s.step())
      out.push_back(DeployEvent{s.integer(0), s.integer(1), s.text(2), s.text(3),
                                static_cast<int>(s.integer(4)), s.text(5), s.text(6)});
    return out;
  }

  std::vector<DeployRecord> list_deploys(const std::optional<std::string>& service,
                                         const std::optional<std::string>& env,
                                         int64_t limit) override {
    std::string columns;
    for (auto part :
         {"id", "release_id", "actor", "status", "batches", "started_at", "finished_at", "message"})
      columns += fmt::format("{}d.{}", columns.empty() ? "" : ", ", part);
    Statement s(db_, fmt::format("SELECT {} FROM deploys d JOIN releases r ON r.id = d.release_id "
                                 "WHERE (?1 IS NULL OR r.service = ?1) AND (?2 IS NULL OR r.env = "
                                 "?2) ORDER BY d.id DESC LIMIT ?3",
                                 columns));
    s.bind(1, service).bind(2, env).bind(3, limit);
    std::vector<DeployRecord> out;
    while (s.step()) out.push_back(read_deploy(s));
    return out;
  }

  std::optional<DeployLease> find_lease(std::string_view service, std::string_view env) override {
    Statement s(db_,
                "SELECT service, env, deploy_id, actor, machine, pid, pid_start, acquired_at, "
                "expires_at, stop_requested_by FROM deploy_leases WHERE service = ?1 AND env = ?2");
    s.bind(1, service).bind(2, env);
    if (!s.step()) return std::nullopt;
    return DeployLease{s.text(0),
                       s.text(1),
                       s.integer(2),
                       s.text(3),
                       s.text(4),
                       s.integer(5),
                       s.text(6),
                       parse_time(s.text(7)),
                       parse_time(s.text(8)),
                       s.optional_text(9)};
  }

  void put_lease(const DeployLease& l) override {
    Statement s(db_,
                "INSERT OR REPLACE INTO deploy_leases (service, env, deploy_id, actor, machine, "
                "pid, pid_start, acquired_at, expires_at, stop_requested_by) VALUES (?1, ?2, ?3, "
                "?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    s.bind(1, l.service).bind(2, l.env).bind(3, l.deploy_id).bind(4, l.actor).bind(5, l.machine);
    s.bind(6, l.pid).bind(7, l.pid_start).bind(8, format_utc(l.acquired_at));
    s.bind(9, format_utc(l.expires_at)).bind(10, l.stop_requested_by).run();
  }

  void delete_lease(std::string_view service, std::string_view env, int64_t deploy_id) override {
    Statement s(db_,
                "DELETE FROM deploy_leases WHERE service = ?1 AND env = ?2 AND deploy_id = ?3");
    s.bind(1, service).bind(2, env).bind(3, deploy_id).run();
  }

  std::map<std::pair<std::string, std::string>, int64_t> release_counts() override {
    Statement s(db_, "SELECT type, status, count(*) FROM releases GROUP BY type, status");
    std::map<std::pair<std::string, std::string>, int64_t> out;
    while (s.step()) out[{s.text(0), s.text(1)}] = s.integer(2);
    return out;
  }

  int64_t insert_token(const TokenRecord& t) override {
    Statement s(db_,
                "INSERT INTO tokens (user, label, secret_hash, created_by, created_at) VALUES (?1, "
                "?2, ?3, ?4, ?5)");
    s.bind(1, t.user).bind(2, t.label).bind(3, t.secret_hash).bind(4, t.created_by);
    s.bind(5, format_utc(t.created_at)).run();
    return sqlite3_last_insert_rowid(db_.handle());
  }

  std::optional<TokenRecord> find_token(int64_t id) override {
    Statement s(db_, std::string(kTokenSelect) + " WHERE id = ?1");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_token(s);
  }

  std::vector<TokenRecord> list_tokens() override {
    Statement s(db_, std::string(kTokenSelect) + " ORDER BY id");
    std::vector<TokenRecord> out;
    while (s.step()) out.push_back(read_token(s));
    return out;
  }

  void revoke_token(int64_t id, const std::string& by, Timestamp at) override {
    Statement s(db_, "UPDATE tokens SET revoked_by = ?2, revoked_at = ?3 WHERE id = ?1");
    s.bind(1, id).bind(2, by).bind(3, format_utc(at)).run();
  }

  int64_t insert_notification(const Notification& n) override {
    Statement s(db_, fmt::format("INSERT INTO notifications ({}) VALUES (NULL, ?1, ?2, ?3, ?4, "
                                 "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                                 kNotificationColumns));
    s.bind(1, n.event).bind(2, n.release_id).bind(3, n.channel).bind(4, n.channel_type);
    s.bind(5, n.target).bind(6, n.body).bind(7, n.status).bind(8, int64_t{n.attempts});
    s.bind(9, format_utc(n.next_attempt_at)).bind(10, format_utc(n.created_at));
    s.bind(11, optional_time_text(n.sent_at)).bind(12, n.last_error).run();
    return sqlite3_last_insert_rowid(db_.handle());
  }

  std::vector<Notification> due_notifications(Timestamp now, int64_t limit) override {
    Statement s(db_, fmt::format("SELECT {} FROM notifications WHERE status = 'pending' AND "
                                 "next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT ?2",
                                 kNotificationColumns));
    s.bind(1, format_utc(now)).bind(2, limit);
    std::vector<Notification> out;
    while (s.step()) out.push_back(read_notification(s));
    return out;
  }

  std::vector<Notification> list_notifications(const std::optional<std::string>& status,
                                               int64_t limit) override {
    Statement s(db_, fmt::format("SELECT {} FROM notifications WHERE ?1 IS NULL OR status = ?1 "
                                 "ORDER BY id DESC LIMIT ?2",
                                 kNotificationColumns));
    s.bind(1, status).bind(2, limit);
    std::vector<Notification> out;
    while (s.step()) out.push_back(read_notification(s));
    return out;
  }

  void update_notification(const Notification& n) override {
    Statement s(db_,
                "UPDATE notifications SET status = ?2, attempts = ?3, next_attempt_at = ?4, "
                "sent_at = ?5, last_error = ?6 WHERE id = ?1");
    s.bind(1, n.id).bind(2, n.status).bind(3, int64_t{n.attempts});
    s.bind(4, format_utc(n.next_attempt_at)).bind(5, optional_time_text(n.sent_at));
    s.bind(6, n.last_error).run();
  }

  void insert_notification_attempt(const NotificationAttempt& a) override {
    Statement s(db_,
                "INSERT INTO notification_attempts (notification_id, attempt, at, ok, detail) "
                "VALUES (?1, ?2, ?3, ?4, ?5)");
    s.bind(1, a.notification_id).bind(2, int64_t{a.attempt}).bind(3, format_utc(a.at));
    s.bind(4, int64_t{a.ok ? 1 : 0}).bind(5, a.detail).run();
  }

  std::vector<NotificationAttempt> notification_attempts(int64_t notification_id) override {
    Statement s(db_,
                "SELECT notification_id, attempt, at, ok, detail FROM notification_attempts "
                "WHERE notification_id = ?1 ORDER BY attempt");
    s.bind(1, notification_id);
    std::vector<NotificationAttempt> out;
    while (s.step())
      out.push_back(NotificationAttempt{s.integer(0), static_cast<int>(s.integer(1)),
                                        parse_time(s.text(2)), s.integer(3) != 0, s.text(4)});
    return out;
  }

  void insert_approval(const Approval& a) override {
    Statement& s = prepared(
        "INSERT INTO approvals (release_id, approver, step, role, binding, comment, "
        "approved_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    s.bind(1, a.release_id).bind(2, a.approver).bind(3, static_cast<int64_t>(a.step));
    s.bind(4, a.role).bind(5, a.binding).bind(6, a.comment).bind(7, format_utc(a.approved_at));
    s.run();
    s.reset();
  }

  std::vector<Approval> approvals_of(int64_t release_id) override {
    Statement s(db_,
                "SELECT release_id, approver, step, role, binding, comment, approved_at "
                "FROM approvals WHERE release_id = ?1 ORDER BY id");
    s.bind(1, release_id);
    std::vector<Approval> out;
    while (s.step())
      out.push_back(Approval{s.integer(0), s.text(1), static_cast<int>(s.integer(2)), s.text(3),
                             s.text(4), s.optional_text(5), parse_time(s.text(6))});
    return out;
  }

  Report report(const ReportQuery& query) override {
    return compute_report(db_, query, [this] {
      auto reader =
          std::make_unique<Database>(file_.string(), SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
      sqlite3_busy_timeout(reader->handle(), kReaderBusyTimeoutMs);
      return reader;
    });
  }

  std::optional<AuditEntry> last_audit_entry() override {
    Statement s(db_,
                "SELECT seq, at, actor, action, subject, payload, prev_hash, hash FROM audit "
                "ORDER BY seq DESC LIMIT 1");
    if (!s.step()) return std::nullopt;
    return read_audit(s);
  }

  std::optional<std::string> last_audit_subject(std::string_view action) override {
    Statement s(db_, "SELECT subject FROM audit WHERE action = ?1 ORDER BY seq DESC LIMIT 1");
    s.bind(1, action);
    if (!s.step()) return std::nullopt;
    return s.text(0);
  }

  void insert_audit_entry(const AuditEntry& e) override {
    Statement s(db_,
                "INSERT INTO audit (seq, at, actor, action, subject, payload, prev_hash, hash) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    s.bind(1, e.seq).bind(2, e.at).bind(3, e.actor).bind(4, e.action);
    s.bind(5, e.subject).bind(6, e.payload).bind(7, e.prev_hash).bind(8, e.hash).run();
  }

  void scan_audit(int64_t from_seq, const std::function<bool(const AuditEntry&)>& visit) override {
    Statement s(db_,
                "SELECT seq, at, actor, action, subject, payload, prev_hash, hash FROM audit "
                "WHERE seq >= ?1 ORDER BY seq");
    s.bind(1, from_seq);
    while (s.step())
      if (!visit(read_audit(s))) return;
  }

 private:
  // The users as the ledger holds them now: those read before, unless a user or a role changed
  // since (in this transaction too: the triggers count every change).
  const UserDirectory& directory() {
    Statement v(db_, "SELECT n FROM users_version");
    int64_t version = v.step() ? v.integer(0) : -1;
    if (version == users_.version && version != -1) return users_;
    Statement s(db_,
                "SELECT u.name, u.team, u.created_at, u.email, r.role FROM users u "
                "LEFT JOIN user_roles r ON r.user = u.name ORDER BY u.name");
    std::vector<User> users;
    while (s.step()) {
      if (users.empty() || users.back().name != s.view(0))
        users.push_back(User{s.text(0), s.text(1), {}, parse_time(s.text(2)), s.optional_text(3)});
      if (auto r = role_from_string(s.text(4))) users.back().roles.push_back(*r);
    }
    for (auto& u : users) std::sort(u.roles.begin(), u.roles.end());
    users_.users = std::move(users);
    users_.version = version;
    return users_;
  }

  void write_roles(const User& u) {
    for (Role r : u.roles) {
      Statement s(db_, "INSERT INTO user_roles (user, role) VALUES (?1, ?2)");
      s.bind(1, u.name).bind(2, to_string(r)).run();
    }
  }

  // Inserts repeated within one unit of work (a seeded history writes millions) are prepared
  // once. Only statements that run to completion and are reset are kept here.
  Statement& prepared(std::string_view sql) {
    auto found = prepared_.find(sql);
    if (found == prepared_.end())
      found = prepared_.emplace(std::string(sql), std::make_unique<Statement>(db_, sql)).first;
    return *found->second;
  }

  // A report's second connection waits for a checkpoint's lock no longer than a moment.
  static constexpr int kReaderBusyTimeoutMs = 1000;

  Database& db_;
  UserDirectory& users_;
  const fs::path& file_;
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> prepared_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(fs::path file, SqliteOptions options)
      : file_(std::move(file)),
        options_(options),
        db_(file_.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX) {
    sqlite3_busy_timeout(db_.handle(), static_cast<int>(options_.busy_timeout.count()));
    db_.exec("PRAGMA journal_mode = WAL");
    // Governance data: an acknowledged write survives power loss.
    db_.exec("PRAGMA synchronous = FULL");
    db_.exec("PRAGMA foreign_keys = ON");
  }

  Result<void> migrate(const std::vector<Migration>& migrations) {
    int known = migrations.back().version;
    // Checked outside a write transaction first, so readers of an up-to-date ledger never wait
    // for its write lock; checked again inside it, in case another process migrated meanwhile.
    if (schema_version() == known) return {};
    return write([&](StoreTransaction&) -> Result<void> {
      int current = schema_version();
      if (current > known)
        return fail(ErrorKind::unavailable,
                    "{} was written by a newer beaver (schema version {}; this beaver knows up "
                    "to {}): upgrade beaver",
                    file_.string(), current, known);
      for (const auto& m : migrations) {
        if (m.version <= current) continue;
        db_.exec(m.sql);
        db_.exec(fmt::format("PRAGMA user_version = {}", m.version));
      }
      return {};
    });
  }

  Result<void> write(const StoreWork& work) override {
    return run("BEGIN IMMEDIATE", work, options_.attempts);
  }

  Result<void> read(const StoreWork& work) override { return run("BEGIN", work, 1); }

  std::string describe() const override { return "sqlite://" + file_.string(); }

 private:
  Result<void> run(const char* begin, const StoreWork& work, int attempts) {
    for (int attempt = 1;; ++attempt) {
      bool open = false;
      try {
        // Through kept statements, not exec: a server runs these for every request.
        Statement(db_, begin).run();
        open = true;
        SqliteTransaction tx(db_, users_, file_);
        UserDirectory::ForgetUnlessCommitted forget{users_};
        auto result = work(tx);
        if (!result) {
          db_.exec("ROLLBACK");
          return result;
        }
        Statement(db_, "COMMIT").run();
        forget.committed = true;
        return {};
      } catch (const SqliteError& e) {
        if (open || !sqlite3_get_autocommit(db_.handle())) rollback_quietly();
        if (e.busy() && attempt < attempts) {
          std::this_thread::sleep_for(std::chrono::milliseconds(50 * attempt));
          continue;
        }
        if (e.busy())
          return fail(ErrorKind::unavailable,
                      "the ledger {} is locked by another beaver (waited {} ms, {} attempts); "
                      "try again",
                      file_.string(), options_.busy_timeout.count() * attempts, attempts);
        return fail(ErrorKind::internal, "database error in {}: {}", file_.string(), e.what());
      } catch (...) {
        // Any other failure inside a unit of work ends its transaction too: the connection is
        // used again, and the unit's writes must not join the next one's.
        if (open || !sqlite3_get_autocommit(db_.handle())) rollback_quietly();
        throw;
      }
    }
  }

  int schema_version() {
    Statement v(db_, "PRAGMA user_version");
    v.step();
    return static_cast<int>(v.integer(0));
  }

  void rollback_quietly() { sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr); }

  fs::path file_;
  SqliteOptions options_;
  Database db_;
  UserDirectory users_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const fs::path& file,
                                                 const fs::path& migrations_dir,
                                                 SqliteOptions options) {
  auto migrations = load_migrations(migrations_dir);
  if (!migrations) return std::unexpected(migrations.error());
  std::error_code ec;
  if (file.has_parent_path() && !fs::exists(file.parent_path(), ec)) {
    fs::create_directories(file.parent_path(), ec);
    if (ec)
      return fail(ErrorKind::bad_input, "cannot create {}: {}", file.parent_path().string(),
                  ec.message());
    // The ledger holds who approved what: private to its owner.
    chmod(file.parent_path().c_str(), 0700);
  }
  try {
    auto store = std::make_unique<SqliteStore>(file, options);
    BEAVER_TRY(store->migrate(*migrations));
    return store;
  } catch (const SqliteError& e) {
    if (e.busy())
      return fail(ErrorKind::unavailable, "the ledger {} is locked by another beaver; try again",
                  file.string());
    return fail(ErrorKind::unavailable, "cannot open the ledger {}: {}", file.string(), e.what());
  }
}

}  // namespace beaver
