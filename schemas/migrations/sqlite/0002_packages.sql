-- Packages built by `beaver package`: the only things a release can link to and a deploy can put
-- on a host. Identified by their SHA-256; the manifest they carry is kept whole.

CREATE TABLE packages (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  sha256         TEXT NOT NULL UNIQUE,
  service        TEXT NOT NULL REFERENCES services(name),
  version        TEXT NOT NULL,
  file_name      TEXT NOT NULL,
  size           INTEGER NOT NULL CHECK (size > 0),
  git_commit     TEXT NOT NULL,
  git_branch     TEXT,
  git_tag        TEXT,
  commit_time    TEXT NOT NULL,
  allow_dirty    INTEGER NOT NULL CHECK (allow_dirty IN (0, 1)),
  builder        TEXT NOT NULL REFERENCES users(name),
  registered_at  TEXT NOT NULL,
  manifest_json  TEXT NOT NULL
);
CREATE INDEX packages_by_service_version ON packages (service, version);
