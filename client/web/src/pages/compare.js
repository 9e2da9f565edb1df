// Comparing two states of a municipality's plan (named versions or now): only the sections that
// changed, the text before and after side by side, deletions and insertions marked in words.
import { h, replace, sr } from '../dom.js';
import { municipalityName, learnMunicipalities } from '../names.js';
import { errorText } from '../errors.js';
import { formatTime } from '../history-sessions.js';
import { compareSections } from '../plan-compare.js';

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
  const parse = (arg) => (arg !== undefined && /^\d+$/.test(arg) ? Number(arg) : null);
  // Without a choice: the newest named version against now.
  let from = parse(fromArg) ?? versions[0]?.rev ?? null;
  const to = parse(toArg);
  const nameOf = (rev) => {
    if (rev === null) return 'nu';
    const v = doc.versions.find((x) => x.rev === rev);
    return v ? `„${v.label}” (${formatTime(v.created_at)})` : 'een eerdere stand';
  };
  const choice = (id, selected, withNow) => h('select', { id, class: 'utrecht-select utrecht-select--html-select' },
    withNow ? h('option', { value: 'nu', selected: selected === null }, 'Nu') : null,
    versions.map((v) => h('option', { value: String(v.rev), selected: v.rev === selected }, `${v.label} (${formatTime(v.created_at)})`)),
    selected !== null && !doc.versions.some((v) => v.rev === selected) ? h('option', { value: String(selected), selected: true }, 'Een eerdere stand') : null);
  const who = h('select', { id: 'vergelijk-gemeente', class: 'utrecht-select utrecht-select--html-select' },
    codes.map((c) => h('option', { value: c, selected: c === code }, municipalityName(c))));
  const fromEl = choice('vergelijk-van', from, false);
  const toEl = choice('vergelijk-tot', to, true);
  const result = h('div', { 'aria-live': 'polite', 'aria-busy': 'true' });
  document.title = `Versies vergelijken — ${doc.title} — Samen`;
  replace(mainEl, h('div', { class: 'samen-page' },
    h('h1', { class: 'utrecht-heading-1' }, `Versies vergelijken: ${doc.title}`),
    versions.length || from !== null
      ? h('form', { class: 'samen-plan-choice', onsubmit: (e) => {
        e.preventDefault();
        location.hash = `#/doc/${doc.id}/vergelijk/${who.value}/${fromEl.value}/${toEl.value}`;
      } },
        h('div', { class: 'utrecht-form-field' }, h('label', { class: 'utrecht-form-label', for: 'vergelijk-gemeente' }, 'Plan van gemeente'), who),
        h('div', { class: 'utrecht-form-field' }, h('label', { class: 'utrecht-form-label', for: 'vergelijk-van' }, 'Van'), fromEl),
        h('div', { class: 'utrecht-form-field' }, h('label', { class: 'utrecht-form-label', for: 'vergelijk-tot' }, 'Tot'), toEl),
        h('button', { type: 'submit', class: 'utrecht-button utrecht-button--secondary-action' }, 'Vergelijken'))
      : null,
    result));
  if (from === null) {
    result.removeAttribute('aria-busy');
    replace(result, h('p', { class: 'utrecht-paragraph' }, 'Er zijn nog geen benoemde versies om mee te vergelijken. Geef de huidige stand een naam bij „Geschiedenis en versies”.'));
    return;
  }
  try {
    const [before, after] = await Promise.all([
      doc.request({ type: 'effective', municipality: code, rev: from }),
      to === null ? doc.request({ type: 'effective', municipality: code }) : doc.request({ type: 'effective', municipality: code, rev: to }),
    ]);
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
