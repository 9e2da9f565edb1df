// The inbox's items (docs/protocol.md, `inbox`) in words and links: what needs the user, and
// where to go to deal with it. Without DOM, so that tests can read what the page will say.
import { formatTime } from './history-sessions.js';
import { municipalityName } from './names.js';

const personName = (u) => u.display_name || u.name;
const person = (u) => `${personName(u)} (${municipalityName(u.municipality)})`;

/** "„A”", "„A” en „B”", "„A”, „B” en „C”". */
export function listed(words) {
  const q = words.map((w) => `„${w}”`);
  return q.length < 2 ? q.join('') : `${q.slice(0, -1).join(', ')} en ${q[q.length - 1]}`;
}

/** {text, href, kind} for one item. */
export function inboxItem(item) {
  const doc = encodeURIComponent(item.doc);
  switch (item.kind) {
    case 'stale':
      return {
        kind: 'Loopt achter',
        text: `„${item.title}”: de eigen tekst van ${municipalityName(item.municipality)} loopt achter op de gemeenschappelijke tekst. Werk hem bij of houd hem zo.`,
        href: `#/doc/${doc}/s/${encodeURIComponent(item.section)}/${item.municipality}`,
      };
    case 'vote': {
      const what = item.layer === 'common' ? 'een nieuwe gemeenschappelijke tekst'
        : `de eigen tekst van ${municipalityName(item.layer)} als gemeenschappelijke tekst`;
      return {
        kind: 'Wacht op uw stem',
        text: `${person(item.proposer)} stelt voor „${item.title}” ${what} voor (${formatTime(item.created_at)}). Het voorstel wacht op de stem van ${municipalityName(item.municipality)}.`,
        href: `#/doc/${doc}/s/${encodeURIComponent(item.section)}/common`,
      };
    }
    case 'comment':
      return {
        kind: 'Opmerking',
        text: `${person(item.author)} aan ${municipalityName(item.municipality)} over „${item.title}”: „${item.text.length > 140 ? `${item.text.slice(0, 140)}…` : item.text}”`,
        href: `#/doc/${doc}/s/${encodeURIComponent(item.section)}/${item.layer === 'common' ? 'common' : item.layer}`,
      };
    case 'changes': {
      const n = item.count;
      const who = item.authors.length ? ` door ${item.authors.map(personName).join(', ')}` : '';
      const where = item.sections.length ? `, in ${listed(item.sections.map((s) => s.title))}${item.sections.length >= 10 ? ' en meer' : ''}` : '';
      return {
        kind: 'Gewijzigd',
        text: `${n === 1 ? 'Eén wijziging' : `${n} wijzigingen`}${who} sinds uw laatste bezoek op ${formatTime(item.since)}${where}.`,
        href: `#/doc/${doc}/versies${item.sections.length ? `/${encodeURIComponent(item.sections[0].id)}` : ''}`,
      };
    }
    default:
      return null;
  }
}

/** The items grouped per document, in the order they came: [{doc, title, items: [...]}]. */
export function byDocument(items) {
  const out = new Map();
  for (const i of items) {
    const shown = inboxItem(i);
    if (!shown) continue;
    if (!out.has(i.doc)) out.set(i.doc, { doc: i.doc, title: i.doc_title, items: [] });
    out.get(i.doc).items.push(shown);
  }
  return [...out.values()];
}
