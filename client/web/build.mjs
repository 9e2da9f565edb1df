// Builds the web client into dist/: index.html and the bundled, content-hashed app script and
// styles under dist/assets/, each with its brotli (.br) and gzip (.gz) twin, which the server
// sends to browsers that take them (docs/decisions/0016-precompressed-assets.md). Everything the
// app needs is in the bundle: nothing is loaded from elsewhere at run time.
import * as esbuild from 'esbuild';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');
await rm(dist, { recursive: true, force: true });
await mkdir(path.join(dist, 'assets'), { recursive: true });

const result = await esbuild.build({
  entryPoints: { app: path.join(here, 'src/main.js'), style: path.join(here, 'src/styles.css') },
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  minify: true,
  sourcemap: true,
  outdir: path.join(dist, 'assets'),
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  loader: { '.woff2': 'file', '.woff': 'file', '.svg': 'dataurl', '.png': 'file' },
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => path.basename(p));
const js = outputs.find((f) => f.startsWith('app-') && f.endsWith('.js'));
const css = outputs.find((f) => f.startsWith('style-') && f.endsWith('.css'));
if (!js || !css) throw new Error(`build: missing output (${outputs.join(', ')})`);
const html = (await readFile(path.join(here, 'src/index.html'), 'utf8'))
  .replace('__JS__', js)
  .replace('__CSS__', css);
await writeFile(path.join(dist, 'index.html'), html);

// Compressed once here, at the highest levels, instead of on every answer. index.html is not:
// the server puts a fresh nonce in it per answer.
const compressible = /\.(js|css|map|svg|json)$/;
let plain = 0;
let brotli = 0;
for (const name of await readdir(path.join(dist, 'assets'))) {
  if (!compressible.test(name)) continue;
  const file = path.join(dist, 'assets', name);
  const data = await readFile(file);
  const br = zlib.brotliCompressSync(data, { params: {
    [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
    [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
  } });
  const gz = zlib.gzipSync(data, { level: zlib.constants.Z_BEST_COMPRESSION });
  // A twin only where it is smaller; the server sends the file itself otherwise.
  if (br.length < data.length) await writeFile(`${file}.br`, br);
  if (gz.length < data.length) await writeFile(`${file}.gz`, gz);
  if (!name.endsWith('.map')) {
    plain += data.length;
    brotli += Math.min(br.length, data.length);
  }
}
const kb = (n) => `${Math.round(n / 1024)} KB`;
console.log(`web client built: dist/index.html, assets/${js}, assets/${css} (${kb(plain)}, ${kb(brotli)} with brotli)`);
