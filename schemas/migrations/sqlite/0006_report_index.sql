-- The report reads every release submitted in its period, in submit-time order: this index holds
-- every column it reads, so the report never reads the table itself. It starts with
-- submitted_at, so it also serves every lookup releases_by_submitted served, which goes.

CREATE INDEX releases_for_report ON releases (submitted_at, status, type, env, category,
  approved_at, reviewed_at, deployed_at, service);
DROP INDEX releases_by_submitted;

-- The report reads the approvers of the period's emergencies in release order: the approvals'
-- index by release also holds the approver, so that read never reads the table either.
DROP INDEX approvals_by_release;
CREATE INDEX approvals_by_release ON approvals (release_id, id, approver);
