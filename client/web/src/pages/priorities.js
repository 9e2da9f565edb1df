// The priorities of the municipalities side by side (docs/plan-steps.md): per municipality its
// themes in order, which themes several share (the candidates for common text) and which are one
// municipality's own; and for a coordinator the choice of the own municipality's (at most four).
import { h, replace, button } from '../dom.js';
import { errorText } from '../errors.js';
import { learnMunicipalities, municipalityName } from '../names.js';
import { may } from '../perms.js';

export const MAX_PRIORITIES = 4;

/** The sections that may be a priority of `code`: prose, common or its own local sections. */
export function themesOf(doc, code) {
  return doc.tree().filter(({ section: s }) => (s.kind ?? 'text') === 'text' && (!s.owner || s.owner === code));
}

/** Per theme the municipalities that chose it, in the order of the document. */
export function overlap(doc) {
  const by = new Map();
  for (const m of doc.municipalities) {
    for (const id of (doc.priorities[m.code] ?? []).filter((x) => doc.sections.has(x))) {
      if (!by.has(id)) by.set(id, []);
      by.get(id).push(m.code);
    }
  }
  const order = doc.tree().map(({ section }) => section.id);
  return [...by.entries()].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
}

const titleOf = (doc, id) => doc.sections.get(id)?.title ?? id;

function overview(doc) {
  const codes = doc.municipalities.map((m) => m.code);
  const rows = Array.from({ length: MAX_PRIORITIES }, (_, i) => i);
  const shared = overlap(doc).filter(([, who]) => who.length > 1);
  const own = overlap(doc).filter(([, who]) => who.length === 1);
  return [
    h('div', { class: 'samen-table-wrap' },
      h('table', { class: 'utrecht-table samen-priorities' },
        h('caption', { class: 'utrecht-table__caption' }, 'Prioriteiten per gemeente, in volgorde'),
        h('thead', { class: 'utrecht-table__header' },
          h('tr', { class: 'utrecht-table__row' },
            h('th', { scope: 'col', class: 'utrecht-table__header-cell' }, 'Nr.'),
            codes.map((c) => h('th', { scope: 'col', class: 'utrecht-table__header-cell' }, municipalityName(c))))),
        h('tbody', { class: 'utrecht-table__body' }, rows.map((i) =>
          h('tr', { class: 'utrecht-table__row' },
            h('th', { scope: 'row', class: 'utrecht-table__header-cell' }, String(i + 1)),
            codes.map((c) => {
              const id = (doc.priorities[c] ?? []).filter((x) => doc.sections.has(x))[i];
              const sharedBy = id ? overlap(doc).find(([x]) => x === id)?.[1] ?? [] : [];
              return h('td', { class: `utrecht-table__cell${sharedBy.length > 1 ? ' samen-priorities__shared' : ''}` },
                id ? titleOf(doc, id) : '—',
                sharedBy.length > 1 ? h('span', { class: 'samen-small' }, ` (gedeeld)`) : null);
            })))))),
    h('section', { 'aria-labelledby': 'gedeeld-kop' },
      h('h2', { class: 'utrecht-heading-2', id: 'gedeeld-kop' }, 'Gedeelde prioriteiten'),
      shared.length
        ? h('ul', { class: 'utrecht-unordered-list samen-overlap' }, shared.map(([id, who]) =>
          h('li', null, h('strong', null, titleOf(doc, id)), `: gedeeld door ${who.map(municipalityName).join(', ')} — kandidaat voor gemeenschappelijke tekst`)))
        : h('p', { class: 'utrecht-paragraph' }, 'Nog geen prioriteit wordt door meer dan één gemeente gedeeld.')),
    h('section', { 'aria-labelledby': 'eigen-kop' },
      h('h2', { class: 'utrecht-heading-2', id: 'eigen-kop' }, 'Eigen prioriteiten'),
      own.length
        ? h('ul', { class: 'utrecht-unordered-list samen-overlap' }, own.map(([id, who]) =>
          h('li', null, h('strong', null, titleOf(doc, id)), `: alleen ${municipalityName(who[0])}`)))
        : h('p', { class: 'utrecht-paragraph' }, 'Geen.')),
  ];
}

/** The form that sets `code`'s priorities: four places, each a choice among its themes. */
function choiceForm(doc, code, status) {
  const themes = themesOf(doc, code);
  const now = doc.priorities[code] ?? [];
  const selects = Array.from({ length: MAX_PRIORITIES }, (_, i) => h('select', {
    id: `prioriteit-${i + 1}`, class: 'utrecht-select utrecht-select--html-select' },
  h('option', { value: '' }, '— geen —'),
  themes.map(({ section, depth }) => h('option', { value: section.id, selected: now[i] === section.id },
    `${'— '.repeat(depth)}${section.title}${section.owner ? ` (lokaal)` : ''}`))));
  return h('form', { class: 'samen-inline-form', 'aria-labelledby': 'kies-kop', onsubmit: async (e) => {
    e.preventDefault();
    const sections = selects.map((s) => s.value).filter(Boolean);
    if (new Set(sections).size !== sections.length) {
      status.textContent = 'Kies elk thema maar één keer.';
      return;
    }
    try {
      await doc.request({ type: 'priorities.set', municipality: code, sections });
      status.textContent = `De prioriteiten van ${municipalityName(code)} zijn opgeslagen.`;
    } catch (err) {
      status.textContent = errorText(err);
    }
  } },
  h('h2', { class: 'utrecht-heading-2', id: 'kies-kop' }, `Prioriteiten van ${municipalityName(code)} kiezen`),
  h('p', { class: 'utrecht-paragraph' }, `Kies hoogstens ${MAX_PRIORITIES} thema’s, de belangrijkste eerst.`),
  selects.map((s, i) => h('div', { class: 'utrecht-form-field' },
    h('label', { class: 'utrecht-form-label', for: s.id }, `Prioriteit ${i + 1}`), s)),
  h('div', { class: 'utrecht-button-group' },
    h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, 'Prioriteiten opslaan')));
}

export async function renderPriorities(mainEl, app, doc, page) {
  replace(mainEl, h('p', { class: 'utrecht-paragraph' }, 'Prioriteiten laden…'));
  await doc.whenLoaded();
  if (page.dead) return;
  learnMunicipalities(doc.municipalities);
  document.title = `Prioriteiten — ${doc.title} — Samen`;
  const user = app.session.user;
  const codes = doc.municipalities.map((m) => m.code);
  const mine = codes.filter((c) => may.setPriorities(user, c));
  const status = h('p', { class: 'samen-small', role: 'status' });
  const board = h('div', { class: 'samen-priorities-board' }, overview(doc));
  let formCode = mine.includes(user.municipality) ? user.municipality : mine[0];
  const formBox = h('div');
  const showForm = () => {
    if (!formCode || doc.archived) return;
    const pick = mine.length > 1 ? h('div', { class: 'utrecht-form-field' },
      h('label', { class: 'utrecht-form-label', for: 'prioriteiten-gemeente' }, 'Gemeente'),
      h('select', { id: 'prioriteiten-gemeente', class: 'utrecht-select utrecht-select--html-select', onchange: (e) => {
        formCode = e.target.value;
        showForm();
      } }, mine.map((c) => h('option', { value: c, selected: c === formCode }, municipalityName(c))))) : null;
    replace(formBox, pick, choiceForm(doc, formCode, status));
  };
  showForm();
  replace(mainEl, h('div', { class: 'samen-page' },
    h('h1', { class: 'utrecht-heading-1' }, `Prioriteiten: ${doc.title}`),
    h('p', { class: 'utrecht-paragraph' }, 'Stap 3 van het stappenplan: elke gemeente kiest een maximum van drie à vier prioriteiten. Waar gemeenten dezelfde kiezen, ligt gemeenschappelijke tekst voor de hand.'),
    board, formBox, status));
  // Someone else's choice shows at once; the form keeps what is being chosen.
  const off = doc.subscribe((ev) => {
    if (page.dead) return off();
    if (ev.kind === 'loaded' || (ev.kind === 'change' && ev.change?.type === 'priorities.set')) replace(board, overview(doc));
  });
  const destroy = page.destroy.bind(page);
  page.destroy = () => { off(); destroy(); };
}
