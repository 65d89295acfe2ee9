// Alerts from monitoring, one record each, and the deploys they are attributed to.

#include "store/ledger_columns.hpp"
#include "store/sql_transaction.hpp"

namespace beaver {
namespace {

AlertRecord read_alert(const SqlRow& r) {
  AlertRecord a;
  a.id = r.integer(0);
  a.source = r.text(1);
  a.key = r.text(2);
  a.name = r.text(3);
  a.severity = r.text(4);
  a.grade = r.text(5);
  a.status = r.text(6);
  a.service = r.optional_text(7);
  a.env = r.optional_text(8);
  a.host = r.optional_text(9);
  a.summary = r.optional_text(10);
  a.labels_json = r.text(11);
  a.fired_at = r.time(12);
  a.resolved_at = r.optional_time(13);
  a.received_at = r.time(14);
  if (!r.is_null(15)) a.release_id = r.integer(15);
  a.confidence = r.optional_text(16);
  return a;
}

}  // namespace

int64_t SqlTransaction::insert_alert(const AlertRecord& a) {
  static const SqlText sql{fmt::format("INSERT INTO alerts ({}) VALUES ({}) RETURNING id",
                                       kAlertColumns.substr(kAlertColumns.find(", ") + 2),
                                       numbered_parameters(16))};
  return db_.insert(sql, sql_params(a.source, a.key, a.name, a.severity, a.grade, a.status,
                                    a.service, a.env, a.host, a.summary, a.labels_json, a.fired_at,
                                    a.resolved_at, a.received_at, a.release_id, a.confidence));
}

std::optional<AlertRecord> SqlTransaction::find_alert(std::string_view source,
                                                      std::string_view key) {
  static const SqlText sql{
      fmt::format("SELECT {} FROM alerts WHERE source = ?1 AND alert_key = ?2", kAlertColumns)};
  return first_row(sql, sql_params(source, key), read_alert);
}

void SqlTransaction::resolve_alert(int64_t id, Timestamp at) {
  static const SqlText sql{"UPDATE alerts SET status = 'resolved', resolved_at = ?2 WHERE id = ?1"};
  db_.execute(sql, sql_params(id, at));
}

std::vector<AlertRecord> SqlTransaction::alerts_of(int64_t release_id) {
  static const SqlText sql{fmt::format(
      "SELECT {} FROM alerts WHERE release_id = ?1 ORDER BY fired_at, id", kAlertColumns)};
  return rows(sql, sql_params(release_id), read_alert);
}

std::vector<AlertRecord> SqlTransaction::list_alerts(const AlertFilter& f) {
  static const SqlText sql{
      fmt::format("SELECT {} FROM alerts WHERE (CAST(?1 AS TEXT) IS NULL OR service = ?1) AND "
                  "(CAST(?2 AS TEXT) IS NULL OR env = ?2) AND (?3 = 0 OR release_id IS NULL) "
                  "ORDER BY fired_at DESC, id DESC LIMIT ?4",
                  kAlertColumns)};
  return rows(sql, sql_params(f.service, f.env, static_cast<int64_t>(f.unattributed), f.limit),
              read_alert);
}

std::optional<DeployRecord> SqlTransaction::last_deploy_before(
    const std::optional<std::string>& service, const std::optional<std::string>& env,
    Timestamp at) {
  static const SqlText sql{
      fmt::format("SELECT {} FROM deploys d JOIN releases r ON r.id = d.release_id "
                  "WHERE d.started_at <= ?3 AND d.batches <> 'repair' "
                  "AND (CAST(?1 AS TEXT) IS NULL OR r.service = ?1) AND (CAST(?2 AS TEXT) IS NULL "
                  "OR r.env = ?2) "
                  "ORDER BY d.started_at DESC, d.id DESC LIMIT 1",
                  prefixed_columns("d.", kDeployColumns))};
  return first_row(sql, sql_params(service, env, at), read_deploy);
}

std::vector<std::string> SqlTransaction::deploy_hosts(int64_t deploy_id) {
  static const SqlText sql{
      "SELECT DISTINCT host FROM deploy_steps WHERE deploy_id = ?1 ORDER BY host"};
  return rows(sql, sql_params(deploy_id), [](const SqlRow& r) { return r.text(0); });
}

}  // namespace beaver
