-- Where chat messages @-mention a user: see the SQLite migration of the same name.
ALTER TABLE users ADD COLUMN im text;
