// The notifications outbox: each message queued with the change it announces, and each attempt
// to send it.

#include "store/ledger_columns.hpp"
#include "store/sql_transaction.hpp"

namespace beaver {
namespace {

Notification read_notification(const SqlRow& r) {
  Notification n;
  n.id = r.integer(0);
  n.event = r.text(1);
  n.release_id = r.integer(2);
  n.channel = r.text(3);
  n.channel_type = r.text(4);
  n.target = r.text(5);
  n.body = r.text(6);
  n.status = r.text(7);
  n.attempts = static_cast<int>(r.integer(8));
  n.next_attempt_at = r.time(9);
  n.created_at = r.time(10);
  n.sent_at = r.optional_time(11);
  n.last_error = r.optional_text(12);
  return n;
}

}  // namespace

int64_t SqlTransaction::insert_notification(const Notification& n) {
  static const SqlText sql{
      "INSERT INTO notifications (event, release_id, channel, channel_type, target, body, "
      "status, attempts, next_attempt_at, created_at, sent_at, last_error) VALUES (?1, ?2, ?3, "
      "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id"};
  return db_.insert(
      sql, sql_params(n.event, n.release_id, n.channel, n.channel_type, n.target, n.body, n.status,
                      n.attempts, n.next_attempt_at, n.created_at, n.sent_at, n.last_error));
}

std::vector<Notification> SqlTransaction::due_notifications(Timestamp now, int64_t limit) {
  static const SqlText sql{
      fmt::format("SELECT {} FROM notifications WHERE status = 'pending' AND "
                  "next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT ?2",
                  kNotificationColumns)};
  return rows(sql, sql_params(now, limit), read_notification);
}

std::vector<Notification> SqlTransaction::list_notifications(
    const std::optional<std::string>& status, int64_t limit) {
  static const SqlText sql{
      fmt::format("SELECT {} FROM notifications WHERE CAST(?1 AS TEXT) IS NULL OR status = ?1 "
                  "ORDER BY id DESC LIMIT ?2",
                  kNotificationColumns)};
  return rows(sql, sql_params(status, limit), read_notification);
}

void SqlTransaction::update_notification(const Notification& n) {
  static const SqlText sql{
      "UPDATE notifications SET status = ?2, attempts = ?3, next_attempt_at = ?4, sent_at = ?5, "
      "last_error = ?6 WHERE id = ?1 AND status <> 'cancelled'"};
  db_.execute(sql,
              sql_params(n.id, n.status, n.attempts, n.next_attempt_at, n.sent_at, n.last_error));
}

void SqlTransaction::cancel_notifications(int64_t release_id, std::string_view event) {
  static const SqlText sql{
      "UPDATE notifications SET status = 'cancelled' WHERE release_id = ?1 AND event = ?2 AND "
      "status = 'pending'"};
  db_.execute(sql, sql_params(release_id, event));
}

void SqlTransaction::insert_notification_attempt(const NotificationAttempt& a) {
  static const SqlText sql{
      "INSERT INTO notification_attempts (notification_id, attempt, at, ok, detail) VALUES (?1, "
      "?2, ?3, ?4, ?5)"};
  db_.execute(sql, sql_params(a.notification_id, a.attempt, a.at, a.ok, a.detail));
}

std::vector<NotificationAttempt> SqlTransaction::notification_attempts(int64_t notification_id) {
  static const SqlText sql{
      "SELECT notification_id, attempt, at, ok, detail FROM notification_attempts "
      "WHERE notification_id = ?1 ORDER BY attempt"};
  return rows(sql, sql_params(notification_id), [](const SqlRow& r) {
    return NotificationAttempt{r.integer(0), static_cast<int>(r.integer(1)), r.time(2),
                               r.integer(3) != 0, r.text(4)};
  });
}

}  // namespace beaver
