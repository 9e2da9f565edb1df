// Differences between texts on the screen: deleted text struck through, inserted text underlined,
// each also named for screen readers (never colour alone).
import { h, sr } from './dom.js';
import { wordDiff } from './diff.js';

/** The word diff of two texts. */
export function renderDiff(from, to) {
  return renderParts(wordDiff(from, to).map((p) => ({ kind: p.kind === 'del' ? 'delete' : p.kind === 'ins' ? 'insert' : 'same', text: p.text })));
}

/** Renders diff parts ({kind: same|insert|delete, text}) with words for screen readers too. */
export function renderParts(parts) {
  if (!parts.some((p) => p.kind !== 'same')) return h('p', { class: 'utrecht-paragraph' }, 'Geen verschil.');
  return h('div', { class: 'samen-diff' }, parts.map((p) => {
    if (p.kind === 'same') return p.text;
    if (p.kind === 'delete') return h('del', null, sr('[verwijderd: '), p.text, sr(']'));
    return h('ins', null, sr('[toegevoegd: '), p.text, sr(']'));
  }));
}

