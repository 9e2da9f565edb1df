// Diffs of texts as runs of [{kind: 'same'|'del'|'ins', text}].

/** Words between whitespace: for showing what changed in a text. */
function words(s) {
  return s.match(/\s+|[^\s]+/g) ?? [];
}

/**
 * Words of letters, digits and marks, runs of whitespace, and every other code point on its own:
 * the tokens of the server's merge (shared/model/merge.hpp), for ops that others' edits are
 * transformed through.
 */
export function fineTokens(s) {
  return s.match(/[\p{L}\p{N}\p{M}]+|\s+|[^]/gu) ?? [];
}

/** The word diff of `a` to `b`, for display. */
export function wordDiff(a, b) {
  return tokenDiff(a, b, words);
}

/** The diff of `a` to `b` on the tokens `split` makes (a longest common subsequence). */
export function tokenDiff(a, b, split) {
  const x = split(a);
  const y = split(b);
  // Common prefix and suffix first: most changes are small.
  let start = 0;
  while (start < x.length && start < y.length && x[start] === y[start]) start++;
  let endX = x.length;
  let endY = y.length;
  while (endX > start && endY > start && x[endX - 1] === y[endY - 1]) {
    endX--;
    endY--;
  }
  const out = [];
  const push = (kind, text) => {
    if (!text) return;
    const last = out[out.length - 1];
    if (last && last.kind === kind) last.text += text;
    else out.push({ kind, text });
  };
  push('same', x.slice(0, start).join(''));
  const mx = x.slice(start, endX);
  const my = y.slice(start, endY);
  if (mx.length * my.length > 4_000_000) {
    push('del', mx.join(''));
    push('ins', my.join(''));
  } else {
    // Longest common subsequence on the middle.
    const n = mx.length;
    const m = my.length;
    const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        table[i][j] = mx[i] === my[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (mx[i] === my[j]) {
        push('same', mx[i]);
        i++;
        j++;
      } else if (table[i + 1][j] >= table[i][j + 1]) {
        push('del', mx[i++]);
      } else {
        push('ins', my[j++]);
      }
    }
    while (i < n) push('del', mx[i++]);
    while (j < m) push('ins', my[j++]);
  }
  push('same', x.slice(endX).join(''));
  return out;
}
