// The section tree of the workspace: every section with each municipality's state as a labelled
// badge and how many participants are in it, a way to add one, and the legend of the states.
import { h, button, sr } from '../../dom.js';
import { municipalityName, municipalityShort, stateInfo } from '../../names.js';
import { may } from '../../perms.js';

/** The tree's content for `ws` (a Workspace). */
export function sectionTree(ws) {
  const codes = ws.doc.municipalities.map((m) => m.code);
  const here = new Map();
  for (const p of ws.doc.presence.values()) here.set(p.section, (here.get(p.section) ?? 0) + 1);
  const build = (parent) => {
    const kids = ws.doc.children(parent);
    if (!kids.length) return null;
    return h('ol', { class: 'samen-tree__list' }, kids.map((s) => {
      const selected = s.id === ws.sectionId;
      const n = here.get(s.id) ?? 0;
      return h('li', { class: 'samen-tree__item' },
        h('a', {
          href: `#/doc/${ws.doc.id}/s/${s.id}/${ws.view}`,
          class: `samen-tree__link${selected ? ' samen-tree__link--current' : ''}`,
          'aria-current': selected ? 'true' : null,
        }, s.title || '(zonder titel)', s.owner ? ` (lokaal ${municipalityName(s.owner)})` : null),
        h('ul', { class: 'samen-states', 'aria-label': 'Stand per gemeente' }, codes.map((code) => {
          const st = ws.doc.stateOf(s, code);
          return h('li', { class: `samen-state samen-state--${st}`, title: `${municipalityName(code)}: ${stateInfo[st].label}` },
            h('span', { 'aria-hidden': 'true' }, `${municipalityShort(code)} ${stateInfo[st].short}`),
            sr(`${municipalityName(code)}: ${stateInfo[st].label}`));
        })),
        n ? h('span', { class: 'samen-tree__here' }, `${n} ${n === 1 ? 'deelnemer' : 'deelnemers'} hier`) : null,
        build(s.id));
    }));
  };
  const canCreate = !ws.doc.archived &&
    (may.changeTree(ws.user, null) || (ws.user.municipality && may.changeTree(ws.user, ws.user.municipality)));
  return [
    h('a', { href: '#', class: 'samen-skip-link samen-skip-link--local', onclick: (e) => {
      e.preventDefault();
      if (ws.editorBox.hidden) ws.detailEl.querySelector('h1')?.focus();
      else ws.editor.focus();
    } }, 'Naar de tekst'),
    h('h2', { class: 'utrecht-heading-2', id: 'secties-kop' }, 'Secties'),
    build(null),
    canCreate ? button('Nieuwe sectie', () => ws.openForm({ kind: 'create' })) : null,
    h('details', { class: 'samen-legend' },
      h('summary', null, 'Legenda'),
      h('dl', null, Object.entries(stateInfo).map(([st, info]) => [
        h('dt', null, h('span', { class: `samen-state samen-state--${st}` }, info.short)),
        h('dd', null, `${info.label}: ${info.explain}`),
      ]))),
  ];
}
