// LayerSync (client/web/src/layer-sync.js), the OT client state machine of one section layer: the
// scenarios of tests/unit/client/test_layer_sync.cpp, and clients converging with a transforming
// server under random delivery.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { LayerSync } from '../../client/web/src/layer-sync.js';
import * as ot from '../../client/web/src/ot.js';
import { randomDoc, randomOp, seededRandom, seeds } from './support.mjs';

test('LayerSync moves through the ot.js client states', () => {
  const s = new LayerSync('abc');
  assert.equal(s.state, 'synchronized');
  assert.equal(s.canSubmit(), false);

  s.local([3, 'd']);
  assert.equal(s.text, 'abcd');
  assert.equal(s.confirmed, 'abc');
  assert.equal(s.state, 'buffered');
  assert.equal(s.canSubmit(), true);

  const sent = s.submit(7, 'c-1');
  assert.equal(sent.base, 7);
  assert.equal(sent.opid, 'c-1');
  assert.deepEqual(sent.op, [3, 'd']);
  assert.equal(s.state, 'awaiting_confirm');
  assert.equal(s.isInFlight('c-1'), true);
  assert.equal(s.isInFlight('c-2'), false);

  s.local(['x']);
  s.local([1, 'y']);
  assert.equal(s.text, 'xyabcd');
  assert.equal(s.state, 'awaiting_with_buffer');
  assert.equal(s.pending, 2);
  assert.equal(s.canSubmit(), false); // one edit in flight at a time
  assert.deepEqual(s.buffer, ['xy']);

  s.ack();
  assert.equal(s.confirmed, 'abcd');
  assert.equal(s.state, 'buffered');
  s.submit(8, 'c-2');
  s.ack();
  assert.equal(s.state, 'synchronized');
  assert.equal(s.pending, 0);
  assert.equal(s.confirmed, 'xyabcd');
  assert.equal(s.text, 'xyabcd');
});

test('LayerSync puts its in-flight insert first, as the server does', () => {
  // The server applied the remote insert first and transformed ours with side left against it.
  const s = new LayerSync('ab');
  s.local([1, 'X']);
  s.submit(1, 'me-1');
  const applied = s.remote([1, 'Y']);
  assert.deepEqual(applied, [2, 'Y']);
  assert.equal(s.text, 'aXYb');
  assert.equal(s.confirmed, 'aYb');
  assert.deepEqual(s.inFlight.op, [1, 'X']);
  // What the server computes for our edit after the remote one:
  assert.equal(ot.apply('aYb', ot.transform([1, 'X'], [1, 'Y'], 'left')), 'aXYb');
  s.ack();
  assert.equal(s.confirmed, 'aXYb');
});

test('LayerSync transforms remote ops past the in-flight edit and the buffer', () => {
  const s = new LayerSync('hello world');
  s.local([{ d: 5 }, 'howdy']);
  s.submit(3, 'a-1');
  s.local([11, '!']);
  assert.equal(s.text, 'howdy world!');
  // Someone else replaced "world" with "there" on the server's text.
  const applied = s.remote([6, 'there', { d: 5 }]);
  assert.equal(s.text, 'howdy there!');
  assert.equal(s.confirmed, 'hello there');
  assert.equal(ot.apply(s.confirmed, s.inFlight.op), 'howdy there');
  assert.equal(ot.apply(ot.apply(s.confirmed, s.inFlight.op), s.buffer), s.text);
  assert.deepEqual(s.inFlight.original, [{ d: 5 }, 'howdy']); // kept for resubmission at base 3
  assert.equal(s.inFlight.base, 3);
  assert.notDeepEqual(applied, []);
});

test('LayerSync lets go of a buffer that remote deletes emptied', () => {
  const s = new LayerSync('abcdef');
  s.local([{ d: 1 }]);
  s.submit(1, 'a-1');
  s.local([2, { d: 1 }]); // deletes "d"
  s.remote([2, { d: 2 }]); // someone deleted "cd"
  assert.equal(s.text, 'bef');
  assert.equal(s.state, 'awaiting_confirm');
  // The in-flight op may become empty too; it stays in flight until the server answers.
  s.remote([{ d: 1 }]);
  assert.deepEqual(s.inFlight.op, []);
  assert.equal(s.text, 'bef');
  s.ack();
  assert.equal(s.state, 'synchronized');
});

test('LayerSync keeps its state when an op does not fit', () => {
  const s = new LayerSync('abc');
  s.local([1, 'x']);
  s.submit(1, 'a-1');
  assert.throws(() => s.local([9, 'x']));
  assert.throws(() => s.local([{ d: 5 }])); // past the end of the text
  assert.throws(() => s.remote([4, 'x']));
  assert.throws(() => s.remote([2, { d: 2 }])); // past the end
  assert.throws(() => s.remote([{ d: 'zz' }])); // not the text there
  assert.equal(s.text, 'axbc');
  assert.equal(s.confirmed, 'abc');
  assert.equal(s.state, 'awaiting_confirm');
  assert.throws(() => s.submit(2, 'a-2'), /nothing to submit/);
});

test('LayerSync takes a local op in any form the editor makes and normalizes it', () => {
  const s = new LayerSync('abc');
  s.local([1, 1, '', 'q', 0]);
  assert.equal(s.text, 'abqc');
  assert.deepEqual(s.buffer, [2, 'q']);
  s.local([]); // nothing: no change
  assert.deepEqual(s.buffer, [2, 'q']);
});

test('LayerSync drops changes that cancel out', () => {
  const s = new LayerSync('abc');
  s.local([1, 'xy']);
  s.local([1, { d: 2 }]);
  assert.equal(s.text, 'abc');
  assert.equal(s.state, 'synchronized');

  s.local([{ d: 'ab' }]);
  assert.equal(s.text, 'c');
  assert.equal(ot.apply(s.confirmed, s.buffer), 'c');
  assert.throws(() => s.ack(), /no edit in flight/);
});

test('LayerSync counts code points, not UTF-16 units', () => {
  const s = new LayerSync('ĳs 😀 é');
  s.local([5, '!']); // after the emoji and its space: before "é"
  assert.equal(s.text, 'ĳs 😀 !é');
  s.submit(1, 'u-1');
  s.remote([1, { d: 1 }]); // someone deletes the "s"
  assert.equal(s.text, 'ĳ 😀 !é');
  s.remote([2, { d: '😀' }, '🚲']);
  assert.equal(s.text, 'ĳ 🚲 !é');
});

test('LayerSync discardPending returns the lost text and restores the server\'s', () => {
  const s = new LayerSync('base');
  s.local([4, ' one']);
  s.submit(2, 'x-1');
  s.local([8, ' two']);
  const lost = s.discardPending();
  assert.equal(lost, 'base one two');
  assert.equal(s.text, 'base');
  assert.equal(s.state, 'synchronized');
});

// ---- A server and several clients with random delivery -----------------------------------------

/**
 * What samen-server does for one layer: every accepted edit gets the next revision; an edit is
 * transformed with side left against every later one; a repeated opid is acked again.
 */
class SimServer {
  constructor(text) {
    this.text = text;
    this.rev = 0;
    this.history = []; // [rev, op]
    this.opids = new Map();
  }
}

class SimClient {
  constructor(name, text) {
    this.name = name;
    this.sync = new LayerSync(text);
    this.rev = 0;
    this.up = []; // {base, op, opid}
    this.down = []; // {kind: 'ack'|'edit', rev, op, opid}
    this.counter = 0;
  }

  submit() {
    if (!this.sync.canSubmit()) return;
    const s = this.sync.submit(this.rev, `${this.name}-${++this.counter}`);
    this.up.push({ base: s.base, op: s.op, opid: s.opid });
  }

  receive() {
    const m = this.down.shift();
    if (m.kind === 'ack') {
      if (this.sync.isInFlight(m.opid)) this.sync.ack();
      this.rev = Math.max(this.rev, m.rev);
      return;
    }
    if (m.rev <= this.rev) return; // our own edit after its ack
    if (this.sync.isInFlight(m.opid)) this.sync.ack();
    else this.sync.remote(m.op);
    this.rev = m.rev;
  }

  /** What it shows is the server's text with its own pending changes applied. */
  checkInvariant() {
    let t = this.sync.confirmed;
    if (this.sync.inFlight) t = ot.apply(t, this.sync.inFlight.op);
    if (this.sync.buffer) t = ot.apply(t, this.sync.buffer);
    assert.equal(t, this.sync.text, `${this.name}: confirmed + in flight + buffer`);
  }
}

function serve(server, clients, from, echo) {
  const c = clients[from];
  const u = c.up.shift();
  if (server.opids.has(u.opid)) {
    c.down.push({ kind: 'ack', rev: server.opids.get(u.opid), opid: u.opid });
    return;
  }
  assert.ok(u.base <= server.rev);
  let op = u.op;
  for (const [rev, h] of server.history) {
    if (rev > u.base) op = ot.transform(op, h, 'left');
  }
  server.text = ot.apply(server.text, op);
  server.rev++;
  server.history.push([server.rev, op]);
  server.opids.set(u.opid, server.rev);
  c.down.push({ kind: 'ack', rev: server.rev, opid: u.opid });
  clients.forEach((other, i) => {
    if (i !== from || echo) other.down.push({ kind: 'edit', rev: server.rev, op, opid: u.opid });
  });
}

test('LayerSync clients converge with a transforming server under random delivery', async (t) => {
  for (const seed of seeds(300)) {
    await t.test(`seed ${seed}`, () => {
      const rng = seededRandom(seed);
      const echo = seed % 2 === 0; // the author also receives its own edit after the ack
      const server = new SimServer(randomDoc(rng, 20));
      const clients = Array.from({ length: 2 + (seed % 3) }, (_, i) => new SimClient(`c${i}`, server.text));
      for (let step = 0; step < 200; step++) {
        const i = rng.below(clients.length);
        const c = clients[i];
        const kind = rng.below(10);
        if (kind < 3) c.sync.local(randomOp(rng, c.sync.text, { invertible: 0.3, maxSteps: 3, maxInsert: 4 }));
        else if (kind < 5) c.submit();
        else if (kind < 7) { if (c.up.length) serve(server, clients, i, echo); }
        else if (c.down.length) c.receive();
        c.checkInvariant();
      }
      // Let everything through.
      for (let round = 0; round < 10000; round++) {
        let moved = false;
        clients.forEach((c, i) => {
          c.submit();
          while (c.up.length) {
            serve(server, clients, i, echo);
            moved = true;
          }
        });
        for (const c of clients) {
          while (c.down.length) {
            c.receive();
            moved = true;
          }
        }
        if (!moved) break;
      }
      for (const c of clients) {
        assert.equal(c.sync.state, 'synchronized', c.name);
        assert.equal(c.sync.text, server.text, c.name);
        assert.equal(c.rev, server.rev, c.name);
      }
    });
  }
});
