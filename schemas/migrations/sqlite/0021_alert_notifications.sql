-- Alerts linked to a release are announced: one more event. As in 0018, the CHECK is widened in
-- place, and the index made again tells every other connection that the schema changed.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, '''signature_overdue'')', '''signature_overdue'', ''alert'')')
 WHERE type = 'table' AND name = 'notifications';
PRAGMA writable_schema = RESET;
DROP INDEX notifications_due;
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
