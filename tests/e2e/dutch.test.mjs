// Dutch everywhere: every refusal of the server reaches the user in Dutch words of the client's own
// (the server's English `message` never shows), empty fields are said in Dutch beside the field
// (no browser bubble), and an address naming no section says so instead of opening another one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newUserPage, signIn, openSection, eventually, layerText, DOC } from './support.mjs';

let server;
let browser;
before(async () => {
  server = await startServer('dutch');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

// Words of the server's messages and of Chromium's bubbles that Dutch text never has.
const english = /\b(the|may|must|cannot|already|please|field|failed|fill out|not found|forbidden|bytes|request|layer|votes?|text of)\b/i;

/** Fails when the page says anything in English, or a field would show the browser's bubble. */
async function allDutch(page, where) {
  const text = await page.evaluate(() => document.body.innerText);
  const hit = text.split('\n').find((line) => english.test(line));
  assert.equal(hit, undefined, `English in the page (${where}): ${hit}`);
  const bubbles = await page.evaluate(() => [...document.querySelectorAll('input, textarea, select')]
    .filter((el) => el.validationMessage && !el.closest('form')?.noValidate).map((el) => `${el.id}: ${el.validationMessage}`));
  assert.deepEqual(bubbles, [], `a browser bubble would show (${where})`);
}

test('empty titles are said in Dutch beside the field, and server refusals in Dutch words', async () => {
  const { context, page } = await newUserPage(browser, server);
  await signIn(page, 'admin');

  // A new document without a title: said beside the title field.
  await page.getByLabel('Kenmerk').fill('leeg-document');
  await page.getByRole('button', { name: 'Document maken' }).click();
  await page.getByText('Geef het document een titel.').waitFor({ timeout: 15000 });
  assert.equal(await page.getByLabel('Titel', { exact: true }).last().getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'nieuw-doc-titel');
  await allDutch(page, 'new document without a title');

  // A document whose kenmerk exists: the server's `conflict`, in Dutch.
  await page.getByLabel('Kenmerk').fill(DOC);
  await page.locator('#nieuw-doc-titel').fill('Nog een startnotitie');
  await page.getByRole('button', { name: 'Document maken' }).click();
  await page.getByText('Er is al een document met dit kenmerk.').waitFor({ timeout: 15000 });
  await allDutch(page, 'a document that exists');

  // A new section without a title.
  await openSection(page, 'inleiding');
  await page.getByRole('button', { name: 'Nieuwe sectie' }).click();
  const form = page.getByRole('form', { name: 'Nieuwe sectie' });
  await form.getByRole('button', { name: 'Toevoegen' }).click();
  await form.getByText('Geef de sectie een titel.').waitFor({ timeout: 15000 });
  await allDutch(page, 'new section without a title');
  await form.getByLabel('Titel').fill('Nieuwe paragraaf');
  assert.equal(await form.getByText('Geef de sectie een titel.').count(), 0, 'the message stays after typing');

  // A named version that exists already.
  await page.getByRole('link', { name: 'Geschiedenis en versies' }).click();
  const name = page.getByLabel(/Naam van de versie/);
  await page.getByRole('button', { name: 'Versie benoemen' }).click();
  await page.getByText('Geef de versie een naam.').waitFor({ timeout: 15000 });
  await name.fill('Eerste lezing');
  await page.getByRole('button', { name: 'Versie benoemen' }).click();
  await page.getByText('De huidige stand heet nu „Eerste lezing”.').waitFor({ timeout: 15000 });
  await name.fill('Eerste lezing');
  await page.getByRole('button', { name: 'Versie benoemen' }).click();
  await page.getByText('Er is al een versie met deze naam.').waitFor({ timeout: 15000 });
  await allDutch(page, 'a version name that exists');

  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

test('a text over the server\'s limit is refused in Dutch, and kept for the user', async () => {
  const { context, page } = await newUserPage(browser, server);
  await signIn(page, 'kampen-coordinator');
  await openSection(page, 'stap-3-prioritering-oktober-2022', 'GM0166');
  const before = await layerText(page, 'stap-3-prioritering-oktober-2022', 'GM0166');
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+End');
  // 1.1 MiB in one paste: more than a layer may hold (docs/protocol.md, Limits).
  await page.keyboard.insertText('Veiligheid '.repeat(105_000));
  await page.getByRole('heading', { name: 'Niet verzonden tekst' }).waitFor({ timeout: 30000 });
  await page.getByText(/De wijziging is geweigerd: (De tekst is te lang|Dat is te groot)/).first().waitFor({ timeout: 15000 });
  await eventually(async () => (await layerText(page, 'stap-3-prioritering-oktober-2022', 'GM0166')) === before,
    { message: 'the layer to be as it was' });
  await allDutch(page, 'a text that is too long');
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

test('an address naming no section says so, and typing lands nowhere', async () => {
  const { context, page } = await newUserPage(browser, server);
  await signIn(page, 'kampen-coordinator');
  await openSection(page, 'inleiding');
  const inleiding = await layerText(page, 'inleiding', 'common');
  await page.evaluate((doc) => { location.hash = `#/doc/${doc}/s/inleidnig/common`; }, DOC);
  await page.getByRole('heading', { level: 1, name: 'Deze sectie bestaat niet' }).waitFor({ timeout: 15000 });
  await page.getByText('Het adres noemt een sectie „inleidnig” die dit document niet heeft.').waitFor({ timeout: 15000 });
  assert.equal(await page.locator('.samen-editor').isVisible(), false, 'an editor is shown for a section that does not exist');
  assert.match(await page.evaluate(() => location.hash), /\/s\/inleidnig\//, 'the address was changed');
  await page.keyboard.type('Dit mag nergens landen.');
  assert.equal(await layerText(page, 'inleiding', 'common'), inleiding);
  await allDutch(page, 'an unknown section');
  await page.getByRole('link', { name: 'Naar „Inleiding”' }).click();
  await page.getByRole('heading', { level: 1, name: 'Inleiding' }).waitFor({ timeout: 15000 });
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});
