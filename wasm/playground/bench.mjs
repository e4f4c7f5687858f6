// `npm run bench`: how long a re-lint takes in the browser for a 1,000-line manifest. Loads the
// built page in Debian's chromium, pastes the manifest (the presets' problem versions, repeated
// in namespaces of their own), then makes N one-character edits and reports the medians of:
// the worker round trip (request posted → result back on the main thread), the Wasm lint and
// trace alone (timed inside the worker), and the rendering of the result (editor markers, list,
// path). A figure, not a test: nothing is asserted on time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { launch, settled, root } from './browser.mjs';

const N = Number(process.env.EDITS ?? 30);
const presets = JSON.parse(readFileSync(join(root, 'presets/index.json'), 'utf8'));

function manifest(lines) {
  const docs = [];
  let count = 0;
  for (let k = 1; count < lines; k++) {
    for (const p of presets) {
      const text = readFileSync(join(root, `presets/${p.id}.problem.yaml`), 'utf8').replace(/namespace: ([a-z0-9-]+)/g, `namespace: $1-${k}`);
      docs.push(text.trimEnd());
      count += text.trimEnd().split('\n').length + 1;
      if (count >= lines) break;
    }
  }
  return docs.join('\n---\n') + '\n# edit\n';
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const text = manifest(1000);
const browser = await launch();
try {
  const page = await browser.context.newPage();
  await page.goto(browser.url);
  await settled(page);
  await page.evaluate((t) => {
    const v = window.playground.view;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: t } });
  }, text);
  await settled(page, 60000);
  const first = await page.evaluate(() => ({ ...window.playground.stats.at(-1), summary: window.playground.last.report.summary, lines: window.playground.view.state.doc.lines }));
  const runs = [];
  for (let i = 0; i < N; i++) {
    // one keystroke's worth of change at the end of the last comment line
    await page.evaluate((i) => {
      const v = window.playground.view;
      const end = v.state.doc.length - 1;
      v.dispatch({ changes: { from: end, insert: String(i % 10) } });
    }, i);
    await settled(page, 60000);
    runs.push(await page.evaluate(() => window.playground.stats.at(-1)));
  }
  const s = first.summary;
  console.log(`manifest: ${first.lines} lines, ${text.length} characters, ${s.objects} objects, ${s.error + s.warning + s.info} diagnostics`);
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(await browser.context.browser()?.version()) ?? 'chromium'} headless`);
  console.log(`first lint (cold module): round trip ${first.roundTripMs.toFixed(1)} ms, Wasm lint ${first.lintMs.toFixed(1)} ms, trace ${first.traceMs.toFixed(1)} ms`);
  console.log(`re-lint, median of ${N} edits:`);
  console.log(`  worker round trip   ${median(runs.map((r) => r.roundTripMs)).toFixed(1)} ms   (posted → result on the main thread; the 120 ms debounce comes before it)`);
  console.log(`  Wasm lint alone     ${median(runs.map((r) => r.lintMs)).toFixed(1)} ms`);
  console.log(`  Wasm trace alone    ${median(runs.map((r) => r.traceMs)).toFixed(1)} ms`);
  console.log(`  rendering           ${median(runs.map((r) => r.renderMs)).toFixed(1)} ms   (markers, list, path, on the main thread)`);
  console.log(`  slowest round trip  ${Math.max(...runs.map((r) => r.roundTripMs)).toFixed(1)} ms`);
} finally {
  await browser.close();
}
