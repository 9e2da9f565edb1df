// The signed-in session: its token in sessionStorage (closing the tab signs out), signing in and
// out, and its end. A session that ends while edits wait throws nothing away: a dialog asks for
// the password again and the edits are sent after (docs/web-client.md, "When the session ends").
import * as api from './api.js';
import { app } from './app.js';
import { h, replace, button } from './dom.js';
import { signInErrorText } from './errors.js';
import { root, updateStatus } from './frame.js';
import { pendingEdits, renewConnection, stopConnection } from './live.js';
import { go } from './router.js';

const SESSION_KEY = 'samen.session';

/** The session kept in this tab, unless it is past its expiry. */
export function loadSession() {
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

/** Signs in: resolves with the session (kept), rejects as api.signIn does. */
export async function signIn(name, password) {
  const s = await api.signIn(name, password);
  app.session = s;
  saveSession(s);
  return s;
}

export async function signOut() {
  const token = app.session?.token;
  stopConnection();
  app.session = null;
  saveSession(null);
  if (token) await api.signOut(token);
  go('#/');
}

// The session ended (it expired, or it was signed out elsewhere). With edits waiting in the open
// document nothing is thrown away: the document and the connection stay as they are and a dialog
// asks for the password again; after that the connection starts anew with the new token and the
// document sends what waits, as after any reconnect.
export function expire() {
  if (reauth) return;
  if (app.session && app.conn && pendingEdits() > 0) {
    showReauthDialog();
    return;
  }
  stopConnection();
  app.session = null;
  saveSession(null);
  app.notice = 'Uw sessie is verlopen. Log opnieuw in.';
  go('#/');
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
        const s = await signIn(user.name, password.value);
        close();
        if (returnFocus && returnFocus.isConnected) returnFocus.focus();
        renewConnection(s.token);
        updateStatus();
      } catch (err) {
        replace(error, h('p', { class: 'utrecht-paragraph' },
          signInErrorText(err, 'Onjuist wachtwoord.')));
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
