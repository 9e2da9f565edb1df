-- Samen storage, version 9: the change log is the truth (docs/decisions/0021-change-log-is-the-truth.md).
-- A layer's text is a checkpoint: the text as it stood at revision text_rev. The edits of the layer
-- after text_rev are in the change log and are replayed when the document is loaded. Until now
-- every edit rewrote the text, so every text stands at its document's revision.
ALTER TABLE layer ADD COLUMN text_rev INTEGER NOT NULL DEFAULT 0;
UPDATE layer SET text_rev = (SELECT rev FROM document WHERE document.id = layer.doc);
