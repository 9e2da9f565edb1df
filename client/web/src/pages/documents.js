// The document list: the documents the user's municipality takes part in (an admin sees all),
// with their municipalities, revision and last named version; for an admin the forms of
// pages/admin.js too.
import * as api from '../api.js';
import { app } from '../app.js';
import { h, replace } from '../dom.js';
import { httpErrorText } from '../errors.js';
import { whenOnline } from '../live.js';
import { municipalityName } from '../names.js';
import { adoptionShort } from '../plan-measures.js';
import { may } from '../perms.js';
import { expire } from '../session.js';
import { documentAdmin, newDocumentForm } from './admin.js';
import { listInbox } from './inbox.js';

/** Renders the list into `mainEl`; `refresh` renders the page again (after an admin's change). */
export async function renderDocuments(mainEl, refresh) {
  document.title = 'Documenten — Samen';
  const list = h('div', { 'aria-busy': 'true' }, h('p', { class: 'utrecht-paragraph' }, 'Documenten laden…'));
  replace(mainEl, h('h1', { class: 'utrecht-heading-1' }, 'Documenten'), listInbox(), h('h2', { class: 'utrecht-heading-2' }, 'Uw documenten'), list);
  try {
    // Over the WebSocket when it is up (the reply names archived documents and versions),
    // else over HTTP.
    const conn = await whenOnline(3000).catch(() => null);
    const reply = conn ? await conn.request({ type: 'list' }).catch(() => api.documents(app.session.token))
      : await api.documents(app.session.token);
    const docs = reply.documents ?? reply;
    list.removeAttribute('aria-busy');
    if (!docs.length) {
      replace(list, h('p', { class: 'utrecht-paragraph' }, 'Uw gemeente neemt nog aan geen enkel document deel.'));
      return;
    }
    const admin = may.manageDocuments(app.session.user);
    replace(list, h('ul', { class: 'samen-doclist' }, docs.map((d) =>
      h('li', { class: 'samen-doclist__item' },
        h('h2', { class: 'utrecht-heading-2' }, h('a', { href: `#/doc/${d.id}`, class: 'utrecht-link' }, d.title),
          d.archived ? h('span', { class: 'samen-state samen-state--omit samen-archived' }, 'gearchiveerd') : null),
        h('p', { class: 'utrecht-paragraph' },
          `Met ${d.municipalities.map(municipalityName).join(', ')}.`,
          d.versions?.length ? ` Laatste versie: „${d.versions[d.versions.length - 1].label}”.` : ''),
        h('ul', { class: 'samen-adoption-list', 'aria-label': 'Stand van vaststelling per gemeente' }, d.municipalities.map((c) =>
          h('li', null, `${municipalityName(c)}: `, h('span', { class: 'samen-adoption-list__state' }, adoptionShort(d.adoption?.[c]))))),
        admin ? documentAdmin(d, refresh) : null))),
      admin ? newDocumentForm(docs, refresh) : null);
  } catch (err) {
    if (err.status === 401) return expire();
    replace(list, h('p', { class: 'utrecht-paragraph', role: 'alert' }, `De documenten konden niet worden geladen. ${httpErrorText(err)}`));
  }
}
