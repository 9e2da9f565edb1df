// The workgroup: a coordinator changes the section tree (create, rename, move, delete, restore)
// and everyone sees it live; a participant follows another and goes where they go.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newUserPage, signIn, openSection, eventually, editorText, syncState } from './support.mjs';

let server;
let browser;
before(async () => {
  server = await startServer('workgroup');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const tree = (page) => page.getByRole('navigation', { name: 'Secties' });
const sectionTitles = (page) => page.evaluate(() =>
  [...document.querySelectorAll('.samen-tree__link')].map((a) => a.textContent));

test('section tree changes reach everyone', async () => {
  const coord = await newUserPage(browser, server);
  const editor = await newUserPage(browser, server);
  await signIn(coord.page, 'staphorst-coordinator');
  await signIn(editor.page, 'kampen-editor');
  await openSection(coord.page, 'werkgroep');
  await openSection(editor.page, 'inleiding');

  // An editor may not change the tree.
  assert.equal(await editor.page.getByRole('button', { name: 'Nieuwe sectie' }).count(), 0);
  assert.equal(await editor.page.getByRole('button', { name: /Naam wijzigen|Verwijderen/ }).count(), 0);

  // Create at the top level.
  await coord.page.getByRole('button', { name: 'Nieuwe sectie' }).click();
  const form = coord.page.getByRole('form', { name: 'Nieuwe sectie' });
  await form.getByLabel('Titel').fill('Evaluatie 2026');
  await form.getByRole('button', { name: 'Toevoegen' }).click();
  await tree(editor.page).getByRole('link', { name: 'Evaluatie 2026' }).waitFor({ timeout: 15000 });
  const titles = await sectionTitles(editor.page);
  assert.equal(titles[titles.length - 1], 'Evaluatie 2026');

  // Rename it.
  await tree(coord.page).getByRole('link', { name: 'Evaluatie 2026' }).click();
  await coord.page.getByRole('heading', { level: 1, name: 'Evaluatie 2026' }).waitFor({ timeout: 15000 });
  await coord.page.getByRole('button', { name: 'Naam wijzigen' }).click();
  await coord.page.getByLabel('Nieuwe titel').fill('Evaluatie en verantwoording 2026');
  await coord.page.getByRole('button', { name: 'Opslaan' }).click();
  await tree(editor.page).getByRole('link', { name: 'Evaluatie en verantwoording 2026' }).waitFor({ timeout: 15000 });

  // Move it up one place.
  await coord.page.getByRole('button', { name: 'Omhoog' }).click();
  await eventually(async () => {
    const t = await sectionTitles(editor.page);
    return t.indexOf('Evaluatie en verantwoording 2026') === t.length - 2;
  }, { message: 'the move to show for the editor' });

  // Text typed by the editor in it, then the coordinator deletes it and restores it.
  await openSection(editor.page, await coord.page.evaluate(() => location.hash.split('/')[4]));
  await editor.page.locator('.cm-content').click();
  await editor.page.keyboard.type('Wat we leerden.', { delay: 10 });
  await eventually(async () => (await syncState(editor.page)).pending === 0, { message: 'the text to be saved' });
  await coord.page.getByRole('button', { name: 'Verwijderen…' }).click();
  const ask = coord.page.getByRole('dialog', { name: /verwijderen\?$/ });
  await ask.getByText(/verdwijnt voor alle gemeenten/).waitFor({ timeout: 15000 });
  await ask.getByRole('button', { name: 'Verwijderen' }).click();
  await eventually(async () => !(await sectionTitles(editor.page)).includes('Evaluatie en verantwoording 2026'),
    { message: 'the section to disappear for the editor' });
  await coord.page.getByRole('button', { name: 'Evaluatie en verantwoording 2026 herstellen' }).click();
  await tree(editor.page).getByRole('link', { name: 'Evaluatie en verantwoording 2026' }).waitFor({ timeout: 15000 });
  await tree(editor.page).getByRole('link', { name: 'Evaluatie en verantwoording 2026' }).click();
  await eventually(async () => (await editorText(editor.page)) === 'Wat we leerden.', { message: 'the restored text' });

  // A local-only section of Staphorst: in Staphorst's state only.
  await coord.page.getByRole('button', { name: 'Nieuwe sectie' }).click();
  const local = coord.page.getByRole('form', { name: 'Nieuwe sectie' });
  await local.getByLabel('Titel').fill('Staphorster aanpak');
  await local.getByLabel('Lokale sectie, alleen voor Staphorst').check();
  await local.getByRole('button', { name: 'Toevoegen' }).click();
  await tree(editor.page).getByRole('link', { name: /Staphorster aanpak \(lokaal Staphorst\)/ }).waitFor({ timeout: 15000 });

  for (const p of [coord.page, editor.page]) assert.deepEqual(p.pageErrors, []);
  await Promise.all([coord.context.close(), editor.context.close()]);
});

test('following a participant', async () => {
  const leader = await newUserPage(browser, server);
  const follower = await newUserPage(browser, server);
  await signIn(leader.page, 'steenwijkerland-coordinator');
  await signIn(follower.page, 'zwartewaterland-editor');
  await openSection(leader.page, 'inleiding');
  await openSection(follower.page, 'randvoorwaarden');
  await leader.page.locator('.cm-content').click();

  const side = follower.page.getByRole('complementary', { name: 'Werkgroep en voorstellen' });
  await side.getByText('Marieke Kuipers').waitFor({ timeout: 15000 });
  await side.getByRole('button', { name: 'Volgen: Marieke Kuipers' }).click();
  await follower.page.getByRole('heading', { level: 1, name: 'Inleiding' }).waitFor({ timeout: 15000 });

  // The leader goes to another section and to Steenwijkerland's own text: the follower comes along.
  await leader.page.getByRole('navigation', { name: 'Secties' }).getByRole('link', { name: 'Werkgroep' }).click();
  await leader.page.getByRole('radio', { name: /Steenwijkerland/ }).check();
  await leader.page.getByRole('button', { name: 'Eigen versie maken voor Steenwijkerland' }).click();
  await leader.page.locator('.cm-content[contenteditable="true"]').click();
  await follower.page.getByRole('heading', { level: 1, name: 'Werkgroep' }).waitFor({ timeout: 15000 });
  await eventually(() => follower.page.evaluate(() => location.hash.endsWith('/werkgroep/GM1708')), { message: 'the follower to show the same layer' });
  await follower.page.getByRole('button', { name: 'Niet meer volgen: Marieke Kuipers' }).click();

  for (const p of [leader.page, follower.page]) assert.deepEqual(p.pageErrors, []);
  await Promise.all([leader.context.close(), follower.context.close()]);
});
