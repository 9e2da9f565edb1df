// A municipality's layer of the shown section: a notice of its state, for a stale override with
// what changed in the common text since its base, and rebasing it (a preview, a choice per
// conflict or one's own wording, the result, commit).
import { h, button } from '../../dom.js';
import { renderDiff, renderParts } from '../../diff-view.js';
import { errorText } from '../../errors.js';
import { municipalityName } from '../../names.js';
import * as ot from '../../ot.js';
import { may } from '../../perms.js';

/** What the shown municipality's layer of section `s` is; for a stale override, what changed. */
export function layerNotice(ws, s) {
  if (s.owner || ws.view === 'common') return null;
  const code = ws.view;
  const name = municipalityName(code);
  const state = ws.doc.stateOf(s, code);
  if (state === 'inherit') {
    return h('div', { class: 'samen-notice samen-notice--info' },
      h('p', { class: 'utrecht-paragraph' }, `${name} volgt hier de gemeenschappelijke tekst (hieronder, alleen lezen).`));
  }
  if (state === 'omit') {
    return h('div', { class: 'samen-notice samen-notice--info' },
      h('p', { class: 'utrecht-paragraph' }, `${name} laat deze sectie weg uit het eigen plan.`));
  }
  if (state === 'override') {
    return h('div', { class: 'samen-notice samen-notice--info' },
      h('p', { class: 'utrecht-paragraph' }, `${name} heeft hier een eigen versie.`));
  }
  // stale
  const layer = s.layers[code];
  const k = `${s.id}/${code}/${s.layers.common?.changed_rev}/${layer.changed_rev}`;
  const canRebase = may.rebase(ws.user, code);
  if (!ws.stalePreview.has(k)) loadStalePreview(ws, s.id, code, k, layer.base, canRebase);
  const preview = ws.stalePreview.get(k) ?? ws.lastPreview.get(`${s.id}/${code}`);
  return h('div', { class: 'samen-notice samen-notice--warning', role: 'region', 'aria-labelledby': 'verouderd-kop' },
    h('h2', { class: 'utrecht-heading-3', id: 'verouderd-kop' }, 'Verouderd: de gemeenschappelijke tekst is gewijzigd'),
    h('p', { class: 'utrecht-paragraph' },
      `De eigen versie van ${name} is gemaakt op revisie ${layer.base}; de gemeenschappelijke tekst is daarna gewijzigd (revisie ${s.layers.common?.changed_rev ?? '?'}). `,
      canRebase ? 'Neem de wijzigingen over (samenvoegen), houd de eigen tekst bewust zo (behouden), of ga terug naar de gemeenschappelijke tekst.'
        : `De coördinator van ${name} kan de wijzigingen overnemen of de eigen tekst bewust behouden.`),
    preview ? h('div', { class: 'samen-diff-block' },
      h('h3', { class: 'utrecht-heading-4' }, 'Wat er in de gemeenschappelijke tekst veranderde'),
      preview.parts ? renderParts(preview.parts) : renderDiff(preview.base, preview.common)) : null);
}

function loadStalePreview(ws, section, layer, k, base, canRebase) {
  // One request at a time; when it returns the notice asks again if the texts moved on.
  if (ws.loadingPreview) return;
  ws.loadingPreview = k;
  const done = () => {
    ws.loadingPreview = null;
    if (ws.sectionId === section && ws.view === layer) ws.renderDetail();
  };
  // The common text's change since the override's base; a coordinator who may rebase can also
  // read it from the rebase preview.
  ws.doc.request({ type: 'diff', section, layer: 'common', from: base, to: ws.doc.rev })
    .catch((err) => (canRebase ? ws.doc.request({ type: 'rebase.preview', section, layer }) : Promise.reject(err)))
    .then((preview) => {
      ws.stalePreview.set(k, preview);
      ws.lastPreview.set(`${section}/${layer}`, preview);
      done();
    }, () => { ws.stalePreview.set(k, null); done(); });
}

/** Asks for a rebase preview of `layer` and shows the form to resolve it. */
export async function startRebase(ws, section, layer) {
  try {
    const preview = await ws.doc.request({ type: 'rebase.preview', section, layer });
    ws.rebase = { preview, choices: preview.conflicts.map(() => ({ pick: 'local', text: null })) };
    ws.message = null;
    ws.renderDetail();
    ws.detailEl.querySelector('#samenvoegen-kop')?.focus();
  } catch (err) {
    ws.message = { kind: 'error', text: errorText(err) };
    ws.renderDetail();
  }
}

/** The rebased text as the choices made so far resolve the conflicts. */
function resolvedText(ws) {
  const { preview, choices } = ws.rebase;
  // Conflicts sit in `merged` at `position` (code points), holding the local text there.
  const order = preview.conflicts.map((c, i) => ({ c, i })).sort((a, b) => a.c.position - b.c.position);
  let out = '';
  let at = 0; // code points of merged consumed
  const merged = preview.merged;
  for (const { c, i } of order) {
    out += sliceCp(merged, at, c.position);
    const ch = choices[i];
    out += ch.pick === 'common' ? c.common : ch.pick === 'own' ? (ch.text ?? c.local) : c.local;
    at = c.position + ot.cpLength(c.local);
  }
  out += sliceCp(merged, at);
  return out;
}

/** The form of a rebase in progress (ws.rebase): a choice per conflict, the result, commit. */
export function rebaseForm(ws) {
  const { preview, choices } = ws.rebase;
  const s = ws.current();
  const name = municipalityName(preview.layer);
  const resultBox = h('textarea', { id: 'samenvoegen-resultaat', class: 'utrecht-textarea samen-rebase__result', rows: '8', readOnly: true, value: resolvedText(ws) });
  const refresh = () => { resultBox.value = resolvedText(ws); };
  const conflicts = preview.conflicts.map((c, i) => {
    const name_ = `conflict-${i}`;
    const own = h('textarea', {
      id: `${name_}-eigen-tekst`, class: 'utrecht-textarea', rows: '3', value: choices[i].text ?? c.local,
      oninput: (e) => { choices[i].text = e.target.value; choices[i].pick = 'own'; ownRadio.checked = true; refresh(); },
    });
    const radio = (pick, label, text) => {
      const id = `${name_}-${pick}`;
      const input = h('input', { type: 'radio', name: name_, id, value: pick, checked: choices[i].pick === pick,
        onchange: () => { choices[i].pick = pick; refresh(); } });
      return [input, h('label', { for: id }, h('strong', null, label), text !== null ? h('q', { class: 'samen-quote' }, text || '(niets)') : null)];
    };
    const [ownRadio, ownLabel] = radio('own', 'Zelf bewerken', null);
    return h('fieldset', { class: 'samen-conflict' },
      h('legend', null, `Conflict ${i + 1} van ${preview.conflicts.length}`),
      h('p', { class: 'utrecht-paragraph' }, 'Eerst stond er: ', h('q', { class: 'samen-quote' }, c.base || '(niets)')),
      h('div', { class: 'samen-conflict__option' }, radio('common', 'Gemeenschappelijke tekst: ', c.common)),
      h('div', { class: 'samen-conflict__option' }, radio('local', `Eigen tekst van ${name}: `, c.local)),
      h('div', { class: 'samen-conflict__option' }, ownRadio, ownLabel),
      h('div', { class: 'utrecht-form-field' }, h('label', { class: 'utrecht-form-label', for: `${name_}-eigen-tekst` }, 'Eigen formulering'), own));
  });
  return h('form', { class: 'samen-inline-form samen-rebase', 'aria-labelledby': 'samenvoegen-kop', onsubmit: async (e) => {
    e.preventDefault();
    const ok = await ws.run(ws.doc.request({ type: 'rebase.commit', section: s.id, layer: preview.layer, rev: preview.rev, text: resolvedText(ws) }),
      'De wijzigingen zijn samengevoegd.');
    if (ok) {
      ws.rebase = null;
      ws.stalePreview.clear();
      ws.renderDetail();
    } else if (ws.message && /conflict/.test(ws.message.code ?? '')) {
      ws.message.text += ' Vraag opnieuw een voorbeeld op.';
    }
  } },
    h('h2', { class: 'utrecht-heading-3', id: 'samenvoegen-kop', tabindex: '-1' }, `Samenvoegen: ${s.title} (${name})`),
    preview.conflicts.length
      ? h('p', { class: 'utrecht-paragraph' }, `${preview.conflicts.length === 1 ? 'Eén plek is' : `${preview.conflicts.length} plekken zijn`} aan beide kanten gewijzigd. Kies per conflict welke tekst blijft, of formuleer het zelf. De rest is vanzelf samengevoegd.`)
      : h('p', { class: 'utrecht-paragraph' }, 'Alle wijzigingen zijn vanzelf samengevoegd.'),
    conflicts,
    h('div', { class: 'utrecht-form-field' },
      h('label', { class: 'utrecht-form-label', for: 'samenvoegen-resultaat' }, 'Resultaat'), resultBox),
    h('div', { class: 'utrecht-button-group' },
      h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, 'Samenvoegen opslaan'),
      button('Nieuw voorbeeld', () => startRebase(ws, s.id, preview.layer)),
      button('Annuleren', () => { ws.rebase = null; ws.renderDetail(); }, { variant: 'subtle' })));
}

function sliceCp(s, from, to) {
  const a = ot.toUtf16(s, from);
  const b = to === undefined ? s.length : ot.toUtf16(s, to);
  return s.slice(a, b);
}
