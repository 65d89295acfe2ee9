-- A user's e-mail address, where a notification channel's `to_roles` sends mail; optional, since
-- users added before it have none.

ALTER TABLE users ADD COLUMN email TEXT;

-- The event the design calls approval_needed was stored as approval_requested: new rows use the
-- design's name. Rows queued before keep theirs (their body, as sent, says so too), so the check
-- takes both. SQLite changes a CHECK only by rebuilding the table; the attempts, which refer to
-- it, are set aside meanwhile, so that no foreign key is ever left dangling inside this
-- transaction (foreign keys stay on, and a migration cannot turn them off).

CREATE TEMP TABLE notification_attempts_kept AS SELECT * FROM notification_attempts;
DELETE FROM notification_attempts;

CREATE TABLE notifications_new (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  event           TEXT NOT NULL CHECK (event IN ('approval_needed', 'approved', 'rejected',
                    'deploy_failed', 'approval_requested')),
  release_id      INTEGER NOT NULL REFERENCES releases(id),
  channel         TEXT NOT NULL,
  channel_type    TEXT NOT NULL CHECK (channel_type IN ('webhook', 'wecom', 'dingtalk', 'feishu',
                    'slack', 'email')),
  -- The webhook's URL, or "smtp://host:port" for mail.
  target          TEXT NOT NULL,
  -- What is sent, rendered when queued: the JSON body of a POST, or for mail a JSON object
  -- {from, to, subject, text}.
  body            TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  sent_at         TEXT,
  last_error      TEXT
);
INSERT INTO notifications_new SELECT * FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX notifications_by_release ON notifications (release_id, id);

INSERT INTO notification_attempts SELECT * FROM notification_attempts_kept;
DROP TABLE notification_attempts_kept;
