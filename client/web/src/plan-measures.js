// The uitvoeringsplan in a municipality's plan (docs/decisions/0018-measures-are-sections.md): the
// `effective` reply lists measures (kind maatregel) and their fields (kind field) as sections; here
// they become one table per chapter. Without DOM, so that it is tested alone (tests/web-unit).

/** The fields of a measure in the table's order: the title of the field section, and its column. */
export const measureFields = ['Thema', 'Doel', 'Maatregel', 'Beoogd resultaat', 'Trekker', 'Partners', 'Planning', 'Budget'];

/**
 * The plan's sections as blocks: {section} for prose, each followed by {table: {chapter, rows}}
 * when measures stand under it; a row is {id, title, cells (by field name), local, diverged}.
 */
export function planBlocks(sections) {
  const rowsOf = new Map(); // chapter id -> rows
  const rowById = new Map();
  for (const s of sections) {
    if (s.kind === 'maatregel') {
      const row = { id: s.id, title: s.title, cells: {}, local: s.source === 'local', diverged: false };
      rowById.set(s.id, row);
      if (!rowsOf.has(s.parent)) rowsOf.set(s.parent, []);
      rowsOf.get(s.parent).push(row);
    } else if (s.kind === 'field') {
      const row = rowById.get(s.parent);
      if (!row) continue;
      row.cells[s.title] = s.text;
      row.diverged ||= s.source === 'override';
    }
  }
  const blocks = [];
  for (const s of sections) {
    if (s.kind === 'maatregel' || s.kind === 'field') continue;
    blocks.push({ section: s });
    if (rowsOf.has(s.id)) blocks.push({ table: { chapter: s.id, rows: rowsOf.get(s.id) } });
  }
  return blocks;
}

/** Euro cents in Dutch notation: € 25.000, € 1.250,50. */
export function formatAmount(cents) {
  const euros = Math.trunc(cents / 100);
  const rest = Math.abs(cents % 100);
  const whole = Math.abs(euros).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${cents < 0 ? '-' : ''}€ ${whole}${rest ? `,${String(rest).padStart(2, '0')}` : ''}`;
}

const months = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'];

/** "28 maart 2023" for "2023-03-28". */
export function dutchDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
  if (!m) return iso ?? '';
  return `${Number(m[3])} ${months[Number(m[2]) - 1]} ${m[1]}`;
}

/** Where a municipality's plan stands, in a sentence. */
export function adoptionText(adoption) {
  if (!adoption || adoption.state === 'concept') return 'Concept: nog niet vastgesteld';
  const by = adoption.state === 'raad' ? 'de gemeenteraad' : 'het college van burgemeester en wethouders';
  return `Vastgesteld door ${by} op ${dutchDate(adoption.date)}${adoption.reference ? ` (${adoption.reference})` : ''}`;
}

/** The same, short, for a list: "Raad 28-03-2023", "College 14-02-2023", "Concept". */
export function adoptionShort(adoption) {
  if (!adoption || adoption.state === 'concept') return 'Concept';
  const [y, mo, d] = (adoption.date ?? '').split('-');
  return `${adoption.state === 'raad' ? 'Raad' : 'College'} ${d}-${mo}-${y}`;
}
