// The lint runs here, off the main thread: the Wasm module (`wasm/pkg/web`, as committed) is
// loaded once; each request is linted and traced, and its byte offsets are mapped to the
// editor's UTF-16 offsets. Requests that queue up while one runs are dropped but the newest.

import init, { lint, trace, migrate, fix, rules, explain, version } from '../../pkg/web/realip_lint_wasm.js';
import { utf16Offsets } from './positions.js';

const FILE = 'manifest.yaml';

/** Every `{start, end}` place in `value` (diagnostics, related places, hops, verdicts). */
function places(value, found = []) {
  if (Array.isArray(value)) for (const v of value) places(v, found);
  else if (value && typeof value === 'object') {
    if (value.start && value.end && typeof value.start.offset === 'number') found.push(value);
    for (const v of Object.values(value)) if (v && typeof v === 'object') places(v, found);
  }
  return found;
}

/** Adds `from` and `to` (UTF-16 offsets into `text`) to every place of this file. */
function addEditorOffsets(text, ...values) {
  const all = values.flatMap((v) => places(v)).filter((p) => p.file === FILE || p.file === undefined);
  const mapped = utf16Offsets(text, all.flatMap((p) => [p.start.offset, p.end.offset]));
  all.forEach((p, i) => {
    p.from = mapped[2 * i];
    p.to = mapped[2 * i + 1];
  });
}

function run({ id, text, nodes }) {
  const request = { files: [{ name: FILE, text }] };
  if (Number.isInteger(nodes) && nodes > 0) request.nodes = nodes;
  try {
    const t0 = performance.now();
    const json = lint(request);
    const t1 = performance.now();
    const traced = trace(request);
    const t2 = performance.now();
    const report = JSON.parse(json);
    const paths = JSON.parse(traced);
    addEditorOffsets(text, report.diagnostics, paths.entries);
    postMessage({ type: 'result', id, report, trace: paths, lintMs: t1 - t0, traceMs: t2 - t1 });
  } catch (e) {
    postMessage({ type: 'result', id, error: String(e && e.message ? e.message : e) });
  }
}

/** Before / after: what the migration from `before` (OLD) to `text` (NEW, the editor) does. */
function compare({ id, before, text, nodes }) {
  const request = { before: [{ name: 'before.yaml', text: before }], after: [{ name: FILE, text }] };
  if (Number.isInteger(nodes) && nodes > 0) request.nodes = nodes;
  try {
    const result = migrate(request);
    postMessage({ type: 'migrated', id, report: JSON.parse(result.output), exitCode: result.exitCode });
  } catch (e) {
    postMessage({ type: 'migrated', id, error: String(e && e.message ? e.message : e) });
  }
}

/** `fix()` over the editor's text: what `--fix` (mode safe) or `--fix --unsafe-fixes` writes. */
function fixText({ id, text, nodes, mode }) {
  const request = { files: [{ name: FILE, text }], mode };
  if (Number.isInteger(nodes) && nodes > 0) request.nodes = nodes;
  try {
    const result = fix(request);
    postMessage({ type: 'fixed', id, text: result.files[0]?.text ?? text, fixed: result.fixed, summary: result.summary });
  } catch (e) {
    postMessage({ type: 'fixed', id, error: String(e && e.message ? e.message : e) });
  }
}

/**
 * Each preset's problem version fixed by the engine (`--fix --unsafe-fixes`), and whether that
 * leaves no error or warning: then the engine's fix is the preset's "Show the fix", else the
 * hand-written one, with the rules no fix is mechanical for.
 */
function fixPresets({ presets }) {
  const out = {};
  for (const p of presets) {
    try {
      const result = fix({ files: [{ name: FILE, text: p.text }], nodes: p.nodes, mode: 'unsafe' });
      const left = JSON.parse(result.report).diagnostics.filter((d) => d.severity !== 'info');
      out[p.id] = { text: result.files[0]?.text ?? p.text, clean: left.length === 0 && result.fixed.length > 0, left: [...new Set(left.map((d) => d.rule))] };
    } catch (e) {
      out[p.id] = { clean: false, left: [], error: String(e) };
    }
  }
  postMessage({ type: 'presets-fixed', presets: out });
}

let pending = null;
let pendingCompare = null;
let scheduled = false;
const ready = init({ module_or_path: new URL('realip_lint_wasm_bg.wasm', self.location.href) }).then(() => {
  const list = rules();
  postMessage({ type: 'ready', version: version(), rules: list, manuals: Object.fromEntries(list.map((r) => [r.name, explain(r.name)])) });
});
ready.catch((e) => postMessage({ type: 'fatal', error: String(e) }));

self.onmessage = (event) => {
  if (event.data.type === 'fix') return void ready.then(() => fixText(event.data));
  if (event.data.type === 'fix-presets') return void ready.then(() => fixPresets(event.data));
  if (event.data.type === 'migrate') pendingCompare = event.data;
  else if (event.data.type === 'lint') pending = event.data; // a newer request replaces one not started yet: its result would be stale
  else return;
  if (scheduled) return;
  scheduled = true;
  ready.then(() =>
    setTimeout(() => {
      scheduled = false;
      const next = pending;
      pending = null;
      if (next) run(next);
      const other = pendingCompare;
      pendingCompare = null;
      if (other) compare(other);
    }, 0),
  );
};
