// Going offline and back keeps the edits: the connection is cut while typing goes on, reconnecting
// is blocked (the browser context is offline), another user edits the same text meanwhile; after
// going online again everything typed is on the server exactly once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newUserPage, signIn, openSection, eventually, editorText, syncState, screenshot } from './support.mjs';

let server;
let browser;
before(async () => {
  server = await startServer('offline');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const SECTION = 'uitgangspunten';
const status = (page) => page.getByRole('status').filter({ hasText: /Verbonden|Opgeslagen|Opslaan|Offline|Verbinden/ }).first();

test('edits made offline are sent on reconnect, nothing lost or doubled', async () => {
  const kampen = await newUserPage(browser, server);
  const other = await newUserPage(browser, server);
  await signIn(kampen.page, 'kampen-editor');
  await signIn(other.page, 'steenwijkerland-editor');
  await openSection(kampen.page, SECTION);
  await openSection(other.page, SECTION);
  const original = await editorText(kampen.page);
  await eventually(async () => /^(Verbonden|Opgeslagen)$/.test(await status(kampen.page).textContent()), { message: '"Verbonden"' });

  await kampen.page.locator('.cm-content').click();
  await kampen.page.keyboard.press('Control+End');
  await kampen.page.keyboard.type(' Online begonnen.', { delay: 10 });

  // The network goes away: new connections fail, and the open one is cut.
  await kampen.context.setOffline(true);
  await kampen.page.evaluate(() => window.__samen.dropConnection());
  await kampen.page.keyboard.type(' Offline verder getypt.', { delay: 10 });
  await eventually(async () => /^Offline — \d+ wijziging(en)? wacht(en)?$/.test(await status(kampen.page).textContent()),
    { message: 'the status to say how many edits wait' });
  await screenshot(kampen.page, 'offline');
  assert.ok((await syncState(kampen.page)).pending > 0);

  // Meanwhile someone else writes at the start of the same text.
  await other.page.locator('.cm-content').click();
  await other.page.keyboard.press('Control+Home');
  await other.page.keyboard.type('Steenwijkerland was er ook. ', { delay: 10 });
  await eventually(async () => (await syncState(other.page)).pending === 0, { message: "the other user's edit to be saved" });

  // Back online: the edits go out, once.
  await kampen.context.setOffline(false);
  await eventually(async () => /^(Verbonden|Opgeslagen)$/.test(await status(kampen.page).textContent()), { timeout: 20000, message: 'the reconnect' });
  const expected = 'Steenwijkerland was er ook. ' + original + ' Online begonnen. Offline verder getypt.';
  await eventually(async () => (await syncState(kampen.page)).pending === 0 && (await editorText(kampen.page)) === expected,
    { timeout: 20000, message: "Kampen's editor to hold both users' text" });
  await eventually(async () => (await editorText(other.page)) === expected, { message: 'the other user to see the offline edits' });

  const fresh = await newUserPage(browser, server);
  await signIn(fresh.page, 'staphorst-viewer');
  await openSection(fresh.page, SECTION);
  await eventually(async () => (await editorText(fresh.page)) === expected, { message: 'a fresh load to show the text' });
  const text = await editorText(fresh.page);
  assert.equal(text.split('Offline verder getypt.').length, 2, 'the offline text is there once');
  assert.equal(text.split('Online begonnen.').length, 2, 'the online text is there once');

  for (const p of [kampen.page, other.page, fresh.page]) assert.deepEqual(p.pageErrors, []);
  await Promise.all([kampen.context.close(), other.context.close(), fresh.context.close()]);
});

test('edits wait through a server restart and are sent once it is back', async () => {
  const restartable = await startServer('restart');
  let current = restartable;
  try {
    const { context, page } = await newUserPage(browser, restartable);
    await signIn(page, 'zwartewaterland-editor');
    await openSection(page, 'randvoorwaarden');
    const original = await editorText(page);
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' Voor de herstart.', { delay: 10 });
    await eventually(async () => (await syncState(page)).pending === 0, { message: 'the first edit to be saved' });

    // The server stops (in order); typing goes on.
    await restartable.stop({ keepData: true });
    await page.keyboard.type(' Tijdens de herstart.', { delay: 10 });
    await eventually(async () => /^Offline — /.test(await status(page).textContent()), { message: 'the offline state' });

    // The same server comes back at the same address: it holds no changes in memory, so the
    // client gets a snapshot and must still send what waits, once.
    current = await startServer('restart', { data: restartable.data, port: restartable.port });
    await eventually(async () => /^(Verbonden|Opgeslagen)$/.test(await status(page).textContent()), { timeout: 20000, message: 'the reconnect' });
    const expected = original + ' Voor de herstart. Tijdens de herstart.';
    await eventually(async () => (await syncState(page)).pending === 0 && (await editorText(page)) === expected,
      { timeout: 20000, message: 'the waiting edits to be sent' });

    const fresh = await newUserPage(browser, current);
    await signIn(fresh.page, 'kampen-viewer');
    await openSection(fresh.page, 'randvoorwaarden');
    await eventually(async () => (await editorText(fresh.page)) === expected, { message: 'a fresh load to show the text once' });
    for (const p of [page, fresh.page]) assert.deepEqual(p.pageErrors, []);
    await Promise.all([context.close(), fresh.context.close()]);
  } finally {
    await current.stop();
  }
});
