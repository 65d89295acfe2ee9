// The deploy runs: each run, its steps on each host, the lines of its story, and the leases that
// keep two deploys of one service and environment apart.

#include "store/ledger_columns.hpp"
#include "store/sql_transaction.hpp"

namespace beaver {
namespace {

DeployEvent read_event(const SqlRow& r) {
  return DeployEvent{
      r.integer(0), r.integer(1), r.text(2), r.text(3), static_cast<int>(r.integer(4)),
      r.text(5),    r.text(6)};
}

DeployLease read_lease(const SqlRow& r) {
  return DeployLease{r.text(0),    r.text(1), r.integer(2), r.text(3), r.text(4),
                     r.integer(5), r.text(6), r.time(7),    r.time(8), r.optional_text(9)};
}

}  // namespace

DeployRecord SqlTransaction::read_deploy(const SqlRow& r) {
  return DeployRecord{r.integer(0), r.integer(1), r.text(2),          r.text(3),
                      r.text(4),    r.time(5),    r.optional_time(6), r.optional_text(7)};
}

DeployStep SqlTransaction::read_step(const SqlRow& r) {
  return DeployStep{r.integer(0), r.text(1), static_cast<int>(r.integer(2)),
                    r.text(3),    r.text(4), r.time(5),
                    r.integer(6), r.text(7)};
}

const SqlText& SqlTransaction::deploys_of_sql() {
  static const SqlText sql{
      fmt::format("SELECT {} FROM deploys WHERE release_id = ?1 ORDER BY id", kDeployColumns)};
  return sql;
}

const SqlText& SqlTransaction::steps_of_release_sql() {
  static const SqlText sql{
      fmt::format("SELECT {} FROM deploy_steps s JOIN deploys d ON d.id = s.deploy_id "
                  "WHERE d.release_id = ?1 ORDER BY s.deploy_id, s.id",
                  prefixed_columns("s.", kStepColumns))};
  return sql;
}

int64_t SqlTransaction::insert_deploy(const DeployRecord& d) {
  static const SqlText sql{
      "INSERT INTO deploys (release_id, actor, status, batches, started_at, finished_at, "
      "message) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id"};
  facts_.without_deploys.erase(d.release_id);
  return db_.insert(sql, sql_params(d.release_id, d.actor, d.status, d.batches, d.started_at,
                                    d.finished_at, d.message));
}

void SqlTransaction::update_deploy(const DeployRecord& d) {
  static const SqlText sql{
      "UPDATE deploys SET status = ?2, finished_at = ?3, message = ?4 WHERE id = ?1"};
  db_.execute(sql, sql_params(d.id, d.status, d.finished_at, d.message));
}

std::optional<DeployRecord> SqlTransaction::find_deploy(int64_t id) {
  static const SqlText sql{fmt::format("SELECT {} FROM deploys WHERE id = ?1", kDeployColumns)};
  return first_row(sql, sql_params(id), read_deploy);
}

std::vector<DeployRecord> SqlTransaction::deploys_of(int64_t release_id) {
  if (facts_.without_deploys.contains(release_id)) return {};
  return rows(deploys_of_sql(), sql_params(release_id), read_deploy);
}

void SqlTransaction::insert_deploy_step(const DeployStep& d) {
  static const SqlText sql{fmt::format("INSERT INTO deploy_steps ({}) VALUES ({})", kStepColumns,
                                       numbered_parameters(8))};
  db_.execute(sql, sql_params(d.deploy_id, d.host, d.batch, d.step, d.status, d.started_at,
                              d.elapsed_ms, d.output));
}

std::vector<DeployStep> SqlTransaction::deploy_steps(int64_t deploy_id) {
  static const SqlText sql{
      fmt::format("SELECT {} FROM deploy_steps WHERE deploy_id = ?1 ORDER BY id", kStepColumns)};
  return rows(sql, sql_params(deploy_id), read_step);
}

bool SqlTransaction::host_received(std::string_view host, int64_t release_id) {
  static const SqlText sql{
      "SELECT 1 FROM deploy_steps st JOIN deploys d ON d.id = st.deploy_id "
      "WHERE st.host = ?1 AND st.step = 'switch' AND st.status = 'ok' "
      "AND d.release_id = ?2 LIMIT 1"};
  return first_row(sql, sql_params(host, release_id), [](const SqlRow&) { return true; })
      .has_value();
}

void SqlTransaction::insert_deploy_event(const DeployEvent& e) {
  static const SqlText sql{
      "INSERT INTO deploy_events (deploy_id, after_steps, kind, host, batch, outcome, note) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"};
  db_.execute(sql,
              sql_params(e.deploy_id, e.after_steps, e.kind, e.host, e.batch, e.outcome, e.note));
}

std::vector<DeployEvent> SqlTransaction::deploy_events(int64_t deploy_id) {
  static const SqlText sql{
      "SELECT deploy_id, after_steps, kind, host, batch, outcome, note FROM deploy_events "
      "WHERE deploy_id = ?1 ORDER BY id"};
  return rows(sql, sql_params(deploy_id), read_event);
}

std::vector<DeployRecord> SqlTransaction::list_deploys(const std::optional<std::string>& service,
                                                       const std::optional<std::string>& env,
                                                       int64_t limit) {
  static const SqlText sql{
      fmt::format("SELECT {} FROM deploys d JOIN releases r ON r.id = d.release_id "
                  "WHERE (CAST(?1 AS TEXT) IS NULL OR r.service = ?1) "
                  "AND (CAST(?2 AS TEXT) IS NULL OR r.env = ?2) ORDER BY d.id DESC LIMIT ?3",
                  prefixed_columns("d.", kDeployColumns))};
  return rows(sql, sql_params(service, env, limit), read_deploy);
}

std::optional<DeployLease> SqlTransaction::find_lease(std::string_view service,
                                                      std::string_view env) {
  static const SqlText sql{
      fmt::format("SELECT {} FROM deploy_leases WHERE service = ?1 AND env = ?2", kLeaseColumns)};
  return first_row(sql, sql_params(service, env), read_lease);
}

void SqlTransaction::put_lease(const DeployLease& l) {
  static const SqlText sql{fmt::format(
      "INSERT INTO deploy_leases ({}) VALUES ({}) ON CONFLICT (service, env) DO UPDATE SET "
      "deploy_id = excluded.deploy_id, actor = excluded.actor, machine = excluded.machine, "
      "pid = excluded.pid, pid_start = excluded.pid_start, acquired_at = excluded.acquired_at, "
      "expires_at = excluded.expires_at, stop_requested_by = excluded.stop_requested_by",
      kLeaseColumns, numbered_parameters(10))};
  db_.execute(sql, sql_params(l.service, l.env, l.deploy_id, l.actor, l.machine, l.pid, l.pid_start,
                              l.acquired_at, l.expires_at, l.stop_requested_by));
}

void SqlTransaction::delete_lease(std::string_view service, std::string_view env,
                                  int64_t deploy_id) {
  static const SqlText sql{
      "DELETE FROM deploy_leases WHERE service = ?1 AND env = ?2 AND deploy_id = ?3"};
  db_.execute(sql, sql_params(service, env, deploy_id));
}

}  // namespace beaver
