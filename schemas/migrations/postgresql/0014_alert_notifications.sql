-- Alerts linked to a release are announced: one more event.
ALTER TABLE notifications DROP CONSTRAINT notifications_event_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_event_check CHECK (event IN (
  'approval_needed', 'approved', 'rejected', 'deploy_failed', 'approval_requested', 'deployed',
  'rolled_back', 'signature_owed', 'signature_overdue', 'alert'));
