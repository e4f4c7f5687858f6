// The shareable link's fragment: what is encoded is what is read back, multi-byte text included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeState, decodeState } from '../src/share.js';

test('state survives the fragment, compressed', async () => {
  const state = { v: 1, text: 'kind: Service # café 🚀 中文\n'.repeat(50), nodes: 5, preset: 'gateway', variant: 'fixed' };
  const hash = await encodeState(state);
  assert.match(hash, /^#s=[A-Za-z0-9_-]+$/);
  assert.ok(hash.length < JSON.stringify(state).length / 3, 'compressed');
  assert.deepEqual(await decodeState(hash), state);
});

test('the plain form is read too, and a fragment without state is null', async () => {
  const json = JSON.stringify({ v: 1, text: 'é', nodes: null });
  const hash = '#j=' + Buffer.from(json).toString('base64url');
  assert.deepEqual(await decodeState(hash), { v: 1, text: 'é', nodes: null });
  assert.equal(await decodeState(''), null);
  assert.equal(await decodeState('#other'), null);
});
