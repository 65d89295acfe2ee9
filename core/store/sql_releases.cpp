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

namespace {

// A LIKE pattern finding `text` anywhere, lower-cased as SQL's lower() does ASCII letters, with
// its own %, _ and \ read as themselves (the statement says ESCAPE '\').
std::string contains_pattern(std::string_view text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out + "%";
}

// " WHERE ..." with the conditions `f` sets, their values appended to `params` (?1 first), or ""
// for none. Only the conditions set are written, each a plain comparison, so that each store can
// start from the index that suits them (a place's, a state's, a submitter's, the submit times').
// The text is fixed here; only values come from the caller.
std::string release_conditions(const ReleaseFilter& f, SqlParams& params) {
  std::vector<std::string> parts;
  auto add = [&](std::string_view clause, SqlValue value) {
    params.push_back(std::move(value));
    parts.push_back(fmt::format(fmt::runtime(clause), params.size()));
  };
  if (f.service) add("service = ?{}", *f.service);
  if (f.env) add("env = ?{}", *f.env);
  if (f.team) add("service IN (SELECT name FROM services WHERE team = ?{})", *f.team);
  if (f.type) add("type = ?{}", std::string(to_string(*f.type)));
  if (f.state) add("status = ?{}", std::string(to_string(*f.state)));
  if (f.submitter) add("submitter = ?{}", *f.submitter);
  if (f.submitted_from) add("submitted_at >= ?{}", format_utc(*f.submitted_from));
  if (f.submitted_until) add("submitted_at < ?{}", format_utc(*f.submitted_until));
  if (f.text)
    add("(lower(reason) LIKE ?{0} ESCAPE '\\' OR lower(version) LIKE ?{0} "
        "ESCAPE '\\' OR lower(submitter) LIKE ?{0} ESCAPE '\\')",
        contains_pattern(*f.text));
  if (f.owing_signature)
    parts.push_back("id IN (SELECT release_id FROM break_glass WHERE signed_at IS NULL)");
  if (f.review_due_before) {
    params.push_back(format_utc(*f.review_due_before));
    params.push_back(static_cast<int64_t>(f.review_deadline.count()));
    parts.push_back(
        fmt::format("{} = 1", owing_review_sql("", fmt::format("?{}", params.size() - 1),
                                               fmt::format("CAST(?{} AS BIGINT)", params.size()))));
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? " WHERE " : " AND ") + p;
  return out;
}

}  // namespace

std::vector<Release> SqlTransaction::list_releases(const ReleaseFilter& f) {
  SqlParams params;
  auto where = release_conditions(f, params);
  params.emplace_back(f.limit);
  params.emplace_back(f.offset);
  SqlText sql{fmt::format("SELECT {} FROM releases{} ORDER BY id DESC LIMIT ?{} OFFSET ?{}",
                          kReleaseColumns, where, params.size() - 1, params.size())};
  return rows(sql, params, read_release);
}

int64_t SqlTransaction::count_releases(const ReleaseFilter& f) {
  SqlParams params;
  auto where = release_conditions(f, params);
  SqlText sql{fmt::format("SELECT count(*) FROM releases{}", where)};
  return first_row(sql, params, [](const SqlRow& r) { return r.integer(0); }).value_or(0);
}

std::vector<BreakGlass> SqlTransaction::break_glass_of(const ReleaseFilter& f) {
  SqlParams params;
  auto where = release_conditions(f, params);
  SqlText sql{fmt::format(
      "SELECT {} FROM break_glass WHERE release_id IN (SELECT id FROM releases{}) ORDER BY "
      "release_id",
      kBreakGlassColumns, where)};
  return rows(sql, params, read_break_glass);
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

std::optional<Release> SqlTransaction::live_release(std::string_view service,
                                                    std::string_view env) {
  // The status as index releases_live states it; a deploy leaves one such release a place.
  static const SqlText sql{
      fmt::format("SELECT {} FROM releases WHERE service = ?1 AND env = ?2 "
                  "AND status = 'deployed' ORDER BY id DESC LIMIT 1",
                  kReleaseColumns)};
  return first_row(sql, sql_params(service, env), read_release);
}

const SqlText& SqlTransaction::approvals_of_sql() {
  static const SqlText sql{
      fmt::format("SELECT {} FROM approvals WHERE release_id = ?1 ORDER BY id", kApprovalColumns)};
  return sql;
}

Approval SqlTransaction::read_approval(const SqlRow& r) {
  return Approval{r.integer(0), r.text(1),         static_cast<int>(r.integer(2)),
                  r.text(3),    r.text(4),         r.optional_text(5),
                  r.time(6),    r.optional_text(7)};
}

void SqlTransaction::insert_approval(const Approval& a) {
  static const SqlText sql{fmt::format("INSERT INTO approvals ({}) VALUES ({})", kApprovalColumns,
                                       numbered_parameters(8))};
  facts_.without_approvals.erase(a.release_id);
  db_.execute(sql, sql_params(a.release_id, a.approver, a.step, a.role, a.binding, a.comment,
                              a.approved_at, a.for_user));
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
