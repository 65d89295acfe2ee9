// The people and the record of who did what: users and their roles, services, policies, tokens
// and the audit log (the other tables are in sql_releases.cpp, sql_deploys.cpp and
// sql_notifications.cpp).

#include "store/sql_transaction.hpp"

#include <algorithm>

#include "store/ledger_columns.hpp"

namespace beaver {
namespace {

// A user's chat ids as one column, NULL for none.
std::optional<std::string> im_column(const User& u) {
  if (u.im.empty()) return std::nullopt;
  return im_text(u.im);
}

Delegation read_delegation(const SqlRow& r) {
  return Delegation{r.integer(0), r.text(1),          r.text(2),
                    r.time(3),    r.optional_text(4), r.text(5),
                    r.time(6),    r.optional_text(7), r.optional_time(8)};
}

Service read_service(const SqlRow& r) { return Service{r.text(0), r.text(1), r.time(2)}; }

TokenRecord read_token(const SqlRow& r) {
  return TokenRecord{r.integer(0), r.text(1), r.text(2),          r.text(3),
                     r.text(4),    r.time(5), r.optional_text(6), r.optional_time(7)};
}

SessionRecord read_session(const SqlRow& r) {
  return SessionRecord{r.integer(0), r.text(1), r.text(2), r.text(3),
                       r.text(4),    r.time(5), r.time(6), r.optional_time(7)};
}

// The time stays text: verification hashes what is stored, so any edit to it shows.
AuditEntry read_audit(const SqlRow& r) {
  return AuditEntry{r.integer(0), r.text(1), r.text(2), r.text(3),
                    r.text(4),    r.text(5), r.text(6), r.text(7)};
}

}  // namespace

SqlTransaction::SqlTransaction(SqlSession& db, UserDirectory& users,
                               const KnownServices* known_services, UnitFacts facts)
    : db_(db), users_(users), known_services_(known_services), facts_(std::move(facts)) {}

void SqlTransaction::remember_services(KnownServices& into) const {
  for (const auto& [name, service] : facts_.services)
    if (service) into.insert_or_assign(name, *service);
}

// The users as the ledger holds them now: those read before, unless a user or a role changed
// since (in this unit too: the triggers count every change).
const UserDirectory& SqlTransaction::directory() {
  if (!facts_.users_version) {
    static const SqlText version{"SELECT n FROM users_version"};
    facts_.users_version =
        first_row(version, {}, [](const SqlRow& r) { return r.integer(0); }).value_or(-1);
  }
  int64_t version = *facts_.users_version;
  if (version == users_.version && version != -1) return users_;
  // In byte order on both stores, as UserDirectory::find searches them.
  static const SqlText all{
      "SELECT u.name, u.team, u.created_at, u.email, u.im, r.role FROM users u LEFT JOIN "
      "user_roles r ON r.\"user\" = u.name ORDER BY u.name COLLATE \"C\""};
  std::vector<User> users;
  db_.query(all, {}, [&](const SqlRow& r) {
    if (users.empty() || users.back().name != r.view(0))
      users.push_back(User{r.text(0),
                           r.text(1),
                           {},
                           r.time(2),
                           r.optional_text(3),
                           im_from_text(r.optional_text(4).value_or(""))});
    if (!r.is_null(5))
      if (auto role = role_from_string(r.view(5))) users.back().roles.push_back(*role);
  });
  for (auto& u : users) std::sort(u.roles.begin(), u.roles.end());
  static const SqlText standing{fmt::format(
      "SELECT {} FROM delegations WHERE revoked_at IS NULL ORDER BY id", kDelegationColumns)};
  users_.delegations = rows(standing, {}, read_delegation);
  users_.users = std::move(users);
  users_.version = version;
  return users_;
}

std::optional<User> SqlTransaction::find_user(std::string_view name) {
  if (const auto* u = directory().find(name)) return *u;
  return std::nullopt;
}

std::vector<User> SqlTransaction::list_users() { return directory().users; }

std::vector<User> SqlTransaction::users_with_role(Role role, std::optional<std::string_view> team) {
  return directory().with_role(role, team);
}

void SqlTransaction::insert_user(const User& u) {
  static const SqlText sql{
      "INSERT INTO users (name, team, created_at, email, im) VALUES (?1, ?2, ?3, ?4, ?5)"};
  facts_.users_version.reset();
  db_.execute(sql, sql_params(u.name, u.team, u.created_at, u.email, im_column(u)));
  write_roles(u);
}

void SqlTransaction::update_user(const User& u) {
  static const SqlText update{"UPDATE users SET team = ?2, email = ?3, im = ?4 WHERE name = ?1"};
  static const SqlText forget_roles{"DELETE FROM user_roles WHERE \"user\" = ?1"};
  facts_.users_version.reset();
  db_.execute(update, sql_params(u.name, u.team, u.email, im_column(u)));
  db_.execute(forget_roles, sql_params(u.name));
  write_roles(u);
}

void SqlTransaction::write_roles(const User& u) {
  static const SqlText sql{"INSERT INTO user_roles (\"user\", role) VALUES (?1, ?2)"};
  for (Role r : u.roles) db_.execute(sql, sql_params(u.name, to_string(r)));
}

std::optional<Service> SqlTransaction::find_service(std::string_view name) {
  if (auto known = facts_.services.find(name); known != facts_.services.end()) return known->second;
  if (known_services_ != nullptr)
    if (auto known = known_services_->find(name); known != known_services_->end())
      return known->second;
  static const SqlText sql{"SELECT name, team, created_at FROM services WHERE name = ?1"};
  auto found = first_row(sql, sql_params(name), read_service);
  facts_.services.emplace(std::string(name), found);
  return found;
}

std::vector<Service> SqlTransaction::list_services() {
  static const SqlText sql{
      "SELECT name, team, created_at FROM services ORDER BY name COLLATE \"C\""};
  return rows(sql, {}, read_service);
}

void SqlTransaction::insert_service(const Service& s) {
  static const SqlText sql{"INSERT INTO services (name, team, created_at) VALUES (?1, ?2, ?3)"};
  db_.execute(sql, sql_params(s.name, s.team, s.created_at));
  facts_.services.insert_or_assign(s.name, s);
}

void SqlTransaction::keep_policy(const std::string& sha256, const std::string& path,
                                 const std::string& content, Timestamp seen_at) {
  static const SqlText sql{
      "INSERT INTO policies (sha256, path, content, first_seen) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (sha256) DO NOTHING"};
  db_.execute(sql, sql_params(sha256, path, content, seen_at));
}

std::vector<Delegation> SqlTransaction::standing_delegations() { return directory().delegations; }

int64_t SqlTransaction::insert_delegation(const Delegation& d) {
  static const SqlText sql{
      "INSERT INTO delegations (\"user\", delegate, until, reason, created_by, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id"};
  facts_.users_version.reset();
  return db_.insert(sql,
                    sql_params(d.user, d.delegate, d.until, d.reason, d.created_by, d.created_at));
}

std::optional<Delegation> SqlTransaction::find_delegation(int64_t id) {
  static const SqlText sql{
      fmt::format("SELECT {} FROM delegations WHERE id = ?1", kDelegationColumns)};
  return first_row(sql, sql_params(id), read_delegation);
}

std::vector<Delegation> SqlTransaction::list_delegations(int64_t limit) {
  static const SqlText sql{
      fmt::format("SELECT {} FROM delegations ORDER BY id DESC LIMIT ?1", kDelegationColumns)};
  return rows(sql, sql_params(limit), read_delegation);
}

void SqlTransaction::revoke_delegation(int64_t id, const std::string& by, Timestamp at) {
  static const SqlText sql{"UPDATE delegations SET revoked_by = ?2, revoked_at = ?3 WHERE id = ?1"};
  facts_.users_version.reset();
  db_.execute(sql, sql_params(id, by, at));
}

int64_t SqlTransaction::insert_token(const TokenRecord& t) {
  static const SqlText sql{
      "INSERT INTO tokens (\"user\", label, secret_hash, created_by, created_at) VALUES (?1, ?2, "
      "?3, ?4, ?5) RETURNING id"};
  return db_.insert(sql, sql_params(t.user, t.label, t.secret_hash, t.created_by, t.created_at));
}

std::optional<TokenRecord> SqlTransaction::find_token(int64_t id) {
  static const SqlText sql{fmt::format("SELECT {} FROM tokens WHERE id = ?1", kTokenColumns)};
  return first_row(sql, sql_params(id), read_token);
}

std::vector<TokenRecord> SqlTransaction::list_tokens() {
  static const SqlText sql{fmt::format("SELECT {} FROM tokens ORDER BY id", kTokenColumns)};
  return rows(sql, {}, read_token);
}

void SqlTransaction::revoke_token(int64_t id, const std::string& by, Timestamp at) {
  static const SqlText sql{"UPDATE tokens SET revoked_by = ?2, revoked_at = ?3 WHERE id = ?1"};
  db_.execute(sql, sql_params(id, by, at));
}

std::optional<std::string> SqlTransaction::password_hash(std::string_view user) {
  static const SqlText sql{"SELECT hash FROM passwords WHERE \"user\" = ?1"};
  return first_row(sql, sql_params(user), [](const SqlRow& r) { return r.text(0); });
}

void SqlTransaction::put_password(const std::string& user, const std::string& hash,
                                  const std::string& set_by, Timestamp at) {
  static const SqlText sql{
      "INSERT INTO passwords (\"user\", hash, set_by, set_at) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (\"user\") DO UPDATE SET hash = excluded.hash, set_by = excluded.set_by, "
      "set_at = excluded.set_at"};
  db_.execute(sql, sql_params(user, hash, set_by, at));
}

int64_t SqlTransaction::insert_session(const SessionRecord& s) {
  static const SqlText sql{
      "INSERT INTO sessions (\"user\", secret_hash, csrf, client, created_at, seen_at) VALUES "
      "(?1, ?2, ?3, ?4, ?5, ?6) RETURNING id"};
  return db_.insert(sql,
                    sql_params(s.user, s.secret_hash, s.csrf, s.client, s.created_at, s.seen_at));
}

std::optional<SessionRecord> SqlTransaction::find_session(int64_t id) {
  static const SqlText sql{fmt::format("SELECT {} FROM sessions WHERE id = ?1", kSessionColumns)};
  return first_row(sql, sql_params(id), read_session);
}

void SqlTransaction::touch_session(int64_t id, Timestamp at) {
  static const SqlText sql{"UPDATE sessions SET seen_at = ?2 WHERE id = ?1"};
  db_.execute(sql, sql_params(id, at));
}

void SqlTransaction::end_session(int64_t id, Timestamp at) {
  static const SqlText sql{"UPDATE sessions SET ended_at = ?2 WHERE id = ?1 AND ended_at IS NULL"};
  db_.execute(sql, sql_params(id, at));
}

void SqlTransaction::end_sessions_of(std::string_view user, Timestamp at) {
  static const SqlText sql{
      "UPDATE sessions SET ended_at = ?2 WHERE \"user\" = ?1 AND ended_at IS NULL"};
  db_.execute(sql, sql_params(user, at));
}

std::optional<AuditEntry> SqlTransaction::last_audit_entry() {
  if (facts_.last_audit) return *facts_.last_audit;
  static const SqlText sql{
      fmt::format("SELECT {} FROM audit ORDER BY seq DESC LIMIT 1", kAuditColumns)};
  auto last = first_row(sql, {}, read_audit);
  facts_.last_audit.emplace(last);
  return last;
}

std::optional<std::string> SqlTransaction::last_audit_subject(std::string_view action) {
  if (auto known = facts_.subjects.find(action); known != facts_.subjects.end())
    return known->second;
  static const SqlText sql{"SELECT subject FROM audit WHERE action = ?1 ORDER BY seq DESC LIMIT 1"};
  auto subject = first_row(sql, sql_params(action), [](const SqlRow& r) { return r.text(0); });
  facts_.subjects.emplace(std::string(action), subject);
  return subject;
}

void SqlTransaction::insert_audit_entry(const AuditEntry& e) {
  static const SqlText sql{
      fmt::format("INSERT INTO audit ({}) VALUES ({})", kAuditColumns, numbered_parameters(8))};
  db_.execute(
      sql, sql_params(e.seq, e.at, e.actor, e.action, e.subject, e.payload, e.prev_hash, e.hash));
  facts_.last_audit.emplace(e);
  facts_.subjects.insert_or_assign(e.action, e.subject);
}

void SqlTransaction::scan_audit(int64_t from_seq,
                                const std::function<bool(const AuditEntry&)>& visit) {
  // In pages, so that a long log is never read into memory whole.
  constexpr int64_t kPage = 1000;
  static const SqlText sql{
      fmt::format("SELECT {} FROM audit WHERE seq >= ?1 ORDER BY seq LIMIT ?2", kAuditColumns)};
  for (int64_t next = from_seq;;) {
    auto page = rows(sql, sql_params(next, kPage), read_audit);
    for (const auto& entry : page) {
      next = entry.seq + 1;
      if (!visit(entry)) return;
    }
    if (static_cast<int64_t>(page.size()) < kPage) return;
  }
}

}  // namespace beaver
