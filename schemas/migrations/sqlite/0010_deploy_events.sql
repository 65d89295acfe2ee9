-- What a deploy's hosts came to, beside its steps: each host as it finished (again when it was
-- switched back), the notes the deploy printed (hosts switched back, a lease lost), and, once the
-- deploy ended, every host's outcome. `after_steps` counts the deploy's steps recorded before
-- the line, so a command line following a deploy from another machine prints the lines in the
-- order the deploy printed them.
CREATE TABLE deploy_events (
  id          INTEGER PRIMARY KEY,
  deploy_id   INTEGER NOT NULL REFERENCES deploys(id),
  after_steps INTEGER NOT NULL CHECK (after_steps >= 0),
  kind        TEXT NOT NULL CHECK (kind IN ('host', 'note', 'outcome')),
  host        TEXT NOT NULL,
  batch       INTEGER NOT NULL CHECK (batch >= 0),
  outcome     TEXT NOT NULL,
  note        TEXT NOT NULL
);
CREATE INDEX deploy_events_by_deploy ON deploy_events (deploy_id, id);
