// The sections of an open document as a tree: a Map id -> section {id, parent, position, ...},
// positions counted per parent from 0. How DocumentSync (doc-sync.js) reads it and moves its
// sections when the server says one was created, moved or deleted. No I/O.

/** Sections in tree order, each with its depth. */
export function tree(sections) {
  const children = new Map();
  for (const s of sections.values()) {
    const p = s.parent ?? '';
    if (!children.has(p)) children.set(p, []);
    children.get(p).push(s);
  }
  for (const list of children.values()) list.sort((a, b) => a.position - b.position);
  const out = [];
  const walk = (parent, depth) => {
    for (const s of children.get(parent) ?? []) {
      out.push({ section: s, depth });
      walk(s.id, depth + 1);
    }
  };
  walk('', 0);
  return out;
}

/** The sections under `parent` (null: the top), in order. */
export function children(sections, parent) {
  return [...sections.values()]
    .filter((s) => (s.parent ?? null) === (parent ?? null))
    .sort((a, b) => a.position - b.position);
}

/** The ids of every section below `id`, at any depth. */
export function descendants(sections, id) {
  const out = [];
  const walk = (p) => {
    for (const s of sections.values()) {
      if (s.parent === p) {
        out.push(s.id);
        walk(s.id);
      }
    }
  };
  walk(id);
  return out;
}

/** The state of a section for a municipality: inherit | override | stale | omit | local | absent. */
export function stateOf(section, code) {
  if (section.owner) return section.owner === code ? 'local' : 'absent';
  const l = section.layers[code];
  if (!l) return 'inherit';
  if (l.state === 'omit') return 'omit';
  return l.stale ? 'stale' : 'override';
}

/** Puts `s` at its `position` under its `parent`: the siblings from there on move one down. */
export function insertSection(sections, s) {
  for (const sib of children(sections, s.parent)) if (sib.position >= s.position) sib.position++;
  sections.set(s.id, s);
}

/** Takes `s` out of its parent's list: the siblings after it move one up. It stays in `sections`. */
export function closeGap(sections, s) {
  for (const sib of children(sections, s.parent)) if (sib.position > s.position) sib.position--;
}

/** Moves `s` to `position` under `parent`. */
export function moveSection(sections, s, parent, position) {
  closeGap(sections, s);
  for (const sib of children(sections, parent)) if (sib.id !== s.id && sib.position >= position) sib.position++;
  s.parent = parent;
  s.position = position;
}
