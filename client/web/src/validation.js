// The checks of form fields, said in Dutch beside the field. Forms carry `novalidate`: the
// browser's own bubbles speak the browser's language, not the user's, and vanish from view.
import { h } from './dom.js';

/** The element under `input` that says what is wrong with it (made on first use). */
function errorElement(input) {
  const id = `${input.id}-fout`;
  let el = document.getElementById(id);
  if (!el) {
    el = h('p', { class: 'samen-field-error', id });
    input.insertAdjacentElement('afterend', el);
    input.addEventListener('input', () => clearFieldError(input));
  }
  return el;
}

/** Shows `message` under `input`, marks it invalid and puts the focus on it. */
export function fieldError(input, message) {
  const el = errorElement(input);
  el.textContent = message;
  input.setAttribute('aria-invalid', 'true');
  const described = (input.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
  if (!described.includes(el.id)) input.setAttribute('aria-describedby', [...described, el.id].join(' '));
  input.focus();
}

export function clearFieldError(input) {
  const el = document.getElementById(`${input.id}-fout`);
  if (el) el.textContent = '';
  input.removeAttribute('aria-invalid');
}

/** A comment's text: 1 to 10,000 bytes (docs/protocol.md, `comment`); null after saying what is wrong. */
export function checkComment(input) {
  const text = input.value.trim();
  if (!text) {
    fieldError(input, 'Schrijf eerst uw opmerking.');
    return null;
  }
  if (new TextEncoder().encode(text).length > 10000) {
    fieldError(input, 'De opmerking is te lang: hoogstens 10.000 tekens.');
    return null;
  }
  clearFieldError(input);
  return text;
}

/**
 * A title (of a section, a document; a version's name): one line of 1 to 200 bytes, as the server
 * wants it (docs/protocol.md). Returns the trimmed title, or null after saying what is wrong.
 */
export function checkTitle(input, what, noun = 'titel') {
  const title = input.value.trim();
  if (!title) {
    fieldError(input, `Geef ${what} een ${noun}.`);
    return null;
  }
  if (new TextEncoder().encode(title).length > 200 || /[\r\n]/.test(title)) {
    fieldError(input, `De ${noun} is te lang: hoogstens 200 tekens.`);
    return null;
  }
  clearFieldError(input);
  return title;
}
