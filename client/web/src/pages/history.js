// History and named versions: the changes of a section by writing session (who changed what,
// when), the text of a layer after a session with what that session did, the document's named
// versions, naming one. Revision numbers stay in the protocol; here they show only in details.
import { h, replace, button, sr } from '../dom.js';
import { may } from '../perms.js';
import { municipalityName } from '../names.js';
import { errorText } from '../errors.js';
import { checkTitle } from '../validation.js';
import { renderParts } from '../diff-view.js';
import { formatSize, formatSpan, formatTime, groupSessions } from '../history-sessions.js';

const kindNames = {
  edit: 'Tekst bewerkt',
  diverge: 'Eigen versie gemaakt',
  revert: 'Terug naar de gemeenschappelijke tekst',
  omit: 'Weggelaten',
  include: 'Weer opgenomen',
  acknowledge: 'Eigen tekst bewust behouden',
  rebase: 'Wijzigingen samengevoegd',
  'section.create': 'Sectie toegevoegd',
  'section.rename': 'Naam gewijzigd',
  'section.move': 'Verplaatst',
  'section.delete': 'Verwijderd',
  'section.restore': 'Hersteld',
  propose: 'Voorstel ingediend',
  vote: 'Gestemd over een voorstel',
  tag: 'Versie benoemd',
  'document.rename': 'Document hernoemd',
  'document.archive': 'Archiefstand gewijzigd',
};


const layerName = (layer) => (!layer ? '' : layer === 'common' ? 'gemeenschappelijke tekst' : `tekst van ${municipalityName(layer)}`);

export async function renderHistory(mainEl, app, doc, sectionId, page) {
  replace(mainEl, h('p', { class: 'utrecht-paragraph' }, 'Geschiedenis laden…'));
  await doc.whenLoaded();
  if (page.dead) return;
  const user = app.session.user;
  const own = doc.municipalities.some((m) => m.code === user.municipality) ? user.municipality : doc.municipalities[0]?.code;
  const tree = doc.tree();
  if (!sectionId || !doc.sections.has(sectionId)) sectionId = tree[0]?.section.id;
  document.title = `Geschiedenis en versies — ${doc.title} — Samen`;

  // ---- Named versions ----
  const versionsEl = h('div');
  const renderVersions = () => {
    const list = [...doc.versions].reverse();
    replace(versionsEl, list.length
      ? h('table', { class: 'utrecht-table samen-matrix' },
        h('caption', { class: 'utrecht-table__caption' }, 'Benoemde versies, nieuwste eerst'),
        h('thead', null, h('tr', null,
          ['Naam', 'Door', 'Datum', 'Plan', 'Vergelijken'].map((t) => h('th', { scope: 'col', class: 'utrecht-table__header-cell' }, t)))),
        h('tbody', null, list.map((v) => h('tr', null,
          h('th', { scope: 'row', class: 'utrecht-table__header-cell' }, v.label),
          h('td', { class: 'utrecht-table__cell' }, v.author.display_name || v.author.name),
          h('td', { class: 'utrecht-table__cell' }, formatTime(v.created_at)),
          h('td', { class: 'utrecht-table__cell' },
            h('a', { href: `#/doc/${doc.id}/plan/${own}/${v.rev}` }, `Plan van ${municipalityName(own)} bij deze versie`)),
          h('td', { class: 'utrecht-table__cell' },
            h('a', { href: `#/doc/${doc.id}/vergelijk/${own}/${v.rev}/nu`, 'aria-label': `„${v.label}” vergelijken met nu` }, 'Met nu'))))))
      : h('p', { class: 'utrecht-paragraph' }, 'Er zijn nog geen benoemde versies.'));
  };
  renderVersions();
  const tagStatus = h('p', { class: 'samen-small', role: 'status' });
  const tagForm = may.tag(user) && !doc.archived ? (() => {
    const label = h('input', { id: 'versie-naam', class: 'utrecht-textbox utrecht-textbox--html-input', maxlength: '200' });
    return h('form', { class: 'samen-inline-form', 'aria-labelledby': 'versie-kop', novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      const name = checkTitle(label, 'de versie', 'naam');
      if (!name) return;
      try {
        await doc.request({ type: 'tag', label: name });
        tagStatus.textContent = `De huidige stand heet nu „${name}”.`;
        label.value = '';
      } catch (err) {
        tagStatus.textContent = errorText(err);
      }
    } },
      h('h3', { class: 'utrecht-heading-3', id: 'versie-kop' }, 'De huidige stand een naam geven'),
      h('div', { class: 'utrecht-form-field' },
        h('label', { class: 'utrecht-form-label', for: 'versie-naam' }, 'Naam van de versie (bijvoorbeeld „Vastgesteld door de raad, 28-03-2023”)'), label),
      h('div', { class: 'utrecht-button-group' },
        h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, 'Versie benoemen')),
      tagStatus);
  })() : null;

  // ---- History of a section ----
  const select = h('select', { id: 'geschiedenis-sectie', class: 'utrecht-select utrecht-select--html-select' },
    tree.map(({ section, depth }) => h('option', { value: section.id, selected: section.id === sectionId }, `${'— '.repeat(depth)}${section.title}`)));
  const changesEl = h('div', { 'aria-live': 'polite' });
  const detailEl = h('div', { class: 'samen-history-detail', tabindex: '-1' });

  const who = (s) => (s.author ? (s.author.display_name || s.author.name) : 'onbekend');
  const what = (s) => `${kindNames[s.kind] ?? s.kind}${s.count > 1 ? ` (${s.count} keer)` : ''}`;

  // A session: what its changes did together, as a word diff, and the text after it.
  const showSession = async (s) => {
    replace(detailEl, h('p', { class: 'utrecht-paragraph' }, 'Laden…'));
    try {
      const layer = s.layer ?? 'common';
      const section = s.section ?? sectionId;
      const [at, diff] = await Promise.all([
        doc.request({ type: 'text.at', section, layer, rev: s.to }),
        s.from > 0 ? doc.request({ type: 'diff', section, layer, from: s.from - 1, to: s.to }) : null,
      ]);
      const stateText = { common: '', override: ' (eigen versie)', inherit: ' (volgde de gemeenschappelijke tekst)', omit: ' (weggelaten)', absent: ' (bestond toen niet)' };
      const revisions = s.from === s.to ? `Revisie ${s.from}.` : `Revisies ${s.from} tot en met ${s.to}.`;
      replace(detailEl,
        h('h3', { class: 'utrecht-heading-3', id: 'wijziging-kop' }, `${what(s)}: ${who(s)}, ${formatSpan(s.firstAt, s.lastAt)}`),
        h('p', { class: 'samen-small' }, `In de ${layerName(layer)}${stateText[at.state] ?? ''}.`),
        diff ? [h('h4', { class: 'utrecht-heading-4' }, 'Wat er veranderde'), renderParts(diff.parts)] : null,
        h('h4', { class: 'utrecht-heading-4' }, 'De tekst daarna'),
        h('div', { class: 'samen-history-text' }, at.text || '(leeg)'),
        h('details', { class: 'samen-small' }, h('summary', null, 'Details'), h('p', null, revisions)));
      detailEl.focus();
    } catch (err) {
      replace(detailEl, h('p', { class: 'utrecht-paragraph', role: 'alert' }, errorText(err)));
    }
  };

  const loadHistory = async () => {
    replace(changesEl, h('p', { class: 'utrecht-paragraph' }, 'Laden…'));
    replace(detailEl);
    try {
      const reply = await doc.request({ type: 'history', section: select.value });
      if (page.dead) return;
      const sessions = groupSessions(reply.changes).reverse();
      replace(changesEl, sessions.length ? h('table', { class: 'utrecht-table samen-matrix samen-history' },
        h('caption', { class: 'utrecht-table__caption' }, `Wijzigingen van „${doc.sections.get(select.value)?.title ?? select.value}”, nieuwste eerst`),
        h('thead', null, h('tr', null,
          ['Wanneer', 'Wie', 'Wat', 'Omvang', ''].map((t) => h('th', { scope: 'col', class: 'utrecht-table__header-cell' }, t || sr('Bekijken'))))),
        h('tbody', null, sessions.map((s) => h('tr', null,
          h('td', { class: 'utrecht-table__cell' }, formatSpan(s.firstAt, s.lastAt)),
          h('td', { class: 'utrecht-table__cell' }, s.author ? `${who(s)} (${municipalityName(s.author.municipality)})` : '—'),
          h('td', { class: 'utrecht-table__cell' }, `${what(s)}${s.layer ? `, ${layerName(s.layer)}` : ''}`),
          h('td', { class: 'utrecht-table__cell' }, s.kind === 'edit' || s.kind === 'rebase' ? formatSize(s) : ''),
          h('td', { class: 'utrecht-table__cell' }, s.layer || s.kind === 'edit'
            ? button('Bekijken', () => showSession({ ...s, section: s.section ?? select.value }), { variant: 'subtle', 'aria-label': `${what(s)} van ${formatSpan(s.firstAt, s.lastAt)} bekijken` }) : null)))))
        : h('p', { class: 'utrecht-paragraph' }, 'Deze sectie heeft nog geen wijzigingen.'));
      if (reply.versions) {
        doc.versions = reply.versions;
        renderVersions();
      }
    } catch (err) {
      replace(changesEl, h('p', { class: 'utrecht-paragraph', role: 'alert' }, errorText(err)));
    }
  };

  replace(mainEl, h('div', { class: 'samen-page' },
    h('h1', { class: 'utrecht-heading-1' }, `Geschiedenis en versies: ${doc.title}`),
    h('section', { 'aria-labelledby': 'versies-kop' },
      h('h2', { class: 'utrecht-heading-2', id: 'versies-kop' }, 'Benoemde versies'),
      versionsEl,
      tagForm),
    h('section', { 'aria-labelledby': 'geschiedenis-kop' },
      h('h2', { class: 'utrecht-heading-2', id: 'geschiedenis-kop' }, 'Geschiedenis van een sectie'),
      h('form', { class: 'samen-plan-choice', onsubmit: (e) => {
        e.preventDefault();
        history.replaceState(null, '', `#/doc/${doc.id}/versies/${select.value}`);
        loadHistory();
      } },
        h('div', { class: 'utrecht-form-field' },
          h('label', { class: 'utrecht-form-label', for: 'geschiedenis-sectie' }, 'Sectie'), select),
        h('button', { type: 'submit', class: 'utrecht-button utrecht-button--secondary-action' }, 'Tonen')),
      changesEl,
      detailEl)));
  const off = doc.subscribe((ev) => {
    if (page.dead) return off();
    if (ev.kind === 'change' && ev.change.type === 'tag') renderVersions();
  });
  const destroy = page.destroy;
  page.destroy = function () { off(); destroy.call(this); };
  if (sectionId) loadHistory();
}
