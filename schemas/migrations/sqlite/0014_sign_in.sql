-- People signing in on the web pages. A password is kept only as its argon2id hash (a PHC string
-- with its own salt and costs), in a table of its own so that setting one leaves the users (and
-- every cached copy of them) alone. A session is a browser's sign-in: only the SHA-256 of its
-- 256-bit secret is kept, beside the CSRF token the pages send back on every change; a session is
-- ended, never deleted, so the audit log's mentions of it stay meaningful.

CREATE TABLE passwords (
  user   TEXT PRIMARY KEY REFERENCES users(name),
  hash   TEXT NOT NULL,
  set_by TEXT NOT NULL REFERENCES users(name),
  set_at TEXT NOT NULL
);

CREATE TABLE sessions (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  user        TEXT NOT NULL REFERENCES users(name),
  secret_hash TEXT NOT NULL,
  csrf        TEXT NOT NULL,
  client      TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  seen_at     TEXT NOT NULL,
  ended_at    TEXT
);
CREATE INDEX sessions_by_user ON sessions (user, id);
