-- Notifications: an outbox written in the same transaction as the change it announces, so each
-- is queued exactly once, and delivered later (by any beaver sharing the database) with every
-- attempt kept.

CREATE TABLE notifications (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  event           TEXT NOT NULL CHECK (event IN ('approval_requested', 'approved', 'rejected',
                    'deploy_failed')),
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
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX notifications_by_release ON notifications (release_id, id);

CREATE TABLE notification_attempts (
  id              INTEGER PRIMARY KEY,
  notification_id INTEGER NOT NULL REFERENCES notifications(id),
  attempt         INTEGER NOT NULL CHECK (attempt >= 1),
  at              TEXT NOT NULL,
  ok              INTEGER NOT NULL CHECK (ok IN (0, 1)),
  -- The HTTP status, the SMTP server's reply, or the connection error.
  detail          TEXT NOT NULL,
  UNIQUE (notification_id, attempt)
);
