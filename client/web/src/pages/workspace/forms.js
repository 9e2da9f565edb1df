// The inline forms of the workspace: a new section, renaming, moving, proposing a change of the
// common text (deleting asks in a dialog: actions.js). What is typed in them survives a redraw.
import { h, button } from '../../dom.js';
import { municipalityName } from '../../names.js';
import { may } from '../../perms.js';
import { measureFields } from '../../plan-measures.js';
import { checkTitle } from '../../validation.js';
import { rebaseForm } from './stale.js';

/** The open inline form (ws.form), or the rebase in progress, or nothing. */
export function inlineForm(ws) {
  const form = formContent(ws);
  // What the user typed survives a redraw (someone else's change redraws the panel).
  if (form && ws.form) keepDraft(form, ws.form);
  return form;
}

function formContent(ws) {
  const f = ws.form;
  if (!f) return ws.rebase ? rebaseForm(ws) : null;
  const s = ws.current();
  const field = (id, label, input) => h('div', { class: 'utrecht-form-field' },
    h('label', { class: 'utrecht-form-label', for: id }, label), input);
  const cancel = button('Annuleren', () => ws.closeForm(), { variant: 'subtle' });
  const parentOptions = (exclude) => [
    h('option', { value: '' }, '(hoofdniveau)'),
    ...ws.doc.tree().filter(({ section }) => !exclude.includes(section.id)).map(({ section, depth }) =>
      h('option', { value: section.id }, `${'— '.repeat(depth)}${section.title}`)),
  ];
  if (f.kind === 'create') {
    const title = h('input', { id: 'nieuw-titel', class: 'utrecht-textbox utrecht-textbox--html-input', maxlength: '200' });
    const parent = h('select', { id: 'nieuw-ouder', class: 'utrecht-select utrecht-select--html-select' }, parentOptions([]));
    parent.value = f.parent ?? '';
    const own = ws.user.municipality;
    const localAllowed = own && may.changeTree(ws.user, own);
    const commonAllowed = may.changeTree(ws.user, null);
    const local = localAllowed ? h('input', { type: 'checkbox', id: 'nieuw-lokaal', checked: !commonAllowed, disabled: !commonAllowed }) : null;
    const measure = h('input', { type: 'checkbox', id: 'nieuw-maatregel', checked: f.measure === true });
    return h('form', { class: 'samen-inline-form', 'aria-labelledby': 'form-kop', novalidate: true, onsubmit: (e) => {
      e.preventDefault();
      const t = checkTitle(title, 'de sectie');
      if (!t) return;
      const msg = { type: 'section.create', parent: parent.value || null, position: 1_000_000, title: t };
      if (local?.checked) msg.owner = own;
      if (!measure.checked) {
        ws.treeAction(msg, 'De sectie is toegevoegd.');
        return;
      }
      ws.run(addMeasure(ws.doc, msg), `De maatregel „${t}” is toegevoegd met de velden ${measureFields.join(', ')}.`)
        .then((ok) => { if (ok) ws.closeForm(); });
    } },
      h('h2', { class: 'utrecht-heading-3', id: 'form-kop' }, 'Nieuwe sectie'),
      field('nieuw-titel', 'Titel', title),
      field('nieuw-ouder', 'Onder', parent),
      local ? h('div', { class: 'utrecht-form-field utrecht-form-field--checkbox' }, local,
        h('label', { for: 'nieuw-lokaal', class: 'utrecht-form-label utrecht-form-label--checkbox' }, `Lokale sectie, alleen voor ${municipalityName(own)}`)) : null,
      h('div', { class: 'utrecht-form-field utrecht-form-field--checkbox' }, measure,
        h('label', { for: 'nieuw-maatregel', class: 'utrecht-form-label utrecht-form-label--checkbox' },
          'Maatregel van het uitvoeringsplan (een rij met de velden thema, doel, maatregel, beoogd resultaat, trekker, partners, planning en budget)')),
      h('div', { class: 'utrecht-button-group' },
        h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, 'Toevoegen'), cancel));
  }
  if (f.kind === 'rename') {
    const title = h('input', { id: 'hernoem-titel', class: 'utrecht-textbox utrecht-textbox--html-input', value: s.title, maxlength: '200' });
    return h('form', { class: 'samen-inline-form', 'aria-labelledby': 'form-kop', novalidate: true, onsubmit: (e) => {
      e.preventDefault();
      const t = checkTitle(title, 'de sectie');
      if (t) ws.treeAction({ type: 'section.rename', section: s.id, title: t }, 'De naam is gewijzigd.');
    } },
      h('h2', { class: 'utrecht-heading-3', id: 'form-kop' }, 'Naam wijzigen'),
      field('hernoem-titel', 'Nieuwe titel', title),
      h('div', { class: 'utrecht-button-group' },
        h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, 'Opslaan'), cancel));
  }
  if (f.kind === 'move') {
    const parent = h('select', { id: 'verplaats-ouder', class: 'utrecht-select utrecht-select--html-select' },
      parentOptions([s.id, ...ws.doc.descendants(s.id)]));
    parent.value = s.parent ?? '';
    const position = h('input', { id: 'verplaats-plaats', type: 'number', min: '1', class: 'utrecht-textbox utrecht-textbox--html-input', value: String(s.position + 1) });
    return h('form', { class: 'samen-inline-form', 'aria-labelledby': 'form-kop', onsubmit: (e) => {
      e.preventDefault();
      const pos = Math.max(0, (parseInt(position.value, 10) || 1) - 1);
      ws.treeAction({ type: 'section.move', section: s.id, parent: parent.value || null, position: pos }, 'De sectie is verplaatst.');
    } },
      h('h2', { class: 'utrecht-heading-3', id: 'form-kop' }, `„${s.title}” verplaatsen`),
      field('verplaats-ouder', 'Onder', parent),
      field('verplaats-plaats', 'Plaats (1 is bovenaan)', position),
      h('div', { class: 'utrecht-button-group' },
        h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, 'Verplaatsen'), cancel));
  }
  if (f.kind === 'propose') {
    const text = h('textarea', { id: 'voorstel-tekst', class: 'utrecht-textarea', rows: '10', value: s.layers.common?.text ?? '' });
    return h('form', { class: 'samen-inline-form', 'aria-labelledby': 'form-kop', onsubmit: async (e) => {
      e.preventDefault();
      const ok = await ws.run(ws.doc.request({ type: 'propose', section: s.id, layer: 'common', text: text.value }),
        'Het voorstel is ingediend.');
      if (ok) ws.closeForm();
    } },
      h('h2', { class: 'utrecht-heading-3', id: 'form-kop' }, 'Wijziging van de gemeenschappelijke tekst voorstellen'),
      h('p', { class: 'utrecht-paragraph' }, 'De wijziging gaat pas in als alle gemeenten instemmen.'),
      field('voorstel-tekst', 'Voorgestelde tekst', text),
      h('div', { class: 'utrecht-button-group' },
        h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, 'Voorstel indienen'), cancel));
  }
  return null;
}

/**
 * A measure of the uitvoeringsplan: the row, then its eight fields under it
 * (docs/decisions/0018-measures-are-sections.md). The row's id comes with its section.create.
 */
async function addMeasure(doc, msg) {
  const made = new Map(); // rev -> id of the section created at that revision
  const off = doc.subscribe((ev) => {
    if (ev.kind === 'change' && ev.change?.type === 'section.create') made.set(ev.change.rev, ev.change.section.id);
  });
  try {
    const ack = await doc.request({ ...msg, kind: 'maatregel' });
    // The broadcast comes with the ack; wait a moment for it when it is behind.
    for (let i = 0; i < 50 && !made.has(ack.rev); i++) await new Promise((r) => setTimeout(r, 20));
    const id = made.get(ack.rev);
    if (!id) throw Object.assign(new Error('no section'), { code: 'internal', request: 'section.create' });
    for (const [i, title] of measureFields.entries()) {
      await doc.request({ type: 'section.create', parent: id, position: i, title, kind: 'field' });
    }
  } finally {
    off();
  }
}

/** Restores a form's fields from `state.draft` and records every change there. */
function keepDraft(formEl, state) {
  state.draft ??= {};
  const checkable = (el) => el.type === 'checkbox' || el.type === 'radio';
  for (const el of formEl.querySelectorAll('input, select, textarea')) {
    if (!el.id) continue;
    const saved = state.draft[el.id];
    if (saved !== undefined) {
      if (checkable(el)) el.checked = saved;
      else el.value = saved;
    }
    const save = () => { state.draft[el.id] = checkable(el) ? el.checked : el.value; };
    el.addEventListener('input', save);
    el.addEventListener('change', save);
  }
}
