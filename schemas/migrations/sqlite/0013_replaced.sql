-- A release deployed and then deployed over on its environment is 'replaced', so 'deployed'
-- means what runs there now. SQLite cannot alter a CHECK constraint; widening this one changes
-- no stored row, so the table's definition is edited in place, as SQLite's documentation allows
-- for such changes, and the connection reads its schema again.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, '''rolled_back'', ''interrupted'')',
                     '''rolled_back'', ''interrupted'', ''replaced'')')
 WHERE type = 'table' AND name = 'releases';
PRAGMA writable_schema = RESET;

-- The releases already deployed over: every deployed release but the one of its place's last
-- successful deploy.
UPDATE releases SET status = 'replaced'
 WHERE status = 'deployed'
   AND id NOT IN (SELECT d.release_id FROM deploys d
                   WHERE d.id IN (SELECT max(d2.id) FROM deploys d2
                                    JOIN releases r2 ON r2.id = d2.release_id
                                   WHERE d2.status = 'deployed'
                                   GROUP BY r2.service, r2.env));

-- The open releases of a place (submitted or approved), which a submit looks through for one
-- of the same version and shell completion lists. Creating it also tells every other connection
-- that the schema changed.
CREATE INDEX releases_open ON releases (service, env, version)
  WHERE status IN ('submitted', 'approved');
