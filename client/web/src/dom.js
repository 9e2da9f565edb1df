// A small hyperscript helper: h('button', {class: 'x', onclick: fn}, 'Tekst').
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
      else if (k === 'value' || k === 'checked' || k === 'selected' || k === 'disabled' || k === 'readOnly') el[k] = v;
      else if (k === 'text') el.textContent = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Text only for screen readers. */
export const sr = (text) => h('span', { class: 'samen-visually-hidden' }, text);

export function button(label, onclick, { variant = 'secondary', ...rest } = {}) {
  const cls = {
    primary: 'utrecht-button utrecht-button--primary-action',
    secondary: 'utrecht-button utrecht-button--secondary-action',
    subtle: 'utrecht-button utrecht-button--subtle',
  }[variant];
  return h('button', { type: 'button', class: cls, onclick, ...rest }, label);
}
