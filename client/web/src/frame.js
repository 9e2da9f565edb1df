// The frame around every page: the skip link, the header (the name, the document's navigation,
// the connection state, who is signed in) and the main region the pages render into.
import { app } from './app.js';
import { h, replace, button } from './dom.js';
import { pendingEdits } from './live.js';
import { municipalityName, roleNames } from './names.js';

export const root = document.getElementById('app');
// The state as the header shows it changes with every keystroke ("Opslaan", "Opgeslagen"): not read
// out as it changes; what is read out is a change of the connection itself (connectionEl).
const statusEl = h('p', { class: 'samen-status', role: 'status', 'aria-live': 'off', id: 'verbinding' });
const connectionEl = h('p', { class: 'samen-visually-hidden', role: 'alert' });
let announced = null;
const headerEl = h('header', { class: 'samen-header' });
export const mainEl = h('main', { id: 'inhoud', class: 'samen-main', tabindex: '-1' });
root.append(
  h('a', { class: 'samen-skip-link', href: '#inhoud', onclick: (e) => { e.preventDefault(); mainEl.focus(); } }, 'Naar de inhoud'),
  headerEl,
  mainEl,
  connectionEl,
);

function statusText() {
  const n = pendingEdits();
  const waiting = n === 1 ? '1 wijziging wacht' : `${n} wijzigingen wachten`;
  switch (app.connState) {
    // "Opgeslagen" only when the server has acknowledged every edit (stored on its disk).
    case 'online':
      if (n) return { text: `Opslaan — ${waiting}`, cls: 'connecting' };
      return { text: app.doc ? 'Opgeslagen' : 'Verbonden', cls: 'online' };
    case 'connecting': return { text: 'Verbinden…', cls: 'connecting' };
    default: return n ? { text: `Offline — ${waiting}`, cls: 'offline' } : { text: 'Offline — opnieuw verbinden…', cls: 'offline' };
  }
}

/** Shows the connection state and the edits waiting, as they are now. */
export function updateStatus() {
  const { text, cls } = statusText();
  if (statusEl.textContent !== text) statusEl.textContent = text;
  statusEl.className = `samen-status samen-status--${cls}`;
  const state = app.connState === 'online' ? 'online' : app.connState === 'offline' ? 'offline' : null;
  if (state && announced && state !== announced) {
    connectionEl.textContent = state === 'online' ? 'De verbinding is hersteld.'
      : `De verbinding is verbroken. ${pendingEdits() ? 'Uw wijzigingen worden verstuurd zodra de verbinding terug is.' : ''}`;
  }
  if (state) announced = state;
}

/** The header, with `nav` (a document's navigation) if given and `onSignOut` for its button. */
export function renderHeader(nav, onSignOut) {
  const u = app.session?.user;
  replace(headerEl,
    h('div', { class: 'samen-header__brand' },
      h('a', { href: u ? '#/documenten' : '#/', class: 'samen-header__name' }, 'Samen'),
      h('span', { class: 'samen-header__tagline' }, 'samen waar het kan, lokaal waar het moet')),
    nav ?? null,
    u ? h('div', { class: 'samen-header__user' },
      statusEl,
      h('p', { class: 'samen-header__who' },
        h('span', { class: 'samen-header__display' }, u.display_name || u.name), ' ',
        h('span', { class: 'samen-header__role' },
          `${roleNames[u.role] ?? u.role}${u.municipality ? `, ${municipalityName(u.municipality)}` : ''}`)),
      button('Uitloggen', onSignOut, { variant: 'subtle' })) : null,
  );
  updateStatus();
}

/** The navigation between a document's pages; `current` is the one shown. */
export function docNav(docId, current) {
  const link = (href, label, key) => h('li', null,
    h('a', { href, class: 'samen-docnav__link', 'aria-current': current === key ? 'page' : null }, label));
  return h('nav', { class: 'samen-docnav', 'aria-label': 'Document' },
    h('ul', null,
      link('#/documenten', 'Documenten', 'list'),
      link(`#/doc/${docId}`, 'Werkruimte', 'workspace'),
      link(`#/doc/${docId}/plan`, 'Plan per gemeente', 'plan'),
      link(`#/doc/${docId}/prioriteiten`, 'Prioriteiten', 'priorities'),
      link(`#/doc/${docId}/matrix`, 'Overzicht afwijkingen', 'matrix'),
      link(`#/doc/${docId}/versies`, 'Geschiedenis en versies', 'history')));
}
