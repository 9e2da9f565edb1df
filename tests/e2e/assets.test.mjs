// The web client's files as they travel: the build's brotli and gzip twins sent to whoever takes
// them (Chromium takes brotli), the same bytes once decoded, and cache headers that let a browser
// keep the content-hashed assets for a year and ask again for the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { startServer, launchBrowser, newUserPage, config } from './support.mjs';

let server;
let browser;
before(async () => {
  server = await startServer('assets');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('Chromium gets the script and the styles brotli-compressed, cacheable for a year', async () => {
  const { context, page } = await newUserPage(browser, server);
  const answers = new Map();
  page.on('response', async (r) => answers.set(new URL(r.url()).pathname, { headers: await r.allHeaders(), status: r.status() }));
  await page.goto('/');
  await page.getByRole('heading', { name: 'Inloggen bij Samen' }).waitFor({ timeout: 15000 });

  const assets = [...answers.keys()].filter((p) => /^\/assets\/(app|style)-.*\.(js|css)$/.test(p));
  assert.equal(assets.length, 2, `the script and the styles: ${[...answers.keys()].join(', ')}`);
  for (const p of assets) {
    const { headers, status } = answers.get(p);
    assert.equal(status, 200, p);
    assert.equal(headers['content-encoding'], 'br', p);
    assert.equal(headers.vary, 'Accept-Encoding', p);
    assert.equal(headers['cache-control'], 'public, max-age=31536000, immutable', p);
  }
  const pageHeaders = answers.get('/').headers;
  assert.equal(pageHeaders['cache-control'], 'no-cache');
  assert.equal(pageHeaders['content-encoding'], undefined);
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

test('each coding decodes to the very bytes of the build, and a client taking none gets them plain', async () => {
  const html = await (await fetch(`${server.url}/`)).text();
  const names = [...html.matchAll(/\/assets\/([\w.-]+\.(?:js|css))/g)].map((m) => m[1]);
  assert.equal(names.length, 2, html);
  for (const name of names) {
    const original = await readFile(path.join(config.dist, 'assets', name));
    for (const [accept, encoding, decode] of [
      ['br', 'br', zlib.brotliDecompressSync],
      ['gzip', 'gzip', zlib.gunzipSync],
      ['identity', undefined, (b) => b],
    ]) {
      // node's fetch would decode by itself and hide what came; the raw bytes are read instead.
      const res = await rawGet(`${server.url}/assets/${name}`, accept);
      assert.equal(res.status, 200, `${name} (${accept})`);
      assert.equal(res.headers['content-encoding'], encoding, `${name} (${accept})`);
      assert.ok(decode(res.body).equals(original), `${name} (${accept}) decodes to the build's bytes`);
      if (encoding) assert.ok(res.body.length < original.length / 2, `${name} (${accept}) is ${res.body.length} of ${original.length} bytes`);
    }
  }
});

/** GET with one Accept-Encoding, the body as it came on the wire. */
async function rawGet(url, acceptEncoding) {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { 'Accept-Encoding': acceptEncoding } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.setTimeout(15000, () => req.destroy(new Error('no answer in 15 s')));
    req.on('error', reject);
  });
}
