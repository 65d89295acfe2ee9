-- Two more events announced: deployed and rolled_back. SQLite cannot alter a CHECK constraint;
-- widening this one changes no stored row, so the table's definition is edited in place, as
-- SQLite's documentation allows for such changes, and the connection reads its schema again.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, '''deploy_failed'', ''approval_requested'')',
                     '''deploy_failed'', ''approval_requested'', ''deployed'', ''rolled_back'')')
 WHERE type = 'table' AND name = 'notifications';
PRAGMA writable_schema = RESET;
-- An index made again, the same: it tells every other connection that the schema changed.
DROP INDEX notifications_due;
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
