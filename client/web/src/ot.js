// The text OT type shared with the server (npm ot-text-unicode) and the conversions between its
// code-point positions and the UTF-16 offsets of the browser's strings and CodeMirror.
import { type } from 'ot-text-unicode';
import { fineTokens, tokenDiff } from './diff.js';

/**
 * `op` applied to `text`. Throws when it does not fit: a skip or a delete past the end of the
 * text, or a delete that names other text than is there. (ot-text-unicode's apply checks only the
 * skips and deletes whatever is there, or nothing; the server's checks all, and the sync state
 * machines count on the throw to notice that they are out of step.)
 */
export function apply(text, op) {
  checkDeletes(text, op);
  return type.apply(text, op);
}

function checkDeletes(text, op) {
  let at = 0; // UTF-16 offset in text
  for (const c of op) {
    if (typeof c === 'number') {
      at = offsetAfter(text, at, c);
      if (at < 0) return; // a skip past the end: type.apply says so
    } else if (typeof c === 'object') {
      const end = offsetAfter(text, at, typeof c.d === 'number' ? c.d : cpLength(c.d));
      if (end < 0) throw new Error('The op deletes past the end of the text');
      if (typeof c.d === 'string' && text.slice(at, end) !== c.d) {
        throw new Error('The op deletes other text than the text has there');
      }
      at = end;
    }
  }
}

/** The UTF-16 offset `n` code points after offset `from` in `s`; -1 when `s` ends before. */
function offsetAfter(s, from, n) {
  let i = from;
  for (; n > 0; n--) {
    if (i >= s.length) return -1;
    const c = s.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length &&
      s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff;
    i += pair ? 2 : 1;
  }
  return i;
}

export const transform = (op, other, side) => type.transform(op, other, side);
export const compose = (a, b) => type.compose(a, b);
export const normalize = (op) => type.normalize(op);

/** The number of code points in `s`. */
export function cpLength(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** The code-point position of UTF-16 offset `offset` in `s`. */
export function toCodePoints(s, offset) {
  return cpLength(s.slice(0, offset));
}

/** The UTF-16 offset of code-point position `pos` in `s` (clamped to the end). */
export function toUtf16(s, pos) {
  let i = 0;
  while (pos > 0 && i < s.length) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
    pos--;
  }
  return i;
}

/**
 * An op that turns `from` into `to`, made of the token diff's changes: only the words that
 * changed are deleted and inserted, so a position outside them (a buffered edit carried over a
 * reload, a caret) stays next to its words. A single replacement from the first to the last
 * difference would move such a position to the edge of everything in between.
 */
export function diffToOp(from, to) {
  if (from === to) return [];
  const op = [];
  for (const part of tokenDiff(from, to, fineTokens)) {
    if (part.kind === 'same') op.push(cpLength(part.text));
    else if (part.kind === 'del') op.push({ d: part.text });
    else op.push(part.text);
  }
  while (op.length && typeof op[op.length - 1] === 'number') op.pop();
  return normalize(op);
}


/**
 * The changes of an op as UTF-16 ranges on `text` (the text the op applies to), for CodeMirror:
 * [{from, to, insert}] in ascending order, positions in the original text.
 */
export function opToChanges(text, op) {
  const changes = [];
  let cp = 0;       // code points consumed of text
  let utf16 = 0;    // matching UTF-16 offset
  const advance = (n) => {
    const before = utf16;
    utf16 = before + toUtf16(text.slice(before), n);
    cp += n;
  };
  for (const c of op) {
    if (typeof c === 'number') {
      advance(c);
    } else if (typeof c === 'string') {
      changes.push({ from: utf16, to: utf16, insert: c });
    } else {
      const n = typeof c.d === 'number' ? c.d : cpLength(c.d);
      const from = utf16;
      advance(n);
      changes.push({ from, to: utf16, insert: '' });
    }
  }
  // Merge an insert directly followed by a delete at the same place into one replacement.
  const merged = [];
  for (const ch of changes) {
    const last = merged[merged.length - 1];
    if (last && last.to === ch.from && (last.insert === '' || ch.insert === '') && last.from === last.to && ch.insert === '') {
      last.to = ch.to;
    } else if (last && last.to === ch.from && last.insert === '' && ch.from === ch.to) {
      last.insert = ch.insert;
    } else {
      merged.push({ ...ch });
    }
  }
  return merged;
}

/**
 * A CodeMirror ChangeSet as an op in code points, on `before` (the document's text before it).
 * Deletes carry the deleted text (the invertible form).
 */
export function changesToOp(before, changeSet) {
  const op = [];
  let last = 0; // UTF-16 offset in before
  changeSet.iterChanges((fromA, toA, _fromB, _toB, inserted) => {
    if (fromA > last) op.push(cpLength(before.slice(last, fromA)));
    if (toA > fromA) op.push({ d: before.slice(fromA, toA) });
    const ins = inserted.toString();
    if (ins) op.push(ins);
    last = toA;
  });
  return normalize(op);
}

/** Moves a [anchor, head] selection (code points) over an op. */
export function transformSelection(sel, op) {
  return [type.transformPosition(sel[0], op), type.transformPosition(sel[1], op)];
}

/** Drops the deleted text from delete components (the server sends either form). */
export function isNoop(op) {
  return !op || op.length === 0;
}
