// A viewer reads every layer but cannot change anything: the editor is read-only and no action is
// offered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newUserPage, signIn, openSection, editorText, layerText } from './support.mjs';

let server;
let browser;
before(async () => {
  server = await startServer('viewer');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a viewer cannot edit', async () => {
  const { context, page } = await newUserPage(browser, server);
  await signIn(page, 'zwartewaterland-viewer');
  for (const [section, layer] of [['inleiding', 'common'], ['inleiding', 'GM1896'], ['stap-4-opstellen-van-het-ivp-november-2022', 'GM1896']]) {
    await openSection(page, section, layer);
    const content = page.locator('.cm-content');
    assert.equal(await content.getAttribute('contenteditable'), 'false', `${section}/${layer} is read-only`);
    assert.equal(await content.getAttribute('aria-readonly'), 'true');
    assert.equal(await page.getByRole('group', { name: 'Acties voor deze sectie' }).count(), 0, 'no actions');
    assert.equal(await page.getByRole('button', { name: 'Nieuwe sectie' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: /Eigen versie maken|Terug naar|Weglaten|Samenvoegen|Verwijderen/ }).count(), 0);
    await page.getByText(/alleen lezen/).first().waitFor({ timeout: 15000 });

    // Typing changes nothing.
    const before = await editorText(page);
    await content.click();
    await page.keyboard.type('viewer tekst');
    await page.keyboard.press('Backspace');
    assert.equal(await editorText(page), before);
  }
  assert.equal(await page.evaluate(() => window.__samen.state().pending), 0);
  const common = await layerText(page, 'inleiding', 'common');
  assert.ok(!common.includes('viewer'));
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});
