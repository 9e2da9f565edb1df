// Read views: the effective plan of one municipality (rendered Markdown, with a download) and the
// divergence matrix (a table, colour with text labels, and the share of common text).
import MarkdownIt from 'markdown-it';
import * as api from '../api.js';
import { h, replace, button, sr } from '../dom.js';
import { errorText, httpErrorText } from '../errors.js';
import { municipalityName, municipalityShort, stateInfo, learnMunicipalities } from '../names.js';
import { formatTime } from '../history-sessions.js';
import { may } from '../perms.js';
import { adoptionText, formatAmount, measureFields, planBlocks } from '../plan-measures.js';
import { adoptionForm } from './adoption.js';

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

function codesOf(doc) {
  return doc.municipalities.map((m) => m.code);
}

const sourceLabel = (code) => ({ common: null, override: `eigen tekst van ${municipalityName(code)}`, local: `lokale sectie van ${municipalityName(code)}` });

function planSectionOf(code) {
  return (s) => {
    const level = Math.min(6, s.depth + 2);
    const label = sourceLabel(code)[s.source];
    const article = h('section', { class: `samen-plan__section samen-plan__section--${s.source}` },
      h(`h${level}`, { class: `utrecht-heading-${level}` }, s.title),
      label || s.stale ? h('p', { class: 'samen-plan__source' },
        label ? h('span', { class: `samen-state samen-state--${s.source === 'local' ? 'local' : s.stale ? 'stale' : 'override'}` }, label) : null,
        s.stale ? h('span', { class: 'samen-state samen-state--stale' }, 'verouderd') : null) : null);
    const content = h('div', { class: 'samen-plan__text' });
    content.innerHTML = md.render(s.text);
    // Headings inside a section's text sit below the section's own heading.
    for (const hd of content.querySelectorAll('h1,h2,h3,h4,h5,h6')) {
      const n = Math.min(6, level + parseInt(hd.tagName[1], 10));
      const repl = h(n <= 6 ? `h${n}` : 'p', { class: `utrecht-heading-${n}` });
      repl.innerHTML = hd.innerHTML;
      hd.replaceWith(repl);
    }
    article.appendChild(content);
    return article;
  };
}

/** A chapter's measures as a table, and the plan's budgets summed (by the server) below it. */
function measuresTableOf(code) {
  return ({ rows }, budget) => h('div', { class: 'samen-plan__measures' },
    // A wide table scrolls on a narrow screen: by keyboard too (WCAG 2.1.1).
    h('div', { class: 'samen-table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Maatregelen, scrollbaar' },
      h('table', { class: 'utrecht-table samen-measures' },
        h('caption', { class: 'utrecht-table__caption' }, `Maatregelen in het plan van ${municipalityName(code)}`),
        h('thead', { class: 'utrecht-table__header' },
          h('tr', { class: 'utrecht-table__row' }, measureFields.map((f) => h('th', { scope: 'col', class: 'utrecht-table__header-cell' }, f)))),
        h('tbody', { class: 'utrecht-table__body' }, rows.map((r) =>
          h('tr', { class: 'utrecht-table__row' }, measureFields.map((f, i) =>
            h('td', { class: 'utrecht-table__cell' }, r.cells[f] ?? '',
              i === 0 && (r.local || r.diverged) ? h('span', { class: `samen-state samen-state--${r.local ? 'local' : 'override'} samen-measures__mark` },
                r.local ? `alleen ${municipalityName(code)}` : 'eigen invulling') : null))))),
        budget ? h('tfoot', null, h('tr', { class: 'utrecht-table__row' },
          h('th', { scope: 'row', class: 'utrecht-table__header-cell', colspan: String(measureFields.length - 1) }, 'Totaal begroot'),
          h('td', { class: 'utrecht-table__cell' }, formatAmount(budget.total)))) : null)),
    budget && Object.keys(budget.by_thema).length > 1 ? h('div', { class: 'samen-table-wrap' },
      h('table', { class: 'utrecht-table samen-measures samen-measures--thema' },
        h('caption', { class: 'utrecht-table__caption' }, 'Budget per thema'),
        h('thead', { class: 'utrecht-table__header' }, h('tr', { class: 'utrecht-table__row' },
          h('th', { scope: 'col', class: 'utrecht-table__header-cell' }, 'Thema'),
          h('th', { scope: 'col', class: 'utrecht-table__header-cell' }, 'Budget'))),
        h('tbody', { class: 'utrecht-table__body' }, Object.entries(budget.by_thema).map(([thema, cents]) =>
          h('tr', { class: 'utrecht-table__row' },
            h('th', { scope: 'row', class: 'utrecht-table__header-cell' }, thema || 'Zonder thema'),
            h('td', { class: 'utrecht-table__cell' }, formatAmount(cents))))))) : null,
    budget?.without_amount ? h('p', { class: 'samen-small' },
      `${budget.without_amount} ${budget.without_amount === 1 ? 'maatregel heeft' : 'maatregelen hebben'} nog geen bedrag (PM).`) : null);
}

export async function renderPlan(mainEl, app, doc, code, page, atRev) {
  const user = app.session.user;
  replace(mainEl, h('p', { class: 'utrecht-paragraph' }, 'Plan laden…'));
  await doc.whenLoaded();
  if (page.dead) return;
  learnMunicipalities(doc.municipalities);
  const codes = codesOf(doc);
  if (!code || !codes.includes(code)) code = codes.includes(user.municipality) ? user.municipality : codes[0];
  const select = h('select', { id: 'plan-gemeente', class: 'utrecht-select utrecht-select--html-select' },
    codes.map((c) => h('option', { value: c, selected: c === code }, municipalityName(c))));
  const rev = atRev !== undefined && /^\d+$/.test(atRev) ? Number(atRev) : null;
  const version = rev !== null ? doc.versions.find((v) => v.rev === rev) : null;
  const when = h('select', { id: 'plan-stand', class: 'utrecht-select utrecht-select--html-select' },
    h('option', { value: '', selected: rev === null }, 'Nu'),
    [...doc.versions].reverse().map((v) => h('option', { value: String(v.rev), selected: v.rev === rev }, `${v.label} (${formatTime(v.created_at)})`)),
    rev !== null && !version ? h('option', { value: String(rev), selected: true }, 'Een eerdere stand') : null);
  const body = h('div', { class: 'samen-plan', 'aria-busy': 'true' });
  const status = h('p', { class: 'samen-small', role: 'status' });
  const save = (blob, name) => {
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: name });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  const download = button('Markdown', async () => {
    try {
      const text = await api.effectiveMarkdown(app.session.token, doc.id, code, rev);
      save(new Blob([text], { type: 'text/markdown;charset=utf-8' }),
        `${doc.id}-${municipalityName(code).toLowerCase()}${rev === null ? '' : `-rev${rev}`}.md`);
      status.textContent = 'Het plan is gedownload.';
    } catch (err) {
      status.textContent = `Downloaden is niet gelukt. ${httpErrorText(err)}`;
    }
  }, { 'aria-label': 'Markdown downloaden' });
  // The plan as the college and the raad get it: made by the server (docs/plan-steps.md).
  const files = Object.entries(api.exportFormats).map(([format, { label }]) => button(label, async (e) => {
    const b = e.currentTarget;
    b.disabled = true;
    status.textContent = `Het plan wordt als ${format.toUpperCase()} gemaakt…`;
    try {
      const { blob, name } = await api.exportFile(app.session.token, doc.id, code, format, rev);
      save(blob, name);
      status.textContent = `Het plan is gedownload als ${name}.`;
    } catch (err) {
      status.textContent = `Het bestand kon niet worden gemaakt. ${httpErrorText(err)}`;
    } finally {
      b.disabled = false;
    }
  }, { 'data-format': format, 'aria-label': `${label} downloaden` }));
  // Where the plan stands, kept current as decisions are recorded (by this page's form too).
  const adoptionEl = h('p', { class: 'samen-plan-adoption' });
  const showAdoption = () => {
    const adoption = doc.adoption?.[code];
    const decided = adoption && adoption.state !== 'concept';
    replace(adoptionEl, h('strong', null, `${municipalityName(code)}: `), adoptionText(adoption),
      decided && rev !== adoption.rev ? [' — ', h('a', { href: `#/doc/${doc.id}/plan/${code}/${adoption.rev}`, class: 'utrecht-link' }, 'zoals vastgesteld')] : null);
  };
  showAdoption();
  const off = doc.subscribe((ev) => {
    if (page.dead) return off();
    if (ev.kind === 'change' && ev.change?.type === 'adoption.set' && ev.change.municipality === code) showAdoption();
  });
  replace(mainEl,
    h('div', { class: 'samen-page' },
      h('form', { class: 'samen-plan-choice', onsubmit: (e) => {
        e.preventDefault();
        location.hash = `#/doc/${doc.id}/plan/${select.value}${when.value ? `/${when.value}` : ''}`;
      } },
        h('div', { class: 'utrecht-form-field' },
          h('label', { class: 'utrecht-form-label', for: 'plan-gemeente' }, 'Plan van gemeente'), select),
        h('div', { class: 'utrecht-form-field' },
          h('label', { class: 'utrecht-form-label', for: 'plan-stand' }, 'Stand'), when),
        h('button', { type: 'submit', class: 'utrecht-button utrecht-button--secondary-action' }, 'Tonen')),
      h('div', { class: 'samen-plan-files', role: 'group', 'aria-label': 'Plan downloaden' },
        h('span', { class: 'samen-small' }, 'Downloaden als: '), files, download),
      status,
      adoptionEl,
      rev !== null ? h('p', { class: 'samen-small' },
        h('a', { href: `#/doc/${doc.id}/vergelijk/${code}/${rev}/nu`, class: 'utrecht-link' }, 'Vergelijken met nu')) : null,
      rev === null && !doc.archived && may.recordAdoption(user, code) ? adoptionForm(doc, code) : null,
      body));
  document.title = `Plan van ${municipalityName(code)} — ${doc.title} — Samen`;
  try {
    const plan = rev !== null
      ? await doc.request({ type: 'effective', municipality: code, rev })
      : await api.effective(app.session.token, doc.id, code);
    if (page.dead) return;
    body.removeAttribute('aria-busy');
    const planSection = planSectionOf(code);
    const measuresTable = measuresTableOf(code);
    replace(body,
      h('h1', { class: 'utrecht-heading-1' }, `${plan.title}`),
      h('p', { class: 'utrecht-paragraph samen-plan__sub' }, rev !== null
        ? `Het plan zoals het voor ${municipalityName(code)} gold bij ${version ? `de versie „${version.label}” van ${formatTime(version.created_at)}` : 'een eerdere stand'}.`
        : `Het plan zoals het voor ${municipalityName(code)} geldt.`),
      plan.priorities?.length ? h('section', { class: 'samen-plan__section' },
        h('h2', { class: 'utrecht-heading-2' }, `Prioriteiten van ${municipalityName(code)}`),
        h('ol', { class: 'utrecht-ordered-list' }, plan.priorities.map((p) => h('li', null, p.title)))) : null,
      planBlocks(plan.sections).map((b) => (b.table ? measuresTable(b.table, plan.budget) : planSection(b.section))));
  } catch (err) {
    if (page.dead) return;
    body.removeAttribute('aria-busy');
    replace(body, h('p', { class: 'utrecht-paragraph', role: 'alert' }, `Het plan kon niet worden geladen. ${err.code ? errorText(err) : httpErrorText(err)}`));
  }
}

export async function renderMatrix(mainEl, app, doc, page) {
  replace(mainEl, h('p', { class: 'utrecht-paragraph' }, 'Overzicht laden…'));
  await doc.whenLoaded();
  if (page.dead) return;
  learnMunicipalities(doc.municipalities);
  document.title = `Overzicht afwijkingen — ${doc.title} — Samen`;
  let m;
  try {
    // Over the WebSocket while the document is open (the reply names its revision); over HTTP
    // when the connection is down.
    m = await doc.request({ type: 'divergence' }).catch(() => api.divergence(app.session.token, doc.id));
  } catch (err) {
    replace(mainEl, h('p', { class: 'utrecht-paragraph', role: 'alert' }, `Het overzicht kon niet worden geladen. ${err.code ? errorText(err) : httpErrorText(err)}`));
    return;
  }
  if (page.dead) return;
  const codes = codesOf(doc);
  const counts = Object.fromEntries(codes.map((c) => [c, {}]));
  for (const row of m.rows) for (const c of codes) counts[c][row.cells[c]] = (counts[c][row.cells[c]] ?? 0) + 1;
  const pct = (x) => `${Math.round((x ?? 0) * 100)}%`;
  const glance = h('section', { class: 'samen-glance', 'aria-labelledby': 'glance-kop' },
    h('h2', { class: 'utrecht-heading-2', id: 'glance-kop' }, 'In één oogopslag'),
    h('ul', { class: 'samen-glance__list' }, codes.map((c) => h('li', { class: 'samen-glance__item' },
      h('h3', { class: 'utrecht-heading-4' }, municipalityName(c)),
      h('p', { class: 'samen-glance__share' }, `${pct(m.common_share?.[c])} gemeenschappelijke tekst`),
      h('div', { class: 'samen-bar', 'aria-hidden': 'true' },
        h('div', { class: 'samen-bar__fill', style: { width: pct(m.common_share?.[c]) } })),
      h('ul', { class: 'samen-glance__counts' }, Object.keys(stateInfo).filter((st) => counts[c][st]).map((st) =>
        h('li', null, h('span', { class: `samen-state samen-state--${st}` }, stateInfo[st].short), ` ${stateInfo[st].label}: ${counts[c][st]}`)))))));
  const table = h('table', { class: 'utrecht-table samen-matrix' },
    h('caption', { class: 'utrecht-table__caption' }, 'Stand per sectie en gemeente'),
    h('thead', { class: 'utrecht-table__header' },
      h('tr', { class: 'utrecht-table__row' },
        h('th', { scope: 'col', class: 'utrecht-table__header-cell' }, 'Sectie'),
        codes.map((c) => h('th', { scope: 'col', class: 'utrecht-table__header-cell' }, municipalityName(c))))),
    h('tbody', { class: 'utrecht-table__body' }, m.rows.map((row) =>
      h('tr', { class: 'utrecht-table__row' },
        h('th', { scope: 'row', class: 'utrecht-table__header-cell samen-matrix__title', style: { paddingInlineStart: `${0.5 + row.depth * 1.25}rem` } },
          h('a', { href: `#/doc/${doc.id}/s/${row.section}/common` }, row.title)),
        codes.map((c) => {
          const st = row.cells[c];
          return h('td', { class: `utrecht-table__cell samen-matrix__cell samen-matrix__cell--${st}` },
            h('span', { class: `samen-state samen-state--${st}`, 'aria-hidden': 'true' }, stateInfo[st]?.short ?? st), ' ',
            h('span', null, stateInfo[st]?.label ?? st));
        })))));
  replace(mainEl,
    h('div', { class: 'samen-page' },
      h('h1', { class: 'utrecht-heading-1' }, `Overzicht afwijkingen: ${doc.title}`),
      glance,
      h('div', { class: 'samen-table-wrap' }, table),
      h('p', { class: 'samen-small' }, button('Vernieuwen', () => renderMatrix(mainEl, app, doc, page)))));
}
