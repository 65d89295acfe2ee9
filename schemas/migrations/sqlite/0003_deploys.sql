-- Deploys: each run of a release on its hosts, every step of every host, and the lease that lets
-- one deploy at a time hold a service's environment.

CREATE TABLE deploys (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  release_id  INTEGER NOT NULL REFERENCES releases(id),
  actor       TEXT NOT NULL REFERENCES users(name),
  status      TEXT NOT NULL CHECK (status IN ('running', 'deployed', 'failed', 'rolled_back',
                'interrupted')),
  batches     TEXT NOT NULL,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  message     TEXT
);
CREATE INDEX deploys_by_release ON deploys (release_id, id);
CREATE INDEX deploys_by_status ON deploys (status, finished_at);

CREATE TABLE deploy_steps (
  id          INTEGER PRIMARY KEY,
  deploy_id   INTEGER NOT NULL REFERENCES deploys(id),
  host        TEXT NOT NULL,
  batch       INTEGER NOT NULL CHECK (batch >= 0),
  step        TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'skipped')),
  started_at  TEXT NOT NULL,
  elapsed_ms  INTEGER NOT NULL CHECK (elapsed_ms >= 0),
  output      TEXT NOT NULL
);
CREATE INDEX deploy_steps_by_deploy ON deploy_steps (deploy_id, id);
CREATE INDEX deploy_steps_by_host ON deploy_steps (host, step, status);

-- At most one row per service and environment: the deploy holding it until expires_at, renewed
-- while it runs. The holder's machine, pid and process start time tell a deploy that was killed
-- from one that is still running.
CREATE TABLE deploy_leases (
  service     TEXT NOT NULL,
  env         TEXT NOT NULL,
  deploy_id   INTEGER NOT NULL REFERENCES deploys(id),
  actor       TEXT NOT NULL,
  machine     TEXT NOT NULL,
  pid         INTEGER NOT NULL,
  pid_start   TEXT NOT NULL,
  acquired_at TEXT NOT NULL,
  expires_at  TEXT NOT NULL,
  PRIMARY KEY (service, env)
);
