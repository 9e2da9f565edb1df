-- A counter that moves whenever a user's record changes or a token is removed (sign-out, a
-- password change, a disabled user, expiry clean-up), by this server or by `samen-server user ...`
-- in another process: the running server reads it each second and, only when it moved, checks the
-- users and tokens of its open connections again (docs/security.md, "Revocation").
CREATE TABLE auth_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO auth_epoch (id, n) VALUES (1, 0);

CREATE TRIGGER user_updated AFTER UPDATE ON user BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER user_deleted AFTER DELETE ON user BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER token_deleted AFTER DELETE ON token BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;
