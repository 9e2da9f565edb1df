// Comparing two states of a municipality's plan (named versions, a date and time, or now): only the
// sections that changed, the text before and after side by side, deletions and insertions marked
// in words. In the address a state is a revision, a local date and time (2026-11-30T14:00) or `nu`.
import { h, replace, sr } from '../dom.js';
import { municipalityName, learnMunicipalities } from '../names.js';
import { errorText } from '../errors.js';
import { formatTime } from '../history-sessions.js';
import { compareSections } from '../plan-compare.js';
import { fieldError } from '../validation.js';

/** Now as a datetime-local value ("2026-12-03T14:05"), in the browser's time zone. */
function localNow() {
  const d = new Date();
  d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
  return d.toISOString().slice(0, 16);
}

const changeNames = { changed: 'tekst gewijzigd', added: 'toegevoegd', removed: 'verwijderd', renamed: 'naam gewijzigd' };

/** One side of a section: its text with what only this side has marked. */
function side(parts, keep, tag, label) {
  return parts.filter((p) => p.kind === 'same' || p.kind === keep).map((p) =>
    p.kind === 'same' ? p.text : h(tag, null, sr(`[${label}: `), p.text, sr(']')));
}

export async function renderCompare(mainEl, app, doc, code, fromArg, toArg, page) {
  replace(mainEl, h('p', { class: 'utrecht-paragraph' }, 'Vergelijking laden…'));
  await doc.whenLoaded();
  if (page.dead) return;
  learnMunicipalities(doc.municipalities);
  const user = app.session.user;
  const codes = doc.municipalities.map((m) => m.code);
  if (!code || !codes.includes(code)) code = codes.includes(user.municipality) ? user.municipality : codes[0];
  const versions = [...doc.versions].reverse();
  // A state: {rev} (a revision), {date} (a local date and time, "2026-11-30T14:00") or null (now).
  const parse = (arg) => {
    if (arg !== undefined && /^\d+$/.test(arg)) return { rev: Number(arg) };
    if (arg !== undefined && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(arg) && !Number.isNaN(new Date(arg).getTime())) return { date: arg };
    return null;
  };
  // Without a choice: the newest named version against now.
  const from = parse(fromArg) ?? (versions[0] ? { rev: versions[0].rev } : null);
  const to = parse(toArg);
  const nameOf = (state) => {
    if (state === null) return 'nu';
    if (state.date) return `de stand op ${formatTime(state.date)}`;
    const v = doc.versions.find((x) => x.rev === state.rev);
    return v ? `„${v.label}” (${formatTime(v.created_at)})` : 'een eerdere stand';
  };
  // Each side: a version, now, or a date and time (the field shows when that is chosen).
  const choice = (id, selected, withNow) => {
    const select = h('select', { id, class: 'utrecht-select utrecht-select--html-select' },
      withNow ? h('option', { value: 'nu', selected: selected === null }, 'Nu') : null,
      versions.map((v) => h('option', { value: String(v.rev), selected: v.rev === selected?.rev }, `${v.label} (${formatTime(v.created_at)})`)),
      selected?.rev !== undefined && !doc.versions.some((v) => v.rev === selected.rev)
        ? h('option', { value: String(selected.rev), selected: true }, 'Een eerdere stand') : null,
      h('option', { value: 'datum', selected: !!selected?.date }, 'Op datum en tijd…'));
    const date = h('input', { id: `${id}-datum`, type: 'datetime-local', class: 'utrecht-textbox utrecht-textbox--html-input',
      value: selected?.date ?? '', max: localNow() });
    const dateField = h('div', { class: 'utrecht-form-field' },
      h('label', { class: 'utrecht-form-label', for: date.id }, withNow ? 'Tot datum en tijd' : 'Van datum en tijd'), date);
    const showDate = () => { dateField.hidden = select.value !== 'datum'; };
    select.addEventListener('change', showDate);
    showDate();
    return { select, date, dateField, value: () => (select.value === 'datum' ? date.value : select.value) };
  };
  const who = h('select', { id: 'vergelijk-gemeente', class: 'utrecht-select utrecht-select--html-select' },
    codes.map((c) => h('option', { value: c, selected: c === code }, municipalityName(c))));
  const fromEl = choice('vergelijk-van', from, false);
  const toEl = choice('vergelijk-tot', to, true);
  const result = h('div', { 'aria-live': 'polite', 'aria-busy': 'true' });
  document.title = `Versies vergelijken — ${doc.title} — Samen`;
  replace(mainEl, h('div', { class: 'samen-page' },
    h('h1', { class: 'utrecht-heading-1' }, `Versies vergelijken: ${doc.title}`),
    h('form', { class: 'samen-plan-choice', novalidate: true, onsubmit: (e) => {
      e.preventDefault();
      for (const side of [fromEl, toEl]) {
        if (side.select.value === 'datum' && !parse(side.date.value)) return fieldError(side.date, 'Kies een datum en een tijd.');
      }
      location.hash = `#/doc/${doc.id}/vergelijk/${who.value}/${fromEl.value()}/${toEl.value()}`;
    } },
      h('div', { class: 'utrecht-form-field' }, h('label', { class: 'utrecht-form-label', for: 'vergelijk-gemeente' }, 'Plan van gemeente'), who),
      h('div', { class: 'utrecht-form-field' }, h('label', { class: 'utrecht-form-label', for: 'vergelijk-van' }, 'Van'), fromEl.select),
      fromEl.dateField,
      h('div', { class: 'utrecht-form-field' }, h('label', { class: 'utrecht-form-label', for: 'vergelijk-tot' }, 'Tot'), toEl.select),
      toEl.dateField,
      h('button', { type: 'submit', class: 'utrecht-button utrecht-button--secondary-action' }, 'Vergelijken')),
    result));
  if (from === null) {
    result.removeAttribute('aria-busy');
    replace(result, h('p', { class: 'utrecht-paragraph' }, 'Er zijn nog geen benoemde versies. Kies bij „Van” een datum en tijd, of geef de huidige stand een naam bij „Geschiedenis en versies”.'));
    return;
  }
  // A date and time is sent as UTC, as the server keeps its times (docs/protocol.md, `effective`).
  const plan = (state) => doc.request(state === null ? { type: 'effective', municipality: code }
    : state.date ? { type: 'effective', municipality: code, at: new Date(state.date).toISOString().replace(/\.\d{3}Z$/, 'Z') }
      : { type: 'effective', municipality: code, rev: state.rev });
  try {
    const [before, after] = await Promise.all([plan(from), plan(to)]);
    if (page.dead) return;
    const changes = compareSections(before.sections, after.sections);
    result.removeAttribute('aria-busy');
    const leftName = `Van: ${nameOf(from)}`;
    const rightName = `Tot: ${nameOf(to)}`;
    replace(result,
      h('p', { class: 'utrecht-paragraph' }, changes.length
        ? `Het plan van ${municipalityName(code)}: ${changes.length === 1 ? 'één sectie' : `${changes.length} secties`} verschil${changes.length === 1 ? 't' : 'len'} tussen ${nameOf(from)} en ${nameOf(to)}.`
        : `Het plan van ${municipalityName(code)} is bij ${nameOf(from)} en ${nameOf(to)} gelijk.`),
      changes.map((c) => h('section', { class: 'samen-compare', 'aria-labelledby': `vergelijk-${c.id}` },
        h('h2', { class: 'utrecht-heading-3', id: `vergelijk-${c.id}` }, c.title, ' ',
          h('span', { class: 'samen-small' }, `(${changeNames[c.change]}${c.change === 'renamed' ? `, was „${c.before.title}”` : ''})`)),
        h('div', { class: 'samen-compare__sides' },
          h('div', { class: 'samen-compare__side' },
            h('h3', { class: 'utrecht-heading-4' }, leftName),
            h('div', { class: 'samen-diff' }, c.before ? side(c.parts, 'del', 'del', 'verwijderd') : h('em', null, '(bestond nog niet)'))),
          h('div', { class: 'samen-compare__side' },
            h('h3', { class: 'utrecht-heading-4' }, rightName),
            h('div', { class: 'samen-diff' }, c.after ? side(c.parts, 'ins', 'ins', 'toegevoegd') : h('em', null, '(verwijderd)')))))));
  } catch (err) {
    result.removeAttribute('aria-busy');
    replace(result, h('p', { class: 'utrecht-paragraph', role: 'alert' }, errorText(err)));
  }
}
