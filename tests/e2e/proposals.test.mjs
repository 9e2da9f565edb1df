// Proposals, history and named versions: Kampen proposes to make its own text common and every
// municipality approves; a change of the common text put to agreement is rejected; the history of
// the section shows who did what; a named version pins a revision whose plan can still be read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newUserPage, signIn, openSection, eventually, layerText, screenshot, axe, formatViolations, noViolations } from './support.mjs';

let server;
let browser;
before(async () => {
  server = await startServer('proposals');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const SECTION = 'stap-3-prioritering-oktober-2022';
const side = (page) => page.getByRole('complementary', { name: 'Werkgroep en voorstellen' });


test('an override made common by everyone\'s approval; a common change rejected', async () => {
  const users = {};
  for (const name of ['kampen', 'staphorst', 'steenwijkerland', 'zwartewaterland']) {
    users[name] = await newUserPage(browser, server);
    await signIn(users[name].page, `${name}-coordinator`);
  }
  const kampen = users.kampen.page;
  await openSection(kampen, SECTION, 'GM0166');
  await kampen.getByText('Kampen heeft hier een eigen versie.').waitFor({ timeout: 15000 });
  const proposed = await layerText(kampen, SECTION, 'GM0166');
  assert.notEqual(proposed, await layerText(kampen, SECTION, 'common'));

  await kampen.getByRole('button', { name: 'Voorstellen als gemeenschappelijke tekst' }).click();
  await side(kampen).getByText('Kampen: voor').waitFor({ timeout: 15000 });

  for (const [name, code] of [['staphorst', 'GM0180'], ['steenwijkerland', 'GM1708'], ['zwartewaterland', 'GM1896']]) {
    const page = users[name].page;
    await openSection(page, SECTION, code);
    const approve = side(page).getByRole('button', { name: /^Instemmen met voorstel/ });
    await approve.waitFor({ timeout: 15000 });
    if (name === 'staphorst') {
      await noViolations(page, 'workspace with an open proposal');
      await screenshot(page, 'proposals');
    }
    await approve.click();
    if (name !== 'zwartewaterland') await side(page).getByText(`${{ staphorst: 'Staphorst', steenwijkerland: 'Steenwijkerland' }[name]}: voor`).waitFor({ timeout: 15000 });
  }

  // Accepted: the common text is Kampen's, and Kampen reads the common text again.
  for (const { page } of Object.values(users)) {
    await eventually(async () => (await layerText(page, SECTION, 'common')) === proposed, { message: 'the common text to be the proposed one' });
  }
  await eventually(async () => (await layerText(kampen, SECTION, 'GM0166')) === null, { message: "Kampen's override to be gone" });
  await side(kampen).getByText('Er zijn geen open voorstellen.').waitFor({ timeout: 15000 });

  // A change of the common text put to agreement, and rejected by one municipality.
  const staphorst = users.staphorst.page;
  await openSection(staphorst, 'werkgroep', 'common');
  const before = await layerText(staphorst, 'werkgroep', 'common');
  await staphorst.getByRole('button', { name: 'Wijziging voorstellen…' }).click();
  await staphorst.getByLabel('Voorgestelde tekst').fill(`${before}\n\nDe werkgroep komt vijf keer bijeen.`);
  await staphorst.getByRole('button', { name: 'Voorstel indienen' }).click();
  await side(staphorst).getByText(/wijziging van de gemeenschappelijke tekst/).waitFor({ timeout: 15000 });
  const zwl = users.zwartewaterland.page;
  const reject = side(zwl).getByRole('button', { name: /afwijzen…$/ });
  await reject.waitFor({ timeout: 15000 });
  // A rejection ends the proposal for all four: asked first, and "Annuleren" keeps it open.
  await reject.click();
  const ask = zwl.getByRole('dialog', { name: 'Voorstel afwijzen?' });
  await ask.getByText(/is het van de baan, ook voor de andere gemeenten/).waitFor({ timeout: 15000 });
  await noViolations(zwl, 'the question before a reject vote');
  await ask.getByRole('button', { name: 'Annuleren' }).click();
  assert.equal(await zwl.evaluate(() => document.activeElement.textContent), 'Afwijzen…');
  assert.equal(await side(staphorst).getByText('Er zijn geen open voorstellen.').count(), 0);
  await reject.click();
  await ask.getByRole('button', { name: 'Voorstel afwijzen' }).click();
  await side(staphorst).getByText('Er zijn geen open voorstellen.').waitFor({ timeout: 15000 });
  assert.equal(await layerText(staphorst, 'werkgroep', 'common'), before);

  for (const { page } of Object.values(users)) assert.deepEqual(page.pageErrors, []);
  await Promise.all(Object.values(users).map((u) => u.context.close()));
});

test('history of a section and named versions', async () => {
  const { context, page } = await newUserPage(browser, server);
  await signIn(page, 'kampen-coordinator');
  await openSection(page, 'bestuurlijke-rollen', 'common');
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText(' Vastgesteld in 2023.'); // one edit, one revision
  await eventually(() => page.evaluate(() => window.__samen.state().pending === 0), { message: 'the edit to be saved' });
  const revAfterEdit = await page.evaluate(() => window.__samen.state().rev);

  await page.getByRole('link', { name: 'Geschiedenis van deze sectie' }).click();
  const table = page.getByRole('table', { name: /Wijzigingen van „Bestuurlijke rollen”/ });
  await table.waitFor({ timeout: 15000 });
  await table.getByRole('row', { name: /Tekst bewerkt, gemeenschappelijke tekst/ }).first().waitFor({ timeout: 15000 });
  // One row per writing session: the newest is this edit, its revision only in the details.
  await table.getByRole('button', { name: /^Tekst bewerkt van .* bekijken$/ }).first().click();
  await page.getByRole('heading', { name: /^Tekst bewerkt(?: \(\d+ keer\))?: / }).waitFor({ timeout: 15000 });
  await page.locator('.samen-history-detail ins', { hasText: 'Vastgesteld in 2023.' }).waitFor({ timeout: 15000 });
  await page.locator('.samen-history-detail summary', { hasText: 'Details' }).click();
  await page.locator('.samen-history-detail details', { hasText: ` ${revAfterEdit}.` }).waitFor({ timeout: 15000 });

  // Name the current revision; it is listed, and the plan at it can be read.
  await page.getByLabel(/Naam van de versie/).fill('Concept voor de raden');
  await page.getByRole('button', { name: 'Versie benoemen' }).click();
  const versions = page.getByRole('table', { name: /Benoemde versies/ });
  await versions.getByRole('rowheader', { name: 'Concept voor de raden' }).waitFor({ timeout: 15000 });
  await noViolations(page, 'history and versions');
  await screenshot(page, 'history');
  await versions.getByRole('link', { name: /Plan van Kampen bij deze versie/ }).click();
  await page.getByText(/gold bij de versie „Concept voor de raden”/).waitFor({ timeout: 15000 });
  await page.getByText('Vastgesteld in 2023.', { exact: false }).first().waitFor({ timeout: 15000 });
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 15000 }),
    page.getByRole('button', { name: 'Markdown downloaden' }).click(),
  ]);
  const { readFile } = await import('node:fs/promises');
  assert.match(await readFile(await download.path(), 'utf8'), /Vastgesteld in 2023\./);

  // Compare that version with now after one more edit: only that section, side by side.
  await openSection(page, 'bestuurlijke-rollen', 'common');
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText(' Herzien in 2024.');
  await eventually(() => page.evaluate(() => window.__samen.state().pending === 0), { message: 'the edit to be saved' });
  await page.evaluate(() => { location.hash = '#/doc/startnotitie-ivp-2023/versies'; });
  await page.getByRole('link', { name: '„Concept voor de raden” vergelijken met nu' }).click();
  await page.getByText(/Het plan van Kampen: één sectie verschilt tussen „Concept voor de raden”/).waitFor({ timeout: 15000 });
  const compared = page.locator('section.samen-compare');
  assert.equal(await compared.count(), 1);
  await compared.getByRole('heading', { name: /Bestuurlijke rollen \(tekst gewijzigd\)/ }).waitFor();
  await compared.locator('ins', { hasText: 'Herzien in 2024.' }).waitFor();
  assert.equal(await compared.locator('del').count(), 0);
  await noViolations(page, 'compare versions');
  await screenshot(page, 'compare');

  // By date and time: the plan as it stood then (here: a minute from now, which is now).
  await page.getByLabel('Van', { exact: true }).selectOption({ label: 'Op datum en tijd…' });
  await page.getByRole('button', { name: 'Vergelijken' }).click();
  await page.getByText('Kies een datum en een tijd.').waitFor({ timeout: 15000 });
  const soon = await page.evaluate(() => {
    const d = new Date(Date.now() + 60_000);
    d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
    return d.toISOString().slice(0, 16);
  });
  await page.getByLabel('Van datum en tijd').fill(soon);
  await page.getByRole('button', { name: 'Vergelijken' }).click();
  await page.getByText(/Het plan van Kampen is bij de stand op .* en nu gelijk\./).waitFor({ timeout: 15000 });
  assert.match(await page.evaluate(() => location.hash), /\/vergelijk\/GM0166\/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}\/nu$/);
  await noViolations(page, 'compare by date');
  await page.goBack();
  await page.getByText(/Het plan van Kampen: één sectie verschilt/).waitFor({ timeout: 15000 });
  await page.setViewportSize({ width: 320, height: 800 });
  await screenshot(page, 'compare-320');

  assert.deepEqual(page.pageErrors, []);
  await context.close();
});
