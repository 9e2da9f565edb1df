// An admin creates a document from Markdown, renames it and archives it: an archived document is
// read-only for everyone. Nobody else is offered any of this.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newUserPage, signIn, openSection, eventually, axe, formatViolations } from './support.mjs';

let server;
let browser;
before(async () => {
  server = await startServer('admin');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('documents are created, renamed and archived by an admin', async () => {
  const { context, page } = await newUserPage(browser, server, { width: 1280, height: 800 });
  await signIn(page, 'admin');
  const form = page.getByRole('form', { name: 'Nieuw document' });
  await form.waitFor({ timeout: 15000 });
  const violations = await axe(page);
  assert.deepEqual(violations.map((v) => v.id), [], formatViolations(violations));

  await form.getByLabel(/Kenmerk/).fill('evaluatie-ivp-2024');
  await form.getByLabel('Titel').fill('Evaluatie IVP 2024');
  await form.getByLabel('Zwartewaterland').uncheck();
  await form.getByLabel('Begin met').selectOption({ label: 'Uit Markdown (koppen worden secties)' });
  await form.getByLabel(/^Markdown/).fill('# Terugblik\n\nWat ging goed.\n\n# Vooruitblik\n\nWat kan beter.\n');
  await form.getByRole('button', { name: 'Document maken' }).click();
  const link = page.getByRole('link', { name: 'Evaluatie IVP 2024' });
  await link.waitFor({ timeout: 15000 });

  // Renamed.
  await page.getByText('Beheer van „Evaluatie IVP 2024”').click();
  const admin = page.locator('details', { hasText: 'Beheer van „Evaluatie IVP 2024”' });
  await admin.getByLabel('Titel').fill('Evaluatie Integraal Veiligheidsplan 2024');
  await admin.getByRole('button', { name: 'Naam wijzigen' }).click();
  await page.getByRole('link', { name: 'Evaluatie Integraal Veiligheidsplan 2024' }).waitFor({ timeout: 15000 });

  // A Kampen editor sees it with its two sections, and may type in it.
  const kampen = await newUserPage(browser, server);
  await signIn(kampen.page, 'kampen-editor');
  await kampen.page.getByRole('link', { name: 'Evaluatie Integraal Veiligheidsplan 2024' }).click();
  await kampen.page.getByRole('navigation', { name: 'Secties' }).getByRole('link', { name: 'Vooruitblik' }).waitFor({ timeout: 15000 });
  assert.equal(await kampen.page.locator('.cm-content').getAttribute('contenteditable'), 'true');
  // Zwartewaterland does not take part.
  const zwl = await newUserPage(browser, server);
  await signIn(zwl.page, 'zwartewaterland-editor');
  assert.equal(await zwl.page.getByRole('link', { name: /Evaluatie/ }).count(), 0);
  assert.equal(await zwl.page.getByRole('form', { name: 'Nieuw document' }).count(), 0);

  // Archived: read-only, live.
  const adminBox = page.locator('details', { hasText: 'Beheer van „Evaluatie Integraal Veiligheidsplan 2024”' });
  await adminBox.locator('summary').click();
  await adminBox.getByRole('button', { name: 'Archiveren' }).click();
  await page.getByText('gearchiveerd').waitFor({ timeout: 15000 });
  await kampen.page.getByText('Dit document is gearchiveerd').waitFor({ timeout: 15000 });
  await eventually(async () => (await kampen.page.locator('.cm-content').getAttribute('contenteditable')) === 'false',
    { message: 'the editor to become read-only' });

  for (const p of [page, kampen.page, zwl.page]) assert.deepEqual(p.pageErrors, []);
  await Promise.all([context.close(), kampen.context.close(), zwl.context.close()]);
});
