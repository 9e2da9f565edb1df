// Recording a municipality's decision on its plan (docs/protocol.md, `adoption.set`): concept, or
// adopted by its college or its raad on a date under a reference. On the plan page, where the plan
// that is decided on is read: the decision names exactly that plan as a version.
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { municipalityName } from '../names.js';

export function adoptionForm(doc, code) {
  const now = doc.adoption?.[code];
  const state = h('select', { id: 'besluit-stand', class: 'utrecht-select utrecht-select--html-select' },
    [['concept', 'Concept (nog niet vastgesteld)'], ['college', 'Vastgesteld door het college'], ['raad', 'Vastgesteld door de gemeenteraad']]
      .map(([v, label]) => h('option', { value: v, selected: (now?.state ?? 'concept') === v }, label)));
  const date = h('input', { id: 'besluit-datum', type: 'date', class: 'utrecht-textbox utrecht-textbox--html-input', value: now?.date ?? '' });
  const reference = h('input', { id: 'besluit-kenmerk', class: 'utrecht-textbox utrecht-textbox--html-input', maxlength: '200', value: now?.reference ?? '' });
  const error = h('p', { class: 'samen-field-error', id: 'besluit-fout', role: 'alert' });
  const done = h('p', { class: 'samen-small', role: 'status' });
  const field = (id, label, input) => h('div', { class: 'utrecht-form-field' },
    h('label', { class: 'utrecht-form-label', for: id }, label), input);
  return h('details', { class: 'samen-adoption' },
    h('summary', null, `Besluit van ${municipalityName(code)} vastleggen`),
    h('form', { class: 'samen-inline-form', novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      error.textContent = '';
      const msg = { type: 'adoption.set', municipality: code, state: state.value };
      if (state.value !== 'concept') {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(date.value)) {
          error.textContent = 'Vul de datum van het besluit in.';
          date.setAttribute('aria-invalid', 'true');
          date.setAttribute('aria-describedby', 'besluit-fout');
          date.focus();
          return;
        }
        date.removeAttribute('aria-invalid');
        msg.date = date.value;
        msg.reference = reference.value.trim();
      }
      try {
        await doc.request(msg);
        done.textContent = state.value === 'concept'
          ? `Het plan van ${municipalityName(code)} staat weer op concept.`
          : `Het besluit is vastgelegd; het plan zoals het nu is, is als versie bewaard.`;
      } catch (err) {
        error.textContent = errorText(err);
      }
    } },
    h('p', { class: 'utrecht-paragraph' }, 'Het plan zoals het hierboven staat wordt bij een besluit als versie bewaard, zodat het later „zoals vastgesteld” te lezen is.'),
    field('besluit-stand', 'Besluit', state),
    field('besluit-datum', 'Datum van het besluit', date),
    field('besluit-kenmerk', 'Kenmerk (bijvoorbeeld het nummer van het raadsbesluit)', reference),
    error,
    h('div', { class: 'utrecht-button-group' },
      h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, 'Besluit vastleggen')),
    done));
}
