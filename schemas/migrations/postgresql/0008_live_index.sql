-- The release live on a place: see the SQLite migration of the same name.
CREATE INDEX releases_live ON releases (service, env) WHERE status = 'deployed';
