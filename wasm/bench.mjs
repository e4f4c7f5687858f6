// The Wasm module's share of scripts/bench.sh: lint every .yaml/.yml/.json file under a folder as
// one run with the committed, optimised module in Node, best of three, as realip-lint-bench does
// natively. Prints one JSON line with "seconds".
//   node wasm/bench.mjs <dir> [rounds]
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const wasm = require('./pkg/node/realip_lint_wasm.js');

const [dir, rounds = '3'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node wasm/bench.mjs <dir> [rounds]');
  process.exit(2);
}
const files = [];
(function walk(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (/\.(ya?ml|json)$/.test(e.name)) files.push({ name: p, bytes: fs.readFileSync(p) });
  }
})(dir);
const bytes = files.reduce((n, f) => n + f.bytes.length, 0);
let best = Infinity;
let objects = 0;
for (let i = 0; i < Number(rounds); i++) {
  const start = process.hrtime.bigint();
  objects = JSON.parse(wasm.lint({ files })).summary.objects;
  best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
}
console.log(JSON.stringify({ mode: 'wasm', files: files.length, bytes, seconds: Number(best.toFixed(4)), mb_per_s: Number((bytes / 1e6 / best).toFixed(1)), units: objects }));
