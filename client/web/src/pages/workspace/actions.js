// The actions the user's role allows on the selected section: on the shown municipality's layer
// (diverge, omit, include, rebase, acknowledge, revert, propose) and on the section itself (add a
// subsection, rename, move, delete). Forms open in forms.js; the server checks every request.
import { confirmAction, wordCount } from '../../confirm.js';
import { h, button } from '../../dom.js';
import { municipalityName } from '../../names.js';
import { may } from '../../perms.js';
import { startRebase } from './stale.js';

/**
 * Reverting or omitting a layer that holds the municipality's own text: asked first, naming
 * what is lost, and offered to be undone at once (ws.offerUndo) with the text as it was.
 */
async function destructive(ws, s, code, type) {
  const name = municipalityName(code);
  const layer = s.layers[code];
  const own = layer && (layer.state === 'override') ? layer.text : null;
  const below = ws.doc.descendants(s.id).length;
  const lost = own !== null ? `De eigen tekst van ${name} voor „${s.title}” (${wordCount(own)}) gaat verloren.` : null;
  const question = type === 'revert'
    ? { title: `Eigen tekst van ${name} weggooien?`,
        lines: [lost, `${name} volgt daarna weer de gemeenschappelijke tekst.`], confirm: 'Terug naar gemeenschappelijke tekst' }
    : { title: `„${s.title}” weglaten uit het plan van ${name}?`,
        lines: [`De sectie${below ? ` en ${below === 1 ? 'haar subsectie' : `haar ${below} subsecties`}` : ''} verdwijnt uit het plan van ${name}.`, lost],
        confirm: 'Weglaten' };
  question.lines = [...question.lines.filter(Boolean), 'Direct daarna kunt u het ongedaan maken; later staat de tekst nog in de geschiedenis.'];
  if (!(await confirmAction(question))) return;
  const done = type === 'revert' ? `${name} volgt weer de gemeenschappelijke tekst.` : 'De sectie is weggelaten.';
  if (!(await ws.layerAction(type, code, done))) return;
  ws.offerUndo(type === 'revert' ? `De eigen tekst van ${name} is weggegooid.` : `„${s.title}” is weggelaten uit het plan van ${name}.`,
    () => ws.restoreLayer(s.id, code, type === 'omit', own));
}

/** Deleting a section: asked first, naming what goes with it; "Verwijderd" in the side restores it. */
async function deleteSection(ws, s) {
  const below = ws.doc.descendants(s.id);
  const own = [s.id, ...below].flatMap((id) => {
    const sec = ws.doc.sections.get(id);
    return Object.entries(sec?.layers ?? {}).filter(([code, l]) => code !== 'common' && l.state === 'override').map(([code]) => code);
  });
  const owners = [...new Set(own)].map(municipalityName);
  const ok = await confirmAction({
    title: `„${s.title}” verwijderen?`,
    lines: [
      `De sectie${below.length ? ` en ${below.length === 1 ? 'haar subsectie' : `haar ${below.length} subsecties`}` : ''} verdwij${below.length ? 'nen' : 'nt'} voor alle gemeenten${owners.length ? `, met de eigen teksten van ${owners.join(', ')}` : ''}.`,
      'De geschiedenis blijft bewaard: onder „Verwijderd” kan een coördinator de sectie met alles erin herstellen.',
    ],
    confirm: 'Verwijderen',
  });
  if (ok) ws.treeAction({ type: 'section.delete', section: s.id }, 'De sectie is verwijderd.');
}

/** The buttons for section `s`: what the user may do with the shown layer, and with the section. */
export function sectionActions(ws, s) {
  if (ws.doc.archived) {
    return h('div', { class: 'samen-notice samen-notice--info' },
      h('p', { class: 'utrecht-paragraph' }, 'Dit document is gearchiveerd: het kan alleen nog worden gelezen.'));
  }
  const u = ws.user;
  const layerActs = [];
  const treeActs = [];
  let acts = layerActs;
  const act = (label, fn, opts) => acts.push(button(label, fn, opts));
  const name = municipalityName(ws.view);
  if (!s.owner && ws.view !== 'common') {
    const code = ws.view;
    const state = ws.doc.stateOf(s, code);
    if (state === 'inherit') {
      if (may.diverge(u, code)) act('Eigen versie maken', () => ws.layerAction('diverge', code, `${name} heeft nu een eigen versie.`), { variant: 'primary', 'aria-label': `Eigen versie maken voor ${name}` });
      if (may.omit(u, code)) act('Weglaten…', () => destructive(ws, s, code, 'omit'), { 'aria-label': `Weglaten uit plan van ${name}…` });
    } else if (state === 'override' || state === 'stale') {
      if (state === 'stale' && may.rebase(u, code)) act('Samenvoegen…', () => startRebase(ws, s.id, code), { variant: 'primary' });
      if (state === 'stale' && may.acknowledge(u, code)) act('Eigen tekst behouden', () => ws.layerAction('acknowledge', code, 'De eigen tekst is bewust behouden.'));
      if (may.revert(u, code)) act('Terug naar gemeenschappelijke tekst…', () => destructive(ws, s, code, 'revert'));
      if (state === 'override' && may.propose(u, code) && ![...ws.doc.proposals.values()].some((p) => p.section === s.id && p.layer === code && p.state === 'open')) {
        act('Voorstellen als gemeenschappelijke tekst', () => ws.layerAction('propose', code, 'Het voorstel is ingediend.'));
      }
      if (may.omit(u, code)) act('Weglaten…', () => destructive(ws, s, code, 'omit'), { 'aria-label': `Weglaten uit plan van ${name}…` });
    } else if (state === 'omit') {
      if (may.omit(u, code)) act('Weer opnemen', () => ws.layerAction('include', code, 'De sectie is weer opgenomen.'), { variant: 'primary', 'aria-label': `Weer opnemen in plan van ${name}` });
    }
  }
  if (!s.owner && ws.view === 'common' && may.proposeCommon(u)) {
    act('Wijziging voorstellen…', () => ws.openForm({ kind: 'propose' }));
  }
  acts = treeActs;
  if (may.changeTree(u, s.owner)) {
    const siblings = ws.doc.children(s.parent);
    const idx = siblings.findIndex((x) => x.id === s.id);
    act('Subsectie toevoegen', () => ws.openForm({ kind: 'create', parent: s.id }));
    act('Naam wijzigen', () => ws.openForm({ kind: 'rename' }));
    if (idx > 0) act('Omhoog', () => ws.treeAction({ type: 'section.move', section: s.id, parent: s.parent, position: idx - 1 }, 'De sectie is verplaatst.'));
    if (idx < siblings.length - 1) act('Omlaag', () => ws.treeAction({ type: 'section.move', section: s.id, parent: s.parent, position: idx + 1 }, 'De sectie is verplaatst.'));
    act('Verplaatsen…', () => ws.openForm({ kind: 'move' }));
    act('Verwijderen…', () => deleteSection(ws, s));
  }
  if (!layerActs.length && !treeActs.length) return null;
  const layerLabel = ws.view === 'common' || s.owner ? 'Tekst' : municipalityName(ws.view);
  return h('div', { class: 'samen-actions', role: 'group', 'aria-label': 'Acties voor deze sectie' },
    layerActs.length ? h('div', { class: 'samen-actions__row' },
      h('span', { class: 'samen-actions__label', 'aria-hidden': 'true' }, `${layerLabel}:`), layerActs) : null,
    treeActs.length ? h('div', { class: 'samen-actions__row' },
      h('span', { class: 'samen-actions__label', 'aria-hidden': 'true' }, 'Sectie:'), treeActs) : null);
}
