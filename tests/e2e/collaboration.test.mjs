// Two users of different municipalities type into the same section's common text at once: both
// editors end with the same text, which is also what a fresh page load shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newUserPage, signIn, openSection, eventually, editorText, syncState, screenshot } from './support.mjs';

let server;
let browser;
before(async () => {
  server = await startServer('collaboration');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('two municipalities typing at once converge', async () => {
  const kampen = await newUserPage(browser, server);
  const staphorst = await newUserPage(browser, server);
  await signIn(kampen.page, 'kampen-editor');
  await signIn(staphorst.page, 'staphorst-editor');
  await openSection(kampen.page, 'inleiding');
  await openSection(staphorst.page, 'inleiding');
  const original = await editorText(kampen.page);

  // Kampen appends at the end, Staphorst writes at the start, both at the same time.
  const kampenText = ' Kampen schrijft mee aan het plan.';
  const staphorstText = 'Staphorst begint hier. ';
  await kampen.page.locator('.cm-content').click();
  await kampen.page.keyboard.press('Control+End');
  await staphorst.page.locator('.cm-content').click();
  await staphorst.page.keyboard.press('Control+Home');
  await Promise.all([
    kampen.page.keyboard.type(kampenText, { delay: 15 }),
    staphorst.page.keyboard.type(staphorstText, { delay: 15 }),
  ]);

  const expected = staphorstText + original + kampenText;
  await eventually(async () => (await editorText(kampen.page)) === expected && (await editorText(staphorst.page)) === expected,
    { message: 'both editors to show both texts' });
  await eventually(async () => (await syncState(kampen.page)).pending === 0 && (await syncState(staphorst.page)).pending === 0,
    { message: 'every edit to be acknowledged' });

  // Each sees the other's cursor with a name.
  await kampen.page.locator('.samen-cursor__name', { hasText: 'Staphorst' }).first().waitFor({ timeout: 15000 });
  await staphorst.page.locator('.samen-cursor__name', { hasText: 'Kampen' }).first().waitFor({ timeout: 15000 });
  await staphorst.page.getByRole('complementary').getByText('Pieter Visscher').waitFor({ timeout: 15000 });
  // The names sit in a margin of their own, left of the text: they never cover it.
  const name = await kampen.page.locator('.samen-cursor__name', { hasText: 'Staphorst' }).first().boundingBox();
  const content = await kampen.page.locator('.cm-content').boundingBox();
  assert.ok(name.x + name.width <= content.x + 1, `the name (${JSON.stringify(name)}) is beside the text (${JSON.stringify(content)})`);
  // Dutch spelling is checked.
  assert.equal(await kampen.page.locator('.cm-content').getAttribute('spellcheck'), 'true');
  assert.equal(await kampen.page.locator('.cm-content').getAttribute('lang'), 'nl');
  await screenshot(staphorst.page, 'workspace');

  // A fresh page load shows the same text.
  const fresh = await newUserPage(browser, server);
  await signIn(fresh.page, 'steenwijkerland-viewer');
  await openSection(fresh.page, 'inleiding');
  await eventually(async () => (await editorText(fresh.page)) === expected, { message: 'a fresh load to show the same text' });

  // Undo takes back one's own typing only, never the other's.
  await staphorst.page.locator('.cm-content').click();
  for (let i = 0; i < 5; i++) await staphorst.page.keyboard.press('Control+z');
  const undone = original + kampenText;
  await eventually(async () => (await editorText(kampen.page)) === undone && (await editorText(staphorst.page)) === undone,
    { message: "Staphorst's undo to remove its own text only" });

  for (const p of [kampen.page, staphorst.page, fresh.page]) assert.deepEqual(p.pageErrors, []);
  await Promise.all([kampen.context.close(), staphorst.context.close(), fresh.context.close()]);
});

test('concurrent typing at the same place converges', async () => {
  const a = await newUserPage(browser, server);
  const b = await newUserPage(browser, server);
  await signIn(a.page, 'kampen-coordinator');
  await signIn(b.page, 'zwartewaterland-editor');
  await openSection(a.page, 'werkgroep');
  await openSection(b.page, 'werkgroep');
  for (const p of [a.page, b.page]) {
    await p.locator('.cm-content').click();
    await p.keyboard.press('Control+End');
  }
  await Promise.all([
    a.page.keyboard.type(' aaaa bbbb cccc', { delay: 10 }),
    b.page.keyboard.type(' 1111 2222 3333', { delay: 10 }),
  ]);
  await eventually(async () => {
    const [ta, tb] = [await editorText(a.page), await editorText(b.page)];
    const [sa, sb] = [await syncState(a.page), await syncState(b.page)];
    return ta === tb && sa.pending === 0 && sb.pending === 0;
  }, { message: 'both editors to agree' });
  const text = await editorText(a.page);
  // Every typed character is there exactly once.
  const letters = [...' aaaa bbbb cccc 1111 2222 3333'.replace(/ /g, '')].sort().join('');
  const tail = text.slice(-30).replace(/ /g, '');
  assert.equal([...tail].sort().join(''), letters);
  assert.deepEqual(a.page.pageErrors, []);
  assert.deepEqual(b.page.pageErrors, []);
  await Promise.all([a.context.close(), b.context.close()]);
});

test('the formatting buttons and shortcuts write the Markdown', async () => {
  const { context, page } = await newUserPage(browser, server);
  await signIn(page, 'kampen-editor');
  await openSection(page, 'bestuurlijke-rollen');
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.insertText('Toezicht');
  const toolbar = page.getByRole('group', { name: 'Opmaak' });
  // The word just typed: select it, make it bold with the button, italic with the shortcut.
  for (let i = 0; i < 'Toezicht'.length; i++) await page.keyboard.press('Shift+ArrowLeft');
  await toolbar.getByRole('button', { name: 'Vet' }).click();
  await page.keyboard.press('Control+i');
  await toolbar.getByRole('button', { name: 'Kop' }).click();
  await eventually(async () => (await editorText(page)).endsWith('\n## ***Toezicht***'), { message: 'a bold italic heading' });
  await toolbar.getByRole('button', { name: 'Kop' }).click();
  await toolbar.getByRole('button', { name: 'Lijst' }).click();
  await eventually(async () => (await editorText(page)).endsWith('\n- ***Toezicht***'), { message: 'a list item' });
  await eventually(async () => (await syncState(page)).pending === 0, { message: 'the edits to be saved' });
  assert.equal(await toolbar.getByRole('button', { name: 'Vet' }).getAttribute('aria-keyshortcuts'), 'Control+B');
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});
