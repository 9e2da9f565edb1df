// The side of the workspace: the workgroup (who is where, following someone), the proposals and
// the sections deleted while the document is open (to restore).
import { h, button } from '../../dom.js';
import { municipalityName, municipalityTone } from '../../names.js';
import { may } from '../../perms.js';
import { adoptionShort } from '../../plan-measures.js';
import { commentsPanel } from './comments.js';
import { decidedProposals, openProposals } from './proposals.js';

/** The panels of the side for `ws` (a Workspace). */
export function sidePanels(ws) {
  return [ws.inbox.el, commentsPanel(ws), workgroup(ws), openProposals(ws), decidedProposals(ws), adoption(ws), deletedSections(ws)];
}

/** Where each municipality's plan stands, each a link to its plan (and its decision). */
function adoption(ws) {
  return h('section', { class: 'samen-panel', 'aria-labelledby': 'vaststelling-kop' },
    h('h2', { class: 'utrecht-heading-2', id: 'vaststelling-kop' }, 'Vaststelling'),
    h('ul', { class: 'samen-adoption-list' }, ws.doc.municipalities.map((m) => h('li', null,
      h('a', { href: `#/doc/${ws.doc.id}/plan/${m.code}`, class: 'utrecht-link' }, m.name), ': ',
      h('span', { class: 'samen-adoption-list__state' }, adoptionShort(ws.doc.adoption?.[m.code]))))));
}

function workgroup(ws) {
  const people = [...ws.doc.presence.values()].sort((a, b) => (a.user.display_name || a.user.name).localeCompare(b.user.display_name || b.user.name));
  const where = (p) => {
    const s = ws.doc.sections.get(p.section);
    const layer = p.layer === 'common' ? 'gemeenschappelijk' : municipalityName(p.layer);
    return `${s?.title ?? p.section} (${layer})`;
  };
  const me = ws.user;
  return h('section', { class: 'samen-panel', 'aria-labelledby': 'werkgroep-kop' },
    h('h2', { class: 'utrecht-heading-2', id: 'werkgroep-kop' }, 'Werkgroep'),
    h('p', { class: 'utrecht-paragraph samen-small' }, `U: ${me.display_name || me.name}`),
    people.length ? h('ul', { class: 'samen-people' }, people.map((p) => {
      const following = ws.follow === p.session;
      return h('li', { class: 'samen-people__item' },
        h('span', { class: `samen-people__dot ${municipalityTone(p.user.municipality)}`, 'aria-hidden': 'true' }),
        h('span', { class: 'samen-people__name' }, p.user.display_name || p.user.name,
          h('span', { class: 'samen-small' }, ` (${municipalityName(p.user.municipality)})`)),
        h('span', { class: 'samen-people__where samen-small' }, `in ${where(p)}`),
        button(following ? 'Niet meer volgen' : 'Volgen', () => {
          ws.follow = following ? null : p.session;
          ws.announce(following ? `U volgt ${p.user.display_name || p.user.name} niet meer.` : `U volgt ${p.user.display_name || p.user.name}.`);
          ws.renderSide();
          ws.followPresence();
        }, { variant: 'subtle', 'aria-pressed': following ? 'true' : 'false', 'aria-label': `${following ? 'Niet meer volgen' : 'Volgen'}: ${p.user.display_name || p.user.name}` }));
    })) : h('p', { class: 'utrecht-paragraph samen-small' }, 'Er is niemand anders in dit document.'));
}

function deletedSections(ws) {
  const deleted = [...ws.doc.deleted.values()].filter((d) => may.changeTree(ws.user, d.section.owner));
  return deleted.length ? h('section', { class: 'samen-panel', 'aria-labelledby': 'verwijderd-kop' },
    h('h2', { class: 'utrecht-heading-2', id: 'verwijderd-kop' }, 'Verwijderd'),
    h('ul', null, deleted.map((d) => h('li', null, d.section.title, ' ',
      button('Herstellen', () => ws.treeAction({ type: 'section.restore', section: d.section.id }, 'De sectie is hersteld.').then(() => ws.renderSide()),
        { variant: 'subtle', 'aria-label': `${d.section.title} herstellen` }))))) : null;
}
