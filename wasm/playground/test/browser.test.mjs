// The playground in a real browser: Debian's chromium, driven by playwright-core. Builds dist/,
// serves it on a free port, and fails on any
// request off the server's origin, on any page error and on any console error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { launch, settled, root } from '../browser.mjs';
import { lowContrast, contrastRatio } from '../page-checks.mjs';

const wasm = createRequire(import.meta.url)('../../pkg/node/realip_lint_wasm.js');
const presets = JSON.parse(readFileSync(join(root, 'presets/index.json'), 'utf8'));
const handWritten = (id, variant) => readFileSync(join(root, `presets/${id}.${variant}.yaml`), 'utf8');
/**
 * The engine's fix of a preset's problem version (`--fix --unsafe-fixes`), when it leaves no error
 * or warning: then it is the preset's "Show the fix".
 */
function engineFix(id) {
  const p = presets.find((x) => x.id === id);
  const r = wasm.fix({ files: [{ name: 'manifest.yaml', text: handWritten(id, 'problem') }], nodes: p.nodes ?? 3, mode: 'unsafe' });
  const clean = r.fixed.length > 0 && JSON.parse(r.report).diagnostics.every((d) => d.severity === 'info');
  return clean ? r.files[0].text : null;
}
const presetText = (id, variant) => (variant === 'fixed' && engineFix(id)) || handWritten(id, variant);
const shots = join(root, 'test/screenshots');

let browser;
let page;
const offOrigin = [];
const errors = [];

function watch(p) {
  p.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  p.on('console', (m) => m.type() === 'error' && errors.push(`console error: ${m.text()}`));
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  browser = await launch();
  browser.context.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol !== 'data:' && u.protocol !== 'blob:' && u.origin !== browser.origin) offOrigin.push(r.url());
  });
  page = await browser.context.newPage();
  watch(page);
  await page.goto(browser.url);
  await settled(page);
});

after(async () => {
  await browser?.close();
});

/** What the page shows: the problems list and the editor's lint state. */
async function shown(p = page) {
  return p.evaluate(() => ({
    list: [...document.querySelectorAll('#diagnostics li.diag')].map((li) => ({ rule: li.dataset.rule, line: Number(li.dataset.line), severity: [...li.classList].find((c) => c !== 'diag') })),
    editor: window.playground.editorDiagnostics(),
    text: window.playground.view.state.doc.toString(),
    nodes: document.getElementById('nodes').value,
  }));
}

/** The JSON diagnostics of the Node build of the module for this text: rule, line, covered text. */
function expected(text, nodes) {
  const bytes = Buffer.from(text, 'utf8');
  return JSON.parse(wasm.lint({ files: [{ name: 'manifest.yaml', text }], nodes })).diagnostics.map((d) => ({
    rule: d.rule,
    line: d.start.line,
    severity: d.severity,
    text: bytes.subarray(d.start.offset, d.end.offset).toString('utf8'),
  }));
}

/** The line numbers (1-based) of the rendered lint gutter markers and underlines. */
async function markers(p = page) {
  return p.evaluate(() => {
    const view = window.playground.view;
    const lineOf = (el) => view.state.doc.lineAt(view.posAtDOM(el)).number;
    const gutterLine = (el) => {
      const r = el.getBoundingClientRect();
      return view.state.doc.lineAt(view.lineBlockAtHeight(r.top + r.height / 2 - view.documentTop).from).number;
    };
    return {
      underlines: [...document.querySelectorAll('.cm-lintRange')].map((el) => ({ line: lineOf(el), severity: [...el.classList].find((c) => c.startsWith('cm-lintRange-')).slice(13) })),
      gutter: [...document.querySelectorAll('.cm-gutter-lint .cm-lint-marker')].map((el) => ({ line: gutterLine(el), severity: [...el.classList].find((c) => /^cm-lint-marker-/.test(c)).slice(15) })),
    };
  });
}

async function selectPreset(id) {
  await page.selectOption('#preset', id);
  await settled(page);
}

test('the page loads the module: version, rules, a first preset linted', async () => {
  assert.equal(await page.textContent('#version'), `v${wasm.version()}`);
  const { list } = await shown();
  assert.ok(list.length > 0);
  assert.equal(await page.locator('#rule-picker option').count(), wasm.rules().length);
});

for (const p of presets) {
  test(`preset ${p.id}: its rules at their lines, in the list and in the editor; the fix clears them`, async () => {
    await selectPreset(p.id);
    let s = await shown();
    assert.equal(s.text, presetText(p.id, 'problem'));
    assert.equal(s.nodes, String(p.nodes));
    const want = expected(s.text, p.nodes);
    // the list and the editor's lint state: exactly the module's diagnostics, at the same lines
    assert.deepEqual(s.list, want.map(({ rule, line, severity }) => ({ rule, line, severity })));
    assert.deepEqual(s.editor.map(({ rule, line, text }) => ({ rule, line, text })), want.map(({ rule, line, text }) => ({ rule, line, text })));
    for (const e of p.expect) assert.ok(s.list.some((d) => d.rule === e.rule && d.line === e.line), `${e.rule} at line ${e.line}`);

    // each expected finding: a click on its list item puts the cursor on its line, where the
    // editor draws the underline and the gutter marker
    for (const e of p.expect) {
      await page.locator(`#diagnostics li.diag[data-rule="${e.rule}"][data-line="${e.line}"]`).first().click();
      const cursorLine = await page.evaluate(() => {
        const v = window.playground.view;
        return v.state.doc.lineAt(v.state.selection.main.head).number;
      });
      assert.equal(cursorLine, e.line);
      const m = await markers();
      assert.ok(m.underlines.some((u) => u.line === e.line), `underline on line ${e.line}: ${JSON.stringify(m.underlines)}`);
      assert.ok(m.gutter.some((g) => g.line === e.line), `gutter marker on line ${e.line}: ${JSON.stringify(m.gutter)}`);
    }
    // the path is drawn, every entry with a verdict
    const verdicts = await page.$$eval('#trace section.entry', (els) => els.map((e) => e.dataset.verdict));
    const traced = JSON.parse(wasm.trace({ files: [{ name: 'manifest.yaml', text: s.text }], nodes: p.nodes })).entries;
    assert.deepEqual(verdicts, traced.map((e) => e.verdict.kind));
    // the lines the fix will change are marked
    assert.ok((await page.locator('.cm-line.cm-fix-removed').count()) > 0, 'lines the fix changes');
    await page.evaluate(() => {
      window.playground.view.scrollDOM.scrollTo(0, 0);
      document.getElementById('diagnostics').scrollTo(0, 0);
    });
    await page.screenshot({ path: join(shots, `${p.id}.png`) });

    await page.waitForFunction(() => document.body.dataset.presetsFixed === '1');
    await page.click('#show-fix');
    await settled(page);
    s = await shown();
    assert.equal(s.text, presetText(p.id, 'fixed'));
    // Whose fix it is, said on the page: the engine's, or by hand where none is mechanical.
    assert.equal(await page.getAttribute('#preset-note [data-fix]', 'data-fix'), engineFix(p.id) ? 'engine' : 'hand');
    const rules = new Set(p.expect.map((e) => e.rule));
    assert.deepEqual(s.list.filter((d) => rules.has(d.rule) || d.severity !== 'info'), [], 'the fix leaves no error or warning');
    assert.deepEqual(s.editor.filter((d) => d.severity !== 'info'), []);
    assert.equal(await page.locator('.cm-lintRange-error, .cm-lintRange-warning').count(), 0);
    assert.ok((await page.locator('.cm-line.cm-fix-added').count()) > 0, 'lines the fix changed');
    await page.screenshot({ path: join(shots, `${p.id}-fixed.png`) });
    await page.click('#show-problem');
    await settled(page);
    assert.equal((await shown()).text, presetText(p.id, 'problem'));
  });
}

test("a light bulb applies one finding's fix; Fix all applies the engine's, as --fix does", async () => {
  await selectPreset('lb-local-no-spread');
  const text = handWritten('lb-local-no-spread', 'problem');
  const report = JSON.parse(wasm.lint({ files: [{ name: 'manifest.yaml', text }], nodes: 3 }));
  const d = report.diagnostics.find((x) => x.rule === 'local-policy-without-spread');
  assert.equal(d.fix.applicability, 'unsafe');
  // The finding's edits, applied to the bytes as the JSON names them.
  const bytes = Buffer.from(text);
  let expected = Buffer.alloc(0);
  let at = 0;
  for (const e of [...d.fix.edits].sort((a, b) => a.start.offset - b.start.offset)) {
    expected = Buffer.concat([expected, bytes.subarray(at, e.start.offset), Buffer.from(e.text)]);
    at = e.end.offset;
  }
  expected = Buffer.concat([expected, bytes.subarray(at)]).toString();
  const item = page.locator('#diagnostics li.diag[data-rule="local-policy-without-spread"]').first();
  assert.equal(await item.getAttribute('data-fix'), 'unsafe');
  assert.match(await item.locator('.fix-kind').textContent(), /changes behaviour/);
  await item.locator('.fix-one').click();
  await settled(page);
  let s = await shown();
  assert.equal(s.text, expected);
  assert.ok(!s.list.some((x) => x.rule === 'local-policy-without-spread'), 'the finding is gone');
  assert.match(await page.textContent('#preset-note'), /edited/, 'a fix is the user\'s edit');
  // Undo takes it back.
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+z');
  await settled(page);
  assert.equal((await shown()).text, text);

  // Fix all: a safe fix and an unsafe one; "safe" applies the first only, as --fix does.
  const both = 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: local # kept\n  selector: {app: a}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec:\n  type: ClusterIP\n  externalTrafficPolicy: Local\n  selector: {app: b}\n';
  await page.evaluate((t) => window.playground.view.dispatch({ changes: { from: 0, to: window.playground.view.state.doc.length, insert: t } }), both);
  await settled(page);
  assert.equal(await page.textContent('#fix-safe'), 'Fix all safe (1)');
  assert.equal(await page.textContent('#fix-unsafe'), 'Fix all, incl. unsafe (2)');
  const safe = wasm.fix({ files: [{ name: 'manifest.yaml', text: both }], nodes: 3, mode: 'safe' });
  await page.click('#fix-safe');
  await page.waitForFunction((t) => window.playground.view.state.doc.toString() === t, safe.files[0].text);
  await settled(page);
  assert.match(await page.textContent('#status'), /^fixed 1 finding in 1 file \(manifest\.yaml\); --unsafe-fixes would fix 1 more/);
  assert.equal(await page.isDisabled('#fix-safe'), true);
  const all = wasm.fix({ files: [{ name: 'manifest.yaml', text: safe.files[0].text }], nodes: 3, mode: 'unsafe' });
  await page.click('#fix-unsafe');
  await page.waitForFunction((t) => window.playground.view.state.doc.toString() === t, all.files[0].text);
  await settled(page);
  s = await shown();
  assert.deepEqual(s.list.filter((x) => x.severity !== 'info'), []);
  assert.equal(await page.isDisabled('#fix-unsafe'), true);
});

test('the node count feeds the node-count rules', async () => {
  await selectPreset('lb-local-anti-affinity');
  assert.ok((await shown()).list.some((d) => d.rule === 'hard-anti-affinity-replicas-exceed-nodes'));
  await page.fill('#nodes', '5');
  await settled(page);
  assert.deepEqual((await shown()).list, []);
  await page.fill('#nodes', '2');
  await settled(page);
  assert.ok((await shown()).list.some((d) => d.rule === 'hard-anti-affinity-replicas-exceed-nodes'));
});

/** The status line, the notices and the empty-list line as the page shows them. */
async function statusShown(p = page) {
  return p.evaluate(() => {
    const status = document.getElementById('status');
    return {
      kind: [...status.classList].find((c) => c !== 'status') ?? '',
      status: status.textContent,
      color: getComputedStyle(status).color,
      ok: getComputedStyle(document.documentElement).getPropertyValue('--ok').trim(),
      notices: [...document.querySelectorAll('#diagnostics li.run-notice')].map((li) => ({ id: li.dataset.notice, text: li.textContent, visible: li.getBoundingClientRect().height > 0 })),
      empty: document.querySelector('#diagnostics li.empty')?.textContent ?? null,
      list: document.getElementById('diagnostics').textContent,
    };
  });
}

test('an empty or 0 node count is no green all-clear: a notice says the node-count rules were not checked', async () => {
  await selectPreset('lb-local-anti-affinity');
  for (const value of ['', '0']) {
    await page.fill('#nodes', value);
    await settled(page);
    // the module is silent without a node count: no finding ...
    assert.deepEqual((await shown()).list, [], `nodes "${value}"`);
    const s = await statusShown();
    // ... and the page does not call that a clean bill
    assert.notEqual(s.kind, 'good', `status with nodes "${value}": ${s.status}`);
    assert.doesNotMatch(s.list, /No problems found/);
    assert.match(s.status, /node-count rules not checked/);
    assert.deepEqual(s.notices.map((n) => [n.id, n.visible]), [['node-count-unknown', true]]);
    assert.match(s.notices[0].text, /not checked/);
    assert.match(s.notices[0].text, /Nodes field/);
    assert.match(s.notices[0].text, /Node objects/);
    assert.match(s.empty, /rules that ran/);
  }
  assert.deepEqual((await lowContrast(page, '.right')).low, [], 'the notice is readable');
  assert.deepEqual((await lowContrast(page, '#status')).low, [], 'the status line is readable');
  await page.screenshot({ path: join(shots, 'node-count-unknown.png') });
  // its button puts the cursor in the node field
  await page.click('#diagnostics li.run-notice .notice-action');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'nodes');
  // Node objects in the manifest are the node count: no notice, and two nodes are too few
  const nodes = [1, 2].map((i) => `---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-${i}\n`).join('');
  await page.evaluate((t) => {
    const v = window.playground.view;
    v.dispatch({ changes: { from: v.state.doc.length, insert: t } });
  }, `\n${nodes}`);
  await settled(page);
  let s = await statusShown();
  assert.deepEqual(s.notices, []);
  assert.ok((await shown()).list.some((d) => d.rule === 'hard-anti-affinity-replicas-exceed-nodes'));
  // a node count: the usual status, green when nothing is found
  await page.click('#show-problem');
  await page.fill('#nodes', '5');
  await settled(page);
  s = await statusShown();
  assert.deepEqual(s.notices, []);
  assert.equal(s.kind, 'good');
  assert.equal(s.color, await page.evaluate((ok) => {
    const probe = document.createElement('span');
    probe.style.color = ok;
    document.body.append(probe);
    const c = getComputedStyle(probe).color;
    probe.remove();
    return c;
  }, s.ok));
  assert.match(s.empty, /No problems found/);
  assert.doesNotMatch(s.status, /not checked/);
  // and a finding with a node count is shown as before, without a notice
  await page.fill('#nodes', '3');
  await settled(page);
  s = await statusShown();
  assert.equal(s.kind, 'bad');
  assert.deepEqual(s.notices, []);
});

test("the module's run-level notices (report.notices) are shown, and its node-count notice is not said twice", async () => {
  const other = await browser.context.newPage();
  watch(other);
  // the worker as served, with every report given the notices a newer module adds
  const notices = [
    { id: 'node-count-unknown', message: 'Node-count rules were not checked: no --nodes and no Node objects.', help: 'Pass `--nodes N` or set `nodes:` in `.realip-lint.yaml`.' },
    { id: 'test-notice', message: 'Another run-level notice.', help: '' },
  ];
  await other.route('**/worker.js', async (route) => {
    const res = await route.fetch();
    const wrap = `{const post=self.postMessage.bind(self);self.postMessage=(m)=>{if(m&&m.report)m.report.notices=${JSON.stringify(notices)};post(m);};}\n`;
    await route.fulfill({ response: res, body: wrap + (await res.text()) });
  });
  await other.goto(browser.url);
  await settled(other);
  await other.selectOption('#preset', 'lb-local-anti-affinity');
  await settled(other);
  await other.fill('#nodes', '');
  await settled(other);
  let s = await statusShown(other);
  assert.deepEqual(s.notices.map((n) => n.id), ['node-count-unknown', 'test-notice']);
  assert.match(s.notices[0].text, /no --nodes and no Node objects/, "the module's own words");
  assert.match(s.notices[1].text, /Another run-level notice/);
  assert.notEqual(s.kind, 'good');
  // with a node count the module's notices still show (this fake one always sends them)
  await other.fill('#nodes', '5');
  await settled(other);
  s = await statusShown(other);
  assert.deepEqual(s.notices.map((n) => n.id), ['node-count-unknown', 'test-notice']);
  assert.equal(s.kind, 'notice');
  await other.close();
});

test('typing changes the diagnostics, and typing is never blocked by the lint', async () => {
  await selectPreset('nodeport-cluster');
  assert.deepEqual((await shown()).list.map((d) => d.rule), ['external-service-cluster-policy']);
  // the cursor to the end of line 11 (`  type: NodePort`), then type a new line key by key
  await page.locator('#diagnostics li.diag').first().click();
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Home'); // after the auto-indent, so the next line is typed as is
  await page.keyboard.press('Shift+Home');
  await page.keyboard.type('  externalTrafficPolicy: Local', { delay: 15 });
  await settled(page);
  const s = await shown();
  assert.equal(s.text.split('\n')[11], '  externalTrafficPolicy: Local', 'every key typed landed');
  assert.deepEqual(s.list, expected(s.text, 3).map(({ rule, line, severity }) => ({ rule, line, severity })));
  assert.ok(!s.list.some((d) => d.rule === 'external-service-cluster-policy'));
  assert.ok(s.list.some((d) => d.rule === 'nodeport-local-without-health-checks' && d.line === 12));
  // with a debounce, far fewer lints than key strokes ran
  const linted = await page.evaluate(() => window.playground.sentId);
  assert.ok(linted < 60, `lints run: ${linted}`);
  assert.match(await page.textContent('#preset-note'), /edited/);
});

test('once loaded it works offline: a preset, an edit and the fix lint with the network off', async () => {
  await browser.context.setOffline(true);
  try {
    await selectPreset('proxy-protocol');
    assert.ok((await shown()).list.some((d) => d.rule === 'proxy-protocol-mismatch'));
    await page.click('#show-fix');
    await settled(page);
    assert.ok(!(await shown()).list.some((d) => d.rule === 'proxy-protocol-mismatch'));
  } finally {
    await browser.context.setOffline(false);
  }
});

test('multi-byte text: the underlines cover exactly the bytes the JSON names', async () => {
  const text = presetText('nodeport-cluster', 'problem')
    .replace(/^# .*$/m, '# 🚀 café — 中文 ✓ (multi-byte text before the findings)')
    .replace(/^spec:\n {2}type: NodePort\n {2}selector:\n {4}app: api\n {2}ports:\n {4}- port: 80\n {6}targetPort: 8080\n {6}nodePort: 30080\n/m, 'spec: {selector: {app: api}, ports: [{name: "é-中-🚀", port: 80}], type: NodePort}\n');
  assert.match(text, /type: NodePort\}/);
  await page.evaluate((t) => {
    const v = window.playground.view;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: t } });
  }, text);
  await settled(page);
  const s = await shown();
  const want = expected(text, 3);
  assert.deepEqual(want.map((d) => [d.rule, d.line, d.text]), [['external-service-cluster-policy', 10, 'NodePort']]);
  assert.deepEqual(s.editor.map(({ rule, line, text: t }) => ({ rule, line, text: t })), want.map(({ rule, line, text: t }) => ({ rule, line, text: t })));
});

test('hovering an underline shows the message, the help and a link to the rule docs', async () => {
  await selectPreset('lb-ingress-cluster');
  await page.locator('.cm-lintRange-warning').first().hover();
  const tip = page.locator('.cm-tooltip-lint');
  await tip.waitFor({ timeout: 5000 });
  const d = expected(presetText('lb-ingress-cluster', 'problem'), 3).find((x) => x.severity === 'warning');
  const tipText = await tip.textContent();
  assert.match(tipText, /ingress-controller-cluster-policy/);
  assert.match(tipText, /help:/);
  assert.ok((await tip.locator('a[href*="#ingress-controller-cluster-policy"]').count()) === 1);
  await page.screenshot({ path: join(shots, 'hover.png') });
  await tip.locator('button.rule-link').first().click();
  assert.equal(await page.getAttribute('#manual', 'data-rule'), d.rule);
  await page.click('#tab-trace');
});

test('the rule docs: every rule, rendered from explain(); a rule in the list opens its manual', async () => {
  await selectPreset('proxy-protocol');
  await page.locator('#diagnostics li.diag[data-rule="proxy-protocol-mismatch"] .rule-link').click();
  assert.equal(await page.isVisible('#docs'), true);
  assert.equal(await page.getAttribute('#manual', 'data-rule'), 'proxy-protocol-mismatch');
  const manual = wasm.explain('proxy-protocol-mismatch');
  const headings = await page.$$eval('#manual h3', (hs) => hs.map((h) => h.textContent));
  assert.deepEqual(headings, [...manual.matchAll(/^## (.*)$/gm)].map((m) => m[1]));
  assert.ok((await page.locator('#manual pre.code').count()) >= 1, 'code blocks');
  const firstLine = manual.split('\n').find((l) => l && !l.startsWith('#'));
  assert.ok((await page.textContent('#manual')).replace(/\s+/g, ' ').includes(firstLine.replace(/`/g, '').trim()));
  await page.screenshot({ path: join(shots, 'rule-docs.png') });
  // every rule of rules() has its manual in the page
  for (const r of wasm.rules()) {
    await page.selectOption('#rule-picker', r.name);
    const h = await page.textContent('#manual h2');
    assert.equal(h, wasm.explain(r.name).split('\n')[0].replace(/^# /, ''));
  }
  await page.click('#tab-trace');
});

test('before / after: the example compares OLD with the editor as the CLI does, and follows edits of NEW', async () => {
  const example = (f) => readFileSync(join(root, '../../examples/migrate', f), 'utf8');
  await page.click('#tab-migrate');
  await page.click('#migrate-example');
  await settled(page);
  assert.equal(await page.evaluate(() => window.playground.view.state.doc.toString()), example('new/gateway.yaml'));
  const request = (after) => ({ before: [{ name: 'before.yaml', text: example('old/ingress-nginx.yaml') }], after: [{ name: 'manifest.yaml', text: after }] });
  const report = JSON.parse(wasm.migrate(request(example('new/gateway.yaml'))).output);
  const rows = await page.$$eval('#migration tbody tr', (trs) => trs.map((tr) => [tr.children[1].textContent, tr.children[2].textContent]));
  assert.deepEqual(rows, report.hosts[0].differences.map((d) => [d.what, d.change]));
  const human = wasm.migrate({ ...request(example('new/gateway.yaml')), output: 'human' }).output;
  assert.equal(`${await page.textContent('#migration .summary')}\n`, human.split('\n').slice(-2).join('\n'));
  assert.ok((await page.locator('#migration pre.fix').count()) >= 2, 'the YAML to write');
  await page.screenshot({ path: join(shots, 'before-after.png') });
  // Writing the fix in NEW: the client address is kept again.
  const fix = report.hosts[0].differences[0].fix;
  await page.evaluate((text) => {
    const v = window.playground.view;
    v.dispatch({ changes: { from: v.state.doc.length, insert: text } });
  }, `---\n${fix}`);
  await settled(page);
  const address = await page.$eval('#migration tbody tr', (tr) => tr.children[2].textContent);
  assert.equal(address, 'same');
  // A shared link carries OLD too, and opens on the tab.
  await page.evaluate(() => (document.getElementById('share-url').value = ''));
  await page.click('#share');
  // The link is made asynchronously (compressed): wait for it.
  await page.waitForFunction(() => /#[sj]=/.test(document.getElementById('share-url').value));
  const url = await page.inputValue('#share-url');
  const other = await browser.context.newPage();
  watch(other);
  await other.goto(url);
  await settled(other);
  assert.equal(await other.inputValue('#before'), example('old/ingress-nginx.yaml'));
  assert.equal(await other.isVisible('#migration'), true);
  assert.equal(await other.$eval('#migration tbody tr', (tr) => tr.children[2].textContent), 'same');
  await other.close();
  // No OLD: nothing to compare.
  await page.fill('#before', '');
  await settled(page);
  assert.equal(await page.locator('#migration section.host').count(), 0);
  await page.click('#tab-trace');
});

test('the client-IP path: hops with what carries the address, the verdict, and jumps to lines', async () => {
  await selectPreset('lb-ingress-cluster');
  const entry = page.locator('#trace section.entry').first();
  assert.equal(await entry.getAttribute('data-verdict'), 'lost');
  const carries = await entry.locator('li.hop').evaluateAll((els) => els.map((e) => e.dataset.carries));
  const traced = JSON.parse(wasm.trace({ files: [{ name: 'manifest.yaml', text: presetText('lb-ingress-cluster', 'problem') }], nodes: 3 })).entries[0];
  assert.deepEqual(carries, traced.hops.map((h) => h.carries));
  assert.equal(await entry.locator('li.node').count(), traced.hops.length + 1);
  assert.match(await entry.locator('.verdict-badge').textContent(), /lost/);
  // the hop where kube-proxy SNATs: a click puts the cursor on its line
  const snat = entry.locator('li.hop[data-carries="lost"]').first();
  const line = Number(await snat.getAttribute('data-line'));
  await snat.click();
  assert.equal(await page.evaluate(() => window.playground.view.state.doc.lineAt(window.playground.view.state.selection.main.head).number), line);
  await page.click('#show-fix');
  await settled(page);
  assert.equal(await page.locator('#trace section.entry').first().getAttribute('data-verdict'), 'preserved-in-header');
});

test('a shared link restores the text, the node count, the preset and the diagnostics', async () => {
  await selectPreset('lb-local-anti-affinity');
  await page.fill('#nodes', '4');
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\n# shared: é 🚀 中文\n');
  await settled(page);
  const before = await shown();
  // An earlier test's link may still be in the field: clear it, then wait for this one.
  await page.evaluate(() => (document.getElementById('share-url').value = ''));
  await page.click('#share');
  await page.waitForFunction(() => document.getElementById('share-url').value.includes('#s='));
  const link = await page.inputValue('#share-url');
  assert.ok(link.startsWith(browser.url));
  const other = await browser.context.newPage();
  watch(other);
  await other.goto(link);
  await settled(other);
  const after = await shown(other);
  assert.equal(after.text, before.text);
  assert.equal(after.nodes, '4');
  assert.deepEqual(after.list, before.list);
  assert.deepEqual(after.editor, before.editor);
  assert.equal(await other.inputValue('#preset'), 'lb-local-anti-affinity');
  await other.close();
});

test('the desktop layout: the editor left, the problems and the path right, in one screen that does not scroll', async () => {
  await selectPreset('lb-ingress-cluster');
  const l = await page.evaluate(() => {
    const box = (sel) => document.querySelector(sel).getBoundingClientRect().toJSON();
    return { innerWidth, innerHeight, scrollWidth: document.documentElement.scrollWidth, scrollHeight: document.documentElement.scrollHeight, editor: box('.left'), problems: box('.panel.diagnostics'), lower: box('.lower') };
  });
  assert.ok(l.scrollWidth <= l.innerWidth && l.scrollHeight <= l.innerHeight, `the page scrolls: ${JSON.stringify(l)}`);
  assert.ok(l.problems.left > l.editor.right && l.lower.left > l.editor.right, 'two columns');
  assert.ok(l.editor.bottom > l.innerHeight - 40 && l.lower.bottom > l.innerHeight - 40, 'both columns fill the window');
  assert.ok(l.problems.height >= 150 && l.lower.height >= 300, `panel heights ${l.problems.height}, ${l.lower.height}`);
});

/** Computed colours that the scheme must change: the page, the panels, the editor, the list, the path. */
async function schemeColours(p = page) {
  return p.evaluate(() => {
    const cs = (sel) => getComputedStyle(document.querySelector(sel));
    const comment = [...document.querySelectorAll('.cm-line span')].find((e) => e.textContent.startsWith('#'));
    const key = [...document.querySelectorAll('.cm-line span')].find((e) => e.textContent === 'apiVersion');
    return {
      'body background': cs('body').backgroundColor,
      'body text': cs('body').color,
      'panel background': cs('.panel.diagnostics').backgroundColor,
      'note background': cs('#preset-note').backgroundColor,
      'editor text': cs('.cm-content').color,
      'editor cursor (CodeMirror dark theme)': cs('.cm-cursor').borderLeftColor,
      'editor gutter': cs('.cm-gutters').backgroundColor,
      'editor gutter text': cs('.cm-gutters').color,
      'editor comment': getComputedStyle(comment).color,
      'editor key': getComputedStyle(key).color,
      'lint underline': cs('.cm-lintRange-warning, .cm-lintRange-error').backgroundImage,
      'fix-line marker': cs('.cm-line.cm-fix-removed').backgroundColor,
      'problem text': cs('#diagnostics .diag-msg').color,
      'problem help': cs('#diagnostics .diag-help').color,
      'status line': cs('#status').backgroundColor,
      'trace entry head': cs('#trace .entry-head').backgroundColor,
      'trace node': cs('#trace li.node:not(.first)').backgroundColor,
      'trace verdict': cs('#trace .verdict-detail').backgroundColor,
      'inline code': cs('#diagnostics code').backgroundColor,
    };
  });
}

test('the dark scheme: prefers-color-scheme dark recolours the page and the editor, with readable contrast in both schemes', async () => {
  await selectPreset('lb-ingress-cluster');
  await page.evaluate(() => window.playground.view.scrollDOM.scrollTo(0, 0));
  const light = await schemeColours();
  const lightText = await lowContrast(page);
  try {
    // switched on the open page: the editor follows without a reload
    await page.emulateMedia({ colorScheme: 'dark' });
    await page
      .waitForFunction(() => getComputedStyle(document.querySelector('.cm-cursor')).borderLeftColor === 'rgb(221, 221, 221)', null, { timeout: 5000 })
      .catch(() => assert.fail("the editor did not switch to CodeMirror's dark theme"));
    const dark = await schemeColours();
    for (const [what, value] of Object.entries(light)) assert.notEqual(dark[what], value, `${what} is the same in both schemes: ${value}`);
    const rgb = (s) => s.match(/\d+/g).slice(0, 3).map(Number);
    for (const [scheme, c] of [['light', light], ['dark', dark]]) {
      const body = contrastRatio(rgb(c['body text']), rgb(c['body background']));
      assert.ok(body >= 7, `${scheme}: body text ${body.toFixed(2)}:1`);
      const problem = contrastRatio(rgb(c['problem text']), rgb(c['panel background']));
      assert.ok(problem >= 7, `${scheme}: a problem's text ${problem.toFixed(2)}:1`);
    }
    // every text on the page at WCAG AA, the editor's tokens included
    const darkText = await lowContrast(page);
    for (const [scheme, r] of [['light', lightText], ['dark', darkText]]) {
      assert.ok(r.count > 150, `${scheme}: ${r.count} texts measured`);
      assert.deepEqual(r.low, [], `${scheme}: text below 4.5:1`);
    }
    await page.screenshot({ path: join(shots, 'dark-lb-ingress-cluster.png') });
    // the hover on a finding, the fix and the rule docs, in the dark
    await page.locator('.cm-lintRange-warning').first().hover();
    await page.locator('.cm-tooltip-lint').waitFor({ timeout: 5000 });
    assert.deepEqual((await lowContrast(page, '.cm-tooltip-lint')).low, []);
    assert.notEqual(await page.locator('.cm-tooltip-lint').evaluate((e) => getComputedStyle(e.closest('.cm-tooltip')).backgroundColor), 'rgb(245, 245, 245)');
    await page.screenshot({ path: join(shots, 'dark-hover.png') });
    await page.mouse.move(0, 0);
    for (const id of ['forwarded-trust-all', 'gateway']) {
      await selectPreset(id);
      assert.deepEqual((await lowContrast(page)).low, [], id);
    }
    await page.screenshot({ path: join(shots, 'dark-gateway.png') });
    await page.fill('#nodes', '');
    await settled(page);
    assert.equal(await page.locator('#diagnostics li.run-notice').count(), 1);
    assert.deepEqual((await lowContrast(page)).low, [], 'the node-count notice');
    await page.screenshot({ path: join(shots, 'dark-node-count-unknown.png') });
    await page.click('#show-fix');
    await settled(page);
    await page.click('#tab-docs');
    assert.deepEqual((await lowContrast(page)).low, [], 'the fix and the rule docs');
    await page.screenshot({ path: join(shots, 'dark-docs.png') });
    await page.click('#tab-trace');
    // back to light on the open page: the editor follows again
    await page.emulateMedia({ colorScheme: 'light' });
    await page
      .waitForFunction(() => getComputedStyle(document.querySelector('.cm-cursor')).borderLeftColor === 'rgb(0, 0, 0)', null, { timeout: 5000 })
      .catch(() => assert.fail("the editor did not switch back to CodeMirror's light theme"));
  } finally {
    await page.emulateMedia({ colorScheme: 'light' });
  }
});

test('nothing was requested off the page\'s origin, and no page or console error', async () => {
  assert.deepEqual(offOrigin, []);
  assert.deepEqual(errors, []);
  // the watch itself sees such a request: a probe of the test's own, from a blank page (the
  // playground's Content-Security-Policy would refuse it), aborted before it reaches the network
  const probe = 'http://192.0.2.1/probe.png';
  await browser.context.route(probe, (r) => r.abort());
  const blank = await browser.context.newPage();
  const seen = blank.waitForRequest(probe);
  await blank.setContent(`<img src="${probe}">`);
  await seen;
  await blank.close();
  assert.deepEqual(offOrigin, [probe]);
});
