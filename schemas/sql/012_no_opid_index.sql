-- Samen storage, version 12: no index of the edits' opids
-- (docs/decisions/0032-a-resubmission-found-in-its-layer.md). A resubmitted edit is recognised
-- by its room: among the edits it holds in memory, or, based on an older revision, among its
-- layer's edits after that base, which the room reads anyway to transform it. Every keystroke's
-- commit wrote a leaf of this index, one per author typing in the group.
DROP INDEX change_opid;
