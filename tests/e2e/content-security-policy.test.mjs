// The web client under the server's Content-Security-Policy (docs/security.md, "Security
// headers"): the main screens, the editor with another user's cursor and selection, and none of
// them makes the browser report a violation. The policy is the server's own; nothing bypasses it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newUserPage, signIn, openSection, eventually } from './support.mjs';

let server;
let browser;
before(async () => {
  server = await startServer('csp');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the page carries a fresh style nonce, and a violation would be seen', async () => {
  const { context, page } = await newUserPage(browser, server);
  const first = await page.goto('/');
  const policy = first.headers()['content-security-policy'];
  assert.match(policy, /script-src 'self';/);
  assert.match(policy, /frame-ancestors 'none'/);
  const nonce = /'nonce-([0-9a-f]{32})'/.exec(policy)?.[1];
  assert.ok(nonce, `a style nonce in ${policy}`);
  assert.equal(await page.locator('meta[name="samen-csp-nonce"]').getAttribute('content'), nonce);
  const again = (await page.goto('/')).headers()['content-security-policy'];
  assert.notEqual(again, policy, 'each load has its own nonce');
  assert.equal(first.headers()['x-content-type-options'], 'nosniff');

  // The check below means something: an inline style of the page's own is refused and reported.
  await page.evaluate(() => {
    const style = document.createElement('style');
    style.textContent = 'body { color: red; }';
    document.head.append(style);
  });
  await eventually(() => page.cspViolations.length > 0, { message: 'the violation to be reported' });
  assert.match(page.cspViolations[0], /style-src-elem/);
  await context.close();
});

test('the main screens and the live editor run without a violation', async () => {
  const kampen = await newUserPage(browser, server);
  const staphorst = await newUserPage(browser, server);
  const { page } = kampen;

  await page.goto('/');
  await page.getByRole('heading', { name: 'Inloggen bij Samen' }).waitFor({ timeout: 15000 });
  await signIn(page, 'kampen-coordinator');
  await page.getByRole('link', { name: /Startnotitie/ }).waitFor({ timeout: 15000 });

  // The editor, with Staphorst's cursor and selection in it.
  await openSection(page, 'inleiding', 'common');
  await signIn(staphorst.page, 'staphorst-editor');
  await openSection(staphorst.page, 'inleiding', 'common');
  await staphorst.page.locator('.cm-content').click();
  await staphorst.page.keyboard.press('Control+Home');
  for (let i = 0; i < 8; i++) await staphorst.page.keyboard.press('Shift+ArrowRight');
  await page.locator('.samen-cursor__name', { hasText: 'Staphorst' }).first().waitFor({ timeout: 15000 });
  const cursor = page.locator('.samen-cursor').first();
  await cursor.waitFor({ timeout: 15000 });
  await page.locator('.samen-remote-selection').first().waitFor({ timeout: 15000 });
  // Their colour comes from the style sheet, not from an inline style.
  assert.equal(await cursor.evaluate((el) => getComputedStyle(el).borderLeftColor), 'rgb(16, 95, 38)');
  assert.equal(await cursor.getAttribute('style'), null);
  // CodeMirror's own styles are in force (its <style> carries the nonce).
  assert.equal(await page.locator('.cm-editor').evaluate((el) => getComputedStyle(el).display), 'flex');
  await page.getByRole('complementary').locator('.samen-people__dot').first().waitFor({ timeout: 15000 });

  await openSection(page, 'stap-3-prioritering-oktober-2022', 'GM0166');
  await page.getByText('Kampen heeft hier een eigen versie.').waitFor({ timeout: 15000 });

  await page.getByRole('link', { name: 'Plan per gemeente' }).click();
  await page.getByText('Het plan zoals het voor Kampen geldt').waitFor({ timeout: 15000 });
  await page.getByRole('link', { name: 'Overzicht afwijkingen' }).click();
  await page.getByRole('table').waitFor({ timeout: 15000 });

  for (const p of [page, staphorst.page]) {
    assert.deepEqual(p.cspViolations, []);
    assert.deepEqual(p.pageErrors, []);
  }
  await Promise.all([kampen.context.close(), staphorst.context.close()]);
});
