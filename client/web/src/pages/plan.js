// Read views: the effective plan of one municipality (rendered Markdown, with a download) and the
// divergence matrix (a table, colour with text labels, and the share of common text).
import MarkdownIt from 'markdown-it';
import * as api from '../api.js';
import { h, replace, button, sr } from '../dom.js';
import { errorText, httpErrorText } from '../errors.js';
import { municipalityName, municipalityShort, stateInfo, learnMunicipalities } from '../names.js';
import { formatTime } from '../history-sessions.js';

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

function codesOf(doc) {
  return doc.municipalities.map((m) => m.code);
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
  const download = button('Markdown downloaden', async () => {
    try {
      const text = await api.effectiveMarkdown(app.session.token, doc.id, code, rev);
      const url = URL.createObjectURL(new Blob([text], { type: 'text/markdown;charset=utf-8' }));
      const a = h('a', { href: url, download: `${doc.id}-${municipalityName(code).toLowerCase()}${rev === null ? '' : `-rev${rev}`}.md` });
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      status.textContent = 'Het plan is gedownload.';
    } catch (err) {
      status.textContent = `Downloaden is niet gelukt. ${httpErrorText(err)}`;
    }
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
        h('button', { type: 'submit', class: 'utrecht-button utrecht-button--secondary-action' }, 'Tonen'),
        download),
      status,
      rev !== null ? h('p', { class: 'samen-small' },
        h('a', { href: `#/doc/${doc.id}/vergelijk/${code}/${rev}/nu`, class: 'utrecht-link' }, 'Vergelijken met nu')) : null,
      body));
  document.title = `Plan van ${municipalityName(code)} — ${doc.title} — Samen`;
  try {
    const plan = rev !== null
      ? await doc.request({ type: 'effective', municipality: code, rev })
      : await api.effective(app.session.token, doc.id, code);
    if (page.dead) return;
    body.removeAttribute('aria-busy');
    const sourceLabel = { common: null, override: `eigen tekst van ${municipalityName(code)}`, local: `lokale sectie van ${municipalityName(code)}` };
    replace(body,
      h('h1', { class: 'utrecht-heading-1' }, `${plan.title}`),
      h('p', { class: 'utrecht-paragraph samen-plan__sub' }, rev !== null
        ? `Het plan zoals het voor ${municipalityName(code)} gold bij ${version ? `de versie „${version.label}” van ${formatTime(version.created_at)}` : 'een eerdere stand'}.`
        : `Het plan zoals het voor ${municipalityName(code)} geldt.`),
      plan.sections.map((s) => {
        const level = Math.min(6, s.depth + 2);
        const label = sourceLabel[s.source];
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
      }));
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
