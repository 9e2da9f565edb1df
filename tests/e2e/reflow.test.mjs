// Reflow (WCAG 2.1 1.4.10) and text spacing (1.4.12): the workspace and the read views at 320 CSS
// px (a phone, and 400 % zoom of a 1280 px window), at 640 px (200 %) and at 1024 px. Narrow, the
// section tree and the side panel are drawers and the editor has (almost) the whole width; no page
// scrolls sideways; axe finds nothing, with a drawer open too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newUserPage, signIn, openSection, axe, formatViolations, screenshot, DOC, noViolations } from './support.mjs';

let server;
let browser;
before(async () => {
  server = await startServer('reflow');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});


/** How far the page scrolls sideways, in CSS px (0 when it reflows). */
const sideways = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** The editor's width as a share of the window's. */
const editorShare = (page) => page.evaluate(() =>
  document.querySelector('.samen-editor').getBoundingClientRect().width / document.documentElement.clientWidth);

/** What a hidden overflow cuts off: elements whose text does not fit their box. */
const clipped = (page) => page.evaluate(() => {
  const out = [];
  for (const el of document.querySelectorAll('#app *')) {
    if (el.closest('.samen-visually-hidden, .cm-editor') || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    const hides = (o) => o === 'hidden' || o === 'clip';
    if ((hides(style.overflowX) && el.scrollWidth > el.clientWidth + 1) ||
        (hides(style.overflowY) && el.scrollHeight > el.clientHeight + 1)) {
      out.push(`${el.tagName.toLowerCase()}.${el.className}: ${el.textContent.slice(0, 40)}`);
    }
  }
  return out;
});

for (const [width, height, name] of [[320, 256, '400 % of 1280 px'], [390, 844, 'a phone'], [640, 512, '200 % of 1280 px']]) {
  test(`the workspace at ${width} px (${name}): drawers, a wide editor, nothing sideways, no axe violations`, async () => {
    const { context, page } = await newUserPage(browser, server, { width, height });
    await signIn(page, 'kampen-coordinator');
    assert.equal(await sideways(page), 0, 'the document list scrolls sideways');
    if (width === 320) {
      await page.getByRole('region', { name: 'Sinds uw laatste bezoek' }).getByText(/Er wacht|Loopt achter|Gewijzigd/).first().waitFor({ timeout: 15000 });
      await screenshot(page, 'documents-320', { fullPage: true });
    }
    await openSection(page, 'inleiding', 'common');
    await page.getByRole('heading', { level: 1, name: 'Inleiding' }).waitFor({ timeout: 15000 });

    // Tree and side are out of the way; the editor takes at least 90 % of the width.
    assert.equal(await page.getByRole('navigation', { name: 'Secties' }).isVisible(), false);
    assert.equal(await page.getByRole('complementary', { name: 'Werkgroep en voorstellen' }).isVisible(), false);
    assert.ok(await editorShare(page) >= 0.9, `the editor is ${(await editorShare(page) * 100).toFixed(0)} % of the width`);
    assert.equal(await sideways(page), 0, 'the workspace scrolls sideways');
    await noViolations(page, `workspace at ${width} px`);
    if (width === 320) {
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, 'workspace-320', { fullPage: true });
    }

    // The tree's drawer: open, choose a section, and the drawer closes on the chosen section.
    const treeToggle = page.getByRole('button', { name: 'Secties', exact: true });
    assert.equal(await treeToggle.getAttribute('aria-expanded'), 'false');
    await treeToggle.click();
    assert.equal(await treeToggle.getAttribute('aria-expanded'), 'true');
    const tree = page.getByRole('navigation', { name: 'Secties' });
    await tree.waitFor({ state: 'visible', timeout: 15000 });
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Secties sluiten');
    await noViolations(page, `section drawer at ${width} px`);
    if (width === 320) await screenshot(page, 'workspace-320-secties');
    await tree.getByRole('link', { name: 'Uitgangspunten' }).click();
    await page.getByRole('heading', { level: 1, name: 'Uitgangspunten' }).waitFor({ timeout: 15000 });
    assert.equal(await tree.isVisible(), false, 'the drawer stays open after a section was chosen');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'sectie-titel');

    // The side's drawer: Escape closes it and gives the focus back to its button.
    const sideToggle = page.getByRole('button', { name: 'Werkgroep en voorstellen', exact: true });
    await sideToggle.click();
    const side = page.getByRole('complementary', { name: 'Werkgroep en voorstellen' });
    await side.getByRole('heading', { name: 'Werkgroep' }).waitFor({ state: 'visible', timeout: 15000 });
    await noViolations(page, `side drawer at ${width} px`);
    await page.keyboard.press('Escape');
    assert.equal(await side.isVisible(), false);
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Werkgroep en voorstellen');

    // Typing still works at this width.
    await page.locator('.cm-content').click();
    await page.keyboard.type('Smal ');
    assert.deepEqual(page.pageErrors, []);
    await context.close();
  });
}

test('at 1024 px the tree stays a column and only the side is a drawer', async () => {
  const { context, page } = await newUserPage(browser, server, { width: 1024, height: 768 });
  await signIn(page, 'kampen-coordinator');
  await openSection(page, 'inleiding', 'common');
  assert.equal(await page.getByRole('navigation', { name: 'Secties' }).isVisible(), true);
  assert.equal(await page.getByRole('button', { name: 'Secties', exact: true }).isVisible(), false);
  assert.equal(await page.getByRole('complementary', { name: 'Werkgroep en voorstellen' }).isVisible(), false);
  assert.ok(await editorShare(page) >= 0.6, 'the editor has most of the width');
  assert.equal(await sideways(page), 0);
  await noViolations(page, 'workspace at 1024 px');
  await context.close();
});

test('the read views reflow at 320 px', async () => {
  const { context, page } = await newUserPage(browser, server, { width: 320, height: 256 });
  await signIn(page, 'kampen-coordinator');
  for (const [hash, ready, screen] of [
    [`#/doc/${DOC}/plan`, () => page.getByText('Het plan zoals het voor Kampen geldt').waitFor({ timeout: 15000 }), 'plan'],
    [`#/doc/${DOC}/matrix`, () => page.getByRole('table').first().waitFor({ timeout: 15000 }), 'matrix'],
    [`#/doc/${DOC}/versies`, () => page.getByRole('heading', { level: 1 }).waitFor({ timeout: 15000 }), 'history'],
  ]) {
    await page.evaluate((h) => { location.hash = h; }, hash);
    await ready();
    assert.equal(await sideways(page), 0, `${screen} scrolls sideways at 320 px`);
    await noViolations(page, `${screen} at 320 px`);
    if (screen === 'history') await screenshot(page, 'history-320', { fullPage: true });
  }
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

// WCAG 1.4.12: with the spacing a user may set (line height 1.5, paragraphs 2×, letters 0.12×,
// words 0.16× the font size), nothing is cut off and nothing scrolls sideways.
// Added as rules to the page's own style sheet: the Content-Security-Policy refuses a new <style>,
// as it should, and a user's style sheet or bookmarklet is what the criterion has in mind.
const textSpacing = (page) => page.evaluate(() => {
  const sheet = [...document.styleSheets].find((s) => s.href);
  sheet.insertRule('* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }', sheet.cssRules.length);
  sheet.insertRule('p { margin-bottom: 2em !important; }', sheet.cssRules.length);
});

for (const [width, height] of [[1280, 800], [320, 256]]) {
  test(`text spacing (WCAG 1.4.12) at ${width} px cuts nothing off`, async () => {
    const { context, page } = await newUserPage(browser, server, { width, height });
    await signIn(page, 'kampen-coordinator');
    await openSection(page, 'stap-3-prioritering-oktober-2022', 'GM0166');
    await page.getByText('Kampen heeft hier een eigen versie.').waitFor({ timeout: 15000 });
    await textSpacing(page);
    assert.deepEqual(await clipped(page), [], 'text cut off in the workspace');
    assert.equal(await sideways(page), 0);
    if (width < 900) await page.getByRole('button', { name: 'Secties', exact: true }).click();
    assert.deepEqual(await clipped(page), [], 'text cut off in the section tree');
    assert.deepEqual(page.pageErrors, []);
    await context.close();
  });
}
