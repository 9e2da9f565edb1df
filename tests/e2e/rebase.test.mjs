// Kampen's coordinator diverges a section; Staphorst's editor changes the same words of the common
// text; Kampen sees the override stale with what changed, rebases, resolves the conflict by
// editing, and commits: the override holds the resolution and is no longer stale.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newUserPage, signIn, openSection, eventually, editorText, layerText, syncState, screenshot, axe, formatViolations, noViolations } from './support.mjs';

let server;
let browser;
before(async () => {
  server = await startServer('rebase');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const SECTION = 'bestuurlijke-rollen';

/** Replaces the first word of the editor's text by typing. */
async function replaceFirstWord(page, word) {
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('Control+Shift+ArrowRight');
  await page.keyboard.type(word, { delay: 10 });
}

test('a stale override is rebased with a conflict resolved by hand', async () => {
  const kampen = await newUserPage(browser, server);
  const staphorst = await newUserPage(browser, server);
  await signIn(kampen.page, 'kampen-coordinator');
  await signIn(staphorst.page, 'staphorst-editor');

  // Kampen inherits the section, then makes its own version and changes its first word.
  await openSection(kampen.page, SECTION, 'GM0166');
  await kampen.page.getByText('Kampen volgt hier de gemeenschappelijke tekst').waitFor({ timeout: 15000 });
  await kampen.page.getByRole('button', { name: 'Eigen versie maken voor Kampen' }).click();
  await kampen.page.getByText('Kampen heeft hier een eigen versie.').waitFor({ timeout: 15000 });
  const original = await layerText(kampen.page, SECTION, 'common');
  assert.match(original, /^De gemeenteraad/);
  await replaceFirstWord(kampen.page, 'Onze');
  await eventually(async () => (await editorText(kampen.page)).startsWith('Onze gemeenteraad') && (await syncState(kampen.page)).pending === 0,
    { message: "Kampen's override to be saved" });

  // Staphorst changes the same word in the common text.
  await openSection(staphorst.page, SECTION, 'common');
  await replaceFirstWord(staphorst.page, 'Elke');
  await eventually(async () => (await editorText(staphorst.page)).startsWith('Elke gemeenteraad') && (await syncState(staphorst.page)).pending === 0,
    { message: "Staphorst's edit to be saved" });

  // Kampen sees the stale notice, with what changed in the common text.
  const notice = kampen.page.getByRole('region', { name: /Verouderd/ });
  await notice.waitFor({ timeout: 15000 });
  await notice.locator('del', { hasText: 'De' }).waitFor({ timeout: 15000 });
  await notice.locator('ins', { hasText: 'Elke' }).waitFor({ timeout: 15000 });
  await kampen.page.getByRole('navigation', { name: 'Secties' }).getByText('Kampen: Eigen versie, verouderd').first().waitFor({ timeout: 15000 });
  await screenshot(kampen.page, 'stale');

  // Rebase: one conflict, resolved with an own wording.
  await kampen.page.getByRole('button', { name: 'Samenvoegen…' }).click();
  const form = kampen.page.getByRole('form', { name: /Samenvoegen/ });
  await form.waitFor({ timeout: 15000 });
  await form.getByRole('group', { name: 'Conflict 1 van 1' }).waitFor({ timeout: 15000 });
  await form.getByLabel('Eigen formulering').fill('Iedere');
  const expected = original.replace(/^De/, 'Iedere');
  assert.equal(await form.getByLabel('Resultaat').inputValue(), expected);
  const violations = await axe(kampen.page);
  assert.deepEqual(violations, [], formatViolations(violations));
  await form.getByRole('button', { name: 'Samenvoegen opslaan' }).click();

  // The override holds the resolution and is no longer stale, here and for everyone.
  await eventually(async () => (await layerText(kampen.page, SECTION, 'GM0166')) === expected, { message: 'the override to hold the resolution' });
  await eventually(async () => (await editorText(kampen.page)) === expected, { message: "Kampen's editor to show the resolution" });
  await kampen.page.getByText('Kampen heeft hier een eigen versie.').waitFor({ timeout: 15000 });
  assert.equal(await kampen.page.getByRole('region', { name: /Verouderd/ }).count(), 0);
  await eventually(async () => (await layerText(staphorst.page, SECTION, 'GM0166')) === expected, { message: 'Staphorst to see the resolution' });

  const fresh = await newUserPage(browser, server);
  await signIn(fresh.page, 'kampen-viewer');
  await openSection(fresh.page, SECTION, 'GM0166');
  await eventually(async () => (await editorText(fresh.page)) === expected, { message: 'a fresh load to show the resolution' });
  await fresh.page.getByRole('navigation', { name: 'Secties' }).getByText('Kampen: Eigen versie').first().waitFor({ timeout: 15000 });
  assert.equal(await fresh.page.getByRole('navigation', { name: 'Secties' }).getByText('Kampen: Eigen versie, verouderd').count(), 0);

  for (const p of [kampen.page, staphorst.page, fresh.page]) assert.deepEqual(p.pageErrors, []);
  await Promise.all([kampen.context.close(), staphorst.context.close(), fresh.context.close()]);
});

/** Replaces the editor's whole text (one paste: the client sends only the words that changed). */
async function replaceAll(page, text) {
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
  await eventually(async () => (await editorText(page)) === text && (await syncState(page)).pending === 0,
    { message: 'the text to be saved' });
}

test('the case of the werkgroep: nothing is garbled or dropped, both kept, the result edited before it is saved', async () => {
  const S = 'jeugd-en-veiligheid';
  const tail = ' en -criminaliteit vragen om een gezamenlijke aanpak van gemeenten, politie en jongerenwerk.';
  const kampen = await newUserPage(browser, server);
  const staphorst = await newUserPage(browser, server);
  await signIn(kampen.page, 'kampen-coordinator');
  await signIn(staphorst.page, 'staphorst-editor');

  await openSection(staphorst.page, S, 'common');
  await replaceAll(staphorst.page, `Jeugdoverlast${tail}`);
  await openSection(kampen.page, S, 'GM0166');
  await kampen.page.getByRole('button', { name: 'Eigen versie maken voor Kampen' }).click();
  await kampen.page.getByText('Kampen heeft hier een eigen versie.').waitFor({ timeout: 15000 });
  await replaceAll(kampen.page, `Jongerenoverlast${tail}\n\nIn Kampen werkt het jongerenwerk vanuit de wijkteams.`);
  await replaceAll(staphorst.page, `Overlast door jeugd${tail} Ook schoolverzuim hoort hierbij.`);

  // The notice shows what the common text did since Kampen's version was made.
  const notice = kampen.page.getByRole('region', { name: /Verouderd/ });
  await notice.locator('ins', { hasText: 'schoolverzuim' }).waitFor({ timeout: 15000 });
  await notice.locator('del', { hasText: 'Jeugdoverlast' }).waitFor({ timeout: 15000 });
  await kampen.page.getByRole('button', { name: 'Samenvoegen…' }).click();
  const form = kampen.page.getByRole('form', { name: /Samenvoegen/ });
  const first = form.getByRole('group', { name: 'Conflict 1 van 2' });
  const second = form.getByRole('group', { name: 'Conflict 2 van 2' });
  await first.waitFor({ timeout: 15000 });
  const result = form.getByLabel(/^Resultaat/);

  // By default Kampen's word stands and both appended texts are kept, the common one first.
  assert.equal(await second.getByRole('radio', { name: /^Beide/ }).isChecked(), true);
  assert.equal(await result.inputValue(),
    `Jongerenoverlast${tail} Ook schoolverzuim hoort hierbij.\n\nIn Kampen werkt het jongerenwerk vanuit de wijkteams.`);
  // The common text's rewrite is taken whole: never " door jeugd" beside Kampen's word.
  await first.getByRole('radio', { name: /^Gemeenschappelijke tekst/ }).check();
  assert.equal(await result.inputValue(),
    `Overlast door jeugd${tail} Ook schoolverzuim hoort hierbij.\n\nIn Kampen werkt het jongerenwerk vanuit de wijkteams.`);
  await first.getByRole('radio', { name: /^Beide/ }).check();
  assert.match(await result.inputValue(), /^Overlast door jeugd Jongerenoverlast en/);
  await first.getByRole('radio', { name: /^Eigen tekst van Kampen/ }).check();
  await noViolations(kampen.page, 'the rebase form with two conflicts');
  await screenshot(kampen.page, 'rebase');
  await kampen.page.setViewportSize({ width: 320, height: 800 });
  await noViolations(kampen.page, 'the rebase form at 320 px');
  await form.evaluate((el) => el.scrollIntoView());
  await screenshot(kampen.page, 'rebase-320');
  await kampen.page.setViewportSize({ width: 1440, height: 900 });

  // The whole result is edited freely before it is saved.
  const edited = `Jongerenoverlast${tail} Ook schoolverzuim hoort hierbij.\n\nIn Kampen werkt het jongerenwerk vanuit de wijkteams en de scholen.`;
  await result.fill(edited);
  await form.getByText('U hebt het resultaat zelf aangepast').waitFor({ timeout: 15000 });
  await form.getByRole('button', { name: 'Samenvoegen opslaan' }).click();
  await eventually(async () => (await layerText(kampen.page, S, 'GM0166')) === edited, { message: 'the override to hold the edited result' });
  await eventually(async () => (await layerText(staphorst.page, S, 'GM0166')) === edited, { message: 'Staphorst to see it' });
  assert.equal(await kampen.page.getByRole('region', { name: /Verouderd/ }).count(), 0);

  for (const p of [kampen.page, staphorst.page]) assert.deepEqual(p.pageErrors, []);
  await Promise.all([kampen.context.close(), staphorst.context.close()]);
});

