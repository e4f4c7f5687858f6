// `npm run build`: bundles the playground into dist/ (static files only): index.html, style.css,
// app.js (the page), worker.js (the lint, in a module worker) and the Wasm module, copied as it is
// from ../pkg/web (the committed build; this never rebuilds it). `node build.mjs DIR` builds into
// DIR instead (the tests build one per browser, so test files can run in parallel).
import { build } from 'esbuild';
import { mkdir, copyFile, readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = process.argv[2] ? resolve(process.argv[2]) : join(here, 'dist');
const presetsDir = join(here, 'presets');

/** `presets:texts`: every preset's problem and fixed manifest, as text, by preset id. */
const presetTexts = {
  name: 'preset-texts',
  setup(b) {
    b.onResolve({ filter: /^presets:texts$/ }, () => ({ path: 'texts', namespace: 'presets' }));
    b.onLoad({ filter: /.*/, namespace: 'presets' }, async () => {
      const index = JSON.parse(await readFile(join(presetsDir, 'index.json'), 'utf8'));
      const texts = {};
      const watchFiles = [join(presetsDir, 'index.json')];
      for (const { id } of index) {
        texts[id] = {};
        for (const variant of ['problem', 'fixed']) {
          const file = join(presetsDir, `${id}.${variant}.yaml`);
          texts[id][variant] = await readFile(file, 'utf8');
          watchFiles.push(file);
        }
      }
      return { contents: `export default ${JSON.stringify(texts)};`, loader: 'js', watchFiles };
    });
  },
};

/** `presets:migration`: the README's worked example of `migrate` (`examples/migrate`), OLD and NEW. */
const migrationExample = {
  name: 'migration-example',
  setup(b) {
    b.onResolve({ filter: /^presets:migration$/ }, () => ({ path: 'migration', namespace: 'migration' }));
    b.onLoad({ filter: /.*/, namespace: 'migration' }, async () => {
      const dir = join(here, '../../examples/migrate');
      const files = { before: join(dir, 'old/ingress-nginx.yaml'), after: join(dir, 'new/gateway.yaml') };
      const texts = {};
      for (const [k, f] of Object.entries(files)) texts[k] = await readFile(f, 'utf8');
      return { contents: `export default ${JSON.stringify(texts)};`, loader: 'js', watchFiles: Object.values(files) };
    });
  },
};

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await build({
  entryPoints: { app: join(here, 'src/main.js'), worker: join(here, 'src/worker.js') },
  outdir: dist,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  plugins: [presetTexts, migrationExample],
  logLevel: 'warning',
});
await copyFile(join(here, 'src/index.html'), join(dist, 'index.html'));
await copyFile(join(here, 'src/style.css'), join(dist, 'style.css'));
await copyFile(join(here, '../pkg/web/realip_lint_wasm_bg.wasm'), join(dist, 'realip_lint_wasm_bg.wasm'));
console.log(`built ${dist}`);
