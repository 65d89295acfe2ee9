-- Break glass: an emergency deployed before its approvals, which stay owed until `signed_at`.
-- `team` is the service's team then, so that a team's overdue signatures are found by its index.
CREATE TABLE break_glass (
  release_id  INTEGER PRIMARY KEY REFERENCES releases(id),
  team        TEXT NOT NULL,
  actor       TEXT NOT NULL REFERENCES users(name),
  reason      TEXT NOT NULL,
  at          TEXT NOT NULL,
  sign_by     TEXT NOT NULL,
  signed_at   TEXT
);
CREATE INDEX break_glass_owing ON break_glass (team, sign_by) WHERE signed_at IS NULL;

-- Reminders of owed signatures are queued ahead, and cancelled once the release is signed.
-- Widening these CHECKs changes no stored row: the table's definition is edited in place, as in
-- 0018.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(replace(sql,
                     '''deployed'', ''rolled_back'')',
                     '''deployed'', ''rolled_back'', ''signature_owed'', ''signature_overdue'')'),
                     '''pending'', ''sent'', ''failed'')',
                     '''pending'', ''sent'', ''failed'', ''cancelled'')')
 WHERE type = 'table' AND name = 'notifications';
PRAGMA writable_schema = RESET;
DROP INDEX notifications_due;
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
