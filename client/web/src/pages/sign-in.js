// The sign-in page: name and password, what went wrong in words next to the form, and why the
// previous session ended (app.notice) if it did.
import { app } from '../app.js';
import { h, replace } from '../dom.js';
import { signInErrorText } from '../errors.js';
import { go } from '../router.js';
import { signIn } from '../session.js';

export function renderSignIn(mainEl) {
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
      await signIn(user.value.trim(), password.value);
      go('#/documenten');
    } catch (err) {
      replace(error, h('p', { class: 'utrecht-paragraph' },
        signInErrorText(err, 'Onjuiste gebruikersnaam of wachtwoord.')));
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
