// The Samen web client: sign-in, the document list, and the routes to the document's pages.
// Routes live in the hash (#/doc/...), so the server needs no fallback for them.
import * as api from './api.js';
import { Connection } from './connection.js';
import { DocumentSync } from './doc-sync.js';
import { h, replace, button, sr } from './dom.js';
import { learnMunicipalities, municipalityName, roleNames } from './names.js';
import { Workspace, errorText } from './workspace.js';
import { may } from './perms.js';
import { renderPlan, renderMatrix } from './plan.js';
import { renderHistory } from './history.js';

const SESSION_KEY = 'samen.session';

export const app = {
  session: null, // {token, user, expires_at}
  conn: null,
  connState: 'offline',
  doc: null, // DocumentSync of the open document
  page: null, // the current page object (with destroy())
  notice: null,
};

function loadSession() {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION_KEY));
    if (s && s.token && new Date(s.expires_at) > new Date()) return s;
  } catch { /* none */ }
  return null;
}

function saveSession(s) {
  if (s) sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
  else sessionStorage.removeItem(SESSION_KEY);
}

// ---- The frame --------------------------------------------------------------------------------

const root = document.getElementById('app');
const statusEl = h('p', { class: 'samen-status', role: 'status', 'aria-live': 'polite', id: 'verbinding' });
const headerEl = h('header', { class: 'samen-header' });
const mainEl = h('main', { id: 'inhoud', class: 'samen-main', tabindex: '-1' });
root.append(
  h('a', { class: 'samen-skip-link', href: '#inhoud', onclick: (e) => { e.preventDefault(); mainEl.focus(); } }, 'Naar de inhoud'),
  headerEl,
  mainEl,
);

// Documents left (another document or the list opened) while edits of theirs still wait: they
// stay subscribed in the background until the server has those edits, then close.
const leaving = new Map(); // doc id -> DocumentSync

/** Edits not acknowledged yet, in the open document and in those being left. */
function pendingEdits() {
  let n = app.doc ? app.doc.pendingEdits() : 0;
  for (const doc of leaving.values()) n += doc.pendingEdits();
  return n;
}

/** Closes `doc`, or, while edits of it wait, keeps it in the background until they are sent. */
function retire(doc) {
  if (doc.pendingEdits() === 0) {
    doc.close();
    return;
  }
  leaving.set(doc.id, doc);
  const off = doc.subscribe((ev) => {
    if (leaving.get(doc.id) !== doc) {
      off();
      return;
    }
    if (ev.kind === 'pending') {
      updateStatus();
      if (doc.pendingEdits() === 0) {
        off();
        leaving.delete(doc.id);
        doc.close();
      }
    }
  });
}

function statusText() {
  const n = pendingEdits();
  const waiting = n === 1 ? '1 wijziging wacht' : `${n} wijzigingen wachten`;
  switch (app.connState) {
    case 'online': return { text: 'Verbonden', cls: 'online' };
    case 'connecting': return { text: 'Verbinden…', cls: 'connecting' };
    default: return n ? { text: `Offline — ${waiting}`, cls: 'offline' } : { text: 'Opnieuw verbinden…', cls: 'offline' };
  }
}

export function updateStatus() {
  const { text, cls } = statusText();
  if (statusEl.textContent !== text) statusEl.textContent = text;
  statusEl.className = `samen-status samen-status--${cls}`;
}

function renderHeader(docNav) {
  const u = app.session?.user;
  replace(headerEl,
    h('div', { class: 'samen-header__brand' },
      h('a', { href: u ? '#/documenten' : '#/', class: 'samen-header__name' }, 'Samen'),
      h('span', { class: 'samen-header__tagline' }, 'samen waar het kan, lokaal waar het moet')),
    docNav ?? null,
    u ? h('div', { class: 'samen-header__user' },
      statusEl,
      h('p', { class: 'samen-header__who' },
        h('span', { class: 'samen-header__display' }, u.display_name || u.name), ' ',
        h('span', { class: 'samen-header__role' },
          `${roleNames[u.role] ?? u.role}${u.municipality ? `, ${municipalityName(u.municipality)}` : ''}`)),
      button('Uitloggen', signOut, { variant: 'subtle' })) : null,
  );
  updateStatus();
}

function docNav(docId, current) {
  const link = (href, label, key) => h('li', null,
    h('a', { href, class: 'samen-docnav__link', 'aria-current': current === key ? 'page' : null }, label));
  return h('nav', { class: 'samen-docnav', 'aria-label': 'Document' },
    h('ul', null,
      link('#/documenten', 'Documenten', 'list'),
      link(`#/doc/${docId}`, 'Werkruimte', 'workspace'),
      link(`#/doc/${docId}/plan`, 'Plan per gemeente', 'plan'),
      link(`#/doc/${docId}/matrix`, 'Overzicht afwijkingen', 'matrix'),
      link(`#/doc/${docId}/versies`, 'Geschiedenis en versies', 'history')));
}

// ---- Connection -------------------------------------------------------------------------------

function startConnection() {
  if (app.conn) return;
  app.conn = new Connection({
    token: app.session.token,
    onMessage: (msg) => {
      if (app.doc && msg.doc === app.doc.id) app.doc.receive(msg);
      else if (leaving.has(msg.doc)) leaving.get(msg.doc).receive(msg);
    },
    onState: (state) => {
      const was = app.connState;
      app.connState = state;
      if (state === 'unauthorized') {
        if (was === 'online') for (const doc of openDocs()) doc.disconnected();
        expire('Uw sessie is verlopen. Log opnieuw in.');
        updateStatus();
        return;
      }
      if (was === 'online' && state !== 'online') for (const doc of openDocs()) doc.disconnected();
      updateStatus();
    },
    onOnline: () => {
      for (const doc of openDocs()) doc.connected();
      updateStatus();
    },
  });
  app.conn.start();
}

/** The open document and those being left. */
function openDocs() {
  return [...(app.doc ? [app.doc] : []), ...leaving.values()];
}

function stopConnection() {
  if (app.doc) app.doc.closed = true;
  app.doc = null;
  for (const doc of leaving.values()) doc.closed = true;
  leaving.clear();
  if (app.conn) app.conn.stop();
  app.conn = null;
  app.connState = 'offline';
}

// The session ended (it expired, or it was signed out elsewhere). With edits waiting in the open
// document nothing is thrown away: the document and the connection stay as they are and a dialog
// asks for the password again; after that the connection starts anew with the new token and the
// document sends what waits, as after any reconnect.
function expire(message) {
  if (reauth) return;
  if (app.session && app.conn && pendingEdits() > 0) {
    showReauthDialog();
    return;
  }
  stopConnection();
  app.session = null;
  saveSession(null);
  app.notice = message;
  location.hash = '#/';
  route();
}

let reauth = null; // the open sign-in dialog: {dialog}

function inertBackground(on) {
  for (const el of root.children) {
    if (reauth && el === reauth.dialog) continue;
    if (on) el.setAttribute('inert', '');
    else el.removeAttribute('inert');
  }
}

function showReauthDialog() {
  const user = app.session.user;
  const n = pendingEdits();
  const waiting = n === 1 ? '1 wijziging die nog wacht, wordt' : `${n} wijzigingen die nog wachten, worden`;
  const returnFocus = document.activeElement;
  const dialog = h('dialog', { class: 'samen-dialog', role: 'dialog', 'aria-modal': 'true',
                               'aria-labelledby': 'sessie-kop', 'aria-describedby': 'sessie-uitleg' });
  reauth = { dialog };

  const close = () => {
    inertBackground(false);
    dialog.close();
    dialog.remove();
    reauth = null;
  };

  // Escape does not dismiss it: the choice is to sign in again or to sign out.
  dialog.addEventListener('cancel', (e) => e.preventDefault());

  const askPassword = () => {
    const error = h('div', { class: 'samen-form-error', role: 'alert' });
    const password = h('input', { id: 'sessie-wachtwoord', name: 'wachtwoord', type: 'password', class: 'utrecht-textbox utrecht-textbox--html-input', autocomplete: 'current-password', required: true });
    const name = h('input', { id: 'sessie-gebruiker', name: 'gebruiker', class: 'utrecht-textbox utrecht-textbox--html-input', autocomplete: 'username', value: user.name, readOnly: true, 'aria-readonly': 'true' });
    let busy = false;
    const form = h('form', { class: 'samen-signin', novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      if (busy) return;
      replace(error);
      if (!password.value) {
        replace(error, h('p', { class: 'utrecht-paragraph' }, 'Vul uw wachtwoord in.'));
        password.focus();
        return;
      }
      busy = true;
      try {
        const s = await api.signIn(user.name, password.value);
        app.session = s;
        saveSession(s);
        close();
        if (returnFocus && returnFocus.isConnected) returnFocus.focus();
        if (app.conn) {
          app.conn.token = s.token;
          app.conn.attempt = 0;
          app.conn.start();
        }
        updateStatus();
      } catch (err) {
        replace(error, h('p', { class: 'utrecht-paragraph' },
          err.status === 401 ? 'Onjuist wachtwoord.' : `Inloggen is niet gelukt (${err.message}).`));
        password.focus();
      } finally {
        busy = false;
      }
    } },
      h('div', { class: 'utrecht-form-field utrecht-form-field--text' },
        h('label', { class: 'utrecht-form-label', for: 'sessie-gebruiker' }, 'Gebruikersnaam'), name),
      h('div', { class: 'utrecht-form-field utrecht-form-field--text' },
        h('label', { class: 'utrecht-form-label', for: 'sessie-wachtwoord' }, 'Wachtwoord'), password),
      error,
      h('div', { class: 'utrecht-button-group' },
        h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, 'Inloggen'),
        button('Uitloggen', confirmSignOut)));
    replace(dialog,
      h('h2', { class: 'utrecht-heading-2', id: 'sessie-kop' }, 'Uw sessie is verlopen'),
      h('p', { class: 'utrecht-paragraph', id: 'sessie-uitleg' },
        `Log opnieuw in als ${user.display_name || user.name}. Uw ${waiting} daarna verstuurd.`),
      form);
    password.focus();
  };

  const confirmSignOut = () => {
    const lost = n === 1 ? 'De wijziging die nog wacht, gaat' : `De ${n} wijzigingen die nog wachten, gaan`;
    const back = button('Terug', askPassword, { variant: 'primary' });
    replace(dialog,
      h('h2', { class: 'utrecht-heading-2', id: 'sessie-kop' }, 'Uitloggen zonder te versturen?'),
      h('p', { class: 'utrecht-paragraph', id: 'sessie-uitleg' },
        `${lost} dan verloren. Ze worden niet bewaard.`),
      h('div', { class: 'utrecht-button-group' },
        back,
        button('Uitloggen en wijzigingen weggooien', () => {
          close();
          signOut();
        })));
    back.focus();
  };

  root.append(dialog);
  inertBackground(true);
  dialog.showModal();
  askPassword();
}

async function signOut() {
  const token = app.session?.token;
  stopConnection();
  app.session = null;
  saveSession(null);
  if (token) await api.signOut(token);
  location.hash = '#/';
  route();
}

function openDocument(docId) {
  if (app.doc && app.doc.id === docId) return app.doc;
  if (app.doc) retire(app.doc);
  const back = leaving.get(docId);
  if (back) {
    // Left with edits still waiting, and opened again: it is live all the while.
    leaving.delete(docId);
    app.doc = back;
    return back;
  }
  const doc = new DocumentSync(docId, app.conn);
  app.doc = doc;
  doc.subscribe((ev) => {
    if (ev.kind === 'pending' || ev.kind === 'loaded') updateStatus();
    if (ev.kind === 'loaded') learnMunicipalities(doc.municipalities);
  });
  if (app.conn.online) doc.connected();
  return doc;
}

// ---- Pages ------------------------------------------------------------------------------------

function setPage(page) {
  if (app.page && app.page !== page && app.page.destroy) app.page.destroy();
  app.page = page;
}

function renderSignIn() {
  setPage(null);
  renderHeader();
  const error = h('div', { class: 'samen-form-error', role: 'alert' });
  const user = h('input', { id: 'gebruiker', name: 'gebruiker', class: 'utrecht-textbox utrecht-textbox--html-input', autocomplete: 'username', required: true });
  const password = h('input', { id: 'wachtwoord', name: 'wachtwoord', type: 'password', class: 'utrecht-textbox utrecht-textbox--html-input', autocomplete: 'current-password', required: true });
  if (app.notice) {
    replace(error, h('p', { class: 'utrecht-paragraph' }, app.notice));
    app.notice = null;
  }
  const form = h('form', { class: 'samen-signin', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    replace(error);
    if (!user.value || !password.value) {
      replace(error, h('p', { class: 'utrecht-paragraph' }, 'Vul uw gebruikersnaam en wachtwoord in.'));
      return;
    }
    try {
      const s = await api.signIn(user.value.trim(), password.value);
      app.session = s;
      saveSession(s);
      location.hash = '#/documenten';
      route();
    } catch (err) {
      replace(error, h('p', { class: 'utrecht-paragraph' },
        err.status === 401 ? 'Onjuiste gebruikersnaam of wachtwoord.' : `Inloggen is niet gelukt (${err.message}).`));
      password.focus();
    }
  } },
    h('div', { class: 'utrecht-form-field utrecht-form-field--text' },
      h('label', { class: 'utrecht-form-label', for: 'gebruiker' }, 'Gebruikersnaam'),
      user),
    h('div', { class: 'utrecht-form-field utrecht-form-field--text' },
      h('label', { class: 'utrecht-form-label', for: 'wachtwoord' }, 'Wachtwoord'),
      password),
    error,
    h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, 'Inloggen'));
  replace(mainEl,
    h('div', { class: 'samen-signin-page' },
      h('h1', { class: 'utrecht-heading-1' }, 'Inloggen bij Samen'),
      h('p', { class: 'utrecht-paragraph' },
        'Hier schrijven Steenwijkerland, Zwartewaterland, Staphorst en Kampen samen aan hun integraal veiligheidsplan.'),
      form));
  document.title = 'Inloggen — Samen';
  user.focus();
}

async function renderDocuments() {
  setPage(null);
  renderHeader(null);
  document.title = 'Documenten — Samen';
  const list = h('div', { 'aria-busy': 'true' }, h('p', { class: 'utrecht-paragraph' }, 'Documenten laden…'));
  replace(mainEl, h('h1', { class: 'utrecht-heading-1' }, 'Documenten'), list);
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
          `Met ${d.municipalities.map(municipalityName).join(', ')}. `,
          `Revisie ${d.rev}.`,
          d.versions?.length ? ` Laatste versie: „${d.versions[d.versions.length - 1].label}”.` : ''),
        admin ? documentAdmin(d) : null))),
      admin ? newDocumentForm(docs) : null);
  } catch (err) {
    if (err.status === 401) return expire('Uw sessie is verlopen. Log opnieuw in.');
    replace(list, h('p', { class: 'utrecht-paragraph', role: 'alert' }, `De documenten konden niet worden geladen: ${err.message}`));
  }
}

// ---- Documents for an admin: create, rename, archive -------------------------------------------

function whenOnline(timeout = 10000) {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeout;
    const check = () => {
      if (app.conn?.online) return resolve(app.conn);
      if (Date.now() > deadline) return reject(Object.assign(new Error('geen verbinding'), { code: 'disconnected' }));
      setTimeout(check, 100);
    };
    check();
  });
}

async function adminRequest(msg, statusEl, { open = false } = {}) {
  try {
    const conn = await whenOnline();
    // Renaming and archiving are changes of the document: the server wants it open for them.
    if (open) await conn.request({ type: 'open', doc: msg.doc });
    try {
      await conn.request(msg);
    } finally {
      if (open) conn.request({ type: 'close', doc: msg.doc }).catch(() => {});
    }
    renderDocuments();
  } catch (err) {
    statusEl.textContent = errorText(err);
  }
}

function documentAdmin(d) {
  const status = h('p', { class: 'samen-small', role: 'status' });
  const title = h('input', { id: `titel-${d.id}`, class: 'utrecht-textbox utrecht-textbox--html-input', value: d.title, maxlength: '200' });
  return h('details', { class: 'samen-doc-admin' },
    h('summary', null, `Beheer van „${d.title}”`),
    h('form', { class: 'samen-plan-choice', onsubmit: (e) => {
      e.preventDefault();
      if (title.value.trim()) adminRequest({ type: 'document.rename', doc: d.id, title: title.value.trim() }, status, { open: true });
    } },
      h('div', { class: 'utrecht-form-field' },
        h('label', { class: 'utrecht-form-label', for: `titel-${d.id}` }, 'Titel'), title),
      h('button', { type: 'submit', class: 'utrecht-button utrecht-button--secondary-action' }, 'Naam wijzigen'),
      button(d.archived ? 'Uit het archief halen' : 'Archiveren',
        () => adminRequest({ type: 'document.archive', doc: d.id, archived: !d.archived }, status, { open: true }))),
    status);
}

function newDocumentForm(docs) {
  const status = h('p', { class: 'samen-small', role: 'status' });
  const codes = [...new Set(docs.flatMap((d) => d.municipalities))];
  const id = h('input', { id: 'nieuw-doc-id', class: 'utrecht-textbox utrecht-textbox--html-input', required: true, 'aria-describedby': 'nieuw-doc-id-uitleg' });
  const title = h('input', { id: 'nieuw-doc-titel', class: 'utrecht-textbox utrecht-textbox--html-input', maxlength: '200', required: true });
  const boxes = codes.map((c) => h('input', { type: 'checkbox', id: `nieuw-doc-${c}`, value: c, checked: true }));
  const source = h('select', { id: 'nieuw-doc-bron', class: 'utrecht-select utrecht-select--html-select' },
    h('option', { value: '' }, 'Leeg'),
    h('option', { value: ':markdown' }, 'Uit Markdown (koppen worden secties)'),
    docs.map((d) => h('option', { value: d.id }, `Sjabloon: ${d.title}`)));
  const markdown = h('textarea', { id: 'nieuw-doc-markdown', class: 'utrecht-textarea', rows: '6' });
  return h('form', { class: 'samen-inline-form samen-new-doc', 'aria-labelledby': 'nieuw-doc-kop', onsubmit: (e) => {
    e.preventDefault();
    if (!/^[a-z0-9-]{1,64}$/.test(id.value)) {
      status.textContent = 'Het kenmerk bestaat uit kleine letters, cijfers en streepjes (hoogstens 64).';
      return id.focus();
    }
    if (!title.value.trim()) return title.focus();
    const msg = { type: 'document.create', doc: id.value, title: title.value.trim(),
                  municipalities: boxes.filter((b) => b.checked).map((b) => b.value) };
    if (source.value === ':markdown') msg.markdown = markdown.value;
    else if (source.value) msg.template = source.value;
    adminRequest(msg, status);
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

export function route() {
  if (!app.session) app.session = loadSession();
  if (!app.session) {
    stopConnection();
    return renderSignIn();
  }
  startConnection();
  const hash = decodeURIComponent(location.hash.replace(/^#\/?/, ''));
  const parts = hash.split('/').filter(Boolean);
  if (parts[0] === 'doc' && parts[1]) {
    const doc = openDocument(parts[1]);
    const sub = parts[2];
    if (sub === 'plan' || sub === 'matrix' || sub === 'versies') {
      renderHeader(docNav(doc.id, sub === 'versies' ? 'history' : sub));
      const page = { destroy() { this.dead = true; } };
      setPage(page);
      if (sub === 'plan') renderPlan(mainEl, app, doc, parts[3], page, parts[4]);
      else if (sub === 'matrix') renderMatrix(mainEl, app, doc, page);
      else renderHistory(mainEl, app, doc, parts[3], page);
      return;
    }
    let ws = app.page instanceof Workspace && app.page.doc === doc ? app.page : null;
    if (!ws) {
      renderHeader(docNav(doc.id, 'workspace'));
      ws = new Workspace(mainEl, app, doc);
      setPage(ws);
    }
    ws.select(sub === 's' ? parts[3] : null, sub === 's' ? parts[4] : null);
    return;
  }
  if (app.doc) {
    retire(app.doc);
    app.doc = null;
  }
  if (parts[0] !== 'documenten') {
    history.replaceState(null, '', '#/documenten');
  }
  renderDocuments();
}

window.addEventListener('hashchange', route);

// Hooks for the end-to-end tests: the state as the user would learn it, and a way to cut the
// connection as a network failure would.
window.__samen = {
  dropConnection: () => app.conn?.drop(),
  state: () => ({
    connection: app.connState,
    pending: pendingEdits(),
    rev: app.doc?.rev ?? null,
    phase: app.doc?.phase ?? null,
  }),
  layerText: (section, layer) => app.doc?.layer(section, layer)?.text ?? null,
  editorText: () => app.page?.editor?.text ?? null,
};

route();
