-- Monitoring's account holds the role alerts. As in 0018, the CHECK is widened in place; the
-- tables made after it tell every other connection that the schema changed.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, '''manager'', ''admin'')', '''manager'', ''admin'', ''alerts'')')
 WHERE type = 'table' AND name = 'user_roles';
PRAGMA writable_schema = RESET;

-- Alerts from monitoring, one record from firing to resolved (source and alert_key name one alert
-- at its source), attributed to the release deployed where it fired, when it fired within the
-- policy's window after that deploy.
CREATE TABLE alerts (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  source       TEXT NOT NULL CHECK (source IN ('alertmanager', 'zabbix')),
  alert_key    TEXT NOT NULL,
  name         TEXT NOT NULL,
  severity     TEXT NOT NULL,
  grade        TEXT NOT NULL CHECK (grade IN ('critical', 'warning', 'info')),
  status       TEXT NOT NULL CHECK (status IN ('firing', 'resolved')),
  service      TEXT,
  env          TEXT,
  host         TEXT,
  summary      TEXT,
  labels       TEXT NOT NULL,
  fired_at     TEXT NOT NULL,
  resolved_at  TEXT,
  received_at  TEXT NOT NULL,
  release_id   INTEGER REFERENCES releases(id),
  confidence   TEXT CHECK (confidence IN ('host', 'service', 'environment')),
  UNIQUE (source, alert_key)
);
CREATE INDEX alerts_by_release ON alerts (release_id, fired_at) WHERE release_id IS NOT NULL;
CREATE INDEX alerts_by_fired ON alerts (fired_at);
-- The deploy an alert follows: successful runs by when they ended.
CREATE INDEX deploys_by_finished ON deploys (finished_at) WHERE status = 'deployed';
