// Comparing two states of a plan (client/web/src/plan-compare.js): only the sections that changed.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { compareSections } from '../../client/web/src/plan-compare.js';

const section = (id, text, title = id) => ({ id, title, depth: 0, source: 'common', text });

test('unchanged sections are left out, changed ones carry their word diff', () => {
  const before = [section('inleiding', 'Samen waar het kan.'), section('jeugd', 'Jeugdoverlast en jeugdcriminaliteit.'), section('slot', 'Einde.')];
  const after = [section('inleiding', 'Samen waar het kan.'), section('jeugd', 'Overlast door jeugd en jeugdcriminaliteit.'), section('slot', 'Einde.')];
  const diff = compareSections(before, after);
  assert.deepEqual(diff.map((d) => [d.id, d.change]), [['jeugd', 'changed']]);
  assert.deepEqual(diff[0].parts, [
    { kind: 'del', text: 'Jeugdoverlast' },
    { kind: 'ins', text: 'Overlast door jeugd' },
    { kind: 'same', text: ' en jeugdcriminaliteit.' },
  ]);
});

test('added, removed and renamed sections, in the order of the plans', () => {
  const before = [section('a', 'A'), section('b', 'B'), section('c', 'C'), section('d', 'D')];
  const after = [section('a', 'A'), section('x', 'X'), section('c', 'C', 'C nieuw'), section('d', 'D')];
  assert.deepEqual(compareSections(before, after).map((d) => [d.id, d.change]), [
    ['b', 'removed'], ['x', 'added'], ['c', 'renamed'],
  ]);
  assert.deepEqual(compareSections(before, []).map((d) => d.change), ['removed', 'removed', 'removed', 'removed']);
  assert.deepEqual(compareSections([], after).map((d) => d.change), ['added', 'added', 'added', 'added']);
  assert.deepEqual(compareSections(after, after), []);
});
