// Two states of one municipality's plan compared section by section: only what changed, each
// section's text before and after with its word diff. The states are `effective` replies.
import { wordDiff } from './diff.js';

/**
 * The sections that differ between the plans `before` and `after` (each an `effective` reply's
 * `sections`), in the order of `after`, removed ones where they stood before:
 * [{ id, title, change: 'changed'|'added'|'removed'|'renamed', before, after, parts }]
 * where `before`/`after` are the section as it was/is (null when absent) and `parts` the word
 * diff of its text ({kind: 'same'|'del'|'ins', text}).
 */
export function compareSections(before, after) {
  const old = new Map(before.map((s) => [s.id, s]));
  const now = new Map(after.map((s) => [s.id, s]));
  const out = [];
  const entry = (id) => {
    const b = old.get(id) ?? null;
    const a = now.get(id) ?? null;
    const textChanged = (b?.text ?? '') !== (a?.text ?? '');
    const change = !b ? 'added' : !a ? 'removed' : textChanged ? 'changed' : b.title !== a.title ? 'renamed' : null;
    if (!change) return;
    out.push({ id, title: (a ?? b).title, change, before: b, after: a, parts: wordDiff(b?.text ?? '', a?.text ?? '') });
  };
  // Removed sections go in after the last section that precedes them in both.
  let i = 0;
  for (const s of after) {
    while (i < before.length && !now.has(before[i].id)) entry(before[i++].id);
    if (i < before.length && before[i].id === s.id) i++;
    entry(s.id);
  }
  while (i < before.length) {
    if (!now.has(before[i].id)) entry(before[i].id);
    i++;
  }
  return out;
}
