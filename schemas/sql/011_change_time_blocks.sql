-- Samen storage, version 11: the times of the change log by block
-- (docs/decisions/0028-change-time-blocks.md). For every full block of 4096 revisions of a
-- document (revisions 4096 * block + 1 to 4096 * (block + 1)), the earliest time of its changes.
-- A read by time looks for the newest revision made by then; times are the server's clock, which
-- may step back, so they are not assumed to grow with the revision: a block whose earliest change
-- is later than the moment is skipped whole, and only the newest block that is not is read change
-- by change. Written by the writer in the job of the change that completes a block, never per
-- change; a missing block is read change by change, so nothing is lost without one. The blocks of
-- the logs written before this version are filled in here, in one pass over the log.
CREATE TABLE change_time_block (
    doc    TEXT NOT NULL REFERENCES document(id),
    block  INTEGER NOT NULL,
    min_at TEXT NOT NULL,
    PRIMARY KEY (doc, block)
) WITHOUT ROWID;
INSERT INTO change_time_block (doc, block, min_at)
    SELECT doc, (rev - 1) / 4096, MIN(at) FROM change
    GROUP BY doc, (rev - 1) / 4096 HAVING COUNT(*) = 4096;
