// The playground page: the editor, the presets, the problems list, the client-IP path, the rule
// docs and the shareable link. The lint runs in worker.js; nothing leaves the page.

import { basicSetup } from 'codemirror';
import { EditorView, Decoration } from '@codemirror/view';
import { EditorState, Annotation, StateField, StateEffect, Compartment } from '@codemirror/state';
import { yaml } from '@codemirror/lang-yaml';
import { HighlightStyle, syntaxHighlighting, defaultHighlightStyle } from '@codemirror/language';
import { setDiagnostics, lintGutter, forEachDiagnostic } from '@codemirror/lint';
import { renderManual, inline } from './markdown.js';
import { encodeState, decodeState } from './share.js';
import { renderTrace } from './trace-view.js';
import { changedLines } from './diff.js';
import { noticesFor, statusKind, noticeLabel, isNodeCountNotice } from './notices.js';
import presets from '../presets/index.json';
import texts from 'presets:texts';
import migration from 'presets:migration';
import { renderMigration, summary as migrationSummary } from './migrate-view.js';

const DEBOUNCE_MS = 120;
const $ = (id) => document.getElementById(id);

const state = {
  preset: presets[0].id,
  variant: 'problem', // or 'fixed'
  edited: false,
  rules: [],
  manuals: {},
  sent: 0, // the id of the newest lint request
  compareSent: 0, // the id of the newest before / after comparison
  shown: 0, // the id of the result on screen
  last: null, // the newest result: {report, trace, lintMs, traceMs, roundTripMs}
  stats: [], // round trips and Wasm times, newest last (the benchmark reads them)
  fixSent: 0, // the id of the newest "Fix all" request
  fixSummary: '', // what the last "Fix all" did, said once in the status line
  engineFixed: {}, // preset id → {text, clean, left}: the engine's fix of its problem version
};

/**
 * A preset's text. Its fixed version is the engine's (`--fix --unsafe-fixes`) where that leaves no
 * error or warning; else the hand-written one (no fix is mechanical for what is left).
 */
function presetText(id, variant) {
  const engine = state.engineFixed[id];
  if (variant === 'fixed' && engine?.clean) return engine.text;
  return texts[id][variant];
}

// ---------------------------------------------------------------- the worker

const worker = new Worker(new URL('worker.js', import.meta.url), { type: 'module' });
const sentAt = new Map();
const sentText = new Map(); // id → [text, nodes] of each request in flight
let readyResolve;
const ready = new Promise((r) => (readyResolve = r));

worker.onmessage = ({ data }) => {
  if (data.type === 'ready') {
    state.rules = data.rules;
    state.manuals = data.manuals;
    $('version').textContent = `v${data.version}`;
    fillRulePicker();
    worker.postMessage({ type: 'fix-presets', presets: presets.map((p) => ({ id: p.id, text: texts[p.id].problem, nodes: p.nodes ?? 3 })) });
    readyResolve();
  } else if (data.type === 'fatal') {
    setStatus(`the lint module did not load: ${data.error}`, 'bad');
  } else if (data.type === 'presets-fixed') {
    state.engineFixed = data.presets;
    renderPresetNote();
    document.body.dataset.presetsFixed = '1';
  } else if (data.type === 'fixed') {
    if (data.id !== state.fixSent) return;
    if (data.error) return setStatus(data.error, 'bad');
    state.fixSummary = data.summary;
    document.body.dataset.fixSummary = data.summary;
    if (data.text !== view.state.doc.toString()) {
      // A user edit (undo takes it back), so the preset counts as edited.
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: data.text }, userEvent: 'input.fix' });
    }
  } else if (data.type === 'migrated') {
    if (data.id === state.compareSent) showMigration(data);
  } else if (data.type === 'result') {
    const roundTripMs = performance.now() - sentAt.get(data.id);
    const [text, nodes] = sentText.get(data.id);
    sentAt.delete(data.id);
    sentText.delete(data.id);
    // Drop a result older than one on screen, or computed for a text that has changed since.
    if (data.id < state.shown || data.id !== state.sent) return;
    state.shown = data.id;
    showResult({ ...data, roundTripMs, text, nodes });
  }
};

function nodesValue() {
  const n = parseInt($('nodes').value, 10);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function requestLint() {
  const id = ++state.sent;
  const text = view.state.doc.toString();
  const nodes = nodesValue();
  sentAt.set(id, performance.now());
  sentText.set(id, [text, nodes]);
  worker.postMessage({ type: 'lint', id, text, nodes });
  requestCompare();
}

// ---------------------------------------------------------------- before / after

/** Compares the OLD manifests of the Before / after pane with the editor's (NEW), if any. */
function requestCompare() {
  const before = $('before').value;
  const id = ++state.compareSent;
  if (!before.trim()) {
    $('migration').replaceChildren();
    document.body.dataset.migrateId = String(id);
    return;
  }
  worker.postMessage({ type: 'migrate', id, before, text: view.state.doc.toString(), nodes: nodesValue() });
}

function showMigration(data) {
  const pane = $('migration');
  if (data.error) {
    pane.textContent = data.error;
  } else {
    pane.innerHTML = renderMigration(data.report);
    pane.dataset.summary = migrationSummary(data.report);
  }
  document.body.dataset.migrateId = String(data.id);
}

let compareTimer = 0;
$('before').addEventListener('input', () => {
  clearTimeout(compareTimer);
  compareTimer = setTimeout(() => {
    compareTimer = 0;
    requestCompare();
  }, DEBOUNCE_MS);
});
$('migrate-example').addEventListener('click', () => {
  $('before').value = migration.before;
  setText(migration.after);
  markEdited();
});

let timer = 0;
function scheduleLint() {
  clearTimeout(timer);
  timer = setTimeout(() => {
    timer = 0;
    requestLint();
  }, DEBOUNCE_MS);
}

// ---------------------------------------------------------------- the editor

// The editor's colours come from style.css: its variables change with prefers-color-scheme, and
// its `#editor .cm-…` rules restyle CodeMirror's in the dark scheme. The darkTheme compartment
// below switches CodeMirror's own dark defaults (selection, cursor) with the scheme.
const theme = EditorView.theme({
  '&': { height: '100%', fontSize: '13px' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.55' },
  '.cm-gutters': { background: 'var(--gutter)', borderRight: '1px solid var(--line)' },
  '.cm-tooltip.cm-tooltip-lint': { maxWidth: 'min(560px, calc(100vw - 16px))' },
});

// CodeMirror's default syntax colours, each through a CSS variable of style.css (same colour in
// the light scheme, a readable one on the dark background).
const TOKEN_VARS = {
  '#404740': '--tok-meta',
  '#708': '--tok-keyword',
  '#219': '--tok-atom',
  '#164': '--tok-literal',
  '#a11': '--tok-string',
  '#e40': '--tok-regexp',
  '#00f': '--tok-def',
  '#30a': '--tok-local',
  '#085': '--tok-type',
  '#167': '--tok-class',
  '#256': '--tok-special',
  '#00c': '--tok-property',
  '#940': '--tok-comment',
  '#f00': '--tok-invalid',
};
const highlight = HighlightStyle.define(
  defaultHighlightStyle.specs.map((spec) => (spec.color && TOKEN_VARS[spec.color] ? { ...spec, color: `var(${TOKEN_VARS[spec.color]}, ${spec.color})` } : spec)),
);

// The editor follows prefers-color-scheme, as the page does.
const darkQuery = window.matchMedia('(prefers-color-scheme: dark)');
const scheme = new Compartment();
const schemeExtension = () => EditorView.darkTheme.of(darkQuery.matches);

const programmatic = Annotation.define(); // text the page set, not the user

// The lines a preset's fix changes: pale red in the problem version, green in the fixed one.
const setFixLines = StateEffect.define();
const fixLines = StateField.define({
  create: () => Decoration.none,
  update(deco, tr) {
    deco = deco.map(tr.changes);
    for (const e of tr.effects) if (e.is(setFixLines)) deco = e.value;
    return deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

function markFixLines(lines, variant) {
  const doc = view.state.doc;
  const mark = Decoration.line({ class: variant === 'fixed' ? 'cm-fix-added' : 'cm-fix-removed' });
  const deco = Decoration.set(lines.filter((n) => n <= doc.lines).map((n) => mark.range(doc.line(n).from)), true);
  view.dispatch({ effects: setFixLines.of(deco) });
}

const view = new EditorView({
  parent: $('editor'),
  state: EditorState.create({
    doc: '',
    extensions: [
      basicSetup,
      yaml(),
      lintGutter(),
      fixLines,
      theme,
      syntaxHighlighting(highlight),
      scheme.of(schemeExtension()),
      EditorView.updateListener.of((update) => {
        if (!update.docChanged) return;
        if (!update.transactions.some((t) => t.annotation(programmatic))) markEdited();
        scheduleLint();
      }),
    ],
  }),
});

darkQuery.addEventListener('change', () => view.dispatch({ effects: scheme.reconfigure(schemeExtension()) }));

/** Scrolls the page (a narrow screen stacks the panels) so that `el` is in view; nothing when it already is. */
function reveal(el, minVisible = 80) {
  const r = el.getBoundingClientRect();
  if (r.top < 0 || r.top > window.innerHeight - minVisible) el.scrollIntoView({ block: 'start' });
}

function setText(text) {
  view.dispatch({
    changes: { from: 0, to: view.state.doc.length, insert: text },
    effects: setFixLines.of(Decoration.none),
    selection: { anchor: 0 },
    scrollIntoView: true,
    annotations: programmatic.of(true),
  });
}

// The cursor to the start of a place (not a selection: selecting `3` would mark every other `3`).
function jumpTo(from) {
  const max = view.state.doc.length;
  view.dispatch({
    selection: { anchor: Math.min(from, max) },
    effects: EditorView.scrollIntoView(Math.min(from, max), { y: 'center' }),
  });
  reveal(view.dom);
  view.focus();
}

function markEdited() {
  if (state.edited) return;
  state.edited = true;
  renderPresetNote();
}

// ---------------------------------------------------------------- results

function setStatus(text, kind = '') {
  const el = $('status');
  el.textContent = text;
  el.className = `status ${kind}`;
}

function messageDom(d) {
  const root = document.createElement('div');
  root.className = 'tip';
  root.innerHTML =
    `<div class="tip-head"><span class="sev ${d.severity}">${d.severity}</span> ` +
    `<button type="button" class="rule-link" data-rule="${d.rule}">${d.rule}</button></div>` +
    `<div class="tip-msg">${inline(d.message)}</div>` +
    `<div class="tip-help"><b>help:</b> ${inline(d.help)}</div>` +
    (d.fix ? `<div class="tip-help"><b>${d.fix.applicability === 'display-only' ? 'suggested fix' : 'fix'}</b> (${FIX_KIND[d.fix.applicability]}): ${inline(d.fix.title)}</div>` : '') +
    `<div class="tip-docs"><button type="button" class="rule-link" data-rule="${d.rule}">Read the rule's docs</button> · ` +
    `<a href="${d.url}" target="_blank" rel="noopener noreferrer">docs/rules.md</a></div>`;
  return root;
}

function showResult(result) {
  state.last = result;
  if (result.error) {
    view.dispatch(setDiagnostics(view.state, []));
    setStatus(result.error, 'bad');
    return;
  }
  const renderStart = performance.now();
  const { report } = result;
  const len = view.state.doc.length;
  const diagnostics = report.diagnostics
    .filter((d) => d.file === 'manifest.yaml')
    .map((d) => {
      const from = Math.min(d.from, len);
      const to = Math.min(Math.max(d.to, from), len);
      return {
        from,
        to,
        severity: d.severity,
        source: d.rule,
        message: `${d.message}\nhelp: ${d.help}`,
        renderMessage: () => messageDom(d),
        actions: [
          ...(d.fix && d.fix.applicability !== 'display-only' ? [{ name: `💡 ${d.fix.title}`, apply: () => applyFix(d) }] : []),
          { name: 'Docs', apply: () => openDocs(d.rule) },
        ],
      };
    });
  view.dispatch(setDiagnostics(view.state, diagnostics));
  const fixable = (a) => report.diagnostics.filter((d) => d.fix?.applicability === a).length;
  const [safe, risky] = [fixable('safe'), fixable('unsafe')];
  $('fix-safe').disabled = safe === 0;
  $('fix-safe').textContent = `Fix all safe (${safe})`;
  $('fix-unsafe').disabled = safe + risky === 0;
  $('fix-unsafe').textContent = `Fix all, incl. unsafe (${safe + risky})`;
  const notices = noticesFor(report, { nodes: result.nodes, text: result.text });
  renderList(report, notices);
  $('trace').replaceChildren(renderTrace(result.trace, { jump: jumpTo, openDocs }));
  const s = report.summary;
  const unsaid = notices.map((n) => ` · ${noticeLabel(n)}`).join('');
  const fixed = state.fixSummary ? `${state.fixSummary} · ` : '';
  state.fixSummary = '';
  setStatus(
    `${fixed}${s.objects} object${s.objects === 1 ? '' : 's'} · ${s.error} error${s.error === 1 ? '' : 's'}, ${s.warning} warning${s.warning === 1 ? '' : 's'}, ${s.info} info` +
      unsaid +
      ` · linted in ${result.roundTripMs.toFixed(1)} ms (Wasm lint ${result.lintMs.toFixed(1)} ms, trace ${result.traceMs.toFixed(1)} ms)`,
    statusKind(s, notices),
  );
  document.body.dataset.lintId = String(state.shown);
  state.stats.push({ id: state.shown, roundTripMs: result.roundTripMs, lintMs: result.lintMs, traceMs: result.traceMs, renderMs: performance.now() - renderStart });
  if (state.stats.length > 1000) state.stats.shift();
}

/** A run-level notice (what was not checked, and how to settle it), above the findings. */
function noticeItem(n) {
  const li = document.createElement('li');
  li.className = 'run-notice';
  li.dataset.notice = n.id;
  li.innerHTML =
    `<div class="diag-head"><span class="sev notice">notice</span><span class="notice-id">${inline(n.id)}</span></div>` +
    `<div class="diag-msg">${inline(n.message)}</div>` +
    (n.detail ? `<div class="diag-help">${inline(n.detail)}</div>` : '') +
    (n.help ? `<div class="diag-help">${inline(n.help)}</div>` : '') +
    (isNodeCountNotice(n) ? `<button type="button" class="notice-action">Type the node count</button>` : '');
  li.querySelector('.notice-action')?.addEventListener('click', () => {
    reveal($('nodes'));
    $('nodes').focus();
  });
  return li;
}

function renderList(report, notices = []) {
  const list = $('diagnostics');
  const s = report.summary;
  $('counts').innerHTML =
    `<span class="count error">${s.error}</span><span class="count warning">${s.warning}</span><span class="count info">${s.info}</span>`;
  const head = notices.map(noticeItem);
  if (!report.diagnostics.length) {
    // "No problems found" only when every rule could run; otherwise say what the rules that ran found
    const empty = document.createElement('li');
    empty.className = 'empty';
    empty.textContent = notices.length
      ? 'No finding from the rules that ran. The path below shows where the client IP goes.'
      : 'No problems found. The path below shows where the client IP goes.';
    list.replaceChildren(...head, empty);
    return;
  }
  list.replaceChildren(
    ...head,
    ...report.diagnostics.map((d) => {
      const li = document.createElement('li');
      li.className = `diag ${d.severity}`;
      li.dataset.rule = d.rule;
      li.dataset.line = String(d.start.line);
      li.tabIndex = 0;
      const obj = d.object ? `${d.object.kind} ${d.object.namespace ? d.object.namespace + '/' : ''}${d.object.name}` : '';
      li.innerHTML =
        `<div class="diag-head"><span class="sev ${d.severity}">${d.severity}</span>` +
        `<button type="button" class="rule-link" data-rule="${d.rule}">${d.rule}</button>` +
        `<span class="where">line ${d.start.line}:${d.start.column}</span></div>` +
        `<div class="diag-msg">${inline(d.message)}</div>` +
        `<div class="diag-help">${inline(d.help)}</div>` +
        (obj ? `<div class="diag-obj">${inline(obj)}</div>` : '') +
        (!d.fix
          ? ''
          : d.fix.applicability === 'display-only'
            ? `<div class="diag-fix suggestion">Suggested fix, needs your judgement: ${inline(d.fix.title)}</div>`
            : `<div class="diag-fix"><button type="button" class="fix-one" data-applicability="${d.fix.applicability}">💡 ${inline(d.fix.title)}</button><span class="fix-kind">${FIX_KIND[d.fix.applicability]}</span></div>`);
      li.dataset.fix = d.fix ? d.fix.applicability : '';
      const go = () => jumpTo(d.from);
      li.querySelector('.fix-one')?.addEventListener('click', (e) => {
        e.stopPropagation();
        applyFix(d);
      });
      li.addEventListener('click', (e) => {
        if (!e.target.closest('.rule-link') && !e.target.closest('.fix-one')) go();
      });
      li.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') go();
      });
      return li;
    }),
  );
}

// ---------------------------------------------------------------- rule docs

function fillRulePicker() {
  const picker = $('rule-picker');
  picker.replaceChildren(
    ...state.rules.map((r) => {
      const o = document.createElement('option');
      o.value = r.name;
      o.textContent = `${r.name} (${r.severity})`;
      return o;
    }),
  );
  showManual(state.rules[0].name);
}

function showManual(rule) {
  $('rule-picker').value = rule;
  const el = $('manual');
  el.dataset.rule = rule;
  el.innerHTML = renderManual(state.manuals[rule] ?? `unknown rule ${rule}`);
}

function openDocs(rule) {
  showManual(rule);
  selectTab('docs');
  $('manual').scrollTop = 0;
  $('docs').scrollTop = 0;
  reveal(document.querySelector('.lower'));
}

function selectTab(name) {
  for (const b of document.querySelectorAll('.tab')) b.classList.toggle('active', b.dataset.tab === name);
  for (const p of document.querySelectorAll('.tabpane')) p.hidden = p.dataset.pane !== name;
}

document.addEventListener('click', (e) => {
  const link = e.target.closest('.rule-link');
  if (link) {
    e.preventDefault();
    e.stopPropagation();
    openDocs(link.dataset.rule);
  }
});
$('rule-picker').addEventListener('change', (e) => showManual(e.target.value));
for (const b of document.querySelectorAll('.tab')) b.addEventListener('click', () => selectTab(b.dataset.tab));

// ---------------------------------------------------------------- presets

function presetById(id) {
  return presets.find((p) => p.id === id);
}

function renderPresetNote() {
  const p = presetById(state.preset);
  const note = $('preset-note');
  $('show-problem').classList.toggle('active', !!p && state.variant === 'problem' && !state.edited);
  $('show-fix').classList.toggle('active', !!p && state.variant === 'fixed' && !state.edited);
  $('show-problem').disabled = $('show-fix').disabled = !p;
  if (!p) {
    note.innerHTML = `<span class="tag">your manifest</span> Paste manifests on the left: Services, workloads, ingress controllers, Gateways, Nodes.`;
    return;
  }
  const edited = state.edited ? ' <span class="tag edited">edited</span>' : '';
  // Whose fix "Show the fix" shows: the engine's, or the hand-written one where no fix is mechanical.
  const engine = state.engineFixed[p.id];
  const whose = !engine
    ? ''
    : engine.clean
      ? ' <span class="tag engine" data-fix="engine">written by the engine: <code>--fix --unsafe-fixes</code></span>'
      : ` <span class="tag manual" data-fix="hand">written by hand: no fix is mechanical for ${engine.left.map((r) => `<code>${r}</code>`).join(', ')}; it needs your judgement</span>`;
  note.innerHTML =
    state.variant === 'problem'
      ? `<span class="tag problem">problem</span> <b>${inline(p.title)}.</b> ${inline(p.summary)}${edited} <span class="hint">The fix: ${inline(p.fix)} <span class="swatch removed"></span> where it goes.</span>`
      : `<span class="tag fixed">fixed</span> <b>${inline(p.title)}.</b> ${inline(p.fix)}${edited}${whose} <span class="hint"><span class="swatch added"></span> the lines the fix changed.</span>`;
}

function loadPreset(id, variant) {
  const p = presetById(id);
  state.preset = id;
  state.variant = variant;
  state.edited = false;
  $('preset').value = id;
  $('nodes').value = String(p.nodes ?? 3);
  renderPresetNote();
  setText(presetText(id, variant));
  // the manifest lines the fix changes (the comments that explain each version differ too)
  const diff = changedLines(presetText(id, 'problem'), presetText(id, 'fixed'));
  const lines = presetText(id, variant).split('\n');
  const marked = variant === 'fixed' ? diff.b : [...new Set([...diff.a, ...diff.after])];
  markFixLines(marked.filter((n) => !/^\s*#/.test(lines[n - 1])), variant);
}

function fillPresetPicker() {
  const picker = $('preset');
  const options = presets.map((p) => {
    const o = document.createElement('option');
    o.value = p.id;
    o.textContent = p.title;
    return o;
  });
  const custom = document.createElement('option');
  custom.value = '';
  custom.textContent = '— your own manifest —';
  picker.replaceChildren(...options, custom);
}

$('preset').addEventListener('change', (e) => {
  if (e.target.value) loadPreset(e.target.value, 'problem');
  else {
    state.preset = null;
    state.edited = false;
    renderPresetNote();
    setText('# Paste Kubernetes manifests here.\n');
  }
});
$('show-problem').addEventListener('click', () => state.preset && loadPreset(state.preset, 'problem'));
$('show-fix').addEventListener('click', () => state.preset && loadPreset(state.preset, 'fixed'));
$('nodes').addEventListener('input', scheduleLint);

// ---------------------------------------------------------------- fixes

/** Applies one finding's fix to the editor, when the finding is of the text on screen. */
function applyFix(d) {
  if (!state.last || state.last.text !== view.state.doc.toString()) return;
  const changes = d.fix.edits.filter((e) => e.file === 'manifest.yaml').map((e) => ({ from: e.from, to: e.to, insert: e.text }));
  view.dispatch({ changes, userEvent: 'input.fix' });
}

/** "Fix all": the engine's fix loop over the editor's text, as `--fix` (or with unsafe fixes). */
function fixAll(mode) {
  const id = ++state.fixSent;
  worker.postMessage({ type: 'fix', id, text: view.state.doc.toString(), nodes: nodesValue(), mode });
}
$('fix-safe').addEventListener('click', () => fixAll('safe'));
$('fix-unsafe').addEventListener('click', () => fixAll('unsafe'));

/** How a fix is named: safe, changes behaviour, or a suggestion that needs judgement. */
const FIX_KIND = { safe: 'safe', unsafe: 'changes behaviour on purpose', 'display-only': 'a suggestion: review it' };

// ---------------------------------------------------------------- sharing

$('share').addEventListener('click', async () => {
  const hash = await encodeState({
    v: 1,
    text: view.state.doc.toString(),
    nodes: nodesValue() ?? null,
    preset: state.preset,
    variant: state.variant,
    edited: state.edited,
    // The Before / after tab's OLD manifests, when there are any.
    ...($('before').value ? { before: $('before').value } : {}),
  });
  const url = location.href.replace(/#.*$/, '') + hash;
  history.replaceState(null, '', hash);
  const field = $('share-url');
  field.value = url;
  field.hidden = false;
  field.select();
  let copied = false;
  try {
    await navigator.clipboard.writeText(url);
    copied = true;
  } catch {
    // no clipboard permission (an insecure origin, a headless browser): the field shows the link
  }
  $('share').textContent = copied ? 'Link copied' : 'Link below';
  setTimeout(() => ($('share').textContent = 'Share link'), 2000);
});

async function restore() {
  let shared = null;
  try {
    shared = await decodeState(location.hash);
  } catch (e) {
    setStatus(`the link's state could not be read: ${e.message}`, 'bad');
  }
  fillPresetPicker();
  if (shared && typeof shared.text === 'string') {
    state.preset = shared.preset && presetById(shared.preset) ? shared.preset : null;
    state.variant = shared.variant === 'fixed' ? 'fixed' : 'problem';
    state.edited = !!shared.edited;
    $('preset').value = state.preset ?? '';
    $('nodes').value = shared.nodes ? String(shared.nodes) : '';
    renderPresetNote();
    $('before').value = typeof shared.before === 'string' ? shared.before : '';
    setText(shared.text);
    if ($('before').value) selectTab('migrate');
  } else {
    loadPreset(presets[0].id, 'problem');
  }
}

window.addEventListener('hashchange', restore);
restore();

// For tests and the benchmark: read-only views of what the page shows.
window.playground = {
  ready,
  view,
  presets,
  get shownId() {
    return state.shown;
  },
  get sentId() {
    return state.sent;
  },
  get last() {
    return state.last;
  },
  get stats() {
    return state.stats;
  },
  /** True when what the page shows is the lint of the editor's text and node count as they are. */
  settled() {
    const r = state.last;
    const compared = !compareTimer && (state.compareSent === 0 || document.body.dataset.migrateId === String(state.compareSent));
    return !timer && compared && state.shown === state.sent && !!r && r.text === view.state.doc.toString() && r.nodes === nodesValue();
  },
  /** The diagnostics in the editor's lint state: rule, 1-based line, and the text they cover. */
  editorDiagnostics() {
    const out = [];
    forEachDiagnostic(view.state, (d, from, to) =>
      out.push({ rule: d.source, severity: d.severity, line: view.state.doc.lineAt(from).number, text: view.state.sliceDoc(from, to) }),
    );
    return out;
  },
};
