-- See the SQLite migration of the same name.
DROP INDEX deploys_by_finished;
