-- API tokens: a user's bearer credentials for the server. Only a hash of each secret is kept, so
-- a copy of the database lets nobody sign in; a token is revoked, never deleted, so the audit log's
-- mentions of it stay meaningful.

CREATE TABLE tokens (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  user        TEXT NOT NULL REFERENCES users(name),
  label       TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  created_by  TEXT NOT NULL REFERENCES users(name),
  created_at  TEXT NOT NULL,
  revoked_by  TEXT REFERENCES users(name),
  revoked_at  TEXT
);
CREATE INDEX tokens_by_user ON tokens (user, id);
