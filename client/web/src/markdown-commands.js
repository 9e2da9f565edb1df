// The editor's formatting (kop, vet, cursief, lijst, link) as changes to the Markdown text, so that
// Word users need not type "##" or "- ". Pure functions over the text and a selection (UTF-16
// offsets, as CodeMirror counts): each returns the changes, in offsets of the text it was given,
// and the selection after them.

/** Bold (`**`) or italic (`*`): wraps the selection, or unwraps it when it is wrapped already. */
export function toggleWrap(text, from, to, marker) {
  const m = marker.length;
  const wrapped = from >= m && text.slice(from - m, from) === marker && text.slice(to, to + m) === marker &&
    // `**x**` seen from italic's side is bold, not italic.
    !(m === 1 && text.slice(from - 2, from) === '**' && text.slice(to, to + 2) === '**' && text.slice(from - 3, from) !== '***');
  if (wrapped) {
    return {
      changes: [{ from: from - m, to: from, insert: '' }, { from: to, to: to + m, insert: '' }],
      selection: { anchor: from - m, head: to - m },
    };
  }
  // Whitespace at the edges stays outside: `** vet**` is no bold in Markdown.
  let start = from;
  let end = to;
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return {
    changes: [{ from: start, to: start, insert: marker }, { from: end, to: end, insert: marker }],
    selection: { anchor: start + m, head: end + m },
  };
}

/** The starts of the lines that the selection touches. */
function lineStarts(text, from, to) {
  const starts = [text.lastIndexOf('\n', from - 1) + 1];
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * A prefix on every line the selection touches (`## ` for a heading, `- ` for a list item), or
 * off all of them when each has it. `pattern` matches the prefix a line may have already (any
 * heading level, any list marker): it is replaced, not stacked.
 */
export function toggleLinePrefix(text, from, to, prefix, pattern) {
  const starts = lineStarts(text, from, to);
  const existing = starts.map((s) => text.slice(s).match(pattern)?.[0] ?? '');
  const all = existing.every((e) => e === prefix);
  const changes = starts.map((s, i) => ({ from: s, to: s + existing[i].length, insert: all ? '' : prefix }));
  // Where the selection ends up: each change before a position moves it.
  const map = (pos) => {
    let out = pos;
    for (const c of changes) {
      if (c.from >= pos) break;
      out += c.insert.length - (Math.min(c.to, pos) - c.from);
    }
    return out;
  };
  return { changes, selection: { anchor: map(from), head: map(to) } };
}

export const heading = (text, from, to) => toggleLinePrefix(text, from, to, '## ', /^#{1,6} /);
export const list = (text, from, to) => toggleLinePrefix(text, from, to, '- ', /^(?:[-*+]|\d+[.)]) /);
export const bold = (text, from, to) => toggleWrap(text, from, to, '**');
export const italic = (text, from, to) => toggleWrap(text, from, to, '*');

/** `[selection](https://)` with the address selected to be typed over; without a selection the
 * words "linktekst" are selected instead. */
export function link(text, from, to) {
  const label = from === to ? 'linktekst' : text.slice(from, to);
  const insert = `[${label}](https://)`;
  const selection = from === to
    ? { anchor: from + 1, head: from + 1 + label.length }
    : { anchor: from + label.length + 3, head: from + label.length + 3 + 'https://'.length };
  return { changes: [{ from, to, insert }], selection };
}

/** Applies `changes` (offsets of `text`, in order, not overlapping) to `text`: for tests. */
export function applyChanges(text, changes) {
  let out = '';
  let at = 0;
  for (const c of changes) {
    out += text.slice(at, c.from) + c.insert;
    at = c.to;
  }
  return out + text.slice(at);
}
