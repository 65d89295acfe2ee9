-- Who may approve a pending release is read for every view of it. Each connection keeps the
-- users and their roles in memory, valid while users_version.n is what it was when they were
-- read: every change to a user or a role counts here, whichever process made it.
CREATE TABLE users_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n INTEGER NOT NULL
);
INSERT INTO users_version (id, n) VALUES (1, 0);

CREATE TRIGGER users_inserted AFTER INSERT ON users
BEGIN UPDATE users_version SET n = n + 1; END;
CREATE TRIGGER users_updated AFTER UPDATE ON users
BEGIN UPDATE users_version SET n = n + 1; END;
CREATE TRIGGER users_deleted AFTER DELETE ON users
BEGIN UPDATE users_version SET n = n + 1; END;
CREATE TRIGGER user_roles_inserted AFTER INSERT ON user_roles
BEGIN UPDATE users_version SET n = n + 1; END;
CREATE TRIGGER user_roles_updated AFTER UPDATE ON user_roles
BEGIN UPDATE users_version SET n = n + 1; END;
CREATE TRIGGER user_roles_deleted AFTER DELETE ON user_roles
BEGIN UPDATE users_version SET n = n + 1; END;
