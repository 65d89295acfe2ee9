-- Who asked the deploy holding the lease to stop, if anyone: the deploying process, wherever it
-- runs (the command line, any server), reads it while it renews its lease and stops between
-- steps. A new lease starts without one.
ALTER TABLE deploy_leases ADD COLUMN stop_requested_by TEXT;
