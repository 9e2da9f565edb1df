-- Samen storage, version 2: proposals with their votes, and named versions.

-- A proposal for the common text of a section: a municipality's local text made common (layer is
-- its code), or a change of the common text put to agreement (layer 'common').
CREATE TABLE proposal (
    doc         TEXT NOT NULL REFERENCES document(id),
    id          INTEGER NOT NULL,                 -- 1, 2, ... per document
    section     TEXT NOT NULL,
    layer       TEXT NOT NULL CHECK (layer = 'common' OR layer GLOB 'GM[0-9][0-9][0-9][0-9]'),
    text        TEXT NOT NULL,                    -- the proposed common text
    common_text TEXT NOT NULL,                    -- the common text when proposed: the merge base
    base        INTEGER NOT NULL,                 -- the revision it was proposed at
    proposer    INTEGER NOT NULL REFERENCES user(id),
    created_at  TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('open', 'accepted', 'rejected')),
    closed_rev  INTEGER,                          -- the revision of the vote that closed it
    PRIMARY KEY (doc, id),
    FOREIGN KEY (doc, section) REFERENCES section(doc, id)
);
CREATE INDEX proposal_open ON proposal(doc) WHERE state = 'open';

-- One vote per taking-part municipality and proposal, cast by its coordinator.
CREATE TABLE proposal_vote (
    doc          TEXT NOT NULL,
    proposal     INTEGER NOT NULL,
    municipality TEXT NOT NULL REFERENCES municipality(code),
    vote         TEXT NOT NULL CHECK (vote IN ('approve', 'reject')),
    user_id      INTEGER NOT NULL REFERENCES user(id),
    rev          INTEGER NOT NULL,
    at           TEXT NOT NULL,
    PRIMARY KEY (doc, proposal, municipality),
    FOREIGN KEY (doc, proposal) REFERENCES proposal(doc, id)
);

-- A named version: a label that pins a revision ("Vastgesteld door de raad van Kampen, 2023-03-28").
CREATE TABLE version (
    doc        TEXT NOT NULL REFERENCES document(id),
    label      TEXT NOT NULL,
    rev        INTEGER NOT NULL,
    author     INTEGER NOT NULL REFERENCES user(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (doc, label)
);
