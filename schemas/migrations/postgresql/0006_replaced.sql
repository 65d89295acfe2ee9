-- A release deployed and then deployed over on its environment is 'replaced', so 'deployed'
-- means what runs there now.
ALTER TABLE releases DROP CONSTRAINT releases_status_check;
ALTER TABLE releases ADD CONSTRAINT releases_status_check CHECK (status IN ('submitted',
  'approved', 'rejected', 'cancelled', 'deploying', 'deployed', 'failed', 'rolled_back',
  'interrupted', 'replaced'));

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
-- of the same version and shell completion lists.
CREATE INDEX releases_open ON releases (service, env, version)
  WHERE status IN ('submitted', 'approved');
