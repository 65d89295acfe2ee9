-- Break glass: see the SQLite migration of the same name.
CREATE TABLE break_glass (
  release_id  bigint PRIMARY KEY REFERENCES releases(id),
  team        text NOT NULL,
  actor       text NOT NULL REFERENCES users(name),
  reason      text NOT NULL,
  at          text NOT NULL,
  sign_by     text NOT NULL,
  signed_at   text
);
CREATE INDEX break_glass_owing ON break_glass (team, sign_by) WHERE signed_at IS NULL;

ALTER TABLE notifications DROP CONSTRAINT notifications_event_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_event_check CHECK (event IN (
  'approval_needed', 'approved', 'rejected', 'deploy_failed', 'approval_requested', 'deployed',
  'rolled_back', 'signature_owed', 'signature_overdue'));
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check CHECK (status IN (
  'pending', 'sent', 'failed', 'cancelled'));
