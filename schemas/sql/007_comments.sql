-- Samen storage, version 7: comment threads and their comments (docs/protocol.md, `comment`).
-- A thread's range is kept current: every edit that moves it updates it in the same transaction.
CREATE TABLE thread (
    doc          TEXT NOT NULL REFERENCES document(id),
    id           INTEGER NOT NULL,
    section      TEXT NOT NULL,
    layer        TEXT NOT NULL,
    anchor_from  INTEGER NOT NULL,
    anchor_to    INTEGER NOT NULL,
    municipality TEXT,
    proposal     INTEGER,
    resolved     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (doc, id)
) WITHOUT ROWID;

CREATE TABLE thread_comment (
    doc        TEXT NOT NULL,
    thread     INTEGER NOT NULL,
    id         INTEGER NOT NULL,
    author     INTEGER REFERENCES user(id),
    text       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (doc, thread, id),
    FOREIGN KEY (doc, thread) REFERENCES thread(doc, id)
) WITHOUT ROWID;
