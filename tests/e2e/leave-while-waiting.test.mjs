// Leaving a document while edits of it wait (offline): going to the document list does not throw
// them away. The document stays subscribed in the background, the header keeps counting what
// waits, and back online the edits reach the server, once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newUserPage, signIn, openSection, eventually, editorText, syncState, DOC, PASSWORD } from './support.mjs';

let server;
let browser;
before(async () => {
  server = await startServer('leave-while-waiting');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const count = (haystack, needle) => haystack.split(needle).length - 1;

test('edits typed offline are sent after the document was left for the list', async () => {
  const { context, page } = await newUserPage(browser, server);
  await signIn(page, 'staphorst-editor');
  await openSection(page, 'werkgroep');
  const original = await editorText(page);

  await context.setOffline(true);
  await page.evaluate(() => window.__samen.dropConnection());
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+End');
  const typed = ` Getypt en toen weggeklikt ${Date.now().toString(36)}.`;
  await page.keyboard.type(typed, { delay: 10 });
  await eventually(async () => (await syncState(page)).pending > 0, { message: 'edits to wait' });

  // To the document list: the edits still wait, and the header says so.
  await page.evaluate(() => { location.hash = '#/documenten'; });
  await page.getByRole('heading', { name: 'Documenten' }).first().waitFor({ timeout: 15000 });
  assert.ok((await syncState(page)).pending > 0, 'the edits still wait after leaving the document');
  await page.getByText(/Offline — \d+ wijziging(en)? wacht(en)?/).waitFor({ timeout: 15000 });

  // Back online: they are sent from the background.
  await context.setOffline(false);
  await eventually(async () => {
    const s = await syncState(page);
    return s.connection === 'online' && s.pending === 0;
  }, { timeout: 30000, message: 'the waiting edits to be sent' });

  const session = await (await fetch(new URL('/api/v1/session', server.url), {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: 'staphorst-viewer', password: PASSWORD }), signal: AbortSignal.timeout(15000),
  })).json();
  await eventually(async () => {
    const res = await fetch(new URL(`/api/v1/documents/${DOC}/effective/GM0180`, server.url), {
      headers: { Authorization: `Bearer ${session.token}`, Accept: 'application/json' }, signal: AbortSignal.timeout(15000),
    });
    return res.ok && count(JSON.stringify(await res.json()), typed.trim()) === 1;
  }, { message: 'the server to hold the text once' });

  // Opened again, the document shows it, once.
  await openSection(page, 'werkgroep');
  await eventually(async () => (await editorText(page)) === original + typed, { message: 'the text in the editor' });
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});
