// The inbox's items in words and links (client/web/src/inbox-items.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { byDocument, inboxItem, listed } from '../../client/web/src/inbox-items.js';

const jan = { id: 7, name: 'staphorst-coordinator', display_name: 'Jan Mulder', municipality: 'GM0180' };
const doc = { doc: 'ivp-2023', doc_title: 'IVP 2023' };

test('a stale local version says whose text falls behind and links to it', () => {
  const i = inboxItem({ kind: 'stale', ...doc, section: 'jeugd', title: 'Jeugd en veiligheid', municipality: 'GM0166' });
  assert.equal(i.kind, 'Loopt achter');
  assert.match(i.text, /^„Jeugd en veiligheid”: de eigen tekst van Kampen loopt achter/);
  assert.equal(i.href, '#/doc/ivp-2023/s/jeugd/GM0166');
});

test('a vote names the proposer, what is proposed and who must vote', () => {
  const common = inboxItem({ kind: 'vote', ...doc, proposal: 4, section: 'inleiding', title: 'Inleiding', layer: 'common',
    proposer: jan, created_at: '2026-11-30T09:12:00Z', municipality: 'GM0166' });
  assert.equal(common.kind, 'Wacht op uw stem');
  assert.match(common.text, /^Jan Mulder \(Staphorst\) stelt voor „Inleiding” een nieuwe gemeenschappelijke tekst voor/);
  assert.match(common.text, /wacht op de stem van Kampen\.$/);
  assert.equal(common.href, '#/doc/ivp-2023/s/inleiding/common');
  const own = inboxItem({ kind: 'vote', ...doc, proposal: 5, section: 'slot', title: 'Slot', layer: 'GM0180',
    proposer: jan, created_at: '2026-11-30T09:12:00Z', municipality: 'GM0166' });
  assert.match(own.text, /de eigen tekst van Staphorst als gemeenschappelijke tekst/);
});

test('changes since the last visit: how many, by whom, where; one is "Eén"', () => {
  const many = inboxItem({ kind: 'changes', ...doc, since: '2026-11-29T16:40:03Z', from: 212, rev: 260, count: 31,
    sections: [{ id: 'inleiding', title: 'Inleiding' }, { id: 'werkgroep', title: 'Werkgroep' }], authors: [jan] });
  assert.match(many.text, /^31 wijzigingen door Jan Mulder sinds uw laatste bezoek op .*, in „Inleiding” en „Werkgroep”\.$/);
  assert.equal(many.href, '#/doc/ivp-2023/versies/inleiding');
  const one = inboxItem({ kind: 'changes', ...doc, since: '2026-11-29T16:40:03Z', from: 1, rev: 2, count: 1, sections: [], authors: [] });
  assert.match(one.text, /^Eén wijziging sinds uw laatste bezoek/);
  assert.equal(one.href, '#/doc/ivp-2023/versies');
});

test('a comment addressed to the municipality names who, about what, and links to the text', () => {
  const i = inboxItem({ kind: 'comment', ...doc, thread: 3, section: 'werkgroep', title: 'Werkgroep', layer: 'common',
    text: 'Geldt dit ook bij jullie?', author: jan, created_at: '2026-12-03T10:00:00Z', municipality: 'GM0166' });
  assert.equal(i.kind, 'Opmerking');
  assert.equal(i.text, 'Jan Mulder (Staphorst) aan Kampen over „Werkgroep”: „Geldt dit ook bij jullie?”');
  assert.equal(i.href, '#/doc/ivp-2023/s/werkgroep/common');
});

test('items are grouped per document in their order; unknown kinds are left out', () => {
  const groups = byDocument([
    { kind: 'stale', ...doc, section: 'a', title: 'A', municipality: 'GM0166' },
    { kind: 'something-new', ...doc },
    { kind: 'stale', doc: 'other', doc_title: 'Ander', section: 'b', title: 'B', municipality: 'GM0166' },
    { kind: 'stale', ...doc, section: 'c', title: 'C', municipality: 'GM0166' },
  ]);
  assert.deepEqual(groups.map((g) => [g.doc, g.title, g.items.length]), [['ivp-2023', 'IVP 2023', 2], ['other', 'Ander', 1]]);
});

test('listed joins titles the Dutch way', () => {
  assert.equal(listed([]), '');
  assert.equal(listed(['A']), '„A”');
  assert.equal(listed(['A', 'B', 'C']), '„A”, „B” en „C”');
});
