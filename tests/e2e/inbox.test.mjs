// The inbox: Kampen's coordinator, in the workspace, sees live that its own text fell behind and
// that a proposal waits for its vote ("Voor u"), and follows the link there; on the document list
// ("Sinds uw laatste bezoek") a viewer who was away reads what changed, by whom and where.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newUserPage, signIn, openSection, eventually, syncState, axe, formatViolations, screenshot, noViolations } from './support.mjs';

let server;
let browser;
before(async () => {
  server = await startServer('inbox');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});


const forYou = (page) => page.getByRole('region', { name: 'Voor u' });
const sinceLastVisit = (page) => page.getByRole('region', { name: 'Sinds uw laatste bezoek' });

test('what needs the user shows live in the workspace and on the document list', async () => {
  const kampen = await newUserPage(browser, server);
  const staphorst = await newUserPage(browser, server);
  const viewer = await newUserPage(browser, server);
  await signIn(kampen.page, 'kampen-coordinator');
  await signIn(staphorst.page, 'staphorst-coordinator');
  await signIn(viewer.page, 'kampen-viewer');

  // The viewer visits the document and leaves: its next visit is compared with this one.
  await openSection(viewer.page, 'inleiding');
  await viewer.page.getByRole('link', { name: 'Documenten' }).click();
  await sinceLastVisit(viewer.page).getByText(/Er wacht niets op u/).waitFor({ timeout: 15000 });

  // Kampen makes "Werkgroep" its own, and stays in the workspace.
  await openSection(kampen.page, 'werkgroep', 'GM0166');
  await kampen.page.getByRole('button', { name: 'Eigen versie maken voor Kampen' }).click();
  await kampen.page.getByText('Kampen heeft hier een eigen versie.').waitFor({ timeout: 15000 });
  await openSection(kampen.page, 'inleiding', 'common');
  await forYou(kampen.page).getByText('Er wacht hier niets op u.').waitFor({ timeout: 15000 });

  // Staphorst changes the common text of "Werkgroep": Kampen's own text falls behind, live.
  await openSection(staphorst.page, 'werkgroep', 'common');
  await staphorst.page.locator('.cm-content').click();
  await staphorst.page.keyboard.press('Control+Home');
  await staphorst.page.keyboard.type('Aangepast: ');
  await eventually(async () => (await syncState(staphorst.page)).pending === 0, { message: "Staphorst's edit to be saved" });
  const behind = forYou(kampen.page).getByRole('link', { name: /^„Werkgroep”: de eigen tekst van Kampen loopt achter/ });
  await behind.waitFor({ timeout: 15000 });

  // Staphorst proposes a common text for "Inleiding": it waits for Kampen's vote, live.
  await openSection(staphorst.page, 'inleiding', 'common');
  await staphorst.page.getByRole('button', { name: 'Wijziging voorstellen…' }).click();
  await staphorst.page.getByLabel('Voorgestelde tekst').fill('Een nieuwe inleiding.');
  await staphorst.page.getByRole('button', { name: 'Voorstel indienen' }).click();
  await forYou(kampen.page).getByRole('link', { name: /stelt voor „Inleiding” een nieuwe gemeenschappelijke tekst voor .* wacht op de stem van Kampen/ })
    .waitFor({ timeout: 15000 });
  await noViolations(kampen.page, 'workspace with the inbox');

  // The link goes where it is dealt with.
  await behind.click();
  await kampen.page.getByRole('heading', { level: 1, name: 'Werkgroep' }).waitFor({ timeout: 15000 });
  await eventually(() => kampen.page.evaluate(() => location.hash.endsWith('/s/werkgroep/GM0166')), { message: "Kampen's layer to be shown" });

  // On the document list: Kampen is asked for both; the viewer is told what changed.
  await kampen.page.getByRole('link', { name: 'Documenten' }).click();
  await sinceLastVisit(kampen.page).getByText('Loopt achter', { exact: true }).waitFor({ timeout: 15000 });
  await sinceLastVisit(kampen.page).getByText('Wacht op uw stem', { exact: true }).waitFor({ timeout: 15000 });
  await noViolations(kampen.page, 'document list with the inbox');
  await screenshot(kampen.page, 'inbox');

  await viewer.page.reload();
  const news = sinceLastVisit(viewer.page).getByRole('link', { name: /wijzigingen door .* sinds uw laatste bezoek op .*, in „Werkgroep” en „Inleiding”/ });
  await news.waitFor({ timeout: 15000 });
  assert.equal(await sinceLastVisit(viewer.page).getByText('Wacht op uw stem', { exact: true }).count(), 0, 'a viewer is asked to vote');
  await news.click();
  await viewer.page.getByRole('heading', { level: 1, name: /Geschiedenis/ }).waitFor({ timeout: 15000 });

  for (const p of [kampen.page, staphorst.page, viewer.page]) assert.deepEqual(p.pageErrors, []);
  await Promise.all([kampen.context.close(), staphorst.context.close(), viewer.context.close()]);
});
