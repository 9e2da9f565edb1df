// Helpers for the end-to-end tests: a real samen-server with demo data on a free loopback port,
// headless Chromium (Debian's, through playwright-core), sign-in, bounded polling, axe-core and
// screenshots.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const require = createRequire(import.meta.url);

export const config = {
  server: process.env.SAMEN_SERVER ?? path.join(root, 'build/release/server/app/samen-server'),
  dist: process.env.SAMEN_WEB_DIST ?? path.join(root, 'client/web/dist'),
  scratch: process.env.SAMEN_E2E_SCRATCH ?? path.join(root, 'build/e2e-scratch'),
  screenshots: process.env.SAMEN_SCREENSHOTS_DIR ?? null,
  chromium: process.env.SAMEN_CHROMIUM ?? '/usr/bin/chromium',
};

export const DOC = 'startnotitie-ivp-2023';
export const PASSWORD = 'samen-demo';

/** Polls `fn` until it returns a truthy value; fails after `timeout` ms with `message`. */
export async function eventually(fn, { timeout = 15000, interval = 100, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
      last = value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${message} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * Starts samen-server --demo on a fresh data directory (or on `data`, at `port`, to start it
 * again); returns {url, port, data, stop({keepData})}.
 */
export async function startServer(name, { data: reuse, port = 0 } = {}) {
  if (!existsSync(path.join(config.dist, 'index.html'))) {
    throw new Error(`no web client in ${config.dist}: run \`npm run build\` in client/web first`);
  }
  if (!existsSync(config.server)) throw new Error(`no samen-server at ${config.server}`);
  mkdirSync(config.scratch, { recursive: true });
  const data = reuse ?? mkdtempSync(path.join(config.scratch, `${name}-`));
  const child = spawn(config.server, ['--demo', '--data', data, '--port', String(port), '--bind', '127.0.0.1', '--static', config.dist],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`samen-server did not start in 20 s:\n${output}`)), 20000);
    const onData = (chunk) => {
      output += chunk;
      const m = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/?$/, '/'));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`samen-server exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    data,
    async stop({ keepData = false } = {}) {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
        await exited;
        clearTimeout(timer);
      }
      if (!keepData) rmSync(data, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  if (!existsSync(config.chromium)) throw new Error(`no Chromium at ${config.chromium}`);
  return chromium.launch({ executablePath: config.chromium, args: ['--no-sandbox'] });
}

/**
 * A new browser context with one page; errors on the page fail the test at the end. The server's
 * Content-Security-Policy holds (no bypass): every violation the page reports is kept in
 * `page.cspViolations`, across navigations, and counts as a page error too.
 */
export async function newUserPage(browser, server, { width = 1440, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, baseURL: server.url });
  const page = await context.newPage();
  page.pageErrors = [];
  page.cspViolations = [];
  page.on('pageerror', (e) => page.pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource|WebSocket/.test(m.text())) page.pageErrors.push(m.text());
  });
  await page.exposeFunction('__samenCspViolation', (text) => {
    page.cspViolations.push(text);
    page.pageErrors.push(`CSP violation: ${text}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__samenCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber} (${e.sample})`);
    }, true);
  });
  return { context, page };
}

/** Signs in through the sign-in form and waits for the document list. */
export async function signIn(page, user) {
  await page.goto('/');
  await page.getByLabel('Gebruikersnaam').fill(user);
  await page.getByLabel('Wachtwoord').fill(PASSWORD);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.getByRole('heading', { name: 'Documenten', level: 1 }).waitFor({ timeout: 15000 });
}

/** Opens a section and layer of the demo document and waits until it is live. */
export async function openSection(page, section, layer = 'common') {
  await page.evaluate(([doc, s, l]) => { location.hash = `#/doc/${doc}/s/${s}/${l}`; }, [DOC, section, layer]);
  await eventually(() => page.evaluate(() => window.__samen.state().phase === 'live'),
    { message: 'the document to be live' });
  await page.locator('.cm-content').waitFor({ timeout: 15000 });
}

export const editorText = (page) => page.evaluate(() => window.__samen.editorText());
export const layerText = (page, section, layer) =>
  page.evaluate(([s, l]) => window.__samen.layerText(s, l), [section, layer]);
export const syncState = (page) => page.evaluate(() => window.__samen.state());

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA) on the page; returns its violations. axe is evaluated
 * through the DevTools protocol: an inline <script> would be refused by the page's
 * Content-Security-Policy, as it should be.
 */
export async function axe(page) {
  if (!(await page.evaluate(() => !!window.axe))) {
    await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  }
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  return result.violations;
}

/** Fails the test, naming `screen`, when axe finds any violation on the page. */
export async function noViolations(page, screen) {
  const violations = await axe(page);
  assert.deepEqual(violations.map((v) => v.id), [], `${screen}:\n${formatViolations(violations)}`);
}

export function formatViolations(violations) {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.slice(0, 5).map((n) => `  ${n.target.join(' ')}: ${n.failureSummary}`).join('\n')}`).join('\n');
}

/** Saves a screenshot (of the window, or the whole page) as <name>.png in SAMEN_SCREENSHOTS_DIR, or in the scratch dir. */
export async function screenshot(page, name, { fullPage = false } = {}) {
  const dir = config.screenshots ?? path.join(config.scratch, 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage });
}
