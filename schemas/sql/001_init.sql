-- Samen storage, version 1. Applied by the server at start when PRAGMA user_version < 1.
-- Text is UTF-8 Markdown. Revisions count per document. Times are RFC 3339 UTC strings.

CREATE TABLE municipality (
    code TEXT PRIMARY KEY CHECK (code GLOB 'GM[0-9][0-9][0-9][0-9]'),  -- CBS code, e.g. GM0166
    name TEXT NOT NULL
);

CREATE TABLE user (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,          -- sign-in name, e.g. kampen-editor
    display_name  TEXT NOT NULL,
    municipality  TEXT REFERENCES municipality(code),  -- NULL only for admins without one
    role          TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'coordinator', 'admin')),
    password_hash TEXT NOT NULL,                 -- Argon2id, libsodium's crypto_pwhash_str format
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);

CREATE TABLE token (
    hash       TEXT PRIMARY KEY,                 -- hex SHA-256 of the token; the token is never stored
    user_id    INTEGER NOT NULL REFERENCES user(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX token_user ON token(user_id);
CREATE INDEX token_expiry ON token(expires_at);

CREATE TABLE document (
    -- A slug: lower-case letters, digits and '-', starting with a letter or digit.
    id         TEXT PRIMARY KEY CHECK (id GLOB '[a-z0-9]*' AND id NOT GLOB '*[^a-z0-9-]*'
                                       AND length(id) BETWEEN 1 AND 64),
    title      TEXT NOT NULL,
    rev        INTEGER NOT NULL DEFAULT 0,       -- the last accepted revision
    archived   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE document_municipality (
    doc  TEXT NOT NULL REFERENCES document(id),
    code TEXT NOT NULL REFERENCES municipality(code),
    PRIMARY KEY (doc, code)
);

CREATE TABLE section (
    doc      TEXT NOT NULL REFERENCES document(id),
    id       TEXT NOT NULL,
    parent   TEXT,                               -- NULL: top level
    position INTEGER NOT NULL,                   -- order among siblings
    title    TEXT NOT NULL,
    owner    TEXT REFERENCES municipality(code), -- set: local-only section of that municipality
    deleted  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (doc, id)
);

-- The text of a section for one audience: 'common', or a municipality code for its override.
-- A municipality without a row here inherits the common text.
CREATE TABLE layer (
    doc         TEXT NOT NULL,
    section     TEXT NOT NULL,
    layer       TEXT NOT NULL CHECK (layer = 'common' OR layer GLOB 'GM[0-9][0-9][0-9][0-9]'),
    -- 'common' for the common layer; 'override' or 'omit' for a municipality's layer.
    state       TEXT NOT NULL CHECK (state IN ('common', 'override', 'omit')
                                     AND (state = 'common') = (layer = 'common')),
    text        TEXT NOT NULL DEFAULT '',
    base        INTEGER,                          -- override: the common revision it was copied at
    life        INTEGER NOT NULL,                 -- revision at which this layer's current life began
    changed_rev INTEGER NOT NULL,                 -- revision of its last text change
    PRIMARY KEY (doc, section, layer),
    FOREIGN KEY (doc, section) REFERENCES section(doc, id)
);

-- Every accepted change, append-only: the public record (Archiefwet, Woo).
-- kind 'edit': op is a text op (JSON) on (section, layer); other kinds describe structural and
-- workflow changes in `data` (JSON).
CREATE TABLE change (
    doc     TEXT NOT NULL REFERENCES document(id),
    rev     INTEGER NOT NULL,
    kind    TEXT NOT NULL,
    section TEXT,
    layer   TEXT,
    op      TEXT,                                -- JSON op, kind 'edit'
    data    TEXT,                                -- JSON, other kinds
    author  INTEGER REFERENCES user(id),
    opid    TEXT,                                -- the client's id of the edit, for resubmission
    at      TEXT NOT NULL,
    PRIMARY KEY (doc, rev),
    CHECK (kind <> 'edit' OR (section IS NOT NULL AND layer IS NOT NULL AND op IS NOT NULL))
) WITHOUT ROWID;
CREATE INDEX change_layer ON change(doc, section, layer, rev);
CREATE UNIQUE INDEX change_opid ON change(doc, author, opid) WHERE opid IS NOT NULL;
