// The history page's sessions (client/web/src/history-sessions.js): a row per writing session.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatSize, formatSpan, groupSessions } from '../../client/web/src/history-sessions.js';

const anna = { id: 1, name: 'kampen-editor', municipality: 'GM0166' };
const bert = { id: 2, name: 'staphorst-editor', municipality: 'GM1708' };
const at = (minutes, seconds = 0) => new Date(Date.UTC(2026, 11, 3, 14, minutes, seconds)).toISOString();
let rev = 0;
const change = (author, minutes, extra = {}) => ({
  rev: ++rev, kind: 'edit', section: 'jeugd', layer: 'common', author, at: at(minutes), inserted: 1, deleted: 0, ...extra,
});

test('a sentence typed key by key is one session', () => {
  rev = 0;
  const typed = Array.from({ length: 200 }, (_, i) => change(anna, 0, { at: at(Math.floor(i / 60), i % 60) }));
  const sessions = groupSessions(typed);
  assert.equal(sessions.length, 1);
  assert.deepEqual(
    { from: sessions[0].from, to: sessions[0].to, count: sessions[0].count, inserted: sessions[0].inserted },
    { from: 1, to: 200, count: 200, inserted: 200 });
});

test('another author, another layer, a pause or another kind of change starts a new row', () => {
  rev = 0;
  const changes = [
    change(anna, 0), change(anna, 1),
    change(bert, 2),                                   // another author
    change(bert, 3, { layer: 'GM1708' }),              // another layer
    change(bert, 3, { layer: 'GM1708', deleted: 4 }),
    change(bert, 20, { layer: 'GM1708' }),             // after a pause of 17 minutes
    change(bert, 20, { kind: 'revert', layer: 'GM1708', inserted: 0 }),
    change(bert, 21, { kind: 'revert', layer: 'GM1708', inserted: 0 }), // not an edit: its own row
    change(anna, 21),
  ];
  const sessions = groupSessions(changes);
  assert.deepEqual(sessions.map((s) => [s.kind, s.author.name, s.layer, s.from, s.to, s.count]), [
    ['edit', 'kampen-editor', 'common', 1, 2, 2],
    ['edit', 'staphorst-editor', 'common', 3, 3, 1],
    ['edit', 'staphorst-editor', 'GM1708', 4, 5, 2],
    ['edit', 'staphorst-editor', 'GM1708', 6, 6, 1],
    ['revert', 'staphorst-editor', 'GM1708', 7, 7, 1],
    ['revert', 'staphorst-editor', 'GM1708', 8, 8, 1],
    ['edit', 'kampen-editor', 'common', 9, 9, 1],
  ]);
  assert.equal(sessions[2].deleted, 4);
  assert.equal(sessions[2].firstAt, at(3));
});

test('the gap is measured from the last edit, so a long steady session stays one row', () => {
  rev = 0;
  const steady = Array.from({ length: 12 }, (_, i) => change(anna, i * 4)); // every 4 minutes for 44
  assert.equal(groupSessions(steady).length, 1);
  assert.equal(groupSessions(steady, 3 * 60 * 1000).length, 12);
});

test('every change is in exactly one session, in order', () => {
  rev = 0;
  // Fixed seed: a simple LCG, so that a failure can be replayed.
  let seed = 20261203;
  console.log(`seed ${seed}`);
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const changes = [];
  let minute = 0;
  for (let i = 0; i < 500; i++) {
    minute += next() < 0.1 ? 10 : 0;
    changes.push(change(next() < 0.5 ? anna : bert, minute, {
      kind: next() < 0.9 ? 'edit' : 'diverge', layer: next() < 0.7 ? 'common' : 'GM0166', inserted: Math.floor(next() * 5),
    }));
  }
  const sessions = groupSessions(changes);
  let expected = 1;
  for (const s of sessions) {
    assert.equal(s.from, expected);
    assert.equal(s.to - s.from + 1, s.count);
    expected = s.to + 1;
  }
  assert.equal(expected, 501);
  assert.equal(sessions.reduce((n, s) => n + s.inserted, 0), changes.reduce((n, c) => n + c.inserted, 0));
});

test('times read as Dutch spans, sizes in characters', () => {
  assert.match(formatSpan(at(5), at(12)), /^3 dec\.? 2026 \d\d:05–\d\d:12$/);
  assert.match(formatSpan(at(5), at(5)), /^3 dec\.? 2026 \d\d:05$/);
  assert.equal(formatSize({ inserted: 120, deleted: 3 }), '+120 −3 tekens');
  assert.equal(formatSize({ inserted: 1, deleted: 0 }), '+1 −0 teken');
});
