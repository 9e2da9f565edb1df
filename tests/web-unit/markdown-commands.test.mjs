// The editor's formatting buttons (client/web/src/markdown-commands.js) as Markdown changes.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { applyChanges, bold, heading, italic, link, list } from '../../client/web/src/markdown-commands.js';

/** Runs `command` on a text whose selection is written as [ and ]; returns it the same way. */
function run(command, marked) {
  const from = marked.indexOf('[');
  const to = marked.indexOf(']') - 1;
  const text = marked.replace('[', '').replace(']', '');
  const { changes, selection } = command(text, from, to);
  const out = applyChanges(text, changes);
  const a = Math.min(selection.anchor, selection.head);
  const b = Math.max(selection.anchor, selection.head);
  return `${out.slice(0, a)}[${out.slice(a, b)}]${out.slice(b)}`;
}

test('vet and cursief wrap the selection, and unwrap it again', () => {
  assert.equal(run(bold, 'De [burgemeester] beslist.'), 'De **[burgemeester]** beslist.');
  assert.equal(run(bold, 'De **[burgemeester]** beslist.'), 'De [burgemeester] beslist.');
  assert.equal(run(italic, 'De [burgemeester] beslist.'), 'De *[burgemeester]* beslist.');
  assert.equal(run(italic, 'De *[burgemeester]* beslist.'), 'De [burgemeester] beslist.');
  // Italic inside bold is added, not mistaken for removing the bold.
  assert.equal(run(italic, 'De **[burgemeester]** beslist.'), 'De ***[burgemeester]*** beslist.');
  // Spaces at the edges stay outside the markers; an empty selection gets a pair to type in.
  assert.equal(run(bold, 'De[ burgemeester ]beslist.'), 'De **[burgemeester]** beslist.');
  assert.equal(run(bold, 'De []beslist.'), 'De **[]**beslist.');
});

test('kop and lijst on every line the selection touches, replacing another level or marker', () => {
  assert.equal(run(heading, 'Jeugd en vei[]ligheid'), '## Jeugd en vei[]ligheid');
  assert.equal(run(heading, '## Jeugd en vei[]ligheid'), 'Jeugd en vei[]ligheid');
  assert.equal(run(heading, '### Jeugd[]'), '## Jeugd[]');
  assert.equal(run(list, 'Inleiding\n[Preventie\nHandhaving]\nSlot'), 'Inleiding\n[- Preventie\n- Handhaving]\nSlot');
  assert.equal(run(list, '[- Preventie\n- Handhaving]'), '[Preventie\nHandhaving]');
  assert.equal(run(list, '[* Preventie\nHandhaving]'), '[- Preventie\n- Handhaving]');
  assert.equal(run(list, '1. Pre[]ventie'), '- Pre[]ventie');
});

test('link wraps the selection and selects the address to type', () => {
  assert.equal(run(link, 'Zie [de VNG] voor meer.'), 'Zie [de VNG]([https://]) voor meer.');
  assert.equal(run(link, 'Zie [] voor meer.'), 'Zie [[linktekst]](https://) voor meer.');
});
