// Every preset: the problem version raises its rules at the lines `index.json` names (the browser
// test checks the page against the same list), and the fixed version clears them, with no error
// or warning left. Linted by the Node build of the same module the page runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const wasm = createRequire(import.meta.url)('../../pkg/node/realip_lint_wasm.js');
const dir = new URL('../presets/', import.meta.url);
const presets = JSON.parse(readFileSync(new URL('index.json', dir), 'utf8'));

function lint(id, variant, nodes) {
  const text = readFileSync(new URL(`${id}.${variant}.yaml`, dir), 'utf8');
  return JSON.parse(wasm.lint({ files: [{ name: 'manifest.yaml', text }], nodes })).diagnostics;
}

test('the classic topologies are there', () => {
  assert.deepEqual(
    presets.map((p) => p.id),
    ['nodeport-cluster', 'nodeport-local', 'lb-local-no-spread', 'lb-local-anti-affinity', 'lb-ingress-cluster', 'proxy-protocol', 'forwarded-trust-all', 'gateway'],
  );
});

for (const p of presets) {
  test(`${p.id}: the problem shows its rules, the fix clears them`, () => {
    const problem = lint(p.id, 'problem', p.nodes);
    const seen = problem.filter((d) => d.severity !== 'info').map((d) => ({ rule: d.rule, line: d.start.line }));
    assert.deepEqual(seen, p.expect, 'errors and warnings of the problem version');
    const fixed = lint(p.id, 'fixed', p.nodes);
    assert.deepEqual(fixed.filter((d) => d.severity !== 'info').map((d) => d.rule), [], 'errors and warnings of the fixed version');
    const expected = new Set(p.expect.map((e) => e.rule));
    assert.deepEqual(fixed.filter((d) => expected.has(d.rule)), []);
  });
}

test('lb-local-anti-affinity: five nodes clear it too (the node-count input)', () => {
  assert.deepEqual(lint('lb-local-anti-affinity', 'problem', 5).map((d) => d.rule), []);
});
