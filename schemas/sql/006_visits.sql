-- Samen storage, version 6: when each user last had each document open, and which revision they
-- saw last, so that the inbox can say what changed since (docs/protocol.md, `inbox`).
CREATE TABLE visit (
    user INTEGER NOT NULL REFERENCES user(id),
    doc  TEXT NOT NULL REFERENCES document(id),
    rev  INTEGER NOT NULL,
    at   TEXT NOT NULL,
    PRIMARY KEY (user, doc)
) WITHOUT ROWID;
