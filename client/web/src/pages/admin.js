// Documents for an admin, on the document list: creating one (empty, from Markdown or from another
// as a template), renaming and archiving. Each is a request over the WebSocket; after it the list
// is shown again (`refresh`).
import { h, button } from '../dom.js';
import { errorText } from '../errors.js';
import { whenOnline } from '../live.js';
import { municipalityName } from '../names.js';
import { checkTitle, fieldError } from '../validation.js';

async function adminRequest(msg, statusEl, refresh, { open = false } = {}) {
  try {
    const conn = await whenOnline();
    // Renaming and archiving are changes of the document: the server wants it open for them.
    if (open) await conn.request({ type: 'open', doc: msg.doc });
    try {
      await conn.request(msg);
    } finally {
      if (open) conn.request({ type: 'close', doc: msg.doc }).catch(() => {});
    }
    refresh();
  } catch (err) {
    statusEl.textContent = errorText(err, err.request ?? msg.type);
  }
}

/** Renaming and archiving document `d`. */
export function documentAdmin(d, refresh) {
  const status = h('p', { class: 'samen-small', role: 'status' });
  const title = h('input', { id: `titel-${d.id}`, class: 'utrecht-textbox utrecht-textbox--html-input', value: d.title, maxlength: '200' });
  return h('details', { class: 'samen-doc-admin' },
    h('summary', null, `Beheer van „${d.title}”`),
    h('form', { class: 'samen-plan-choice', novalidate: true, onsubmit: (e) => {
      e.preventDefault();
      const t = checkTitle(title, 'het document');
      if (t) adminRequest({ type: 'document.rename', doc: d.id, title: t }, status, refresh, { open: true });
    } },
      h('div', { class: 'utrecht-form-field' },
        h('label', { class: 'utrecht-form-label', for: `titel-${d.id}` }, 'Titel'), title),
      h('button', { type: 'submit', class: 'utrecht-button utrecht-button--secondary-action' }, 'Naam wijzigen'),
      button(d.archived ? 'Uit het archief halen' : 'Archiveren',
        () => adminRequest({ type: 'document.archive', doc: d.id, archived: !d.archived }, status, refresh, { open: true }))),
    status);
}

/** The form for a new document; `docs` are the ones listed (templates, municipalities). */
export function newDocumentForm(docs, refresh) {
  const status = h('p', { class: 'samen-small', role: 'status' });
  const codes = [...new Set(docs.flatMap((d) => d.municipalities))];
  const id = h('input', { id: 'nieuw-doc-id', class: 'utrecht-textbox utrecht-textbox--html-input', 'aria-describedby': 'nieuw-doc-id-uitleg' });
  const title = h('input', { id: 'nieuw-doc-titel', class: 'utrecht-textbox utrecht-textbox--html-input', maxlength: '200' });
  const boxes = codes.map((c) => h('input', { type: 'checkbox', id: `nieuw-doc-${c}`, value: c, checked: true }));
  const source = h('select', { id: 'nieuw-doc-bron', class: 'utrecht-select utrecht-select--html-select' },
    h('option', { value: '' }, 'Leeg'),
    h('option', { value: ':markdown' }, 'Uit Markdown (koppen worden secties)'),
    docs.map((d) => h('option', { value: d.id }, `Sjabloon: ${d.title}`)));
  const markdown = h('textarea', { id: 'nieuw-doc-markdown', class: 'utrecht-textarea', rows: '6' });
  return h('form', { class: 'samen-inline-form samen-new-doc', 'aria-labelledby': 'nieuw-doc-kop', novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    if (!/^[a-z0-9-]{1,64}$/.test(id.value)) {
      fieldError(id, id.value ? 'Het kenmerk bestaat uit kleine letters, cijfers en streepjes (hoogstens 64).' : 'Geef het document een kenmerk.');
      return;
    }
    const t = checkTitle(title, 'het document');
    if (!t) return;
    const msg = { type: 'document.create', doc: id.value, title: t,
                  municipalities: boxes.filter((b) => b.checked).map((b) => b.value) };
    if (source.value === ':markdown') msg.markdown = markdown.value;
    else if (source.value) msg.template = source.value;
    adminRequest(msg, status, refresh);
  } },
    h('h2', { class: 'utrecht-heading-2', id: 'nieuw-doc-kop' }, 'Nieuw document'),
    h('div', { class: 'utrecht-form-field' }, h('label', { class: 'utrecht-form-label', for: 'nieuw-doc-id' }, 'Kenmerk'),
      h('p', { class: 'samen-small', id: 'nieuw-doc-id-uitleg' }, 'Kleine letters, cijfers en streepjes, bijvoorbeeld ivp-2027-2030.'), id),
    h('div', { class: 'utrecht-form-field' }, h('label', { class: 'utrecht-form-label', for: 'nieuw-doc-titel' }, 'Titel'), title),
    h('fieldset', { class: 'samen-switch' }, h('legend', null, 'Gemeenten'),
      boxes.map((b) => h('span', { class: 'samen-switch__option' }, b, h('label', { for: b.id }, municipalityName(b.value))))),
    h('div', { class: 'utrecht-form-field' }, h('label', { class: 'utrecht-form-label', for: 'nieuw-doc-bron' }, 'Begin met'), source),
    h('div', { class: 'utrecht-form-field' }, h('label', { class: 'utrecht-form-label', for: 'nieuw-doc-markdown' }, 'Markdown (bij „Uit Markdown”)'), markdown),
    h('div', { class: 'utrecht-button-group' },
      h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, 'Document maken')),
    status);
}
