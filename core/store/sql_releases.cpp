// The releases, their approvals and the packages they put on hosts.

#include "store/ledger_columns.hpp"
#include "store/release_sql.hpp"
#include "store/sql_transaction.hpp"

namespace beaver {
namespace {

Release read_release(const SqlRow& r) {
  Release out;
  out.id = r.integer(0);
  out.service = r.text(1);
  out.env = r.text(2);
  out.version = r.text(3);
  out.commit = r.optional_text(4);
  out.package_sha256 = r.optional_text(5);
  auto type = release_type_from_string(r.view(6));
  auto state = release_state_from_string(r.view(7));
  if (!type || !state) r.corrupt(fmt::format("release {} has a bad type or status", out.id));
  out.type = *type;
  out.state = *state;
  out.category = r.optional_text(8);
  out.reason = r.optional_text(9);
  out.submitter = r.text(10);
  out.submitted_at = r.time(11);
  out.approved_at = r.optional_time(12);
  out.deployed_at = r.optional_time(13);
  out.closed_by = r.optional_text(14);
  out.close_comment = r.optional_text(15);
  out.closed_at = r.optional_time(16);
  out.policy_sha256 = r.optional_text(17);
  out.reviewed_by = r.optional_text(18);
  out.reviewed_at = r.optional_time(19);
  out.review_notes = r.optional_text(20);
  return out;
}

// Every column of a release but its id, as ?1..?20 in kReleaseColumns' order.
SqlParams release_params(const Release& r) {
  return sql_params(r.service, r.env, r.version, r.commit, r.package_sha256, to_string(r.type),
                    to_string(r.state), r.category, r.reason, r.submitter, r.submitted_at,
                    r.approved_at, r.deployed_at, r.closed_by, r.close_comment, r.closed_at,
                    r.policy_sha256, r.reviewed_by, r.reviewed_at, r.review_notes);
}

// The columns of a table but the first (its id, which the database numbers).
std::string_view without_id(std::string_view columns) {
  return columns.substr(columns.find(", ") + 2);
}

PackageRecord read_package(const SqlRow& r) {
  PackageRecord out;
  out.id = r.integer(0);
  out.sha256 = r.text(1);
  out.service = r.text(2);
  out.version = r.text(3);
  out.file_name = r.text(4);
  out.size = r.integer(5);
  out.commit = r.text(6);
  out.branch = r.optional_text(7);
  out.tag = r.optional_text(8);
  out.commit_time = r.time(9);
  out.allow_dirty = r.integer(10) != 0;
  out.builder = r.text(11);
  out.registered_at = r.time(12);
  out.manifest_json = r.text(13);
  return out;
}

}  // namespace

int64_t SqlTransaction::insert_release(const Release& r) {
  int64_t id = 0;
  if (facts_.next_release_id) {
    static const SqlText sql{fmt::format("INSERT INTO releases ({}) VALUES (?21, {})",
                                         kReleaseColumns, numbered_parameters(20))};
    id = (*facts_.next_release_id)++;
    auto params = release_params(r);
    params.emplace_back(id);
    db_.execute(sql, std::move(params));
  } else {
    static const SqlText sql{fmt::format("INSERT INTO releases ({}) VALUES ({}) RETURNING id",
                                         without_id(kReleaseColumns), numbered_parameters(20))};
    id = db_.insert(sql, release_params(r));
  }
  // Nobody else sees it before the commit, so its approvals and runs are this unit's own.
  facts_.without_approvals.insert(id);
  facts_.without_deploys.insert(id);
  return id;
}

std::optional<Release> SqlTransaction::find_release(int64_t id) {
  static const SqlText sql{fmt::format("SELECT {} FROM releases WHERE id = ?1", kReleaseColumns)};
  return first_row(sql, sql_params(id), read_release);
}

std::vector<Release> SqlTransaction::list_releases(const ReleaseFilter& f) {
  // Every filter is a bound parameter; an absent one is NULL and matches everything.
  static const SqlText sql{fmt::format(
      "SELECT {} FROM releases WHERE (CAST(?1 AS TEXT) IS NULL OR service = ?1) "
      "AND (CAST(?2 AS TEXT) IS NULL OR env = ?2) AND (CAST(?3 AS TEXT) IS NULL OR type = ?3) "
      "AND (CAST(?4 AS TEXT) IS NULL OR status = ?4) "
      "AND (CAST(?5 AS TEXT) IS NULL OR submitted_at >= ?5) "
      "AND (CAST(?6 AS TEXT) IS NULL OR submitted_at < ?6) "
      "AND (CAST(?7 AS TEXT) IS NULL OR {} = 1) ORDER BY id DESC LIMIT ?9",
      kReleaseColumns, owing_review_sql("", "?7", "CAST(?8 AS BIGINT)"))};
  std::optional<std::string> type, state;
  if (f.type) type = std::string(to_string(*f.type));
  if (f.state) state = std::string(to_string(*f.state));
  return rows(
      sql,
      sql_params(f.service, f.env, type, state, f.submitted_from, f.submitted_until,
                 f.review_due_before, static_cast<int64_t>(f.review_deadline.count()), f.limit),
      read_release);
}

void SqlTransaction::mark_replaced() {
  static const SqlText sql{
      "UPDATE releases SET status = 'replaced' WHERE status = 'deployed' AND id NOT IN ("
      "SELECT d.release_id FROM deploys d WHERE d.id IN (SELECT max(d2.id) FROM deploys d2 "
      "JOIN releases r2 ON r2.id = d2.release_id WHERE d2.status = 'deployed' "
      "GROUP BY r2.service, r2.env))"};
  db_.execute(sql, {});
}

std::vector<Release> SqlTransaction::open_releases_of(std::string_view service,
                                                      std::string_view env,
                                                      std::string_view version) {
  // The status condition as index releases_open states it, so both stores use that index.
  static const SqlText sql{
      fmt::format("SELECT {} FROM releases WHERE service = ?1 AND env = ?2 AND version = ?3 "
                  "AND status IN ('submitted', 'approved') ORDER BY id",
                  kReleaseColumns)};
  return rows(sql, sql_params(service, env, version), read_release);
}

std::vector<Release> SqlTransaction::open_releases(int64_t limit) {
  // The states are written in the statement, not bound, so that both stores see they can start
  // from releases_by_status; list_releases' optional status cannot, and reads every release. The
  // ids are picked from that index alone, which holds them, so that only the rows answered are
  // read: sorting whole rows took twice as long on a million releases.
  static const SqlText sql{
      fmt::format("SELECT {} FROM releases WHERE id IN (SELECT id FROM releases WHERE status IN "
                  "('submitted', 'approved') ORDER BY id DESC LIMIT ?1) ORDER BY id DESC",
                  kReleaseColumns)};
  return rows(sql, sql_params(limit), read_release);
}

void SqlTransaction::update_release(const Release& r) {
  static const SqlText sql{
      "UPDATE releases SET service = ?1, env = ?2, version = ?3, git_commit = ?4, "
      "package_sha256 = ?5, type = ?6, status = ?7, category = ?8, reason = ?9, "
      "submitter = ?10, submitted_at = ?11, approved_at = ?12, deployed_at = ?13, "
      "closed_by = ?14, close_comment = ?15, closed_at = ?16, policy_sha256 = ?17, "
      "reviewed_by = ?18, reviewed_at = ?19, review_notes = ?20 WHERE id = ?21"};
  auto params = release_params(r);
  params.emplace_back(r.id);
  db_.execute(sql, std::move(params));
}

std::map<std::pair<std::string, std::string>, int64_t> SqlTransaction::release_counts() {
  static const SqlText sql{"SELECT type, status, count(*) FROM releases GROUP BY type, status"};
  std::map<std::pair<std::string, std::string>, int64_t> out;
  db_.query(sql, {}, [&](const SqlRow& r) { out[{r.text(0), r.text(1)}] = r.integer(2); });
  return out;
}

std::optional<std::pair<Timestamp, Timestamp>> SqlTransaction::submitted_span() {
  // Two lookups at the ends of the report's index, where one MIN and MAX would read it all.
  static const SqlText first{"SELECT submitted_at FROM releases ORDER BY submitted_at LIMIT 1"};
  static const SqlText last{"SELECT submitted_at FROM releases ORDER BY submitted_at DESC LIMIT 1"};
  auto read = [](const SqlRow& r) { return r.time(0); };
  auto from = first_row(first, {}, read), to = first_row(last, {}, read);
  if (!from || !to) return std::nullopt;
  return std::pair{*from, *to};
}

std::vector<Release> SqlTransaction::deployed_releases(std::string_view service,
                                                       std::string_view env, int64_t limit) {
  // From the place's releases (releases_by_service_env) to their runs (deploys_by_release):
  // grouping every successful run of the ledger first took seconds on a million of them. The
  // CAST keeps SQLite, which has no statistics, from starting at every 'deployed' run through
  // deploys_by_status; PostgreSQL reads it as the column itself.
  static const SqlText sql{fmt::format(
      "SELECT {} FROM releases r JOIN deploys d "
      "ON d.release_id = r.id AND CAST(d.status AS TEXT) = 'deployed' "
      "WHERE r.service = ?1 AND r.env = ?2 GROUP BY r.id ORDER BY max(d.id) DESC LIMIT ?3",
      prefixed_columns("r.", kReleaseColumns))};
  return rows(sql, sql_params(service, env, limit), read_release);
}

const SqlText& SqlTransaction::approvals_of_sql() {
  static const SqlText sql{
      fmt::format("SELECT {} FROM approvals WHERE release_id = ?1 ORDER BY id", kApprovalColumns)};
  return sql;
}

Approval SqlTransaction::read_approval(const SqlRow& r) {
  return Approval{r.integer(0), r.text(1), static_cast<int>(r.integer(2)),
                  r.text(3),    r.text(4), r.optional_text(5),
                  r.time(6)};
}

void SqlTransaction::insert_approval(const Approval& a) {
  static const SqlText sql{fmt::format("INSERT INTO approvals ({}) VALUES ({})", kApprovalColumns,
                                       numbered_parameters(7))};
  facts_.without_approvals.erase(a.release_id);
  db_.execute(sql, sql_params(a.release_id, a.approver, a.step, a.role, a.binding, a.comment,
                              a.approved_at));
}

std::vector<Approval> SqlTransaction::approvals_of(int64_t release_id) {
  if (facts_.without_approvals.contains(release_id)) return {};
  return rows(approvals_of_sql(), sql_params(release_id), read_approval);
}

int64_t SqlTransaction::insert_package(const PackageRecord& k) {
  static const SqlText sql{fmt::format("INSERT INTO packages ({}) VALUES ({}) RETURNING id",
                                       without_id(kPackageColumns), numbered_parameters(13))};
  return db_.insert(sql, sql_params(k.sha256, k.service, k.version, k.file_name, k.size, k.commit,
                                    k.branch, k.tag, k.commit_time, k.allow_dirty, k.builder,
                                    k.registered_at, k.manifest_json));
}

std::optional<PackageRecord> SqlTransaction::find_package(std::string_view sha256) {
  static const SqlText sql{
      fmt::format("SELECT {} FROM packages WHERE sha256 = ?1", kPackageColumns)};
  return first_row(sql, sql_params(sha256), read_package);
}

std::optional<PackageRecord> SqlTransaction::find_package_of(std::string_view service,
                                                             std::string_view version) {
  static const SqlText sql{fmt::format(
      "SELECT {} FROM packages WHERE service = ?1 AND version = ?2 ORDER BY id DESC LIMIT 1",
      kPackageColumns)};
  return first_row(sql, sql_params(service, version), read_package);
}

std::vector<PackageRecord> SqlTransaction::list_packages(const std::optional<std::string>& service,
                                                         int64_t limit) {
  static const SqlText sql{
      fmt::format("SELECT {} FROM packages WHERE (CAST(?1 AS TEXT) IS NULL OR service = ?1) "
                  "ORDER BY id DESC LIMIT ?2",
                  kPackageColumns)};
  return rows(sql, sql_params(service, limit), read_package);
}

}  // namespace beaver
