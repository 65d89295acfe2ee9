// The ledger on PostgreSQL: the StoreTransaction of sqlite_store.cpp in PostgreSQL's SQL, over
// the schema of schemas/migrations/postgresql. Rows, times and ids are written exactly as on
// SQLite, so a ledger moves between the stores unchanged.
//
// Write units of work are serialised across every server on the database by a transaction-level
// advisory lock, as SQLite's BEGIN IMMEDIATE serialises writers on one file: the audit log's next
// sequence number and hash follow the last entry, so two writers may never both read the same
// last entry. Readers take a REPEATABLE READ snapshot and never wait for writers.
//
// The lock is not held while the commit is flushed to disk, or writers would go one flush at a
// time. A writer commits without waiting for the flush, which releases the lock, then commits a
// transaction of its own that does wait (see PgTransaction::commit): the log is written in order,
// so once the second commit is on disk, so is the first. The waits of many writers are served by
// one flush, as in any group commit, and a unit of work returns only once its writes are durable. A
// crash can lose a commit nobody was told of, and with it every later one, which may have read it:
// the log on disk is always a prefix, so the audit chain stays whole. The price: a reader may see
// a commit a moment (one flush) before it is on disk, and after a crash at that moment not see it
// again. Whatever a writer does on what it saw (an approval, a claimed message) is flushed with
// it before the writer returns.

#include "store/pg_store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <utility>

#include "store/ledger_columns.hpp"
#include "store/migrations.hpp"
#include "store/pg.hpp"
#include "store/release_sql.hpp"
#include "store/report_store.hpp"
#include "store/schema_migrate.hpp"
#include "store/user_directory.hpp"

namespace beaver {

// A server's writers take the writers' lock in turns. While one waits for it, the others of the
// same server queue here; once it is granted, the one waiting takes them (up to kMostUnits) into
// its transaction and runs their units after its own, and the next writer to arrive waits for
// the lock in its turn. One lock hold, one commit and one flush serve the whole batch, so a busy
// server's writers do not queue at the lock one by one (on a 2-core machine each hand-over is a
// wake-up of another process). Each writer waits on its own thread for its unit's outcome.
class PgWriteBatches {
 public:
  static constexpr size_t kMostUnits = 64;

  struct Entry {
    const StoreWork& work;
    // done: ran and committed with its batch (or failed by itself); alone: to be run again in a
    // transaction of its own (the batch failed).
    enum class State { queued, done, alone } state = State::queued;
    Result<void> result{};
    std::exception_ptr thrown{};
  };

  std::mutex lock;
  std::condition_variable changed;
  std::deque<Entry*> queue;
  bool gathering = false;  // a writer waits for the lock, and will take the queue
};

namespace {

using pg::Connection;
using pg::Param;
using pg::PgError;

// The advisory lock every write unit of work holds until it ends: "beaver" and 2.
constexpr const char* kWriteLock = "7089337349742411778";

Param p(std::string_view s) { return std::string(s); }
Param p(const std::string& s) { return s; }
Param p(int64_t n) { return std::to_string(n); }
Param p(int n) { return std::to_string(n); }
Param p(const std::optional<std::string>& s) { return s; }
Param p(Timestamp t) { return format_utc(t); }
Param p(const std::optional<Timestamp>& t) {
  if (!t) return std::nullopt;
  return format_utc(*t);
}

// A time column that is not what beaver wrote means the database was edited by hand.
Timestamp parse_time(const std::string& text) {
  auto t = parse_iso8601(text);
  if (!t) throw PgError("XX001", fmt::format("bad time '{}' in the ledger", text));
  return *t;
}

std::optional<Timestamp> parse_optional_time(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return parse_time(*text);
}

Release read_release(const pg::Result& r, int row) {
  Release out;
  out.id = r.integer(row, 0);
  out.service = r.text(row, 1);
  out.env = r.text(row, 2);
  out.version = r.text(row, 3);
  out.commit = r.optional_text(row, 4);
  out.package_sha256 = r.optional_text(row, 5);
  auto type = release_type_from_string(r.text(row, 6));
  auto state = release_state_from_string(r.text(row, 7));
  if (!type || !state)
    throw PgError("XX001", fmt::format("release {} has a bad type or status", out.id));
  out.type = *type;
  out.state = *state;
  out.category = r.optional_text(row, 8);
  out.reason = r.optional_text(row, 9);
  out.submitter = r.text(row, 10);
  out.submitted_at = parse_time(r.text(row, 11));
  out.approved_at = parse_optional_time(r.optional_text(row, 12));
  out.deployed_at = parse_optional_time(r.optional_text(row, 13));
  out.closed_by = r.optional_text(row, 14);
  out.close_comment = r.optional_text(row, 15);
  out.closed_at = parse_optional_time(r.optional_text(row, 16));
  out.policy_sha256 = r.optional_text(row, 17);
  out.reviewed_by = r.optional_text(row, 18);
  out.reviewed_at = parse_optional_time(r.optional_text(row, 19));
  out.review_notes = r.optional_text(row, 20);
  return out;
}

// Every column of a release but its id, as $1..$20 in kReleaseColumns' order.
std::vector<Param> release_params(const Release& r) {
  return {p(r.service),          p(r.env),
          p(r.version),          p(r.commit),
          p(r.package_sha256),   p(to_string(r.type)),
          p(to_string(r.state)), p(r.category),
          p(r.reason),           p(r.submitter),
          p(r.submitted_at),     p(r.approved_at),
          p(r.deployed_at),      p(r.closed_by),
          p(r.close_comment),    p(r.closed_at),
          p(r.policy_sha256),    p(r.reviewed_by),
          p(r.reviewed_at),      p(r.review_notes)};
}

PackageRecord read_package(const pg::Result& r, int row) {
  PackageRecord out;
  out.id = r.integer(row, 0);
  out.sha256 = r.text(row, 1);
  out.service = r.text(row, 2);
  out.version = r.text(row, 3);
  out.file_name = r.text(row, 4);
  out.size = r.integer(row, 5);
  out.commit = r.text(row, 6);
  out.branch = r.optional_text(row, 7);
  out.tag = r.optional_text(row, 8);
  out.commit_time = parse_time(r.text(row, 9));
  out.allow_dirty = r.integer(row, 10) != 0;
  out.builder = r.text(row, 11);
  out.registered_at = parse_time(r.text(row, 12));
  out.manifest_json = r.text(row, 13);
  return out;
}

constexpr std::string_view kTokenSelect =
    "SELECT id, \"user\", label, secret_hash, created_by, created_at, revoked_by, revoked_at "
    "FROM tokens";

TokenRecord read_token(const pg::Result& r, int row) {
  return TokenRecord{r.integer(row, 0),       r.text(row, 1),
                     r.text(row, 2),          r.text(row, 3),
                     r.text(row, 4),          parse_time(r.text(row, 5)),
                     r.optional_text(row, 6), parse_optional_time(r.optional_text(row, 7))};
}

Notification read_notification(const pg::Result& r, int row) {
  Notification n;
  n.id = r.integer(row, 0);
  n.event = r.text(row, 1);
  n.release_id = r.integer(row, 2);
  n.channel = r.text(row, 3);
  n.channel_type = r.text(row, 4);
  n.target = r.text(row, 5);
  n.body = r.text(row, 6);
  n.status = r.text(row, 7);
  n.attempts = static_cast<int>(r.integer(row, 8));
  n.next_attempt_at = parse_time(r.text(row, 9));
  n.created_at = parse_time(r.text(row, 10));
  n.sent_at = parse_optional_time(r.optional_text(row, 11));
  n.last_error = r.optional_text(row, 12);
  return n;
}

DeployRecord read_deploy(const pg::Result& r, int row) {
  return DeployRecord{r.integer(row, 0),
                      r.integer(row, 1),
                      r.text(row, 2),
                      r.text(row, 3),
                      r.text(row, 4),
                      parse_time(r.text(row, 5)),
                      parse_optional_time(r.optional_text(row, 6)),
                      r.optional_text(row, 7)};
}

constexpr const char* kStepColumns =
    "s.deploy_id, s.host, s.batch, s.step, s.status, s.started_at, s.elapsed_ms, s.output";

DeployStep read_step(const pg::Result& r, int row) {
  return DeployStep{r.integer(row, 0), r.text(row, 1), static_cast<int>(r.integer(row, 2)),
                    r.text(row, 3),    r.text(row, 4), parse_time(r.text(row, 5)),
                    r.integer(row, 6), r.text(row, 7)};
}

constexpr const char* kApprovalColumns =
    "release_id, approver, step, role, binding, comment, approved_at";

Approval read_approval(const pg::Result& r, int row) {
  return Approval{r.integer(row, 0),
                  r.text(row, 1),
                  static_cast<int>(r.integer(row, 2)),
                  r.text(row, 3),
                  r.text(row, 4),
                  r.optional_text(row, 5),
                  parse_time(r.text(row, 6))};
}

// A release's approvals and its deploy runs, oldest first ($1 the release): what approvals_of
// and deploys_of read, and release_records reads at once.
const std::string& approvals_of_sql() {
  static const std::string sql =
      fmt::format("SELECT {} FROM approvals WHERE release_id = $1 ORDER BY id", kApprovalColumns);
  return sql;
}
const std::string& deploys_of_sql() {
  static const std::string sql =
      fmt::format("SELECT {} FROM deploys WHERE release_id = $1 ORDER BY id", kDeployColumns);
  return sql;
}

// The audit columns in their order, from `column` on.
AuditEntry read_audit(const pg::Result& r, int row, int column = 0) {
  auto t = [&](int i) { return r.text(row, column + i); };
  return AuditEntry{r.integer(row, column), t(1), t(2), t(3), t(4), t(5), t(6), t(7)};
}

// What a unit of work reads in the round trip that begins it: the directory's version, and for a
// writer, once the writers' lock is granted, the audit log's head. A writer holds the lock until
// its commit, so nothing it reads there can change under it except by its own hand; it keeps
// these and what it writes itself instead of asking the server again, since every round trip a
// writer makes is one that every other writer waits for.
struct UnitStart {
  int64_t users_version = -1;
  bool audit_known = false;  // false for a reader: the rest is unread
  std::optional<AuditEntry> last_audit;
  std::optional<std::string> last_policy;  // the subject of the newest policy.changed entry
  int64_t last_release_id = 0;             // 0 when there is none
};

// Services are never changed or removed: one a committed unit saw stays as it was, and a store
// keeps those it has seen for the units after it.
using KnownServices = std::map<std::string, Service, std::less<>>;

constexpr std::string_view kPolicyChanged = "policy.changed";

std::string audit_select(std::string_view where) {
  return fmt::format(
      "SELECT seq, at, actor, action, subject, payload, prev_hash, hash FROM audit {} ORDER BY "
      "seq DESC LIMIT 1",
      where);
}

class PgTransaction final : public StoreTransaction {
 public:
  PgTransaction(Connection& c, UserDirectory& users, const KnownServices& known_services,
                const UnitStart& start, OpenPgReader open_reader)
      : c_(c),
        users_(users),
        known_services_(known_services),
        open_reader_(std::move(open_reader)),
        users_version_(start.users_version) {
    if (start.audit_known) {
      last_audit_.emplace(start.last_audit);
      subjects_[std::string(kPolicyChanged)] = start.last_policy;
      // Under the writers' lock the next release is the last one's successor, as SQLite numbers
      // them: known without asking, so a release's insert can wait for the commit too.
      next_release_id_ = start.last_release_id + 1;
    }
  }

  // The services this unit saw, once it has committed (see KnownServices).
  void remember_services(KnownServices& into) const {
    for (const auto& [name, service] : services_)
      if (service) into.insert_or_assign(name, *service);
  }

  std::optional<User> find_user(std::string_view name) override {
    if (const auto* u = directory().find(name)) return *u;
    return std::nullopt;
  }

  std::vector<User> list_users() override { return directory().users; }

  std::vector<User> users_with_role(Role role, std::optional<std::string_view> team) override {
    return directory().with_role(role, team);
  }

  void insert_user(const User& u) override {
    users_version_.reset();
    defer("INSERT INTO users (name, team, created_at, email) VALUES ($1, $2, $3, $4)",
          {p(u.name), p(u.team), p(u.created_at), p(u.email)});
    write_roles(u);
  }

  void update_user(const User& u) override {
    users_version_.reset();
    defer("UPDATE users SET team = $2, email = $3 WHERE name = $1",
          {p(u.name), p(u.team), p(u.email)});
    defer("DELETE FROM user_roles WHERE \"user\" = $1", {p(u.name)});
    write_roles(u);
  }

  std::optional<Service> find_service(std::string_view name) override {
    if (auto known = services_.find(name); known != services_.end()) return known->second;
    if (auto known = known_services_.find(name); known != known_services_.end())
      return known->second;
    auto r = q("SELECT name, team, created_at FROM services WHERE name = $1", {p(name)});
    std::optional<Service> found;
    if (r.rows() > 0) found = Service{r.text(0, 0), r.text(0, 1), parse_time(r.text(0, 2))};
    services_.emplace(std::string(name), found);
    return found;
  }

  std::vector<Service> list_services() override {
    auto r = q("SELECT name, team, created_at FROM services ORDER BY name COLLATE \"C\"");
    std::vector<Service> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back(Service{r.text(i, 0), r.text(i, 1), parse_time(r.text(i, 2))});
    return out;
  }

  void insert_service(const Service& s) override {
    defer("INSERT INTO services (name, team, created_at) VALUES ($1, $2, $3)",
          {p(s.name), p(s.team), p(s.created_at)});
    services_.insert_or_assign(s.name, s);
  }

  void keep_policy(const std::string& sha256, const std::string& path, const std::string& content,
                   Timestamp seen_at) override {
    defer(
        "INSERT INTO policies (sha256, path, content, first_seen) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (sha256) DO NOTHING",
        {p(sha256), p(path), p(content), p(seen_at)});
  }

  int64_t insert_package(const PackageRecord& k) override {
    auto r = q(
        "INSERT INTO packages (sha256, service, version, file_name, size, git_commit, git_branch, "
        "git_tag, commit_time, allow_dirty, builder, registered_at, manifest_json) VALUES ($1, "
        "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        {p(k.sha256), p(k.service), p(k.version), p(k.file_name), p(k.size), p(k.commit),
         p(k.branch), p(k.tag), p(k.commit_time), p(int64_t{k.allow_dirty ? 1 : 0}), p(k.builder),
         p(k.registered_at), p(k.manifest_json)});
    return r.integer(0, 0);
  }

  std::optional<PackageRecord> find_package(std::string_view sha256) override {
    auto r =
        q(fmt::format("SELECT {} FROM packages WHERE sha256 = $1", kPackageColumns), {p(sha256)});
    if (r.rows() == 0) return std::nullopt;
    return read_package(r, 0);
  }

  std::optional<PackageRecord> find_package_of(std::string_view service,
                                               std::string_view version) override {
    auto r = q(fmt::format("SELECT {} FROM packages WHERE service = $1 AND version = $2 "
                           "ORDER BY id DESC LIMIT 1",
                           kPackageColumns),
               {p(service), p(version)});
    if (r.rows() == 0) return std::nullopt;
    return read_package(r, 0);
  }

  std::vector<PackageRecord> list_packages(const std::optional<std::string>& service,
                                           int64_t limit) override {
    auto r = q(fmt::format("SELECT {} FROM packages WHERE ($1::text IS NULL OR service = "
                           "$1) ORDER BY id DESC LIMIT $2",
                           kPackageColumns),
               {p(service), p(limit)});
    std::vector<PackageRecord> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_package(r, i));
    return out;
  }

  int64_t insert_release(const Release& r) override {
    int64_t id = 0;
    if (next_release_id_) {
      static const std::string sql = fmt::format(
          "INSERT INTO releases ({}) VALUES ($21, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
          "$12, $13, $14, $15, $16, $17, $18, $19, $20)",
          kReleaseColumns);
      id = (*next_release_id_)++;
      auto params = release_params(r);
      params.push_back(p(id));
      defer(sql, std::move(params));
    } else {
      static const std::string sql = fmt::format(
          "INSERT INTO releases ({}) VALUES (DEFAULT, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
          "$11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id",
          kReleaseColumns);
      id = q(sql, release_params(r)).integer(0, 0);
    }
    // Nobody else sees it before the commit, so its approvals and runs are this unit's own.
    without_approvals_.insert(id);
    without_deploys_.insert(id);
    return id;
  }

  std::optional<Release> find_release(int64_t id) override {
    auto r = q(fmt::format("SELECT {} FROM releases WHERE id = $1", kReleaseColumns), {p(id)});
    if (r.rows() == 0) return std::nullopt;
    return read_release(r, 0);
  }

  std::vector<Release> list_releases(const ReleaseFilter& f) override {
    auto r = q(
        fmt::format("SELECT {} FROM releases WHERE ($1::text IS NULL OR service = $1) "
                    "AND ($2::text IS NULL OR env = $2) AND ($3::text IS NULL OR type = $3) "
                    "AND ($4::text IS NULL OR status = $4) "
                    "AND ($5::text IS NULL OR submitted_at >= $5) "
                    "AND ($6::text IS NULL OR submitted_at < $6) AND ($7::text IS NULL OR {} = 1) "
                    "ORDER BY id DESC LIMIT $9",
                    kReleaseColumns, owing_review_sql("", "$7", "$8::bigint")),
        {p(f.service), p(f.env), f.type ? p(to_string(*f.type)) : Param{},
         f.state ? p(to_string(*f.state)) : Param{}, p(f.submitted_from), p(f.submitted_until),
         p(f.review_due_before), p(static_cast<int64_t>(f.review_deadline.count())), p(f.limit)});
    std::vector<Release> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_release(r, i));
    return out;
  }

  void update_release(const Release& r) override {
    auto params = release_params(r);
    params.push_back(p(r.id));
    defer(
        "UPDATE releases SET service = $1, env = $2, version = $3, git_commit = $4, "
        "package_sha256 = $5, type = $6, status = $7, category = $8, reason = $9, "
        "submitter = $10, submitted_at = $11, approved_at = $12, deployed_at = $13, "
        "closed_by = $14, close_comment = $15, closed_at = $16, policy_sha256 = $17, "
        "reviewed_by = $18, reviewed_at = $19, review_notes = $20 WHERE id = $21",
        params);
  }

  std::map<std::pair<std::string, std::string>, int64_t> release_counts() override {
    auto r = q("SELECT type, status, count(*) FROM releases GROUP BY type, status");
    std::map<std::pair<std::string, std::string>, int64_t> out;
    for (int i = 0; i < r.rows(); ++i) out[{r.text(i, 0), r.text(i, 1)}] = r.integer(i, 2);
    return out;
  }

  int64_t insert_deploy(const DeployRecord& d) override {
    without_deploys_.erase(d.release_id);
    return q("INSERT INTO deploys (release_id, actor, status, batches, started_at, finished_at, "
             "message) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
             {p(d.release_id), p(d.actor), p(d.status), p(d.batches), p(d.started_at),
              p(d.finished_at), p(d.message)})
        .integer(0, 0);
  }

  void update_deploy(const DeployRecord& d) override {
    defer("UPDATE deploys SET status = $2, finished_at = $3, message = $4 WHERE id = $1",
          {p(d.id), p(d.status), p(d.finished_at), p(d.message)});
  }

  std::optional<DeployRecord> find_deploy(int64_t id) override {
    auto r = q(fmt::format("SELECT {} FROM deploys WHERE id = $1", kDeployColumns), {p(id)});
    if (r.rows() == 0) return std::nullopt;
    return read_deploy(r, 0);
  }

  std::vector<DeployRecord> deploys_of(int64_t release_id) override {
    if (without_deploys_.contains(release_id)) return {};
    auto r = q(deploys_of_sql(), {p(release_id)});
    std::vector<DeployRecord> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_deploy(r, i));
    return out;
  }

  void insert_deploy_step(const DeployStep& d) override {
    defer(
        "INSERT INTO deploy_steps (deploy_id, host, batch, step, status, started_at, elapsed_ms, "
        "output) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        {p(d.deploy_id), p(d.host), p(d.batch), p(d.step), p(d.status), p(d.started_at),
         p(d.elapsed_ms), p(d.output)});
  }

  std::vector<DeployStep> deploy_steps(int64_t deploy_id) override {
    static const std::string sql =
        fmt::format("SELECT {} FROM deploy_steps s WHERE deploy_id = $1 ORDER BY id", kStepColumns);
    auto r = q(sql, {p(deploy_id)});
    std::vector<DeployStep> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_step(r, i));
    return out;
  }

  // A release page's three reads in one round trip (otherwise one per deploy run and two more),
  // when nothing this unit wrote has to go first.
  ReleaseRecords release_records(int64_t release_id) override {
    if (!deferred_.empty() || in_unit_ || without_approvals_.contains(release_id) ||
        without_deploys_.contains(release_id))
      return StoreTransaction::release_records(release_id);
    static const std::string steps = fmt::format(
        "SELECT {} FROM deploy_steps s JOIN deploys d ON d.id = s.deploy_id "
        "WHERE d.release_id = $1 ORDER BY s.deploy_id, s.id",
        kStepColumns);
    auto r = c_.pipeline_results({{approvals_of_sql(), {p(release_id)}},
                                  {deploys_of_sql(), {p(release_id)}},
                                  {steps, {p(release_id)}}});
    ReleaseRecords out;
    for (int i = 0; i < r[0].rows(); ++i) out.approvals.push_back(read_approval(r[0], i));
    for (int i = 0; i < r[1].rows(); ++i)
      out.deploys.emplace_back(read_deploy(r[1], i), std::vector<DeployStep>{});
    // Both in deploy id order: each step's run is the current one or a later one.
    size_t run = 0;
    for (int i = 0; i < r[2].rows(); ++i) {
      auto step = read_step(r[2], i);
      while (run < out.deploys.size() && out.deploys[run].first.id != step.deploy_id) ++run;
      if (run == out.deploys.size())
        throw pg::PgError("XX000",
                          fmt::format("deploy step of run {} out of order", step.deploy_id));
      out.deploys[run].second.push_back(std::move(step));
    }
    return out;
  }

  std::vector<Release> deployed_releases(std::string_view service, std::string_view env,
                                         int64_t limit) override {
    auto r = q(fmt::format("SELECT {} FROM releases r JOIN deploys d "
                           "ON d.release_id = r.id AND d.status = 'deployed' "
                           "WHERE r.service = $1 AND r.env = $2 "
                           "GROUP BY r.id ORDER BY max(d.id) DESC LIMIT $3",
                           prefixed_release_columns("r.")),
               {p(service), p(env), p(limit)});
    std::vector<Release> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_release(r, i));
    return out;
  }

  bool host_received(std::string_view host, int64_t release_id) override {
    return q("SELECT 1 FROM deploy_steps st JOIN deploys d ON d.id = st.deploy_id "
             "WHERE st.host = $1 AND st.step = 'switch' AND st.status = 'ok' "
             "AND d.release_id = $2 LIMIT 1",
             {p(host), p(release_id)})
               .rows() > 0;
  }

  void insert_deploy_event(const DeployEvent& e) override {
    defer(
        "INSERT INTO deploy_events (deploy_id, after_steps, kind, host, batch, outcome, note) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        {p(e.deploy_id), p(e.after_steps), p(e.kind), p(e.host), p(e.batch), p(e.outcome),
         p(e.note)});
  }

  std::vector<DeployEvent> deploy_events(int64_t deploy_id) override {
    auto r =
        q("SELECT deploy_id, after_steps, kind, host, batch, outcome, note FROM deploy_events "
          "WHERE deploy_id = $1 ORDER BY id",
          {p(deploy_id)});
    std::vector<DeployEvent> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back(DeployEvent{r.integer(i, 0), r.integer(i, 1), r.text(i, 2), r.text(i, 3),
                                static_cast<int>(r.integer(i, 4)), r.text(i, 5), r.text(i, 6)});
    return out;
  }

  std::vector<DeployRecord> list_deploys(const std::optional<std::string>& service,
                                         const std::optional<std::string>& env,
                                         int64_t limit) override {
    auto r =
        q("SELECT d.id, d.release_id, d.actor, d.status, d.batches, d.started_at, d.finished_at, "
          "d.message FROM deploys d JOIN releases r ON r.id = d.release_id "
          "WHERE ($1::text IS NULL OR r.service = $1) AND ($2::text IS NULL OR r.env = $2) "
          "ORDER BY d.id DESC LIMIT $3",
          {p(service), p(env), p(limit)});
    std::vector<DeployRecord> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_deploy(r, i));
    return out;
  }

  std::optional<DeployLease> find_lease(std::string_view service, std::string_view env) override {
    auto r = q(
        "SELECT service, env, deploy_id, actor, machine, pid, pid_start, acquired_at, expires_at, "
        "stop_requested_by FROM deploy_leases WHERE service = $1 AND env = $2",
        {p(service), p(env)});
    if (r.rows() == 0) return std::nullopt;
    return DeployLease{r.text(0, 0),
                       r.text(0, 1),
                       r.integer(0, 2),
                       r.text(0, 3),
                       r.text(0, 4),
                       r.integer(0, 5),
                       r.text(0, 6),
                       parse_time(r.text(0, 7)),
                       parse_time(r.text(0, 8)),
                       r.optional_text(0, 9)};
  }

  void put_lease(const DeployLease& l) override {
    defer(
        "INSERT INTO deploy_leases (service, env, deploy_id, actor, machine, pid, pid_start, "
        "acquired_at, expires_at, stop_requested_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
        "$10) ON CONFLICT (service, env) DO UPDATE SET deploy_id = EXCLUDED.deploy_id, "
        "actor = EXCLUDED.actor, machine = EXCLUDED.machine, pid = EXCLUDED.pid, "
        "pid_start = EXCLUDED.pid_start, acquired_at = EXCLUDED.acquired_at, "
        "expires_at = EXCLUDED.expires_at, stop_requested_by = EXCLUDED.stop_requested_by",
        {p(l.service), p(l.env), p(l.deploy_id), p(l.actor), p(l.machine), p(l.pid), p(l.pid_start),
         p(l.acquired_at), p(l.expires_at), p(l.stop_requested_by)});
  }

  void delete_lease(std::string_view service, std::string_view env, int64_t deploy_id) override {
    defer("DELETE FROM deploy_leases WHERE service = $1 AND env = $2 AND deploy_id = $3",
          {p(service), p(env), p(deploy_id)});
  }

  int64_t insert_token(const TokenRecord& t) override {
    return q("INSERT INTO tokens (\"user\", label, secret_hash, created_by, created_at) VALUES "
             "($1, $2, $3, $4, $5) RETURNING id",
             {p(t.user), p(t.label), p(t.secret_hash), p(t.created_by), p(t.created_at)})
        .integer(0, 0);
  }

  std::optional<TokenRecord> find_token(int64_t id) override {
    auto r = q(std::string(kTokenSelect) + " WHERE id = $1", {p(id)});
    if (r.rows() == 0) return std::nullopt;
    return read_token(r, 0);
  }

  std::vector<TokenRecord> list_tokens() override {
    auto r = q(std::string(kTokenSelect) + " ORDER BY id");
    std::vector<TokenRecord> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_token(r, i));
    return out;
  }

  void revoke_token(int64_t id, const std::string& by, Timestamp at) override {
    defer("UPDATE tokens SET revoked_by = $2, revoked_at = $3 WHERE id = $1",
          {p(id), p(by), p(at)});
  }

  int64_t insert_notification(const Notification& n) override {
    return q("INSERT INTO notifications (event, release_id, channel, channel_type, target, body, "
             "status, attempts, next_attempt_at, created_at, sent_at, last_error) VALUES ($1, $2, "
             "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
             {p(n.event), p(n.release_id), p(n.channel), p(n.channel_type), p(n.target), p(n.body),
              p(n.status), p(n.attempts), p(n.next_attempt_at), p(n.created_at), p(n.sent_at),
              p(n.last_error)})
        .integer(0, 0);
  }

  std::vector<Notification> due_notifications(Timestamp now, int64_t limit) override {
    auto r = q(fmt::format("SELECT {} FROM notifications WHERE status = 'pending' AND "
                           "next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2",
                           kNotificationColumns),
               {p(now), p(limit)});
    std::vector<Notification> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_notification(r, i));
    return out;
  }

  std::vector<Notification> list_notifications(const std::optional<std::string>& status,
                                               int64_t limit) override {
    auto r = q(fmt::format("SELECT {} FROM notifications WHERE $1::text IS NULL OR "
                           "status = $1 ORDER BY id DESC LIMIT $2",
                           kNotificationColumns),
               {p(status), p(limit)});
    std::vector<Notification> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_notification(r, i));
    return out;
  }

  void update_notification(const Notification& n) override {
    defer(
        "UPDATE notifications SET status = $2, attempts = $3, next_attempt_at = $4, sent_at = "
        "$5, last_error = $6 WHERE id = $1",
        {p(n.id), p(n.status), p(n.attempts), p(n.next_attempt_at), p(n.sent_at), p(n.last_error)});
  }

  void insert_notification_attempt(const NotificationAttempt& a) override {
    defer(
        "INSERT INTO notification_attempts (notification_id, attempt, at, ok, detail) VALUES "
        "($1, $2, $3, $4, $5)",
        {p(a.notification_id), p(a.attempt), p(a.at), p(int64_t{a.ok ? 1 : 0}), p(a.detail)});
  }

  std::vector<NotificationAttempt> notification_attempts(int64_t notification_id) override {
    auto r =
        q("SELECT notification_id, attempt, at, ok, detail FROM notification_attempts WHERE "
          "notification_id = $1 ORDER BY attempt",
          {p(notification_id)});
    std::vector<NotificationAttempt> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back(NotificationAttempt{r.integer(i, 0), static_cast<int>(r.integer(i, 1)),
                                        parse_time(r.text(i, 2)), r.integer(i, 3) != 0,
                                        r.text(i, 4)});
    return out;
  }

  void insert_approval(const Approval& a) override {
    without_approvals_.erase(a.release_id);
    defer(
        "INSERT INTO approvals (release_id, approver, step, role, binding, comment, approved_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        {p(a.release_id), p(a.approver), p(a.step), p(a.role), p(a.binding), p(a.comment),
         p(a.approved_at)});
  }

  std::vector<Approval> approvals_of(int64_t release_id) override {
    if (without_approvals_.contains(release_id)) return {};
    auto r = q(approvals_of_sql(), {p(release_id)});
    std::vector<Approval> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_approval(r, i));
    return out;
  }

  Report report(const ReportQuery& query) override {
    if (!deferred_.empty()) send_deferred();
    return compute_report(c_, query, open_reader_);
  }

  std::optional<AuditEntry> last_audit_entry() override {
    if (last_audit_) return *last_audit_;
    static const std::string sql = audit_select("");
    auto r = q(sql);
    if (r.rows() == 0) return std::nullopt;
    return read_audit(r, 0);
  }

  std::optional<std::string> last_audit_subject(std::string_view action) override {
    if (auto known = subjects_.find(action); known != subjects_.end()) return known->second;
    auto r =
        q("SELECT subject FROM audit WHERE action = $1 ORDER BY seq DESC LIMIT 1", {p(action)});
    std::optional<std::string> subject;
    if (r.rows() > 0) subject = r.text(0, 0);
    subjects_.emplace(std::string(action), subject);
    return subject;
  }

  void insert_audit_entry(const AuditEntry& e) override {
    defer(
        "INSERT INTO audit (seq, at, actor, action, subject, payload, prev_hash, hash) VALUES "
        "($1, $2, $3, $4, $5, $6, $7, $8)",
        {p(e.seq), p(e.at), p(e.actor), p(e.action), p(e.subject), p(e.payload), p(e.prev_hash),
         p(e.hash)});
    last_audit_.emplace(e);
    subjects_.insert_or_assign(e.action, e.subject);
  }

  void scan_audit(int64_t from_seq, const std::function<bool(const AuditEntry&)>& visit) override {
    // In pages, so a long log is never read into memory whole.
    constexpr int64_t kPage = 1000;
    for (int64_t next = from_seq;;) {
      auto r =
          q("SELECT seq, at, actor, action, subject, payload, prev_hash, hash FROM audit WHERE seq "
            ">= $1 ORDER BY seq LIMIT $2",
            {p(next), p(kPage)});
      for (int i = 0; i < r.rows(); ++i) {
        auto entry = read_audit(r, i);
        next = entry.seq + 1;
        if (!visit(entry)) return;
      }
      if (r.rows() < kPage) return;
    }
  }

  // Commits, with the writes still deferred, in one round trip. A writer's commit releases the
  // writers' lock without waiting for the flush; a transaction of one statement after it (the
  // session commits synchronously) waits until the log is flushed past it, its xid making it a
  // commit record to flush (see the top of this file). So it is durable when this returns.
  void commit(bool durably) {
    if (c_.in_failed_transaction())
      throw PgError("25P02", fmt::format("a statement of this unit of work failed on {}; nothing "
                                         "of it was stored",
                                         c_.shown()));
    deferred_.push_back({"COMMIT", {}, /*prepare=*/false});
    if (durably) deferred_.push_back({"SELECT pg_current_xact_id()", {}, /*prepare=*/false});
    send_deferred();
  }

  // Several units of work in this one transaction (a batch, see PgWriteBatches): each begins with
  // begin_unit and ends with end_unit, or undo_unit when it failed, which takes back what it
  // wrote and what this transaction learnt from it, and leaves the units before it as they were.
  // Its writes mostly never left this process (they are deferred): they are dropped. Those that
  // did (a read after a write sends both) went after a savepoint, opened just in time in the
  // same round trip, which undo_unit rolls back to.
  struct UnitMark {
    std::optional<int64_t> users_version;
    std::optional<std::optional<AuditEntry>> last_audit;
    std::map<std::string, std::optional<std::string>, std::less<>> subjects;
    std::map<std::string, std::optional<Service>, std::less<>> services;
    std::set<int64_t> without_approvals, without_deploys;
    std::optional<int64_t> next_release_id;
  };

  UnitMark begin_unit() {
    in_unit_ = true;
    unit_start_ = deferred_.size();
    unit_savepoint_ = false;
    return UnitMark{users_version_,     last_audit_,      subjects_,       services_,
                    without_approvals_, without_deploys_, next_release_id_};
  }

  void end_unit() {
    if (unit_savepoint_) deferred_.push_back({"RELEASE SAVEPOINT unit", {}, /*prepare=*/false});
    in_unit_ = false;
  }

  void undo_unit(UnitMark mark) {
    if (unit_savepoint_) {
      deferred_.push_back({"ROLLBACK TO SAVEPOINT unit", {}, /*prepare=*/false});
      deferred_.push_back({"RELEASE SAVEPOINT unit", {}, /*prepare=*/false});
    } else {
      deferred_.resize(unit_start_);
    }
    in_unit_ = false;
    users_version_ = mark.users_version;
    last_audit_ = std::move(mark.last_audit);
    subjects_ = std::move(mark.subjects);
    services_ = std::move(mark.services);
    without_approvals_ = std::move(mark.without_approvals);
    without_deploys_ = std::move(mark.without_deploys);
    next_release_id_ = mark.next_release_id;
    // The directory may have been read with the unit's own changes in it.
    users_.version = -1;
  }

 private:
  // A write whose answer nothing reads waits to go with the unit's next statement, or with its
  // commit: a round trip less for each, while a writer holds the lock every other one waits for.
  // Statements still run in the order the unit made them, so its reads see its writes; a write
  // that fails is thrown from that later statement, and the unit rolls back all the same.
  void defer(const std::string& sql, std::vector<Param> params = {}) {
    deferred_.push_back({sql, std::move(params)});
  }
  pg::Result q(const std::string& sql, const std::vector<Param>& params = {}) {
    // The unit's writes are about to leave, or this statement writes (INSERT ... RETURNING).
    if (in_unit_ && !unit_savepoint_ &&
        (deferred_.size() > unit_start_ || !sql.starts_with("SELECT")))
      open_savepoint();
    if (deferred_.empty()) return c_.query(sql, params);
    deferred_.push_back({sql, params});
    return send();
  }
  // The deferred statements, at least one, in one round trip: the last one's result.
  pg::Result send_deferred() {
    if (in_unit_ && !unit_savepoint_ && deferred_.size() > unit_start_) open_savepoint();
    return send();
  }
  pg::Result send() {
    unit_start_ = 0;  // where what the unit defers from now on begins
    return c_.pipeline(std::exchange(deferred_, {}));
  }
  // Before the unit's first statement that is about to leave (see UnitMark).
  void open_savepoint() {
    deferred_.insert(deferred_.begin() + static_cast<std::ptrdiff_t>(unit_start_),
                     {"SAVEPOINT unit", {}, /*prepare=*/false});
    unit_savepoint_ = true;
  }

  const UserDirectory& directory() {
    if (!users_version_) {
      auto v = q("SELECT n FROM users_version");
      users_version_ = v.rows() > 0 ? v.integer(0, 0) : -1;
    }
    int64_t version = *users_version_;
    if (version == users_.version && version != -1) return users_;
    auto r = q(
        "SELECT u.name, u.team, u.created_at, u.email, r.role FROM users u LEFT JOIN user_roles r "
        "ON r.\"user\" = u.name ORDER BY u.name COLLATE \"C\"");
    std::vector<User> users;
    for (int i = 0; i < r.rows(); ++i) {
      if (users.empty() || users.back().name != r.view(i, 0))
        users.push_back(
            User{r.text(i, 0), r.text(i, 1), {}, parse_time(r.text(i, 2)), r.optional_text(i, 3)});
      if (!r.is_null(i, 4))
        if (auto role = role_from_string(r.text(i, 4))) users.back().roles.push_back(*role);
    }
    for (auto& u : users) std::sort(u.roles.begin(), u.roles.end());
    users_.users = std::move(users);
    users_.version = version;
    return users_;
  }

  void write_roles(const User& u) {
    for (Role r : u.roles)
      defer("INSERT INTO user_roles (\"user\", role) VALUES ($1, $2)",
            {p(u.name), p(to_string(r))});
  }

  Connection& c_;
  UserDirectory& users_;
  const KnownServices& known_services_;
  OpenPgReader open_reader_;              // for a report's second pass
  std::optional<int64_t> users_version_;  // unknown after this unit changed a user
  // Known for the rest of the unit: what it read or wrote itself (see UnitStart).
  std::optional<std::optional<AuditEntry>> last_audit_;
  std::map<std::string, std::optional<std::string>, std::less<>> subjects_;  // by action
  std::map<std::string, std::optional<Service>, std::less<>> services_;
  std::set<int64_t> without_approvals_;  // releases this unit inserted
  std::set<int64_t> without_deploys_;
  std::optional<int64_t> next_release_id_;  // a writer's
  std::vector<Connection::Statement> deferred_;
  // In a batch (see UnitMark): the running unit's first deferred statement, and whether it has
  // opened a savepoint.
  bool in_unit_ = false;
  size_t unit_start_ = 0;
  bool unit_savepoint_ = false;
};

class PgStore final : public Store {
 public:
  PgStore(const DatabaseUrl& url, std::shared_ptr<PgWriteBatches> batches)
      : url_(url), c_(connect(url)), batches_(std::move(batches)) {}

  Result<void> write(const StoreWork& work) override {
    if (!batches_) return run(write_begin(), true, work);
    using State = PgWriteBatches::Entry::State;
    auto& b = *batches_;
    PgWriteBatches::Entry mine{work};
    {
      std::unique_lock hold(b.lock);
      b.queue.push_back(&mine);
      b.changed.wait(hold, [&] {
        // Taken into a batch, it is no longer in the queue, and waits to be told.
        return mine.state != State::queued ||
               (!b.gathering && !b.queue.empty() && b.queue.front() == &mine);
      });
      if (mine.state == State::queued) {
        b.gathering = true;
        b.queue.pop_front();
      }
    }
    if (mine.state == State::queued) lead(mine);
    if (mine.state == State::alone) return run(write_begin(), true, work);
    if (mine.thrown) std::rethrow_exception(mine.thrown);
    return mine.result;
  }
  Result<void> read(const StoreWork& work) override {
    return run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT n FROM users_version",
               false, work);
  }
  std::string describe() const override { return url_.shown; }

 private:
  // The writers' lock is waited for at most kLockTimeoutMs, as SQLite's busy timeout: a writer
  // that holds it this long is stuck. A statement runs for at most the URL's statement_timeout
  // (options=-c statement_timeout=...), else kStatementTimeoutMs; an answer that does not come
  // a moment after that (a server stopped or cut off answers nothing, not even the
  // cancellation) closes the connection, so that no request waits on the database for longer.
  static std::unique_ptr<Connection> connect(const DatabaseUrl& url) {
    auto c = std::make_unique<Connection>(url.conninfo, url.shown);
    c->set_wait_limit(std::chrono::milliseconds(kStatementTimeoutMs + kAnswerMarginMs));
    auto given =
        c->exec(fmt::format("SET lock_timeout = {}; SELECT setting::bigint FROM pg_settings "
                            "WHERE name = 'statement_timeout'",
                            kLockTimeoutMs))
            .integer(0, 0);
    if (given == 0) {
      c->exec(fmt::format("SET statement_timeout = {}", kStatementTimeoutMs));
      given = kStatementTimeoutMs;
    }
    c->set_wait_limit(std::chrono::milliseconds(given + kAnswerMarginMs));
    return c;
  }

  // Whatever ends a unit of work, an exception of any kind included, its transaction ends with
  // it: a connection left inside one would hold the writers' lock and fold the next unit's
  // writes into it.
  struct RollbackUnlessEnded {
    Connection& c;
    bool ended = false;
    ~RollbackUnlessEnded() {
      if (ended || !c.ok()) return;
      try {
        c.exec("ROLLBACK");
      } catch (const PgError&) {
      }
    }
  };

  // READ COMMITTED: each statement after the lock sees every write committed before it was
  // granted (a snapshot taken at BEGIN would miss the last writer's audit entry).
  static const std::string& write_begin() {
    static const std::string begin = fmt::format(
        "BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL synchronous_commit = off; SELECT "
        "pg_advisory_xact_lock({}); SELECT (SELECT n FROM users_version), ({}), (SELECT "
        "coalesce(max(id), 0) FROM releases), a.* FROM (SELECT 1) one LEFT JOIN LATERAL ({}) a "
        "ON true",
        kWriteLock,
        "SELECT subject FROM audit WHERE action = 'policy.changed' ORDER BY seq DESC LIMIT 1",
        audit_select(""));
    return begin;
  }

  static UnitStart read_start(const pg::Result& first, bool writes) {
    UnitStart start;
    if (first.rows() != 1) return start;
    if (!first.is_null(0, 0)) start.users_version = first.integer(0, 0);
    if (writes) {
      start.audit_known = true;
      start.last_policy = first.optional_text(0, 1);
      start.last_release_id = first.integer(0, 2);
      if (!first.is_null(0, 3)) start.last_audit = read_audit(first, 0, 3);
    }
    return start;
  }

  // The batch `mine` gathers (see PgWriteBatches): once the lock is granted, the writers that
  // queued meanwhile join; the units run one after another, each undone alone when it fails, and
  // are committed together. When the database fails the batch, each unit is run again alone, so
  // that a failing one fails by itself and the others are not lost. Leaves every unit of the
  // batch done or to run alone, `mine` included.
  void lead(PgWriteBatches::Entry& mine) {
    using Entry = PgWriteBatches::Entry;
    auto& b = *batches_;
    std::vector<Entry*> batch{&mine};
    // Whatever ends the batch, the next writers may gather and every writer of it learns its
    // outcome: those not told `done` run alone.
    struct BatchEnd {
      PgWriteBatches& b;
      std::vector<Entry*>& batch;
      bool gathering = true;
      void take() {
        std::lock_guard hold(b.lock);
        while (!b.queue.empty() && batch.size() < PgWriteBatches::kMostUnits) {
          batch.push_back(b.queue.front());
          b.queue.pop_front();
        }
        b.gathering = gathering = false;
        b.changed.notify_all();
      }
      void tell(Entry::State state) {
        std::lock_guard hold(b.lock);
        if (gathering) b.gathering = gathering = false;
        for (size_t i = 1; i < batch.size(); ++i) batch[i]->state = state;
        batch.resize(1);  // told, they may be gone: only `mine` is still ours
        b.changed.notify_all();
      }
      ~BatchEnd() { tell(Entry::State::alone); }
    } end{b, batch};
    try {
      bool fresh = false;  // a batch that fails is run again alone, which retries what it may
      ready_connection(fresh);
      RollbackUnlessEnded guard{*c_};
      UnitStart start = read_start(c_->exec(write_begin()), true);
      end.take();
      PgTransaction tx(*c_, users_, known_services_, start, [this] { return connect(url_); });
      UserDirectory::ForgetUnlessCommitted forget{users_};
      bool marks = batch.size() > 1, any = false;
      for (auto* e : batch) {
        std::optional<PgTransaction::UnitMark> mark;
        if (marks) mark = tx.begin_unit();
        try {
          e->result = e->work(tx);
        } catch (const PgError&) {
          throw;
        } catch (...) {
          e->thrown = std::current_exception();
        }
        bool ok = e->result && !e->thrown;
        any = any || ok;
        if (!marks) continue;
        if (ok)
          tx.end_unit();
        else
          tx.undo_unit(std::move(*mark));
      }
      if (any) {
        tx.commit(true);
        guard.ended = true;
        forget.committed = true;
        tx.remember_services(known_services_);
      }
      end.tell(Entry::State::done);
      mine.state = Entry::State::done;
    } catch (const PgError&) {
      mine.state = Entry::State::alone;  // and the others, as `end` ends
    }
  }

  // A connection, made again when the server dropped it (a restart, a failover), outside any
  // transaction. `fresh` is set before a new one is tried, so that a failure to make it is known
  // as a fresh connection's.
  void ready_connection(bool& fresh) {
    if (!c_ || !c_->ok()) {
      c_.reset();
      fresh = true;
      c_ = connect(url_);
      users_.version = -1;
    }
    if (c_->in_transaction()) c_->exec("ROLLBACK");
  }

  // Begins a unit in one round trip: `begin` ends with the query UnitStart is read from.
  Result<void> run(const std::string& begin, bool writes, const StoreWork& work) {
    for (int attempt = 1;; ++attempt) {
      bool begun = false, fresh = false;
      try {
        // A unit of work a dropped connection was serving failed with `unavailable`; one that
        // had not begun is tried again.
        ready_connection(fresh);
        RollbackUnlessEnded guard{*c_};
        UnitStart start = read_start(c_->exec(begin), writes);
        begun = true;
        PgTransaction tx(*c_, users_, known_services_, start, [this] { return connect(url_); });
        UserDirectory::ForgetUnlessCommitted forget{users_};
        auto result = work(tx);
        if (!result) {
          guard.ended = true;
          c_->exec("ROLLBACK");
          return result;
        }
        // A commit that fails (a deferred write refused) leaves the connection in an aborted
        // transaction block (PostgreSQL released its locks at the error): the guard ends it now,
        // not at this connection's next use.
        tx.commit(writes);
        guard.ended = true;
        forget.committed = true;
        tx.remember_services(known_services_);
        return {};
      } catch (const PgError& e) {
        bool busy = e.retryable() || e.sqlstate() == "55P03";
        // A connection the server dropped since its last use (a restart) fails at once, and is
        // made again; one made afresh that fails, or an answer that never came, is not.
        bool stale = e.connection_lost() && !begun && !fresh && !e.timed_out();
        if (attempt < kAttempts && (busy || stale)) continue;
        if (busy)
          return fail(ErrorKind::unavailable,
                      "the ledger {} is held by another writer (waited {} ms, {} attempts); try "
                      "again",
                      url_.shown, kLockTimeoutMs * attempt, attempt);
        return fail(e.connection_lost() ? ErrorKind::unavailable : ErrorKind::internal, "{}",
                    e.what());
      }
    }
  }

  static constexpr int kAttempts = 3;
  static constexpr int kLockTimeoutMs = 5000;
  static constexpr int64_t kStatementTimeoutMs = 10000;
  static constexpr int64_t kAnswerMarginMs = 2000;

  DatabaseUrl url_;
  std::unique_ptr<Connection> c_;
  UserDirectory users_;
  KnownServices known_services_;
  std::shared_ptr<PgWriteBatches> batches_;  // none: every unit in a transaction of its own
};

}  // namespace

std::shared_ptr<PgWriteBatches> make_pg_write_batches() {
  return std::make_shared<PgWriteBatches>();
}

Result<DatabaseUrl> create_postgresql_database(const DatabaseUrl& admin, const std::string& name) {
  bool valid =
      !name.empty() && name.size() <= 63 && !std::isdigit(static_cast<unsigned char>(name[0]));
  for (char ch : name)
    valid = valid && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_');
  if (!valid)
    return fail(ErrorKind::bad_input,
                "'{}' is not a database name beaver creates (a-z, 0-9 and _, 63 at most)", name);
  auto path = admin.conninfo.find('/', admin.conninfo.find("://") + 3);
  auto query = admin.conninfo.find('?');
  if (path == std::string::npos || (query != std::string::npos && query < path))
    return fail(ErrorKind::bad_input, "{} names no database to replace", admin.shown);
  std::string url = admin.conninfo.substr(0, path + 1) + name +
                    (query == std::string::npos ? "" : admin.conninfo.substr(query));
  try {
    Connection(admin.conninfo, admin.shown).exec("CREATE DATABASE " + name);
  } catch (const PgError& e) {
    return fail(e.connection_lost() ? ErrorKind::unavailable : ErrorKind::internal, "{}", e.what());
  }
  return parse_database_url(url);
}

Result<std::unique_ptr<Store>> open_postgresql_store(const DatabaseUrl& url,
                                                     const std::filesystem::path& migrations_root,
                                                     std::shared_ptr<PgWriteBatches> batches) {
  auto migrated = migrate_database(url, migrations_root);
  if (!migrated) return std::unexpected(migrated.error());
  try {
    return std::make_unique<PgStore>(url, std::move(batches));
  } catch (const PgError& e) {
    return fail(ErrorKind::unavailable, "{}", e.what());
  }
}

}  // namespace beaver
