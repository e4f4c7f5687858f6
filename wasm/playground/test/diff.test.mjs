import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changedLines } from '../src/diff.js';

test('lines only in the problem and only in the fix', () => {
  assert.deepEqual(changedLines('a\nb\nc', 'a\nb\nc'), { a: [], b: [], after: [] });
  assert.deepEqual(changedLines('a\nb\nc', 'a\nB\nc'), { a: [2], b: [2], after: [2] });
  assert.deepEqual(changedLines('a\nc', 'a\nb\nc'), { a: [], b: [2], after: [1] });
  assert.deepEqual(changedLines('x\na\nc', 'a\nc\ny'), { a: [1], b: [3], after: [3] });
  assert.deepEqual(changedLines('a\nb', 'new\na\nb'), { a: [], b: [1], after: [1] });
});
