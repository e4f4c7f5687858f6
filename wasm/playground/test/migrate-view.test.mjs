// The Before / after pane's rendering of `migrate()`: the README's worked example through the Node
// build of the module the page runs, with the same hosts, changes, places and fixes as the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { renderMigration, summary, mark, tone } from '../src/migrate-view.js';

const wasm = createRequire(import.meta.url)('../../pkg/node/realip_lint_wasm.js');
const example = (p) => readFileSync(new URL(`../../../examples/migrate/${p}`, import.meta.url), 'utf8');

function compare(output = 'json') {
  return wasm.migrate({
    before: [{ name: 'before.yaml', text: example('old/ingress-nginx.yaml') }],
    after: [{ name: 'manifest.yaml', text: example('new/gateway.yaml') }],
    output,
  });
}

test('the example: the allow-list and the rate limit are lost, with the fix to write', () => {
  const result = compare();
  assert.equal(result.exitCode, 1);
  const report = JSON.parse(result.output);
  const html = renderMigration(report);
  assert.match(html, /<h3>shop\.example\.com:80<\/h3>/);
  assert.match(html, /<tr class="bad"><td class="mark">✗<\/td><td>allow-list<\/td><td class="change">lost<\/td>/);
  assert.match(html, /<tr class="ok"><td class="mark">=<\/td><td>load-balancer<\/td>/);
  assert.match(html, /<pre class="fix">apiVersion: gateway.envoyproxy.io\/v1alpha1\nkind: ClientTrafficPolicy/);
  assert.match(html, /<li data-side="before" data-line="10">from OLD: line 10 \(<code>proxy-real-ip-cidr<\/code>\)<\/li>/);
  // The CLI's summary line, word for word.
  const human = compare('human').output;
  assert.ok(human.endsWith(`${summary(report)}\n`), human.slice(-120));
});

test('marks, tones and escaping', () => {
  assert.deepEqual(['same', 'gained', 'changed', 'lost', 'newly-forgeable', 'broken'].map(mark), ['=', '+', '~', '✗', '✗', '✗']);
  assert.deepEqual(['same', 'gained', 'changed', 'lost', 'broken'].map(tone), ['ok', 'ok', 'changed', 'bad', 'bad']);
  const report = {
    hosts: [{
      host: '<x>', port: 80,
      before: { kind: 'absent' },
      after: { kind: 'preserved', entry: 'Gateway a/b listener <l>', implementation: 'Envoy Gateway' },
      differences: [{ what: 'client-address', change: 'gained', before: 'not served', after: '<b>', places: [] }],
    }],
  };
  const html = renderMigration(report);
  assert.ok(!html.includes('<x>') && !html.includes('<b>') && !html.includes('<l>'), html);
  assert.match(html, /before: not served/);
  assert.equal(renderMigration({ hosts: [] }).includes('No hostnames'), true);
});
