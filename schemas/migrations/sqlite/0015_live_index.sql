-- The release live on a place is the one release there whose status is 'deployed'. The release
-- view reads it for every release it shows; this index finds it without reading the place's
-- other releases.
CREATE INDEX releases_live ON releases (service, env) WHERE status = 'deployed';
