// Comments in two browsers: Kampen selects a word and asks Staphorst about it; Staphorst sees the
// thread live with the word marked, types before the word and the mark stays on it (for both);
// Staphorst replies, Kampen resolves; a reject vote's reason shows as a comment on the proposal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newUserPage, signIn, openSection, eventually, syncState, layerText, noViolations, screenshot } from './support.mjs';

let server;
let browser;
before(async () => {
  server = await startServer('comments');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const panel = (page) => page.getByRole('region', { name: 'Opmerkingen' });
const marked = (page) => page.evaluate(() => [...document.querySelectorAll('.samen-comment-range')].map((e) => e.textContent).join(''));

test('a thread on a word: live, its mark moves with the text, replied to and resolved', async () => {
  const kampen = await newUserPage(browser, server);
  const staphorst = await newUserPage(browser, server);
  await signIn(kampen.page, 'kampen-coordinator');
  await signIn(staphorst.page, 'staphorst-editor');
  await openSection(kampen.page, 'werkgroep', 'common');
  await openSection(staphorst.page, 'werkgroep', 'common');
  const text = await layerText(kampen.page, 'werkgroep', 'common');
  const word = 'werkgroep';
  const at = text.indexOf(word);
  assert.ok(at > 0);

  // Kampen selects the word (by keyboard: Home, then right to it, then shift-right over it).
  await kampen.page.locator('.cm-content').click();
  await kampen.page.keyboard.press('Control+Home');
  for (let i = 0; i < at; i++) await kampen.page.keyboard.press('ArrowRight');
  for (let i = 0; i < word.length; i++) await kampen.page.keyboard.press('Shift+ArrowRight');
  await panel(kampen.page).getByLabel('Opmerking', { exact: true }).fill('Staphorst, geldt dit ook bij jullie?');
  await panel(kampen.page).getByLabel('Aan').selectOption({ label: 'Staphorst' });
  await panel(kampen.page).getByRole('button', { name: 'Opmerking plaatsen' }).click();

  // Live for Staphorst, the word marked in its editor.
  const thread = panel(staphorst.page).getByRole('listitem').filter({ hasText: 'Staphorst, geldt dit ook bij jullie?' }).first();
  await thread.waitFor({ timeout: 15000 });
  await thread.getByText('— aan Staphorst').waitFor({ timeout: 15000 });
  await eventually(async () => (await marked(staphorst.page)) === word, { message: 'the word to be marked for Staphorst' });

  // Staphorst types before the word: the mark stays on the word, for both.
  await staphorst.page.locator('.cm-content').click();
  await staphorst.page.keyboard.press('Control+Home');
  await staphorst.page.keyboard.type('Vooraf: ', { delay: 10 });
  await eventually(async () => (await syncState(staphorst.page)).pending === 0, { message: 'the edit to be saved' });
  await eventually(async () => (await marked(kampen.page)) === word, { message: 'the mark to stay on the word for Kampen' });
  assert.equal(await marked(staphorst.page), word);
  await eventually(async () => (await panel(kampen.page).locator('q').first().textContent()) === word, { message: 'the quote' });

  // Reply and resolve.
  await thread.getByLabel('Antwoord', { exact: true }).fill('Ja, ook hier.');
  await thread.getByRole('button', { name: /^Antwoorden/ }).click();
  await panel(kampen.page).getByText('Ja, ook hier.').waitFor({ timeout: 15000 });
  await noViolations(kampen.page, 'the comments panel');
  await screenshot(kampen.page, 'comments');
  // At 320 px the comments are in the side's drawer.
  await kampen.page.setViewportSize({ width: 320, height: 800 });
  await kampen.page.getByRole('button', { name: 'Werkgroep en voorstellen', exact: true }).click();
  await panel(kampen.page).getByText('Ja, ook hier.').waitFor({ timeout: 15000 });
  await noViolations(kampen.page, 'the comments panel at 320 px');
  await screenshot(kampen.page, 'comments-320');
  await kampen.page.keyboard.press('Escape');
  await kampen.page.setViewportSize({ width: 1440, height: 900 });
  await panel(kampen.page).getByRole('button', { name: /^Afhandelen/ }).click();
  await panel(staphorst.page).getByText('Geen open opmerkingen bij deze tekst.').waitFor({ timeout: 15000 });
  await eventually(async () => (await marked(staphorst.page)) === '', { message: 'the mark to go once resolved' });
  await panel(staphorst.page).getByText('Afgehandeld (1)').waitFor({ timeout: 15000 });

  // An empty comment is said in Dutch beside the field.
  await panel(kampen.page).getByRole('button', { name: 'Opmerking plaatsen' }).click();
  await panel(kampen.page).getByText('Schrijf eerst uw opmerking.').waitFor({ timeout: 15000 });

  for (const p of [kampen.page, staphorst.page]) assert.deepEqual(p.pageErrors, []);
  await Promise.all([kampen.context.close(), staphorst.context.close()]);
});

test('a reject vote carries its reason as a comment on the proposal', async () => {
  const staphorst = await newUserPage(browser, server);
  const kampen = await newUserPage(browser, server);
  await signIn(staphorst.page, 'staphorst-coordinator');
  await signIn(kampen.page, 'kampen-coordinator');
  await openSection(staphorst.page, 'uitgangspunten', 'common');
  await openSection(kampen.page, 'uitgangspunten', 'common');
  await staphorst.page.getByRole('button', { name: 'Wijziging voorstellen…' }).click();
  await staphorst.page.getByLabel('Voorgestelde tekst').fill('Korter.');
  await staphorst.page.getByRole('button', { name: 'Voorstel indienen' }).click();
  const side = kampen.page.getByRole('complementary', { name: 'Werkgroep en voorstellen' });
  await side.getByRole('button', { name: /afwijzen…$/ }).click();
  const ask = kampen.page.getByRole('dialog', { name: 'Voorstel afwijzen?' });
  await ask.getByLabel(/^Waarom\?/).fill('Te kort voor de raad.');
  await ask.getByRole('button', { name: 'Voorstel afwijzen' }).click();
  const other = staphorst.page.getByRole('complementary', { name: 'Werkgroep en voorstellen' });
  await other.getByText(/afgewezen — Fatima el Amrani: „Te kort voor de raad.”/).waitFor({ timeout: 15000 });
  for (const p of [kampen.page, staphorst.page]) assert.deepEqual(p.pageErrors, []);
  await Promise.all([kampen.context.close(), staphorst.context.close()]);
});
