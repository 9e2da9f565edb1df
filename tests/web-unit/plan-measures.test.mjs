// The uitvoeringsplan's rows as the plan page shows them (client/web/src/plan-measures.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { adoptionShort, adoptionText, dutchDate, formatAmount, planBlocks } from '../../client/web/src/plan-measures.js';

const sec = (id, extra) => ({ id, title: id, depth: 0, source: 'common', stale: false, text: '', ...extra });

test('measures become one table after their chapter, with the municipality\'s own fields marked', () => {
  const blocks = planBlocks([
    sec('inleiding'),
    sec('uitvoeringsplan'),
    sec('kvo', { kind: 'maatregel', parent: 'uitvoeringsplan', title: 'KVO' }),
    sec('kvo-trekker', { kind: 'field', parent: 'kvo', title: 'Trekker', text: 'Gemeente' }),
    sec('kvo-budget', { kind: 'field', parent: 'kvo', title: 'Budget', text: '€ 18.500', source: 'override' }),
    sec('haven', { kind: 'maatregel', parent: 'uitvoeringsplan', title: 'Haven', source: 'local' }),
    sec('haven-budget', { kind: 'field', parent: 'haven', title: 'Budget', text: '€ 6.500', source: 'local' }),
    sec('slot'),
  ]);
  assert.deepEqual(blocks.map((b) => b.section?.id ?? `table:${b.table.chapter}`), ['inleiding', 'uitvoeringsplan', 'table:uitvoeringsplan', 'slot']);
  const [kvo, haven] = blocks[2].table.rows;
  assert.deepEqual(kvo.cells, { Trekker: 'Gemeente', Budget: '€ 18.500' });
  assert.equal(kvo.diverged, true);
  assert.equal(haven.local, true);
  assert.equal(haven.diverged, false);
});

test('amounts, dates and decisions in Dutch', () => {
  assert.equal(formatAmount(14_750_000), '€ 147.500');
  assert.equal(formatAmount(125_050), '€ 1.250,50');
  assert.equal(dutchDate('2023-03-28'), '28 maart 2023');
  assert.equal(adoptionText({ state: 'raad', date: '2023-03-28', reference: 'R-17' }), 'Vastgesteld door de gemeenteraad op 28 maart 2023 (R-17)');
  assert.equal(adoptionText(undefined), 'Concept: nog niet vastgesteld');
  assert.equal(adoptionShort({ state: 'college', date: '2023-02-14' }), 'College 14-02-2023');
});

test('the address of a plan as a file, as it stands and at a revision', async () => {
  const { exportUrl } = await import('../../client/web/src/api.js');
  assert.equal(exportUrl('ivp-2023-2026', 'GM0166', 'pdf'), '/api/v1/documents/ivp-2023-2026/effective/GM0166?format=pdf');
  assert.equal(exportUrl('ivp', 'GM0166', 'odt', 41), '/api/v1/documents/ivp/effective/GM0166?format=odt&rev=41');
  assert.equal(exportUrl('ivp', 'GM0166', 'docx', 0), '/api/v1/documents/ivp/effective/GM0166?format=docx&rev=0');
});
