// The history of a section as people read it: one row per writing session, not per keystroke.
// Consecutive edits of one author on one layer, each within `gapMs` of the one before, are one
// session; every other kind of change (diverge, revert, a vote...) is a row of its own. What the
// server sends stays as it is: `history` replies keep one change per revision.

export const sessionGapMs = 5 * 60 * 1000;

const authorKey = (change) => (change.author ? String(change.author.id ?? change.author.name) : '');

/**
 * Groups `changes` (oldest first, as a `history` reply lists them) into sessions, oldest first.
 * A session: { kind, section, layer, author, from, to, firstAt, lastAt, count, inserted, deleted }
 * where `from`..`to` are the revisions of its first and last change.
 */
export function groupSessions(changes, gapMs = sessionGapMs) {
  const sessions = [];
  for (const change of changes) {
    const at = Date.parse(change.at);
    const last = sessions[sessions.length - 1];
    if (
      last &&
      change.kind === 'edit' &&
      last.kind === 'edit' &&
      authorKey(last) === authorKey(change) &&
      last.layer === change.layer &&
      last.section === change.section &&
      Number.isFinite(at) &&
      Number.isFinite(last.lastTime) &&
      at - last.lastTime <= gapMs
    ) {
      last.to = change.rev;
      last.lastAt = change.at;
      last.lastTime = at;
      last.count += 1;
      last.inserted += change.inserted ?? 0;
      last.deleted += change.deleted ?? 0;
      continue;
    }
    sessions.push({
      kind: change.kind,
      section: change.section,
      layer: change.layer,
      author: change.author,
      from: change.rev,
      to: change.rev,
      firstAt: change.at,
      lastAt: change.at,
      lastTime: at,
      count: 1,
      inserted: change.inserted ?? 0,
      deleted: change.deleted ?? 0,
    });
  }
  return sessions.map(({ lastTime, ...session }) => session);
}

/** "3 dec 2026 14:05": a moment as the pages show it. */
export const formatTime = (at) => {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? String(at) : d.toLocaleString('nl-NL', { dateStyle: 'medium', timeStyle: 'short' });
};

const dateFormat = { dateStyle: 'medium' };
const timeFormat = { hour: '2-digit', minute: '2-digit' };

/** "3 dec 2026 14:05" for one moment, "3 dec 2026 14:05–14:12" for a session within a day. */
export function formatSpan(firstAt, lastAt) {
  const first = new Date(firstAt);
  const last = new Date(lastAt);
  if (Number.isNaN(first.getTime())) return String(firstAt);
  const day = first.toLocaleDateString('nl-NL', dateFormat);
  const from = first.toLocaleTimeString('nl-NL', timeFormat);
  if (Number.isNaN(last.getTime())) return `${day} ${from}`;
  const to = last.toLocaleTimeString('nl-NL', timeFormat);
  if (last.toLocaleDateString('nl-NL', dateFormat) !== day) {
    return `${day} ${from} – ${last.toLocaleDateString('nl-NL', dateFormat)} ${to}`;
  }
  return from === to ? `${day} ${from}` : `${day} ${from}–${to}`;
}

/** "+120 −3 tekens" for what a session inserted and deleted. */
export const formatSize = (session) =>
  `+${session.inserted} −${session.deleted} ${session.inserted + session.deleted === 1 ? 'teken' : 'tekens'}`;
