// The web client's diffToOp (client/web/src/ot.js): it must turn one text into the other, and
// change only the words that changed, so that a buffered edit carried over a reload through it
// stays next to its words. No browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ot from '../../client/web/src/ot.js';

test('diffToOp changes only what changed, and a carried-over insert keeps its place', () => {
  const a = '[1-1] Om uitvoering [2-0]';
  const b = '[0-0][1-1] Om uitvoering [2-0][3-3]';
  const op = ot.diffToOp(a, b);
  assert.equal(ot.apply(a, op), b);
  assert.ok(op.every((c) => typeof c !== 'object'), `pure inserts: ${JSON.stringify(op)}`);
  const mine = [5, '[9-9]'];
  assert.equal(ot.apply(b, ot.transform(mine, op, 'left')), '[0-0][1-1][9-9] Om uitvoering [2-0][3-3]');
  assert.deepEqual(ot.diffToOp(a, a), []);
  assert.equal(ot.apply('één 😅 twee', ot.diffToOp('één 😅 twee', 'één 2 😅😅 drie')), 'één 2 😅😅 drie');
});

test('diffToOp turns any text into any other (seeded)', () => {
  const seed = 20261126;
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648);
  const words = ['één ', 'twee', ' ', '😅', '\n', '[', ']', 'vier. ', 'e\u0301'];
  const text = () => Array.from({ length: next() % 12 }, () => words[next() % words.length]).join('');
  for (let i = 0; i < 500; i++) {
    const x = text();
    const y = text();
    assert.equal(ot.apply(x, ot.diffToOp(x, y)), y, `seed ${seed}, case ${i}: ${JSON.stringify([x, y])}`);
  }
});
