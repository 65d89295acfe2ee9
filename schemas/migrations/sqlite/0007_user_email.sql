-- A user's e-mail address, where a notification channel's `to_roles` sends mail; optional, since
-- users added before it have none.

ALTER TABLE users ADD COLUMN email TEXT;
