-- The revision of the `section.delete` that removed a section, so that a restore brings back
-- exactly what that delete removed (and not what was deleted under it earlier, by someone else).
ALTER TABLE section ADD COLUMN deleted_rev INTEGER;

-- Sections deleted before this column existed: the last delete whose list names them.
UPDATE section SET deleted_rev = (
    SELECT MAX(c.rev) FROM change AS c, json_each(c.data, '$.sections') AS j
    WHERE c.doc = section.doc AND c.kind = 'section.delete' AND j.value = section.id)
WHERE deleted = 1;
