// Proposals in the workspace: the open ones with the difference they make and the votes so far
// (and the buttons to vote for who may), and those decided while the document is open.
import { confirmAction } from '../../confirm.js';
import { h, button } from '../../dom.js';
import { renderDiff } from '../../diff-view.js';
import { municipalityName } from '../../names.js';
import { may } from '../../perms.js';
import { threadView } from './comments.js';

export function openProposals(ws) {
  const open = [...ws.doc.proposals.values()].filter((p) => p.state === 'open');
  const codes = ws.doc.municipalities.map((m) => m.code);
  const voteText = { approve: 'voor', reject: 'tegen' };
  return h('section', { class: 'samen-panel', 'aria-labelledby': 'voorstellen-kop' },
    h('h2', { class: 'utrecht-heading-2', id: 'voorstellen-kop' }, 'Voorstellen'),
    open.length ? h('ul', { class: 'samen-proposals' }, open.map((p) => {
      const s = ws.doc.sections.get(p.section);
      const mine = ws.user.municipality;
      const canVote = mine && may.vote(ws.user, mine) && codes.includes(mine) && !p.votes[mine];
      return h('li', { class: 'samen-proposal' },
        h('h3', { class: 'utrecht-heading-4' }, `${s?.title ?? p.section}: ${p.layer === 'common' ? 'wijziging van de gemeenschappelijke tekst' : `tekst van ${municipalityName(p.layer)} gemeenschappelijk maken`}`),
        h('p', { class: 'samen-small' }, `Voorgesteld door ${p.proposer.display_name || p.proposer.name}`),
        h('details', null, h('summary', null, 'Verschil met de gemeenschappelijke tekst'),
          renderDiff(s?.layers.common?.text ?? '', p.text)),
        h('ul', { class: 'samen-votes', 'aria-label': 'Stemmen' }, codes.map((c) =>
          h('li', null, `${municipalityName(c)}: ${p.votes[c] ? voteText[p.votes[c]] : 'nog niet gestemd'}`))),
        proposalThreads(ws, p),
        canVote ? h('div', { class: 'utrecht-button-group' },
          button('Instemmen', () => ws.run(ws.doc.request({ type: 'vote', proposal: p.id, vote: 'approve' }), 'U hebt ingestemd.').then(() => ws.renderSide()), { variant: 'primary', 'aria-label': `Instemmen met voorstel ${p.id}` }),
          button('Afwijzen…', () => rejectVote(ws, p, s, mine), { 'aria-label': `Voorstel ${p.id} afwijzen…` })) : null);
    })) : h('p', { class: 'utrecht-paragraph samen-small' }, 'Er zijn geen open voorstellen.'));
}

export function decidedProposals(ws) {
  const closed = [...ws.doc.proposals.values()].filter((p) => p.state !== 'open');
  return closed.length ? h('section', { class: 'samen-panel', 'aria-labelledby': 'afgehandeld-kop' },
    h('h2', { class: 'utrecht-heading-2', id: 'afgehandeld-kop' }, 'Afgehandelde voorstellen'),
    h('ul', { class: 'samen-small' }, closed.map((p) => h('li', null,
      `${ws.doc.sections.get(p.section)?.title ?? p.section} (${p.layer === 'common' ? 'gemeenschappelijke tekst' : municipalityName(p.layer)}): `,
      h('strong', null, p.state === 'accepted' ? 'aangenomen' : 'afgewezen'),
      [...ws.doc.threads.values()].filter((t) => t.proposal === p.id).map((t) =>
        h('span', null, ` — ${t.comments[0].author.display_name || t.comments[0].author.name}: „${t.comments[0].text}”`)))))) : null;
}

/** A reject vote ends a proposal that needs every municipality: asked first. */
async function rejectVote(ws, p, s, mine) {
  const what = p.layer === 'common' ? 'de nieuwe gemeenschappelijke tekst' : `de tekst van ${municipalityName(p.layer)} als gemeenschappelijke tekst`;
  const ok = await confirmAction({
    title: 'Voorstel afwijzen?',
    lines: [
      `Het voorstel van ${p.proposer.display_name || p.proposer.name} voor „${s?.title ?? p.section}” (${what}) gaat alleen door als alle gemeenten instemmen. Met de afwijzing namens ${municipalityName(mine)} is het van de baan, ook voor de andere gemeenten.`,
      'Een afwijzing kan niet worden teruggedraaid; een nieuw voorstel kan wel.',
    ],
    confirm: 'Voorstel afwijzen',
    withText: 'Waarom? (komt als opmerking bij het voorstel; mag leeg blijven)',
  });
  if (!ok) return;
  // The reason first, on the proposal, so that everyone reads why it ended.
  if (ok.text && !(await ws.run(ws.doc.request({ type: 'comment', proposal: p.id, section: p.section, layer: 'common',
    from: 0, to: 0, text: ok.text.slice(0, 5000) }), 'Uw reden is geplaatst.'))) return;
  await ws.run(ws.doc.request({ type: 'vote', proposal: p.id, vote: 'reject' }), 'U hebt het voorstel afgewezen.');
  ws.renderSide();
}

/** The comments on a proposal (a reason for a vote, a question). */
function proposalThreads(ws, p) {
  const threads = [...ws.doc.threads.values()].filter((t) => t.proposal === p.id);
  return threads.length ? h('ul', { class: 'samen-threads', 'aria-label': `Opmerkingen bij voorstel ${p.id}` },
    threads.map((t) => threadView(ws, t))) : null;
}
