-- Samen storage, version 10: document snapshots (docs/decisions/0022-document-snapshots.md).
-- The whole document (model/document_json.hpp) as it stood at revision rev, written every
-- --snapshot-revs revisions and at every named version and adoption decision. Reading the past
-- starts from the nearest snapshot at or after the revision asked for and undoes only the changes
-- between. The change log stays the truth: a snapshot is what the log says at rev, and a
-- document's snapshots can all be deleted without losing anything. A rowid table: its rows are
-- large, and SQLite keeps large rows best out of the key's b-tree.
CREATE TABLE document_snapshot (
    doc  TEXT NOT NULL REFERENCES document(id),
    rev  INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (doc, rev)
);
