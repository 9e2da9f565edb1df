-- Samen storage, version 3: the audit trail (docs/security.md, "Audit").
-- Who signed in or tried to, who signed out, and every administration: written by the server for
-- sign-ins, sign-outs, document.create and document.archive, and by `samen-server user|
-- municipality|backup` for the commands that change something. Append-only: the triggers below
-- refuse to change or remove a row. Edits are in `change`, with their author and time.
CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,               -- in the order written
    at        TEXT NOT NULL,                     -- RFC 3339 UTC
    user_id   INTEGER REFERENCES user(id),       -- NULL: a name of no user, or the command line
    user_name TEXT,                              -- the name given, or the OS user of the command line
    address   TEXT,                              -- the client's IP address; NULL for the command line
    action    TEXT NOT NULL,                     -- sign_in.ok, sign_in.failed, user.add, ...
    detail    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail) AND json_type(detail) = 'object')
);
CREATE INDEX audit_at ON audit(at);
CREATE INDEX audit_user_name ON audit(user_name);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
