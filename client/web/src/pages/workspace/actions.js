// The actions the user's role allows on the selected section: on the shown municipality's layer
// (diverge, omit, include, rebase, acknowledge, revert, propose) and on the section itself (add a
// subsection, rename, move, delete). Forms open in forms.js; the server checks every request.
import { h, button } from '../../dom.js';
import { municipalityName } from '../../names.js';
import { may } from '../../perms.js';
import { startRebase } from './stale.js';

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
      if (may.omit(u, code)) act('Weglaten', () => ws.layerAction('omit', code, 'De sectie is weggelaten.'), { 'aria-label': `Weglaten uit plan van ${name}` });
    } else if (state === 'override' || state === 'stale') {
      if (state === 'stale' && may.rebase(u, code)) act('Samenvoegen…', () => startRebase(ws, s.id, code), { variant: 'primary' });
      if (state === 'stale' && may.acknowledge(u, code)) act('Eigen tekst behouden', () => ws.layerAction('acknowledge', code, 'De eigen tekst is bewust behouden.'));
      if (may.revert(u, code)) act('Terug naar gemeenschappelijke tekst', () => ws.layerAction('revert', code, `${name} volgt weer de gemeenschappelijke tekst.`));
      if (state === 'override' && may.propose(u, code) && ![...ws.doc.proposals.values()].some((p) => p.section === s.id && p.layer === code && p.state === 'open')) {
        act('Voorstellen als gemeenschappelijke tekst', () => ws.layerAction('propose', code, 'Het voorstel is ingediend.'));
      }
      if (may.omit(u, code)) act('Weglaten', () => ws.layerAction('omit', code, 'De sectie is weggelaten.'), { 'aria-label': `Weglaten uit plan van ${name}` });
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
    act('Verwijderen…', () => ws.openForm({ kind: 'delete' }));
  }
  if (!layerActs.length && !treeActs.length) return null;
  const layerLabel = ws.view === 'common' || s.owner ? 'Tekst' : municipalityName(ws.view);
  return h('div', { class: 'samen-actions', role: 'group', 'aria-label': 'Acties voor deze sectie' },
    layerActs.length ? h('div', { class: 'samen-actions__row' },
      h('span', { class: 'samen-actions__label', 'aria-hidden': 'true' }, `${layerLabel}:`), layerActs) : null,
    treeActs.length ? h('div', { class: 'samen-actions__row' },
      h('span', { class: 'samen-actions__label', 'aria-hidden': 'true' }, 'Sectie:'), treeActs) : null);
}
