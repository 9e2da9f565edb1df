// From startnotitie to raadsbesluit in the browser (docs/plan-steps.md), on the demo's Kernbeleid
// IVP: the four municipalities' priorities side by side and chosen live; a municipality's plan with
// its priorities, its uitvoeringsplan as a table with its own budgets and their total, its decision
// and the plan "zoals vastgesteld"; a measure added with its fields; the plan as a PDF download;
// and the browser's own print showing the plan alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, newUserPage, signIn, eventually, syncState, screenshot, noViolations } from './support.mjs';

const IVP = 'ivp-2023-2026';
let server;
let browser;
before(async () => {
  server = await startServer('plan-steps');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const go = (page, hash) => page.evaluate((h) => { location.hash = h; }, hash);
const live = (page) => eventually(() => page.evaluate(() => window.__samen.state().phase === 'live'), { message: 'the document to be live' });

test('priorities side by side: chosen by a coordinator, seen live by another, at most four', async () => {
  const kampen = await newUserPage(browser, server);
  const staphorst = await newUserPage(browser, server);
  await signIn(kampen.page, 'kampen-coordinator');
  await signIn(staphorst.page, 'staphorst-coordinator');
  for (const { page } of [kampen, staphorst]) {
    await go(page, `#/doc/${IVP}/prioriteiten`);
    await page.getByRole('table', { name: 'Prioriteiten per gemeente, in volgorde' }).waitFor({ timeout: 15000 });
  }
  const shared = staphorst.page.getByRole('region', { name: 'Gedeelde prioriteiten' });
  // The demo: Kampen, Staphorst and Zwartewaterland chose the approach of organised crime.
  await shared.getByText(/Georganiseerde en ondermijnende criminaliteit: gedeeld door Kampen, Staphorst, Zwartewaterland/).waitFor();
  await staphorst.page.getByRole('region', { name: 'Eigen prioriteiten' }).getByText('Digitale veiligheid in Staphorst: alleen Staphorst').waitFor();

  // Kampen may choose four, no more: four places, Staphorst's local theme not among them.
  const form = kampen.page.getByRole('form', { name: 'Prioriteiten van Kampen kiezen' });
  assert.equal(await form.getByRole('combobox').count(), 4);
  assert.equal(await kampen.page.locator('#prioriteit-1 option', { hasText: 'Digitale veiligheid in Staphorst' }).count(), 0);
  await kampen.page.getByLabel('Prioriteit 4').selectOption({ label: '— Zorg en veiligheid' });
  await kampen.page.getByRole('button', { name: 'Prioriteiten opslaan' }).click();
  await kampen.page.getByText('De prioriteiten van Kampen zijn opgeslagen.').waitFor({ timeout: 15000 });
  // Staphorst sees it at once: zorg en veiligheid is now shared with Kampen.
  await shared.getByText(/Zorg en veiligheid: gedeeld door Kampen, Staphorst/).waitFor({ timeout: 15000 });
  await noViolations(staphorst.page, 'the priorities');
  await screenshot(staphorst.page, 'priorities', { fullPage: true });
  await kampen.context.close();
  await staphorst.context.close();
});

test("Kampen's plan: its priorities, the uitvoeringsplan as a table with its own budget and total, its decision, a PDF", async () => {
  const viewer = await newUserPage(browser, server);
  await signIn(viewer.page, 'kampen-viewer');
  await go(viewer.page, `#/doc/${IVP}/plan/GM0166`);
  const page = viewer.page;
  await page.getByRole('heading', { name: 'Prioriteiten van Kampen' }).waitFor({ timeout: 15000 });
  const table = page.getByRole('table', { name: 'Maatregelen in het plan van Kampen' });
  await table.waitFor();
  const kvo = table.getByRole('row').filter({ hasText: 'Keurmerk Veilig Ondernemen (KVO-W)' });
  await kvo.getByText('Ondernemersvereniging Binnenstad Kampen').waitFor();
  await kvo.getByText('eigen invulling').waitFor();
  await kvo.getByText('€ 18.500').waitFor();
  await table.getByRole('row', { name: /Totaal begroot/ }).getByText('€ 147.500').waitFor();
  assert.equal(await table.getByText('Toezicht en voorlichting in het vaarseizoen').count(), 0); // Zwartewaterland's own
  await page.getByText(/Vastgesteld door het college van burgemeester en wethouders op 14 februari 2023/).first().waitFor();
  await noViolations(page, 'the plan with the uitvoeringsplan');
  await table.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await screenshot(page, 'plan-measures');

  // The plan as a PDF, made by the server.
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 60000 }),
    page.getByRole('button', { name: 'PDF' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^ivp-2023-2026-kampen-r\d+\.pdf$/);
  const bytes = readFileSync(await download.path());
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');

  // Printed by the browser: the plan alone.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.samen-header').isVisible(), false);
  assert.equal(await page.getByRole('button', { name: 'PDF' }).isVisible(), false);
  assert.equal(await table.isVisible(), true);
  await page.emulateMedia({ media: 'screen' });
  await viewer.context.close();
});

test('a decision recorded on the plan: seen on the document list, the plan readable as adopted after edits', async () => {
  const coordinator = await newUserPage(browser, server);
  const viewer = await newUserPage(browser, server);
  await signIn(coordinator.page, 'staphorst-coordinator');
  const page = coordinator.page;
  await go(page, `#/doc/${IVP}/plan/GM0180`);
  await page.getByText('Concept: nog niet vastgesteld').waitFor({ timeout: 15000 });
  await page.getByText('Besluit van Staphorst vastleggen').click();
  await page.getByLabel('Besluit', { exact: true }).selectOption('raad');
  await page.getByRole('button', { name: 'Besluit vastleggen' }).click();
  await page.getByText('Vul de datum van het besluit in.').waitFor(); // the date is needed
  await page.getByLabel('Datum van het besluit').fill('2023-04-11');
  await page.getByLabel(/Kenmerk/).fill('Raadsbesluit 2023-21');
  await page.getByRole('button', { name: 'Besluit vastleggen' }).click();
  await page.getByText(/Het besluit is vastgelegd/).waitFor({ timeout: 15000 });
  await page.getByText('Vastgesteld door de gemeenteraad op 11 april 2023 (Raadsbesluit 2023-21)').waitFor({ timeout: 15000 });
  await noViolations(page, 'recording a decision');
  await screenshot(page, 'adoption');

  // The document list says where each municipality stands.
  await signIn(viewer.page, 'kampen-viewer');
  const item = viewer.page.getByRole('listitem').filter({ hasText: 'Kernbeleid Veiligheid' });
  await item.getByText('Raad 11-04-2023').waitFor({ timeout: 15000 });
  await item.getByText('College 14-02-2023').waitFor();

  // Later the common introduction changes; the plan as adopted keeps the old one.
  await go(page, `#/doc/${IVP}/s/inleiding/common`);
  await live(page);
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.type('Na de vaststelling: ');
  await eventually(async () => (await syncState(page)).pending === 0, { message: 'the edit to be saved' });
  await go(page, `#/doc/${IVP}/plan/GM0180`);
  await page.getByText(/Na de vaststelling:/).waitFor({ timeout: 15000 });
  await page.getByRole('link', { name: 'zoals vastgesteld' }).click();
  await page.getByRole('link', { name: 'Vergelijken met nu' }).waitFor({ timeout: 15000 });
  await page.getByRole('heading', { name: 'Inleiding' }).waitFor();
  assert.equal(await page.getByText(/Na de vaststelling:/).count(), 0);
  await coordinator.context.close();
  await viewer.context.close();
});

test('a measure added in the workspace comes with its eight fields; its budget counts in the plan', async () => {
  const { page, context } = await newUserPage(browser, server);
  await signIn(page, 'kampen-coordinator');
  await go(page, `#/doc/${IVP}/s/uitvoeringsplan-2023/common`);
  await live(page);
  await page.getByRole('button', { name: 'Nieuwe sectie' }).click();
  await page.getByLabel('Titel').fill('Cameratoezicht binnenstad');
  await page.getByLabel('Onder').selectOption({ label: 'Uitvoeringsplan 2023' });
  await page.getByLabel(/Maatregel van het uitvoeringsplan/).check();
  await page.getByRole('button', { name: 'Toevoegen', exact: true }).click();
  await page.getByText(/De maatregel „Cameratoezicht binnenstad” is toegevoegd/).waitFor({ timeout: 15000 });
  await go(page, `#/doc/${IVP}/s/cameratoezicht-binnenstad-budget/common`);
  await page.getByRole('heading', { name: 'Cameratoezicht binnenstad — Budget', level: 1 }).waitFor({ timeout: 15000 });
  await page.locator('.cm-content').click();
  await page.keyboard.type('€ 10.000');
  await eventually(async () => (await syncState(page)).pending === 0, { message: 'the budget to be saved' });
  await go(page, `#/doc/${IVP}/plan/GM0166`);
  const table = page.getByRole('table', { name: 'Maatregelen in het plan van Kampen' });
  await table.getByRole('row', { name: /Totaal begroot/ }).getByText('€ 157.500').waitFor({ timeout: 15000 });
  await context.close();
});
