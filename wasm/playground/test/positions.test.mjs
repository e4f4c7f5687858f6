// The one byte → UTF-16 conversion, on multi-byte text, against hand-counted offsets and against
// the Wasm module's own `utf16Offset` at every byte offset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { utf16Offsets } from '../src/positions.js';

const wasm = createRequire(import.meta.url)('../../pkg/node/realip_lint_wasm.js');

test('hand-counted offsets: ASCII, é (2 bytes), CJK (3 bytes), emoji (4 bytes, a surrogate pair)', () => {
  const text = 'a: é\nb: 中文\nc: 🚀x\n';
  // bytes: "a: " 0-2, é 3-4, \n 5, "b: " 6-8, 中 9-11, 文 12-14, \n 15, "c: " 16-18, 🚀 19-22, x 23, \n 24
  const bytes = [0, 3, 5, 6, 9, 12, 15, 16, 19, 23, 24, 25];
  const units = [0, 3, 4, 5, 8, 9, 10, 11, 14, 16, 17, 18];
  assert.deepEqual(utf16Offsets(text, bytes), units);
  assert.equal(Buffer.byteLength(text), 25);
  assert.equal(text.length, 18);
});

test('offsets in any order, repeated, and past the end', () => {
  const text = '🚀é中';
  assert.deepEqual(utf16Offsets(text, [9, 0, 4, 4, 6, 100]), [4, 0, 2, 2, 3, 4]);
  assert.deepEqual(utf16Offsets('', [0, 3]), [0, 0]);
});

test('an offset inside a character maps to its start', () => {
  assert.deepEqual(utf16Offsets('é🚀', [1, 3, 4, 5]), [0, 1, 1, 1]);
});

test('a lone surrogate counts as the 3 bytes of U+FFFD, as TextEncoder encodes it', () => {
  const text = 'a\ud800b';
  assert.equal(new TextEncoder().encode(text).length, 5);
  assert.deepEqual(utf16Offsets(text, [1, 4, 5]), [1, 2, 3]);
});

test('agrees with the Wasm module at every character boundary of a mixed text', () => {
  const text = '\ufeffkind: Service # café 🚀🚀 中文 ñ\r\nmetadata: {name: "é中🚀"}\n\u{10348}z';
  const encoded = Buffer.from(text, 'utf8');
  const boundaries = [];
  for (let b = 0; b <= encoded.length; b++) if (b === encoded.length || (encoded[b] & 0xc0) !== 0x80) boundaries.push(b);
  const ours = utf16Offsets(text, boundaries);
  boundaries.forEach((b, i) => assert.equal(ours[i], wasm.utf16Offset(text, b), `byte ${b}`));
  // and the slice between two mapped offsets is the text between the two byte offsets
  for (let i = 0; i + 1 < boundaries.length; i++) {
    assert.equal(text.slice(ours[i], ours[i + 1]), encoded.subarray(boundaries[i], boundaries[i + 1]).toString('utf8'));
  }
});
