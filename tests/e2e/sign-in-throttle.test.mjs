// Too many wrong passwords: the server makes the next attempt wait (429 with Retry-After), and the
// sign-in form says so in words, in its alert. A server of its own: its throttle holds the address
// every test signs in from.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newUserPage } from './support.mjs';

let server;
let browser;
before(async () => {
  server = await startServer('sign-in-throttle');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('after five wrong passwords the form says how long to wait', async () => {
  const { context, page } = await newUserPage(browser, server);
  await page.goto('/');
  const alert = page.getByRole('alert');
  for (let i = 1; i <= 5; i++) {
    await page.getByLabel('Gebruikersnaam').fill('kampen-editor');
    await page.getByLabel('Wachtwoord').fill(`fout-${i}`);
    await page.getByRole('button', { name: 'Inloggen' }).click();
    await alert.getByText('Onjuiste gebruikersnaam of wachtwoord.').waitFor({ timeout: 15000 });
    await page.evaluate(() => { document.querySelector('[role="alert"]').replaceChildren(); });
  }
  await page.getByLabel('Wachtwoord').fill('samen-demo');
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await alert.getByText(/^Te veel mislukte pogingen\. Probeer het over \d+ seconden? opnieuw\.$/).waitFor({ timeout: 15000 });
  assert.deepEqual(page.cspViolations, []);
  await context.close();
});
