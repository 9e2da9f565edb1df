// axe-core (WCAG 2.1 A and AA) on the main screens: sign-in, the document list, the workspace, the
// effective plan and the divergence matrix; and screenshots of them at a common laptop size.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newUserPage, signIn, openSection, eventually, axe, formatViolations, screenshot, DOC, noViolations } from './support.mjs';

let server;
let browser;
before(async () => {
  server = await startServer('accessibility');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});


test('the main screens have no axe violations', async () => {
  const { context, page } = await newUserPage(browser, server, { width: 1280, height: 800 });

  await page.goto('/');
  await page.getByRole('heading', { name: 'Inloggen bij Samen' }).waitFor({ timeout: 15000 });
  await noViolations(page, 'sign-in');
  await screenshot(page, 'signin');

  // A wrong password is said in words, next to the form.
  await page.getByLabel('Gebruikersnaam').fill('kampen-coordinator');
  await page.getByLabel('Wachtwoord').fill('fout');
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.getByRole('alert').getByText('Onjuiste gebruikersnaam of wachtwoord.').waitFor({ timeout: 15000 });
  await noViolations(page, 'sign-in with an error');

  await signIn(page, 'kampen-coordinator');
  await page.getByRole('link', { name: /Startnotitie/ }).waitFor({ timeout: 15000 });
  await noViolations(page, 'document list');
  await screenshot(page, 'documents');

  // The workspace on a section where Kampen has its own text, in Kampen's layer.
  await openSection(page, 'stap-3-prioritering-oktober-2022', 'GM0166');
  await page.getByText('Kampen heeft hier een eigen versie.').waitFor({ timeout: 15000 });
  await noViolations(page, 'workspace');
  await openSection(page, 'inleiding', 'common');
  await noViolations(page, 'workspace, common text');
  await page.getByRole('button', { name: 'Nieuwe sectie' }).click();
  await page.getByRole('form', { name: 'Nieuwe sectie' }).waitFor({ timeout: 15000 });
  await noViolations(page, 'workspace, new section form');

  await page.getByRole('link', { name: 'Plan per gemeente' }).click();
  await page.getByRole('heading', { level: 1, name: /Startnotitie/ }).waitFor({ timeout: 15000 });
  await page.getByText('Het plan zoals het voor Kampen geldt').waitFor({ timeout: 15000 });
  await noViolations(page, 'effective plan');
  await screenshot(page, 'plan');

  await page.getByRole('link', { name: 'Overzicht afwijkingen' }).click();
  await page.getByRole('table').waitFor({ timeout: 15000 });
  await noViolations(page, 'divergence matrix');
  await screenshot(page, 'matrix');

  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

test('the effective plan of another municipality, and its Markdown download', async () => {
  const { context, page } = await newUserPage(browser, server, { width: 1280, height: 800 });
  await signIn(page, 'kampen-viewer');
  await page.evaluate((doc) => { location.hash = `#/doc/${doc}/plan`; }, DOC);
  await page.getByLabel('Plan van gemeente').selectOption({ label: 'Staphorst' });
  await page.getByRole('button', { name: 'Tonen' }).click();
  await page.getByText('Het plan zoals het voor Staphorst geldt').waitFor({ timeout: 15000 });
  // Staphorst's local section is in its plan, marked as such.
  await page.getByRole('heading', { name: /Keuzes van Staphorst/ }).waitFor({ timeout: 15000 });
  await page.getByText('lokale sectie van Staphorst').first().waitFor({ timeout: 15000 });
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 15000 }),
    page.getByRole('button', { name: 'Markdown downloaden' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /\.md$/);
  const file = await download.path();
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(file, 'utf8');
  assert.match(text, /Keuzes van Staphorst/);
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});
