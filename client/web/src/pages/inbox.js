// The inbox on the page ("Sinds uw laatste bezoek" on the document list, "Voor u" in a document's
// workspace): what needs the user, each a link to where it is dealt with. Asked of the server
// (`inbox`) when shown and again when something may have changed it: on the list every 30 seconds
// and when the connection comes back, in the workspace after each change of the document.
import { h, replace } from '../dom.js';
import { byDocument } from '../inbox-items.js';
import { whenOnline } from '../live.js';

/** How often the list's inbox asks again; the workspace's follows the document's changes. */
export const inboxRefreshMs = 30_000;

/**
 * An inbox panel: {el, refresh}. `doc` limits it to one document (the workspace's, where what
 * changed since the last visit is on the screen already).
 */
export function inboxPanel({ doc = null, title, id }) {
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'utrecht-paragraph samen-small' }, 'Laden…'));
  const el = h('section', { class: 'samen-panel samen-inbox', 'aria-labelledby': id },
    h('h2', { class: 'utrecht-heading-2', id }, title), body);
  let asking = null;
  let again = false;
  async function refresh() {
    if (asking) {
      again = true; // one more after the answer in flight: it may predate the change
      return asking;
    }
    asking = (async () => {
      try {
        const conn = await whenOnline(5000);
        const reply = await conn.request({ type: 'inbox' });
        const items = reply.items.filter((i) => !doc || (i.doc === doc && i.kind !== 'changes'));
        render(items, reply.more);
      } catch {
        // Offline or refused: what was shown stays; the next refresh tries again.
        if (body.querySelector('.samen-inbox__list') === null) {
          replace(body, h('p', { class: 'utrecht-paragraph samen-small' }, 'Niet beschikbaar zonder verbinding.'));
        }
      } finally {
        asking = null;
        if (again) {
          again = false;
          refresh();
        }
      }
    })();
    return asking;
  }
  function render(items, more) {
    if (!items.length) {
      replace(body, h('p', { class: 'utrecht-paragraph samen-small' },
        doc ? 'Er wacht hier niets op u.' : 'Er wacht niets op u, en er is niets veranderd sinds uw laatste bezoek.'));
      return;
    }
    const groups = byDocument(items);
    const list = (group) => h('ul', { class: 'samen-inbox__list' }, group.items.map((i) =>
      h('li', { class: 'samen-inbox__item' },
        h('span', { class: 'samen-inbox__kind' }, i.kind), ' ',
        h('a', { href: i.href }, i.text))));
    replace(body,
      doc ? list(groups[0]) : groups.map((g) => [h('h3', { class: 'utrecht-heading-3' }, g.title), list(g)]),
      more ? h('p', { class: 'utrecht-paragraph samen-small' }, 'En meer: werk eerst deze bij.') : null);
  }
  return { el, refresh };
}

/** The list's inbox: asks now, again every 30 s while it is on the page. */
export function listInbox() {
  const panel = inboxPanel({ title: 'Sinds uw laatste bezoek', id: 'inbox-kop' });
  panel.refresh();
  const timer = setInterval(() => {
    if (!panel.el.isConnected) clearInterval(timer);
    else panel.refresh();
  }, inboxRefreshMs);
  return panel.el;
}
