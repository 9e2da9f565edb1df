// Comments in the workspace's side (docs/protocol.md, `comment`): the threads on the shown section
// layer, each with the text it is about, its comments, a reply and resolving or reopening; and a
// new comment on the editor's selection, addressed to one municipality or to all. The threads
// come live with the document (doc-sync.js); what is typed here survives a redraw.
import { h, button } from '../../dom.js';
import { formatTime } from '../../history-sessions.js';
import { municipalityName } from '../../names.js';
import * as ot from '../../ot.js';
import { checkComment } from '../../validation.js';

/** Text typed in a field of the panel, kept across redraws by the field's id. */
function draftField(ws, tag, props) {
  ws.drafts ??= new Map();
  return h(tag, { ...props, value: ws.drafts.get(props.id) ?? '', oninput: (e) => ws.drafts.set(props.id, e.target.value) });
}

const who = (u) => `${u.display_name || u.name} (${municipalityName(u.municipality)})`;

/** The comments of one thread, and its reply form (also used under proposals). */
export function threadView(ws, t, { quote = null } = {}) {
  const replyId = `antwoord-${t.id}`;
  const reply = draftField(ws, 'textarea', { id: replyId, class: 'utrecht-textarea', rows: '2' });
  const send = async () => {
    const text = checkComment(reply);
    if (!text) return;
    if (await ws.run(ws.doc.request({ type: 'comment.reply', thread: t.id, text }), 'Uw antwoord is geplaatst.')) {
      ws.drafts.delete(replyId);
      ws.renderSide();
    }
  };
  return h('li', { class: `samen-thread${t.resolved ? ' samen-thread--resolved' : ''}`, 'aria-labelledby': `draad-${t.id}` },
    h('h3', { class: 'utrecht-heading-4', id: `draad-${t.id}` },
      quote !== null ? ['Over ', h('q', { class: 'samen-quote' }, quote || '(een plek in de tekst)')] : `Opmerking ${t.id}`,
      t.municipality ? h('span', { class: 'samen-small' }, ` — aan ${municipalityName(t.municipality)}`) : null,
      t.resolved ? h('span', { class: 'samen-small' }, ' — afgehandeld') : null),
    h('ol', { class: 'samen-thread__comments' }, t.comments.map((c) => h('li', null,
      h('p', { class: 'samen-small' }, `${who(c.author)}, ${formatTime(c.created_at)}`),
      h('p', { class: 'utrecht-paragraph samen-thread__text' }, c.text)))),
    t.resolved ? null : h('div', { class: 'utrecht-form-field' },
      h('label', { class: 'utrecht-form-label', for: replyId }, 'Antwoord'), reply),
    h('div', { class: 'utrecht-button-group' },
      t.resolved ? null : button('Antwoorden', send, { 'aria-label': `Antwoorden op opmerking ${t.id}` }),
      button(t.resolved ? 'Heropenen' : 'Afhandelen',
        () => ws.run(ws.doc.request({ type: 'comment.resolve', thread: t.id, resolved: !t.resolved }),
          t.resolved ? 'De opmerking is heropend.' : 'De opmerking is afgehandeld.').then(() => ws.renderSide()),
        { variant: 'subtle', 'aria-label': `${t.resolved ? 'Heropenen' : 'Afhandelen'}: opmerking ${t.id}` })));
}

/** The comments panel for the shown section and layer. */
export function commentsPanel(ws) {
  const s = ws.current();
  const layer = ws.editor.layer;
  if (!s || !layer) return null;
  const text = ws.doc.layer(s.id, layer)?.text ?? '';
  const threads = [...ws.doc.threads.values()].filter((t) => t.section === s.id && t.layer === layer && t.proposal === null);
  const quote = (t) => {
    const n = ot.cpLength(text);
    const a = ot.toUtf16(text, Math.min(t.from, n));
    const b = ot.toUtf16(text, Math.min(t.to, n));
    return text.slice(a, b).slice(0, 120);
  };
  const open = threads.filter((t) => !t.resolved);
  const done = threads.filter((t) => t.resolved);
  const codes = ws.doc.municipalities.map((m) => m.code);
  const newText = draftField(ws, 'textarea', { id: 'nieuwe-opmerking', class: 'utrecht-textarea', rows: '3', 'aria-describedby': 'nieuwe-opmerking-uitleg' });
  const to = h('select', { id: 'nieuwe-opmerking-aan', class: 'utrecht-select utrecht-select--html-select' },
    h('option', { value: '' }, 'Iedereen'),
    codes.map((c) => h('option', { value: c }, municipalityName(c))));
  const place = async (e) => {
    e.preventDefault();
    const comment = checkComment(newText);
    if (!comment) return;
    const sel = ws.selection ?? [0, 0];
    const msg = { type: 'comment', section: s.id, layer, from: Math.min(...sel), to: Math.max(...sel), text: comment };
    if (to.value) msg.municipality = to.value;
    if (await ws.run(ws.doc.request(msg), 'Uw opmerking is geplaatst.')) {
      ws.drafts.delete('nieuwe-opmerking');
      ws.renderSide();
    }
  };
  return h('section', { class: 'samen-panel samen-comments', 'aria-labelledby': 'opmerkingen-kop' },
    h('h2', { class: 'utrecht-heading-2', id: 'opmerkingen-kop' }, 'Opmerkingen'),
    open.length ? h('ul', { class: 'samen-threads' }, open.map((t) => threadView(ws, t, { quote: quote(t) })))
      : h('p', { class: 'utrecht-paragraph samen-small' }, 'Geen open opmerkingen bij deze tekst.'),
    done.length ? h('details', null, h('summary', null, `Afgehandeld (${done.length})`),
      h('ul', { class: 'samen-threads' }, done.map((t) => threadView(ws, t, { quote: quote(t) })))) : null,
    ws.doc.archived ? null : h('form', { class: 'samen-comment-form', novalidate: true, onsubmit: place, 'aria-labelledby': 'nieuwe-opmerking-kop' },
      h('h3', { class: 'utrecht-heading-4', id: 'nieuwe-opmerking-kop' }, 'Nieuwe opmerking'),
      h('p', { class: 'samen-small', id: 'nieuwe-opmerking-uitleg' }, 'Over de tekst die u in de editor selecteert (of de plek van de cursor).'),
      h('div', { class: 'utrecht-form-field' }, h('label', { class: 'utrecht-form-label', for: 'nieuwe-opmerking' }, 'Opmerking'), newText),
      h('div', { class: 'utrecht-form-field' }, h('label', { class: 'utrecht-form-label', for: 'nieuwe-opmerking-aan' }, 'Aan'), to),
      h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, 'Opmerking plaatsen')));
}
