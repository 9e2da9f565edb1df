// One click never destroys work: going back to the common text and omitting a section ask first,
// naming the own text that would be lost, and once done offer "Ongedaan maken", which brings the
// very text back in one click.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newUserPage, signIn, openSection, eventually, layerText, syncState, noViolations, screenshot } from './support.mjs';

let server;
let browser;
before(async () => {
  server = await startServer('confirm-undo');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const state = (page, section, layer) => page.evaluate(([s, l]) => {
  const t = window.__samen.layerText(s, l);
  return t === null ? 'none' : 'text';
}, [section, layer]);

test('revert and omit ask first, naming what is lost, and are undone in one click', async () => {
  const { context, page } = await newUserPage(browser, server);
  await signIn(page, 'kampen-coordinator');

  // Kampen's own text of the introduction (demo data).
  await openSection(page, 'inleiding', 'GM0166');
  await page.getByText('Kampen heeft hier een eigen versie.').waitFor({ timeout: 15000 });
  const own = await layerText(page, 'inleiding', 'GM0166');
  assert.ok(own && own.length > 20);

  // Asked first; "Annuleren" keeps it.
  await page.getByRole('button', { name: 'Terug naar gemeenschappelijke tekst…' }).click();
  const ask = page.getByRole('dialog', { name: 'Eigen tekst van Kampen weggooien?' });
  await ask.getByText(/De eigen tekst van Kampen voor „Inleiding” \(\d+ woorden\) gaat verloren\./).waitFor({ timeout: 15000 });
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Annuleren', 'the safe choice is focused first');
  await noViolations(page, 'the question before a revert');
  await screenshot(page, 'confirm');
  await page.setViewportSize({ width: 320, height: 640 });
  await screenshot(page, 'confirm-320');
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.keyboard.press('Escape');
  await ask.waitFor({ state: 'detached', timeout: 15000 });
  assert.equal(await layerText(page, 'inleiding', 'GM0166'), own);

  // Done, then undone: the very text is back as Kampen's own version.
  await page.getByRole('button', { name: 'Terug naar gemeenschappelijke tekst…' }).click();
  await ask.getByRole('button', { name: 'Terug naar gemeenschappelijke tekst' }).click();
  await page.getByText('De eigen tekst van Kampen is weggegooid.').waitFor({ timeout: 15000 });
  await page.getByText('Kampen volgt hier de gemeenschappelijke tekst').waitFor({ timeout: 15000 });
  assert.equal(await state(page, 'inleiding', 'GM0166'), 'none');
  await page.getByRole('button', { name: 'Ongedaan maken' }).click();
  await eventually(async () => (await layerText(page, 'inleiding', 'GM0166')) === own && (await syncState(page)).pending === 0,
    { message: 'the own text to be back' });
  await page.getByText('Kampen heeft hier een eigen versie.').waitFor({ timeout: 15000 });

  // Omitting a section with an own text: the same, and undone it is included with its text.
  await openSection(page, 'stap-3-prioritering-oktober-2022', 'GM0166');
  const third = await layerText(page, 'stap-3-prioritering-oktober-2022', 'GM0166');
  await page.getByRole('button', { name: 'Weglaten uit plan van Kampen…' }).click();
  const omit = page.getByRole('dialog', { name: /weglaten uit het plan van Kampen\?$/ });
  await omit.getByText(/De eigen tekst van Kampen .* gaat verloren\./).waitFor({ timeout: 15000 });
  await omit.getByRole('button', { name: 'Weglaten' }).click();
  await page.getByText('Kampen laat deze sectie weg uit het eigen plan.').waitFor({ timeout: 15000 });
  await page.getByRole('button', { name: 'Ongedaan maken' }).click();
  await eventually(async () => (await layerText(page, 'stap-3-prioritering-oktober-2022', 'GM0166')) === third && (await syncState(page)).pending === 0,
    { message: 'the omitted text to be back' });
  await page.getByText('Kampen heeft hier een eigen versie.').waitFor({ timeout: 15000 });

  // A fresh load agrees.
  const fresh = await newUserPage(browser, server);
  await signIn(fresh.page, 'kampen-viewer');
  await openSection(fresh.page, 'inleiding', 'GM0166');
  assert.equal(await layerText(fresh.page, 'inleiding', 'GM0166'), own);
  assert.equal(await layerText(fresh.page, 'stap-3-prioritering-oktober-2022', 'GM0166'), third);

  for (const p of [page, fresh.page]) assert.deepEqual(p.pageErrors, []);
  await Promise.all([context.close(), fresh.context.close()]);
});
