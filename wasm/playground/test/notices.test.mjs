// The run-level notices: an unknown node count is said (never a silent all-clear), the module's
// own notices are kept, and the node-count one is not said twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noticesFor, statusKind, hasNodeObjects, NODE_COUNT_NOTICE, noticeLabel } from '../src/notices.js';

const clean = { summary: { error: 0, warning: 0, info: 0 }, diagnostics: [] };
const service = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n';

test('Node objects in the text are found in block, list and flow style, and nothing else is one', () => {
  assert.ok(hasNodeObjects(`${service}---\napiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n`));
  assert.ok(hasNodeObjects('apiVersion: v1\nkind: "Node"  # a worker\n'));
  assert.ok(hasNodeObjects('apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Node\n    metadata: {name: n1}\n'));
  assert.ok(hasNodeObjects('{apiVersion: v1, kind: Node, metadata: {name: n1}}\n'));
  assert.ok(!hasNodeObjects(service));
  assert.ok(!hasNodeObjects('kind: NodePool\n'));
  assert.ok(!hasNodeObjects('kind: Service\n# kind: Node\n'));
  assert.ok(!hasNodeObjects("kind: Node'\n"));
});

test('no node count and no Node object: the node-count notice, and the status is neutral, not green', () => {
  const notices = noticesFor(clean, { nodes: undefined, text: service });
  assert.deepEqual(notices, [NODE_COUNT_NOTICE]);
  assert.match(NODE_COUNT_NOTICE.message, /not checked/);
  assert.match(NODE_COUNT_NOTICE.help, /Nodes field/);
  assert.match(NODE_COUNT_NOTICE.help, /Node objects/);
  assert.match(NODE_COUNT_NOTICE.help, /--nodes N/);
  assert.equal(statusKind(clean.summary, notices), 'notice');
  assert.equal(noticeLabel(notices[0]), 'node-count rules not checked');
  // findings keep their colour
  assert.equal(statusKind({ error: 1, warning: 0 }, notices), 'bad');
  assert.equal(statusKind({ error: 0, warning: 2 }, notices), 'warn');
});

test('a node count, or Node objects: no notice, and a clean report is green', () => {
  assert.deepEqual(noticesFor(clean, { nodes: 3, text: service }), []);
  assert.deepEqual(noticesFor(clean, { nodes: undefined, text: `${service}---\nkind: Node\n` }), []);
  assert.equal(statusKind(clean.summary, []), 'good');
});

test("the module's notices are shown as they come; its node-count notice in the page's words, with the module's detail", () => {
  const own = { id: 'node-count-unknown', message: 'Node-count rules were not checked.', help: 'Pass `--nodes N`.' };
  const other = { id: 'kustomize-missing', message: 'No kustomize.' };
  assert.deepEqual(noticesFor({ ...clean, notices: [own, other] }, { nodes: undefined, text: service }), [
    { ...NODE_COUNT_NOTICE, detail: own.message },
    { ...other, help: '' },
  ]);
  // a module notice that is not about the node count: the page still says its own
  assert.deepEqual(noticesFor({ ...clean, notices: [other] }, { nodes: undefined, text: service }), [{ ...other, help: '' }, NODE_COUNT_NOTICE]);
  // with a node count, the module's notices still show
  assert.deepEqual(noticesFor({ ...clean, notices: [other] }, { nodes: 3, text: service }), [{ ...other, help: '' }]);
  // junk in the array is skipped, not rendered as "undefined"
  assert.deepEqual(noticesFor({ ...clean, notices: [null, 3, {}] }, { nodes: 3, text: service }), []);
  assert.deepEqual(noticesFor({ ...clean, notices: 'not an array' }, { nodes: 3, text: service }), []);
});
