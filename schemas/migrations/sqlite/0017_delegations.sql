-- Stand-ins: while a delegation holds, `delegate` may give the approvals `user` could give; an
-- approval given so names the user it was given for (approvals.for_user). A delegation ends at
-- `until` or when revoked, and is never deleted. Who may approve is read from each connection's
-- memory of the users (users_version), so a change here counts there too.
CREATE TABLE delegations (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  "user"      TEXT NOT NULL REFERENCES users(name),
  delegate    TEXT NOT NULL REFERENCES users(name),
  until       TEXT NOT NULL,
  reason      TEXT,
  created_by  TEXT NOT NULL REFERENCES users(name),
  created_at  TEXT NOT NULL,
  revoked_by  TEXT REFERENCES users(name),
  revoked_at  TEXT,
  CHECK ("user" <> delegate)
);
CREATE INDEX delegations_by_user ON delegations ("user", id);

CREATE TRIGGER delegations_inserted AFTER INSERT ON delegations
BEGIN UPDATE users_version SET n = n + 1; END;
CREATE TRIGGER delegations_updated AFTER UPDATE ON delegations
BEGIN UPDATE users_version SET n = n + 1; END;

ALTER TABLE approvals ADD COLUMN for_user TEXT REFERENCES users(name);
