// Asking before something is lost: a modal <dialog> that names what goes, with the safe choice
// ("Annuleren") focused first. Escape and "Annuleren" keep everything as it is.
import { h, button } from './dom.js';

/**
 * Shows the question; resolves true when the user confirms, false otherwise.
 * @param {object} o
 * @param {string} o.title      the question, e.g. "Eigen tekst van Kampen weggooien?"
 * @param {string[]} o.lines    what is lost and what can be done about it, a paragraph each
 * @param {string} o.confirm    the label of the button that does it
 * @param {string} [o.withText] the label of an optional text field; then it resolves {text}
 */
export function confirmAction({ title, lines, confirm, withText = null }) {
  const returnFocus = document.activeElement;
  return new Promise((resolve) => {
    const id = `bevestig-${Date.now()}`;
    const dialog = h('dialog', { class: 'samen-dialog', 'aria-labelledby': `${id}-kop`, 'aria-describedby': `${id}-uitleg` });
    const done = (answer) => {
      dialog.close();
      dialog.remove();
      if (returnFocus?.isConnected) returnFocus.focus();
      resolve(answer);
    };
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      done(false);
    });
    const cancel = button('Annuleren', () => done(false));
    const field = withText ? h('textarea', { id: `${id}-tekst`, class: 'utrecht-textarea samen-dialog__text', rows: '3' }) : null;
    dialog.append(
      h('h2', { class: 'utrecht-heading-2', id: `${id}-kop` }, title),
      h('div', { id: `${id}-uitleg` }, lines.map((l) => h('p', { class: 'utrecht-paragraph' }, l))),
      field ? h('div', { class: 'utrecht-form-field' }, h('label', { class: 'utrecht-form-label', for: field.id }, withText), field) : null,
      h('div', { class: 'utrecht-button-group' },
        cancel,
        button(confirm, () => done(field ? { text: field.value.trim() } : true), { variant: 'primary' })));
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

/** "312 woorden", "één woord": how much a text holds. */
export function wordCount(text) {
  const n = (text.match(/[\p{L}\p{N}]+/gu) ?? []).length;
  return n === 1 ? 'één woord' : `${n} woorden`;
}
