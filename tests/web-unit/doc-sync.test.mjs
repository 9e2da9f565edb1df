// DocumentSync (client/web/src/doc-sync.js), one open document's live sync: the scenarios of
// tests/unit/client/test_document_sync.cpp and those of the changes the web client applies
// itself (the C++ client loads the document again for them), and clients converging through
// random delivery, dropped connections, lost acks, snapshots where changes were asked for,
// changes of the document that are no text edits, and rate limits.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DocumentSync, MAX_MESSAGE_BYTES } from '../../client/web/src/doc-sync.js';
import * as ot from '../../client/web/src/ot.js';
import { ManualTimers, drain, seededRandom, seeds } from './support.mjs';
import { Simulation } from './simulation.mjs';

async function runSimulation(seed, failures) {
  const rng = seededRandom(seed);
  const sim = new Simulation(rng, 2 + (seed % 3), { echo: seed % 2 === 0 });
  if (failures) sim.server.rateLimitChance = 0.05;
  for (let i = 0; i < sim.clients.length; i++) await sim.connect(i);
  for (let step = 0; step < 400; step++) {
    const i = rng.below(sim.clients.length);
    const c = sim.clients[i];
    const kind = rng.below(100);
    if (kind < 25) {
      sim.localEdit(i);
    } else if (kind < 50) {
      if (c.conn.up.length) await sim.deliverUp(i);
    } else if (kind < 80) {
      if (c.down.length) await sim.deliverDown(i);
    } else if (kind < 84) {
      sim.moveCursor(i);
    } else if (kind < 87) {
      c.timers.advance(100); // presence goes out
      await drain();
    } else if (kind < 89) {
      sim.structuralChange({ unknown: failures });
    } else if (!failures) {
      continue;
    } else if (kind < 92) {
      if (c.connected) await sim.drop(i);
    } else if (kind < 96) {
      if (!c.connected) await sim.connect(i);
    } else if (kind < 98) {
      c.timers.advance(1000); // the retry after a rate limit
      await drain();
    } else {
      sim.server.trim();
    }
    if (c.sync.loaded) c.checkInvariants();
  }
  await sim.settle();
  sim.checkConverged();
}

test('DocumentSync clients converge under random delivery', async (t) => {
  for (const seed of seeds(100)) {
    await t.test(`seed ${seed}`, () => runSimulation(seed, false));
  }
});

test('DocumentSync clients converge through drops, snapshots, unknown changes and rate limits', async (t) => {
  for (const seed of seeds(300)) {
    await t.test(`seed ${seed}`, () => runSimulation(seed, true));
  }
});

// ---- Against the in-process server, one client ----------------------------------------------

async function oneClient() {
  const sim = new Simulation(seededRandom(42), 1, { echo: false });
  const c = sim.clients[0];
  const deliverAll = async () => {
    for (let i = 0; i < 1000 && (c.conn.up.length || c.down.length); i++) {
      while (c.conn.up.length) await sim.deliverUp(0);
      while (c.down.length) await sim.deliverDown(0);
    }
  };
  await sim.connect(0);
  await deliverAll();
  assert.ok(c.sync.loaded);
  return { sim, c, deliverAll };
}

test('DocumentSync resubmits an edit whose ack was lost, and it is applied once', async () => {
  const { sim, c, deliverAll } = await oneClient();
  const before = sim.server.sections.get('s3').layers.common.text;
  c.sync.edit('s3', 'common', ['new ']);
  assert.equal(c.conn.up.length, 1);
  // The edit reaches the server; the ack is lost with the connection.
  await sim.deliverUp(0);
  await sim.drop(0);
  assert.equal(c.sync.pendingEdits(), 1);

  await sim.connect(0);
  assert.equal(c.conn.up.length, 1);
  assert.deepEqual(c.conn.up[0], { type: 'open', doc: 'd', since: c.sync.rev, id: c.conn.up[0].id });
  await deliverAll();
  assert.equal(c.sync.pendingEdits(), 0);
  assert.equal(sim.server.edits, 1);
  assert.equal(sim.server.sections.get('s3').layers.common.text, `new ${before}`);
  assert.equal(c.sync.layer('s3', 'common').text, `new ${before}`);
});

test('DocumentSync resubmits with the original base when a snapshot comes back', async () => {
  const { sim, c, deliverAll } = await oneClient();
  c.sync.edit('s1', 'GM0166', ['lokaal ']);
  await sim.deliverUp(0); // applied; the ack is lost
  await sim.drop(0);
  // Typed while offline: buffered behind the edit in flight.
  c.sync.edit('s1', 'GM0166', ['>']);
  sim.server.trim(); // the server no longer holds the changes in memory
  await sim.connect(0);
  await deliverAll();
  assert.deepEqual(c.seen('error'), []);
  assert.deepEqual(c.seen('unsent'), []);
  assert.equal(sim.server.edits, 2); // the first once, then the offline one
  assert.equal(c.sync.pendingEdits(), 0);
  const text = sim.server.sections.get('s1').layers.GM0166.text;
  assert.equal(c.sync.layer('s1', 'GM0166').text, text);
  assert.ok(text.startsWith('>lokaal '), text);
});

// ---- Against a scripted connection ------------------------------------------------------------

/** A connection whose requests the test answers itself. */
class ScriptedConnection {
  constructor() {
    this.online = true;
    this.session = 7;
    this.requests = []; // {msg, resolve, reject}
    this.sent = []; // messages without a reply
  }

  request(msg) {
    return new Promise((resolve, reject) => this.requests.push({ msg, resolve, reject }));
  }

  send(msg) {
    this.sent.push(msg);
    return true;
  }

  get last() { return this.requests[this.requests.length - 1]; }

  async reply(msg) {
    this.last.resolve(msg);
    await drain();
  }

  async refuse(request, code, message) {
    request.reject(Object.assign(new Error(message), { code }));
    await drain();
  }
}

const ann = { id: 2, name: 'ann', display_name: 'Ann', municipality: 'GM0166' };

/** A DocumentSync opened on `sections` at `rev`, with its connection, timers and events. */
async function opened(sections, { rev = 5, presence = [] } = {}) {
  const conn = new ScriptedConnection();
  const timers = new ManualTimers();
  const d = new DocumentSync('d', conn, { timers });
  const events = [];
  d.subscribe((ev) => events.push(ev));
  d.connected();
  assert.deepEqual(conn.last.msg, { type: 'open', doc: 'd' });
  await conn.reply({ type: 'snapshot', doc: 'd', title: 'T', rev,
                     municipalities: [{ code: 'GM0166', name: 'Kampen' }, { code: 'GM1708', name: 'Steenwijkerland' }],
                     sections, presence, proposals: [], versions: [], archived: false });
  assert.ok(d.loaded);
  events.length = 0;
  return { d, conn, timers, events, kinds: () => events.map((e) => e.kind) };
}

const section = (id, layers, more = {}) => ({ id, parent: null, position: 0, title: id.toUpperCase(), owner: null, layers, ...more });
const common = (text, changed = 3) => ({ text, changed_rev: changed });
const override = (text, base, changed = base) => ({ state: 'override', text, base, changed_rev: changed, stale: false });
const edit = (sectionId, layer, rev, op, opid = `other-${rev}`) =>
  ({ type: 'edit', doc: 'd', section: sectionId, layer, rev, op, opid, author: ann });

test('DocumentSync reports a refused edit with its text and returns to the server\'s', async () => {
  const { d, conn, events } = await opened([section('s', { common: common('abc') })],
    { presence: [{ session: 9, user: ann, section: 's', layer: 'common', sel: [1, 2] }] });
  assert.equal(d.rev, 5);
  assert.deepEqual(d.presence.get(9).sel, [1, 2]);

  d.edit('s', 'common', ['X']);
  assert.deepEqual(d.presence.get(9).sel, [2, 3]); // shifted by the local insert
  const sent = conn.last;
  assert.equal(sent.msg.type, 'edit');
  assert.equal(sent.msg.base, 5);
  assert.deepEqual(sent.msg.op, ['X']);
  d.edit('s', 'common', [4, 'Y']);
  assert.equal(conn.last, sent); // one in flight at a time

  await conn.refuse(sent, 'forbidden', "you may not edit the layer 'common'");
  const unsent = events.find((e) => e.kind === 'unsent');
  assert.equal(unsent.text, 'XabcY');
  // In the client's Dutch words, never the server's English.
  assert.equal(unsent.reason, 'De wijziging is geweigerd: U mag deze tekst niet (meer) bewerken.');
  assert.ok(events.some((e) => e.kind === 'reset' && e.section === 's' && e.layer === 'common'));
  assert.equal(d.layer('s', 'common').text, 'abc');
  assert.equal(d.sections.get('s').layers.common.text, 'abc');
  assert.equal(d.pendingEdits(), 0);

  assert.throws(() => d.edit('s', 'GM0166', ['x']), /no text layer/);
  assert.throws(() => d.edit('nope', 'common', ['x']), /no text layer/);
  assert.throws(() => d.edit('s', 'common', [9, 'x']));
  assert.equal(d.layer('s', 'common').text, 'abc');
});

test('DocumentSync keeps an edit over the server\'s message bound from the wire and reports it as too large', async () => {
  const { d, conn, events } = await opened([section('s', { common: common('abc') })]);
  const sentBefore = conn.requests.length;
  const big = 'é'.repeat(MAX_MESSAGE_BYTES / 2); // 1 MiB of UTF-8 in 0.5 Mi characters
  d.edit('s', 'common', [3, big]);
  await drain();
  assert.equal(conn.requests.length, sentBefore, 'a message the server would drop unread was sent');
  const unsent = events.find((e) => e.kind === 'unsent');
  assert.equal(unsent.text, `abc${big}`);
  assert.equal(unsent.reason, 'De wijziging is geweigerd: De tekst is te lang: een tekst mag hoogstens 1 MiB zijn (ongeveer 150.000 woorden).');
  assert.equal(d.layer('s', 'common').text, 'abc');

  // What follows is sent as usual.
  d.edit('s', 'common', [3, '!']);
  assert.deepEqual(conn.last.msg.op, [3, '!']);
});

test('DocumentSync ignores its own edit echoed after the ack', async () => {
  const { d, conn, kinds } = await opened([section('s', { common: common('abc', 1) })], { rev: 1 });
  d.edit('s', 'common', ['X']);
  const { opid } = conn.last.msg;
  await conn.reply({ type: 'ack', rev: 2 });
  d.receive({ ...edit('s', 'common', 2, ['X'], opid), stale: [] });
  assert.equal(d.layer('s', 'common').text, 'Xabc');
  assert.equal(d.rev, 2);
  assert.ok(!kinds().includes('remote'));
});

test('DocumentSync reports messages it cannot read, and opens the document again', async (t) => {
  t.mock.method(console, 'error', () => {});
  const conn = new ScriptedConnection();
  const d = new DocumentSync('d', conn, { timers: new ManualTimers() });
  const events = [];
  d.subscribe((ev) => events.push(ev));
  d.connected();
  await conn.reply({ type: 'snapshot', doc: 'd', rev: 'many' });
  assert.deepEqual(events.map((e) => [e.kind, e.code]), [['error', 'bad_message']]);
  assert.equal(d.loaded, false);
  assert.equal(conn.requests.length, 2);
  assert.deepEqual(conn.last.msg, { type: 'open', doc: 'd' });
});

test('DocumentSync transforms a remote edit past its edit in flight and its buffer', async () => {
  const { d, conn, events } = await opened([section('s', { common: common('hello world') })],
    { presence: [{ session: 9, user: ann, section: 's', layer: 'common', sel: [11, 11] }] });
  d.edit('s', 'common', [{ d: 'hello' }, 'howdy']);
  d.edit('s', 'common', [11, '!']);
  assert.deepEqual(d.presence.get(9).sel, [11, 11]);
  d.receive(edit('s', 'common', 6, [6, 'there', { d: 'world' }]));
  assert.equal(d.layer('s', 'common').text, 'howdy there!');
  assert.equal(d.layer('s', 'common').confirmed, 'hello there');
  assert.equal(d.sections.get('s').layers.common.text, 'howdy there!');
  assert.equal(d.sections.get('s').layers.common.changed_rev, 6);
  assert.equal(d.rev, 6);
  const remote = events.find((e) => e.kind === 'remote');
  assert.equal(ot.apply('howdy world!', remote.op), 'howdy there!'); // for the editor's text
  assert.deepEqual(d.presence.get(9).sel, [11, 11]); // at the end of "there"
  // The edit in flight is acknowledged; the buffer goes out as an edit on revision 7.
  await conn.reply({ type: 'ack', rev: 7 });
  assert.equal(conn.last.msg.base, 7);
  assert.deepEqual(conn.last.msg.op, [11, '!']);
});

test('DocumentSync marks overrides stale when the common text changes, also for its author', async () => {
  const { d, conn, events } = await opened([section('s', {
    common: common('abc'), GM0166: override('eigen', 4), GM1708: override('ander', 4),
  })]);
  // Someone else's edit names the overrides it made stale.
  d.receive({ ...edit('s', 'common', 6, [3, '!']), stale: ['GM1708'] });
  assert.equal(d.sections.get('s').layers.GM1708.stale, true);
  assert.equal(d.sections.get('s').layers.GM0166.stale, false);
  assert.deepEqual(events.filter((e) => e.kind === 'stale').map((e) => e.layers), [['GM1708']]);
  events.length = 0;
  // The user's own edit of the common text: the author hears only the ack, and the server counts
  // every override based before it stale.
  d.edit('s', 'common', ['>']);
  await conn.reply({ type: 'ack', rev: 7 });
  assert.equal(d.sections.get('s').layers.GM0166.stale, true);
  assert.deepEqual(events.filter((e) => e.kind === 'stale').map((e) => e.layers), [['GM0166']]);
  assert.equal(d.sections.get('s').layers.common.changed_rev, 7);
});

test('DocumentSync moves cursors from a snapshot over the local changes it carries over', async () => {
  const { d, conn } = await opened([section('s', { common: common('abc def') })]);
  d.disconnected();
  conn.online = false;
  d.edit('s', 'common', [{ d: 'abc ' }]); // typed offline: waits in the buffer
  conn.online = true;
  d.connected();
  assert.deepEqual(conn.last.msg, { type: 'open', doc: 'd', since: 5 });
  // The server no longer holds the changes since 5: a snapshot, where someone appended " g" and
  // stands at the end.
  await conn.reply({ type: 'snapshot', doc: 'd', title: 'T', rev: 6, municipalities: [],
                     sections: [section('s', { common: common('abc def g', 6) })],
                     presence: [{ session: 9, user: ann, section: 's', layer: 'common', sel: [9, 9] }] });
  assert.equal(d.layer('s', 'common').text, 'def g');
  assert.deepEqual(d.presence.get(9).sel, [5, 5]);
  assert.deepEqual(conn.last.msg.op, [{ d: 'abc ' }]); // and the buffer goes out
});

test('DocumentSync loads the document again when an edit it had given up is applied after all', async () => {
  const { d, conn, events } = await opened([section('s', { common: common('abc') })]);
  d.edit('s', 'common', ['X']);
  const sent = conn.last;
  // The section is deleted and restored before the edit reaches the server: the layer is dropped
  // (its text reported unsent) and comes back as the server has it.
  d.receive({ type: 'section.delete', doc: 'd', rev: 6, section: 's', author: ann });
  assert.equal(events.find((e) => e.kind === 'unsent')?.text, 'Xabc');
  d.receive({ type: 'section.restore', doc: 'd', rev: 7, section: section('s', { common: common('abc') }), subsections: [], author: ann });
  assert.equal(d.layer('s', 'common').text, 'abc');
  // The server applies the edit to the restored layer (its base still counts there).
  sent.resolve({ type: 'ack', rev: 8 });
  await drain();
  assert.deepEqual(conn.last.msg, { type: 'open', doc: 'd' });
  await conn.reply({ type: 'snapshot', doc: 'd', title: 'T', rev: 8, municipalities: [],
                     sections: [section('s', { common: common('Xabc', 8) })], presence: [] });
  assert.equal(d.layer('s', 'common').text, 'Xabc');
  assert.equal(d.rev, 8);
  assert.equal(d.pendingEdits(), 0);
});

test('DocumentSync loads the document again for a change it does not know', async () => {
  const { d, conn, kinds } = await opened([section('s', { common: common('abc') })]);
  d.receive({ type: 'future.change', doc: 'd', rev: 6 });
  assert.deepEqual(conn.last.msg, { type: 'open', doc: 'd' });
  assert.equal(d.phase, 'opening');
  assert.ok(!kinds().includes('change'));
  d.receive(edit('s', 'common', 7, ['x'])); // while opening: the snapshot will hold it
  assert.equal(d.layer('s', 'common').text, 'abc');
});

test('DocumentSync loads the document whole when the server cannot go on from its revision', async () => {
  const { d, conn } = await opened([section('s', { common: common('abc') })]);
  d.disconnected();
  d.connected();
  assert.deepEqual(conn.last.msg, { type: 'open', doc: 'd', since: 5 });
  // The server lost what it had acknowledged: `since` is ahead of it.
  await conn.refuse(conn.last, 'bad_request', 'since 5 is ahead of the document (rev 3)');
  assert.deepEqual(conn.last.msg, { type: 'open', doc: 'd' });
});

test('DocumentSync sends a rate-limited edit again, as first sent, after a pause', async () => {
  const { d, conn, timers } = await opened([section('s', { common: common('abc') })]);
  d.edit('s', 'common', ['X']);
  const first = conn.last;
  d.edit('s', 'common', [1, 'Y']); // waits in the buffer
  await conn.refuse(first, 'rate_limited', 'slow down');
  assert.equal(d.pendingEdits(), 2);
  timers.advance(999);
  await drain();
  assert.equal(conn.last, first);
  timers.advance(1);
  await drain();
  assert.notEqual(conn.last, first);
  assert.deepEqual(conn.last.msg, first.msg);
});

test('DocumentSync sends the own cursor after a pause, and only where it moved', async () => {
  const { d, conn, timers } = await opened([section('s', { common: common('abc') })]);
  d.setPresence('s', 'common', [1, 1]);
  d.setPresence('s', 'common', [2, 2]);
  assert.deepEqual(conn.sent, []);
  timers.advance(60);
  assert.deepEqual(conn.sent, [{ type: 'presence', doc: 'd', section: 's', layer: 'common', sel: [2, 2] }]);
  d.setPresence('s', 'common', [2, 2]);
  timers.advance(60);
  assert.equal(conn.sent.length, 1);
});

test('DocumentSync applies changes of the sections and their layers as they come', async () => {
  const { d, conn, events } = await opened([
    section('a', { common: common('A') }, { position: 0 }),
    section('b', { common: common('B'), GM0166: override('b eigen', 4) }, { position: 1 }),
    section('b1', { common: common('B1') }, { parent: 'b', position: 0 }),
  ]);
  const tree = () => d.tree().map(({ section: s, depth }) => `${'-'.repeat(depth)}${s.id}@${s.position}`).join(' ');
  const change = (msg) => d.receive({ doc: 'd', author: ann, ...msg });
  assert.equal(tree(), 'a@0 b@1 -b1@0');

  change({ type: 'section.create', rev: 6, section: section('n', { common: common('', 6) }, { position: 1 }) });
  assert.equal(tree(), 'a@0 n@1 b@2 -b1@0');
  d.edit('n', 'common', ['nieuw']); // a new section's layer takes edits at once
  await conn.reply({ type: 'ack', rev: 7 });

  change({ type: 'section.rename', rev: 8, section: 'n', title: 'Nieuw' });
  assert.equal(d.sections.get('n').title, 'Nieuw');
  change({ type: 'section.move', rev: 9, section: 'n', parent: 'b', position: 0 });
  assert.equal(tree(), 'a@0 b@1 -n@0 -b1@1');

  // Deleting takes what is under it; typing that waits there is reported, not lost silently.
  d.edit('b1', 'common', ['?']);
  change({ type: 'section.delete', rev: 10, section: 'b' });
  assert.equal(tree(), 'a@0');
  assert.deepEqual([...d.deleted.keys()], ['b']);
  assert.deepEqual(d.deleted.get('b').subsections.map((s) => s.id).sort(), ['b1', 'n']);
  assert.deepEqual(events.filter((e) => e.kind === 'unsent').map((e) => [e.section, e.text]), [['b1', '?B1']]);
  assert.equal(d.layer('b1', 'common'), null);
  change({ type: 'section.restore', rev: 11, section: section('b', { common: common('B'), GM0166: override('b eigen', 4) }, { position: 1 }),
           subsections: [section('b1', { common: common('B1') }, { parent: 'b', position: 1 }),
                         section('n', { common: common('nieuw', 7) }, { parent: 'b', position: 0, title: 'Nieuw' })] });
  assert.equal(tree(), 'a@0 b@1 -n@0 -b1@1');
  assert.equal(d.deleted.size, 0);
  assert.equal(d.layer('n', 'common').text, 'nieuw');

  // A municipality's layer: its own version, reverted, omitted, included again.
  change({ type: 'diverge', rev: 12, section: 'a', layer: 'GM1708', text: 'A', base: 12 });
  assert.deepEqual(d.sections.get('a').layers.GM1708, { state: 'override', text: 'A', base: 12, changed_rev: 12, stale: false });
  assert.equal(d.stateOf(d.sections.get('a'), 'GM1708'), 'override');
  d.edit('a', 'GM1708', [1, '!']);
  change({ type: 'revert', rev: 13, section: 'a', layer: 'GM1708' });
  assert.equal(d.stateOf(d.sections.get('a'), 'GM1708'), 'inherit');
  assert.equal(d.layer('a', 'GM1708'), null);
  assert.equal(events.filter((e) => e.kind === 'unsent').at(-1).text, 'A!');
  change({ type: 'omit', rev: 14, section: 'b', layer: 'GM0166' });
  assert.equal(d.stateOf(d.sections.get('b'), 'GM0166'), 'omit');
  assert.equal(d.layer('b', 'GM0166'), null);
  change({ type: 'include', rev: 15, section: 'b', layer: 'GM0166' });
  assert.equal(d.stateOf(d.sections.get('b'), 'GM0166'), 'inherit');

  // A stale override, rebased onto the common text, and one kept as it is.
  change({ type: 'diverge', rev: 16, section: 'a', layer: 'GM0166', text: 'A', base: 16 });
  change({ type: 'diverge', rev: 17, section: 'b', layer: 'GM1708', text: 'B', base: 17 });
  change({ ...edit('a', 'common', 18, [1, '+']), stale: ['GM0166'] });
  change({ ...edit('b', 'common', 19, [1, '+']), stale: ['GM1708'] });
  assert.equal(d.stateOf(d.sections.get('a'), 'GM0166'), 'stale');
  change({ type: 'rebase', rev: 20, section: 'a', layer: 'GM0166', op: [1, '+'], base: 20, opid: 'r-1' });
  assert.equal(d.layer('a', 'GM0166').text, 'A+');
  assert.equal(d.stateOf(d.sections.get('a'), 'GM0166'), 'override');
  change({ type: 'acknowledge', rev: 21, section: 'b', layer: 'GM1708', base: 21 });
  assert.equal(d.stateOf(d.sections.get('b'), 'GM1708'), 'override');
  assert.equal(d.sections.get('b').layers.GM1708.base, 21);

  // Proposals, votes, versions, the document's title and archive.
  const proposal = { id: 1, section: 'a', layer: 'GM0166', text: 'A+', base: 20, proposer: ann, votes: {}, state: 'open' };
  change({ type: 'propose', rev: 22, proposal });
  change({ type: 'vote', rev: 23, proposal: 1, municipality: 'GM0166', vote: 'approve', state: 'open' });
  change({ type: 'vote', rev: 24, proposal: 1, municipality: 'GM1708', vote: 'reject', state: 'rejected' });
  assert.deepEqual(d.proposals.get(1).votes, { GM0166: 'approve', GM1708: 'reject' });
  assert.equal(d.proposals.get(1).state, 'rejected');
  assert.equal(d.proposals.get(1).closed_rev, 24);
  change({ type: 'tag', rev: 25, version: { rev: 25, label: 'Vastgesteld', author: ann, created_at: 'nu' } });
  assert.deepEqual(d.versions.map((v) => v.label), ['Vastgesteld']);
  change({ type: 'document.rename', rev: 26, title: 'Plan' });
  change({ type: 'document.archive', rev: 27, archived: true });
  assert.equal(d.title, 'Plan');
  assert.equal(d.archived, true);

  // Priorities and decisions (docs/protocol.md, `priorities.set`, `adoption.set`).
  change({ type: 'priorities.set', rev: 28, municipality: 'GM0166', sections: ['b', 'a'] });
  assert.deepEqual(d.priorities, { GM0166: ['b', 'a'] });
  const decision = { state: 'raad', date: '2023-03-28', reference: 'R-17', rev: 29 };
  const named = { rev: 29, label: 'Vastgesteld door de gemeenteraad van Kampen, 28 maart 2023', author: ann, created_at: 'nu' };
  change({ type: 'adoption.set', rev: 29, municipality: 'GM0166', adoption: decision, version: named });
  assert.deepEqual(d.adoption.GM0166, decision);
  assert.equal(d.versions.at(-1).label, named.label);
  change({ type: 'adoption.set', rev: 30, municipality: 'GM0166', adoption: { state: 'concept', rev: 0 } });
  assert.equal(d.adoption.GM0166, undefined);
  change({ type: 'priorities.set', rev: 31, municipality: 'GM0166', sections: [] });
  assert.deepEqual(d.priorities, {});
  change({ type: 'document.rename', rev: 32, title: 'Plan' });

  assert.equal(d.rev, 32);
  assert.equal(d.phase, 'live');
  // Each is told to the page, in order; a change already seen is not applied twice.
  assert.equal(events.filter((e) => e.kind === 'change').at(-1).change.type, 'document.rename');
  change({ type: 'document.rename', rev: 32, title: 'Oud' });
  assert.equal(d.title, 'Plan');
});
