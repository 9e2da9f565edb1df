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
  // Up to the common text's last change, which the key names: the document's revision may not
  // count that change yet while it is being applied (the stale event comes first).
  const to = s.layers.common?.changed_rev ?? ws.doc.rev;
  if (!ws.stalePreview.has(k)) loadStalePreview(ws, s.id, code, k, layer.base, to, canRebase);
  const preview = ws.stalePreview.get(k) ?? ws.lastPreview.get(`${s.id}/${code}`);
  return h('div', { class: 'samen-notice samen-notice--warning', role: 'region', 'aria-labelledby': 'verouderd-kop' },
    h('h2', { class: 'utrecht-heading-3', id: 'verouderd-kop' }, 'Verouderd: de gemeenschappelijke tekst is gewijzigd'),
    h('p', { class: 'utrecht-paragraph' },
      `De gemeenschappelijke tekst is gewijzigd nadat ${name} er een eigen versie van maakte. `,
      canRebase ? 'Neem de wijzigingen over (samenvoegen), houd de eigen tekst bewust zo (behouden), of ga terug naar de gemeenschappelijke tekst.'
        : `De coördinator van ${name} kan de wijzigingen overnemen of de eigen tekst bewust behouden.`),
    preview ? h('div', { class: 'samen-diff-block' },
      h('h3', { class: 'utrecht-heading-4' }, 'Wat er in de gemeenschappelijke tekst veranderde'),
      preview.parts ? renderParts(preview.parts) : renderDiff(preview.base, preview.common)) : null);
}

function loadStalePreview(ws, section, layer, k, base, to, canRebase) {
  // One request at a time; when it returns the notice asks again if the texts moved on.
  if (ws.loadingPreview) return;
  ws.loadingPreview = k;
  const done = () => {
    ws.loadingPreview = null;
    if (ws.sectionId === section && ws.view === layer) ws.renderDetail();
  };
  // The common text's change since the override's base; a coordinator who may rebase can also
  // read it from the rebase preview.
  ws.doc.request({ type: 'diff', section, layer: 'common', from: base, to })
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
    // What the server kept is the first choice: the own text, or both where both only added.
    const choices = preview.conflicts.map((c) => ({ pick: c.kept === 'both' ? 'both' : 'local', text: null }));
    ws.rebase = { preview, choices, edited: null };
    ws.message = null;
    ws.renderDetail();
    ws.detailEl.querySelector('#samenvoegen-kop')?.focus();
  } catch (err) {
    ws.message = { kind: 'error', text: errorText(err) };
    ws.renderDetail();
  }
}

const wordChar = /[\p{L}\p{N}\p{M}]/u;

/**
 * Both texts of a conflict, the common one first, as the server joins them
 * (shared/model/merge.hpp, both_texts): a space where a word would run into the next.
 */
export function bothTexts(common, local) {
  const last = [...common].pop();
  const first = [...local][0];
  return common + (last && first && wordChar.test(last) && wordChar.test(first) ? ' ' : '') + local;
}

/** What `merged` holds at a conflict (docs/protocol.md, `rebase.preview`). */
const keptText = (c) => (c.kept === 'both' ? bothTexts(c.common, c.local) : c.local);

/** The text a choice puts at a conflict. */
function chosenText(c, choice) {
  switch (choice.pick) {
    case 'common': return c.common;
    case 'both': return bothTexts(c.common, c.local);
    case 'own': return choice.text ?? keptText(c);
    default: return c.local;
  }
}

/** The rebased text as the choices made so far resolve the conflicts. */
function resolvedText(ws) {
  const { preview, choices } = ws.rebase;
  // Conflicts sit in `merged` at `position` (code points), holding what `kept` says there.
  const order = preview.conflicts.map((c, i) => ({ c, i })).sort((a, b) => a.c.position - b.c.position);
  let out = '';
  let at = 0; // code points of merged consumed
  const merged = preview.merged;
  for (const { c, i } of order) {
    out += sliceCp(merged, at, c.position);
    out += chosenText(c, choices[i]);
    at = c.position + ot.cpLength(keptText(c));
  }
  out += sliceCp(merged, at);
  return out;
}

/** The text a commit sends: the result as the user edited it, or as the choices make it. */
const finalText = (ws) => ws.rebase.edited ?? resolvedText(ws);

/** The form of a rebase in progress (ws.rebase): a choice per conflict, the result, commit. */
export function rebaseForm(ws) {
  const { preview, choices } = ws.rebase;
  const s = ws.current();
  const name = municipalityName(preview.layer);
  const editedNote = h('p', { class: 'utrecht-paragraph samen-small', id: 'samenvoegen-resultaat-uitleg', 'aria-live': 'polite' });
  const resultBox = h('textarea', {
    id: 'samenvoegen-resultaat', class: 'utrecht-textarea samen-rebase__result', rows: '10', value: finalText(ws),
    'aria-describedby': 'samenvoegen-resultaat-uitleg',
    oninput: (e) => {
      ws.rebase.edited = e.target.value;
      editedNote.textContent = 'U hebt het resultaat zelf aangepast; dit wordt opgeslagen. Een andere keuze hierboven zet het resultaat weer volgens de keuzes.';
    },
  });
  const explain = () => {
    editedNote.textContent = ws.rebase.edited === null
      ? 'Het resultaat volgt uw keuzes hierboven. U kunt het hier ook zelf aanpassen voordat u opslaat.'
      : 'U hebt het resultaat zelf aangepast; dit wordt opgeslagen. Een andere keuze hierboven zet het resultaat weer volgens de keuzes.';
  };
  explain();
  const refresh = () => {
    ws.rebase.edited = null;
    resultBox.value = resolvedText(ws);
    explain();
  };
  const conflicts = preview.conflicts.map((c, i) => {
    const name_ = `conflict-${i}`;
    const own = h('textarea', {
      id: `${name_}-eigen-tekst`, class: 'utrecht-textarea', rows: '3', value: choices[i].text ?? keptText(c),
      oninput: (e) => { choices[i].text = e.target.value; choices[i].pick = 'own'; ownRadio.checked = true; refresh(); },
    });
    const radio = (pick, label, text) => {
      const id = `${name_}-${pick}`;
      const input = h('input', { type: 'radio', name: name_, id, value: pick, checked: choices[i].pick === pick,
        onchange: () => { choices[i].pick = pick; refresh(); } });
      return [input, h('label', { for: id }, h('strong', null, label), text !== null ? h('q', { class: 'samen-quote' }, text || '(niets)') : null)];
    };
    const [ownRadio, ownLabel] = radio('own', 'Zelf formuleren', null);
    return h('fieldset', { class: 'samen-conflict' },
      h('legend', null, `Conflict ${i + 1} van ${preview.conflicts.length}`),
      c.kept === 'both'
        ? h('p', { class: 'utrecht-paragraph' }, 'Beide teksten voegden hier iets toe. Nu blijven beide staan, de gemeenschappelijke tekst eerst.')
        : h('p', { class: 'utrecht-paragraph' }, 'Beide teksten wijzigden dit. Eerst stond er: ', h('q', { class: 'samen-quote' }, c.base || '(niets)')),
      h('div', { class: 'samen-conflict__option' }, radio('local', `Eigen tekst van ${name}: `, c.local)),
      h('div', { class: 'samen-conflict__option' }, radio('common', 'Gemeenschappelijke tekst: ', c.common)),
      h('div', { class: 'samen-conflict__option' }, radio('both', 'Beide: ', bothTexts(c.common, c.local))),
      h('div', { class: 'samen-conflict__option' }, ownRadio, ownLabel),
      h('div', { class: 'utrecht-form-field' }, h('label', { class: 'utrecht-form-label', for: `${name_}-eigen-tekst` }, 'Eigen formulering'), own));
  });
  const bothCount = preview.conflicts.filter((c) => c.kept === 'both').length;
  const realCount = preview.conflicts.length - bothCount;
  return h('form', { class: 'samen-inline-form samen-rebase', 'aria-labelledby': 'samenvoegen-kop', onsubmit: async (e) => {
    e.preventDefault();
    const ok = await ws.run(ws.doc.request({ type: 'rebase.commit', section: s.id, layer: preview.layer, rev: preview.rev, text: finalText(ws) }),
      'De wijzigingen zijn samengevoegd.');
    if (ok) {
      ws.rebase = null;
      ws.stalePreview.clear();
      ws.renderDetail();
    }
  } },
    h('h2', { class: 'utrecht-heading-3', id: 'samenvoegen-kop', tabindex: '-1' }, `Samenvoegen: ${s.title} (${name})`),
    h('p', { class: 'utrecht-paragraph' }, [
      preview.conflicts.length ? null : 'Alle wijzigingen zijn vanzelf samengevoegd.',
      realCount ? `${realCount === 1 ? 'Eén plek is' : `${realCount} plekken zijn`} aan beide kanten anders gewijzigd: kies per plek welke tekst blijft, beide, of formuleer het zelf. ` : null,
      bothCount ? `${bothCount === 1 ? 'Op één plek voegden' : `Op ${bothCount} plekken voegden`} beide teksten iets toe; daar blijven beide staan, tenzij u anders kiest. ` : null,
      preview.conflicts.length ? 'De rest is vanzelf samengevoegd.' : null,
    ].filter(Boolean).join('')),
    conflicts,
    h('div', { class: 'utrecht-form-field' },
      h('label', { class: 'utrecht-form-label', for: 'samenvoegen-resultaat' }, 'Resultaat (aan te passen)'), editedNote, resultBox),
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
