-- Each deploy run carries what the report reads of its release: the place it deployed (service
-- and environment), the release's type, whether the release was rolled back since, and the
-- commit time of its package. The report's deploy pass then walks its index alone, instead of
-- looking up a release and a package for every run, which was most of its time on a large
-- ledger. The triggers keep the copies equal to their release whatever writes it, so no code
-- path can forget them.
ALTER TABLE deploys ADD COLUMN service TEXT;
ALTER TABLE deploys ADD COLUMN env TEXT;
ALTER TABLE deploys ADD COLUMN release_type TEXT;
ALTER TABLE deploys ADD COLUMN release_rolled_back INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deploys ADD COLUMN commit_time TEXT;

UPDATE deploys SET (service, env, release_type, release_rolled_back, commit_time) =
  (SELECT r.service, r.env, r.type, r.status = 'rolled_back', p.commit_time
   FROM releases r LEFT JOIN packages p ON p.sha256 = r.package_sha256
   WHERE r.id = deploys.release_id);

CREATE TRIGGER deploys_facts_inserted AFTER INSERT ON deploys
BEGIN
  UPDATE deploys SET (service, env, release_type, release_rolled_back, commit_time) =
    (SELECT r.service, r.env, r.type, r.status = 'rolled_back', p.commit_time
     FROM releases r LEFT JOIN packages p ON p.sha256 = r.package_sha256
     WHERE r.id = new.release_id)
  WHERE id = new.id;
END;

CREATE TRIGGER releases_deploy_facts_updated
AFTER UPDATE OF service, env, type, status, package_sha256 ON releases
WHEN new.service IS NOT old.service OR new.env IS NOT old.env OR new.type IS NOT old.type
  OR (new.status = 'rolled_back') IS NOT (old.status = 'rolled_back')
  OR new.package_sha256 IS NOT old.package_sha256
BEGIN
  UPDATE deploys SET service = new.service, env = new.env, release_type = new.type,
    release_rolled_back = new.status = 'rolled_back',
    commit_time = (SELECT commit_time FROM packages WHERE sha256 = new.package_sha256)
  WHERE release_id = new.id;
END;

DROP INDEX deploys_for_report;
CREATE INDEX deploys_for_report ON deploys (finished_at, id, status, started_at, service, env,
  release_type, release_rolled_back, commit_time, release_id);
