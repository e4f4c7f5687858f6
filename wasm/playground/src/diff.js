// Which lines of `a` and of `b` a line diff (longest common subsequence) does not match: what the
// "Show the fix" toggle highlights. Presets are short; this is O(lines²).

/**
 * @returns {{a: number[], b: number[], after: number[]}} 1-based line numbers only in `a`, only
 *   in `b`, and the lines of `a` after which lines only in `b` go
 */
export function changedLines(a, b) {
  const x = a.split('\n');
  const y = b.split('\n');
  const n = x.length;
  const m = y.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const onlyA = [];
  const onlyB = [];
  const after = new Set();
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) {
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      onlyA.push(++i); // a line replaced or removed: the removal first, so an insertion after it
    } else {
      onlyB.push(++j); // is anchored on it, not on the line before
      after.add(Math.max(i, 1));
    }
  }
  return { a: onlyA, b: onlyB, after: [...after] };
}
