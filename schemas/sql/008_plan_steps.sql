-- Samen storage, version 8: the steps from startnotitie to raadsbesluit (docs/plan-steps.md).
-- A section is prose, a measure of the uitvoeringsplan (a row) or one field of a measure.
ALTER TABLE section ADD COLUMN kind TEXT NOT NULL DEFAULT 'text'
    CHECK (kind IN ('text', 'maatregel', 'field'));

-- Each municipality's priorities among the document's themes, in order.
CREATE TABLE priority (
    doc          TEXT NOT NULL REFERENCES document(id),
    municipality TEXT NOT NULL,
    position     INTEGER NOT NULL,
    section      TEXT NOT NULL,
    PRIMARY KEY (doc, municipality, position)
) WITHOUT ROWID;

-- Where each municipality's plan stands; no row: concept. `rev` is the revision adopted, named by
-- a version (the `version` table) with the decision as its label.
CREATE TABLE adoption (
    doc          TEXT NOT NULL REFERENCES document(id),
    municipality TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('college', 'raad')),
    date         TEXT NOT NULL,
    reference    TEXT NOT NULL DEFAULT '',
    rev          INTEGER NOT NULL,
    PRIMARY KEY (doc, municipality)
) WITHOUT ROWID;
