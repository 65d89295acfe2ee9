-- The release ledger: users, services, releases with their approvals, the policies seen, and
-- the append-only, hash-chained audit log. Times are UTC text "YYYY-MM-DDTHH:MM:SSZ".

CREATE TABLE users (
  name       TEXT PRIMARY KEY,
  team       TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE user_roles (
  user TEXT NOT NULL REFERENCES users(name),
  role TEXT NOT NULL CHECK (role IN ('developer', 'leader', 'ops', 'manager', 'admin')),
  PRIMARY KEY (user, role)
);

CREATE TABLE services (
  name       TEXT PRIMARY KEY,
  team       TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE policies (
  sha256     TEXT PRIMARY KEY,
  path       TEXT NOT NULL,
  content    TEXT NOT NULL,
  first_seen TEXT NOT NULL
);

CREATE TABLE releases (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  service        TEXT NOT NULL REFERENCES services(name),
  env            TEXT NOT NULL,
  version        TEXT NOT NULL,
  git_commit     TEXT,
  package_sha256 TEXT,
  type           TEXT NOT NULL CHECK (type IN ('normal', 'emergency', 'rollback')),
  status         TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'rejected',
                   'cancelled', 'deploying', 'deployed', 'failed', 'rolled_back', 'interrupted')),
  category       TEXT,
  reason         TEXT,
  submitter      TEXT NOT NULL REFERENCES users(name),
  submitted_at   TEXT NOT NULL,
  approved_at    TEXT,
  deployed_at    TEXT,
  closed_by      TEXT REFERENCES users(name),
  close_comment  TEXT,
  closed_at      TEXT,
  policy_sha256  TEXT REFERENCES policies(sha256),
  reviewed_by    TEXT REFERENCES users(name),
  reviewed_at    TEXT,
  review_notes   TEXT
);
CREATE INDEX releases_by_submitted ON releases (submitted_at);
CREATE INDEX releases_by_service_env ON releases (service, env, submitted_at);
CREATE INDEX releases_by_status ON releases (status, submitted_at);
CREATE INDEX releases_owing_review ON releases (type, reviewed_at);

CREATE TABLE approvals (
  id          INTEGER PRIMARY KEY,
  release_id  INTEGER NOT NULL REFERENCES releases(id),
  approver    TEXT NOT NULL REFERENCES users(name),
  step        INTEGER NOT NULL CHECK (step >= 0),
  role        TEXT NOT NULL,
  binding     TEXT NOT NULL,
  comment     TEXT,
  approved_at TEXT NOT NULL
);
CREATE INDEX approvals_by_release ON approvals (release_id, id);

CREATE TABLE audit (
  seq       INTEGER PRIMARY KEY CHECK (seq > 0),
  at        TEXT NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  subject   TEXT NOT NULL,
  payload   TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
CREATE INDEX audit_by_action ON audit (action, seq);

CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
