// The session ends while edits wait: the token is revoked while the page is offline with typed
// text. Back online the server refuses the old token; the page keeps the edits, asks for the
// password in a dialog, and after signing in again sends them, once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newUserPage, signIn, openSection, eventually, editorText, syncState, axe, formatViolations, screenshot, DOC, PASSWORD } from './support.mjs';

let server;
let browser;
before(async () => {
  server = await startServer('session-expiry');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const SECTION = 'uitgangspunten';
const pageToken = (page) => page.evaluate(() => JSON.parse(sessionStorage.getItem('samen.session')).token);

async function http(method, path, { token, body, accept } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body) headers['Content-Type'] = 'application/json';
  if (accept) headers.Accept = accept;
  const signal = AbortSignal.timeout(15000);
  return fetch(new URL(path, server.url), { method, headers, body: body ? JSON.stringify(body) : undefined, signal });
}

const count = (haystack, needle) => haystack.split(needle).length - 1;

test('edits typed before the session ended are sent once after signing in again', async () => {
  const { context, page } = await newUserPage(browser, server);
  await signIn(page, 'kampen-editor');
  await openSection(page, SECTION);
  const original = await editorText(page);
  const oldToken = await pageToken(page);

  // Offline, with text typed that the server has not seen.
  await context.setOffline(true);
  await page.evaluate(() => window.__samen.dropConnection());
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+End');
  const typed = ` Getypt toen de sessie verliep ${Date.now().toString(36)}.`;
  await page.keyboard.type(typed, { delay: 10 });
  await eventually(async () => (await syncState(page)).pending > 0, { message: 'edits to wait' });

  // Meanwhile the session ends (signed out elsewhere).
  const revoked = await http('DELETE', '/api/v1/session', { token: oldToken });
  assert.equal(revoked.status, 204);

  // Back online: the server refuses the token; the dialog asks for the password.
  await context.setOffline(false);
  const dialog = page.getByRole('dialog', { name: 'Uw sessie is verlopen' });
  await dialog.waitFor({ timeout: 20000 });
  assert.equal(await dialog.getAttribute('aria-modal'), 'true');
  await dialog.getByText(/wijziging(en)? die nog wacht(en)?, word(t|en) daarna verstuurd/).waitFor({ timeout: 5000 });
  const name = dialog.getByLabel('Gebruikersnaam');
  assert.equal(await name.inputValue(), 'kampen-editor');
  assert.equal(await name.isEditable(), false);
  const password = dialog.getByLabel('Wachtwoord');
  assert.ok(await password.evaluate((el) => el === document.activeElement), 'focus is in the dialog');
  assert.equal(await editorText(page), original + typed, 'the typed text is still in the editor');
  assert.ok((await syncState(page)).pending > 0, 'the edits still wait');

  const violations = await axe(page);
  assert.deepEqual(violations.map((v) => v.id), [], `session dialog:\n${formatViolations(violations)}`);
  await screenshot(page, 'session-expired');

  // "Uitloggen" asks first, and "Terug" leads back to the password.
  await dialog.getByRole('button', { name: 'Uitloggen' }).click();
  await page.getByRole('dialog', { name: 'Uitloggen zonder te versturen?' }).getByText('dan verloren').waitFor({ timeout: 5000 });
  await page.keyboard.press('Enter'); // "Terug" has the focus
  await dialog.getByLabel('Wachtwoord').waitFor({ timeout: 5000 });

  // A wrong password is said in words; the right one, typed and submitted with the keyboard.
  await dialog.getByLabel('Wachtwoord').fill('fout');
  await page.keyboard.press('Enter');
  await dialog.getByRole('alert').getByText('Onjuist wachtwoord.').waitFor({ timeout: 15000 });
  await dialog.getByLabel('Wachtwoord').fill(PASSWORD);
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'detached', timeout: 15000 });

  await eventually(async () => (await syncState(page)).connection === 'online' && (await syncState(page)).pending === 0,
    { timeout: 20000, message: 'the waiting edits to be sent' });
  const newToken = await pageToken(page);
  assert.notEqual(newToken, oldToken);
  assert.equal(await editorText(page), original + typed);

  // On the server, once: the effective plan of Kampen over REST, with a token of its own.
  const session = await (await http('POST', '/api/v1/session', { body: { user: 'kampen-viewer', password: PASSWORD } })).json();
  await eventually(async () => {
    const res = await http('GET', `/api/v1/documents/${DOC}/effective/GM0166`, { token: session.token, accept: 'application/json' });
    return res.ok && count(JSON.stringify(await res.json()), typed.trim()) === 1;
  }, { message: 'the effective plan to hold the text once' });

  // And a fresh page shows the text once.
  const fresh = await newUserPage(browser, server);
  await signIn(fresh.page, 'staphorst-viewer');
  await openSection(fresh.page, SECTION);
  await eventually(async () => (await editorText(fresh.page)) === original + typed, { message: 'a fresh load to show the text' });
  assert.equal(count(await editorText(fresh.page), typed), 1);

  for (const p of [page, fresh.page]) assert.deepEqual(p.pageErrors, []);
  await Promise.all([context.close(), fresh.context.close()]);
});

test('signing out from the dialog drops the waiting edits only after saying so', async () => {
  const { context, page } = await newUserPage(browser, server);
  await signIn(page, 'kampen-editor');
  await openSection(page, 'inleiding');
  const original = await editorText(page);
  const token = await pageToken(page);

  await context.setOffline(true);
  await page.evaluate(() => window.__samen.dropConnection());
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(' Dit wordt weggegooid.', { delay: 10 });
  await eventually(async () => (await syncState(page)).pending > 0, { message: 'edits to wait' });
  assert.equal((await http('DELETE', '/api/v1/session', { token })).status, 204);
  await context.setOffline(false);

  const dialog = page.getByRole('dialog', { name: 'Uw sessie is verlopen' });
  await dialog.waitFor({ timeout: 20000 });
  await dialog.getByRole('button', { name: 'Uitloggen' }).click();
  const confirm = page.getByRole('dialog', { name: 'Uitloggen zonder te versturen?' });
  await confirm.waitFor({ timeout: 5000 });
  const violations = await axe(page);
  assert.deepEqual(violations.map((v) => v.id), [], `sign-out confirmation:\n${formatViolations(violations)}`);
  await confirm.getByRole('button', { name: 'Uitloggen en wijzigingen weggooien' }).click();
  await page.getByRole('heading', { name: 'Inloggen bij Samen' }).waitFor({ timeout: 15000 });
  assert.equal(await page.evaluate(() => sessionStorage.getItem('samen.session')), null);

  const fresh = await newUserPage(browser, server);
  await signIn(fresh.page, 'kampen-viewer');
  await openSection(fresh.page, 'inleiding');
  assert.equal(await editorText(fresh.page), original);

  for (const p of [page, fresh.page]) assert.deepEqual(p.pageErrors, []);
  await Promise.all([context.close(), fresh.context.close()]);
});
