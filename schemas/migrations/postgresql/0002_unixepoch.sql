-- SQLite's unixepoch() for the UTC times beaver writes ("2026-11-24T07:27:33Z"), so that the
-- rules written once in SQL for both stores (release_sql.hpp) read the same on PostgreSQL.
CREATE FUNCTION unixepoch(t text) RETURNS bigint STABLE STRICT LANGUAGE sql
  AS $$ SELECT extract(epoch FROM t::timestamptz)::bigint $$;
