// What the web client's unit tests share: a small seeded PRNG, random texts and random valid ops
// (after tests/support/ot_random.hpp, written separately from the OT type so that a bug there
// cannot hide itself in the inputs), the seeds of the randomized tests, and draining the
// microtasks that the state machines' promises schedule.
import { setImmediate } from 'node:timers';

/** sfc32: a small, fast generator with a 128-bit state; `rng()` gives a uint32. */
export function seededRandom(seed) {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next(); // mix the seed in
  const rng = () => next();
  /** A whole number in [0, n). */
  rng.below = (n) => next() % n;
  /** True with chance `p`. */
  rng.chance = (p) => next() / 0x100000000 < p;
  rng.pick = (list) => list[next() % list.length];
  return rng;
}

/**
 * The seeds of a randomized test: 1..`count`, or SEED=n alone, or SEEDS=n for 1..n (a longer
 * search). Each test names its seed, so that a failure can be replayed with SEED.
 */
export function seeds(count) {
  if (process.env.SEED) return [Number(process.env.SEED)];
  const n = process.env.SEEDS ? Number(process.env.SEEDS) : count;
  return Array.from({ length: n }, (_, i) => i + 1);
}

// The characters Samen's documents are made of and the ones that break naive code: Dutch
// letters, typographic quotes and the ĳ ligature, combining marks, astral emoji (two UTF-16 units),
// regional indicators, a ZWJ and a variation selector, the last code point, a line separator,
// Markdown punctuation, quotes, a backslash and NUL.
const alphabet = [
  'a', 'b', 'e', 'i', 'n', 'o', 'r', 's', 't', 'v', ' ', ' ', ' ', '\n', '#', '*', '-',
  '.', ',', '0', '7', '\t', 'é', 'ë', 'ï', 'ö', 'ü', 'è', 'á', '’', '‘', '“', '”', 'ĳ',
  'Ĳ', '€', '–', '\u0301', '\u0308', '😀', '🚲', '\u{1F1F3}', '\u{1F1F1}', '\u200d', '\ufe0f',
  '❤', '\u{10FFFF}', '\ufffd', '中', '\u2028', '"', '\\', '\0',
];

/** A text of `min`..`max` code points. */
export function randomText(rng, min, max) {
  let text = '';
  for (let n = min + rng.below(max - min + 1); n > 0; n--) {
    const cp = rng.pick(alphabet);
    // Combining marks mostly follow a base letter, as they do in real text.
    if ((cp === '\u0301' || cp === '\u0308') && n >= 2 && rng.below(2) === 0) {
      text += 'e';
      n--;
    }
    text += cp;
  }
  return text;
}

/** A document of up to `max` code points; one in eight is empty, many are very short. */
export function randomDoc(rng, max = 40) {
  const kind = rng.below(8);
  if (kind === 0) return '';
  return randomText(rng, 1, kind <= 2 ? Math.min(4, max) : max);
}

/** Appends components to a normalized op, merging like ones. */
function opBuilder() {
  const op = [];
  const last = () => op[op.length - 1];
  return {
    skip(n) {
      if (n === 0) return;
      if (typeof last() === 'number') op[op.length - 1] += n;
      else op.push(n);
    },
    insert(s) {
      if (!s) return;
      if (typeof last() === 'string') op[op.length - 1] += s;
      else op.push(s);
    },
    /** Deletes `cps` (the code points deleted), with their text when `withText`. */
    remove(cps, withText) {
      if (cps.length === 0) return;
      const l = last();
      if (l !== undefined && typeof l === 'object') {
        // Merged deletes keep their text only when both have it.
        if (typeof l.d === 'string' && withText) l.d += cps.join('');
        else l.d = (typeof l.d === 'string' ? [...l.d].length : l.d) + cps.length;
      } else {
        op.push({ d: withText ? cps.join('') : cps.length });
      }
    },
    build() {
      if (typeof last() === 'number') op.pop();
      return op;
    },
  };
}

/**
 * A random normalized op that applies to `doc`: it never reaches past its end, and every
 * `{d: 'str'}` holds the text the document has there. Sometimes empty.
 */
export function randomOp(rng, doc, { invertible = 0.5, maxSteps = 6, maxInsert = 6 } = {}) {
  const cps = [...doc];
  const op = opBuilder();
  let pos = 0;
  for (let step = rng.below(maxSteps + 1); step > 0; step--) {
    const left = cps.length - pos;
    const kind = rng.below(3);
    if (kind === 1) {
      op.insert(randomText(rng, 1, maxInsert));
    } else if (left > 0 && kind === 0) {
      const n = 1 + rng.below(left);
      op.skip(n);
      pos += n;
    } else if (left > 0) {
      // Short deletes mostly, now and then to the end of the document.
      const n = rng.below(4) === 0 ? left : 1 + rng.below(Math.min(left, 5));
      op.remove(cps.slice(pos, pos + n), rng.chance(invertible));
      pos += n;
    }
  }
  return op.build();
}

/** Resolves once every microtask queued so far (and those they queue) has run. */
export function drain() {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Timers that run only when told: what DocumentSync schedules (a retry after a rate limit, the
 * pause before presence goes out) happens when a test moves the clock.
 */
export class ManualTimers {
  constructor() {
    this.now = 0;
    this.nextId = 1;
    this.due = new Map(); // id -> {at, fn}
  }

  setTimeout = (fn, ms = 0) => {
    const id = this.nextId++;
    this.due.set(id, { at: this.now + ms, fn });
    return id;
  };

  clearTimeout = (id) => {
    this.due.delete(id);
  };

  /** Moves the clock `ms` on, running what falls due in order. */
  advance(ms) {
    const until = this.now + ms;
    for (let guard = 0; guard < 10000; guard++) {
      let first = null;
      for (const [id, t] of this.due) {
        if (t.at <= until && (!first || t.at < first[1].at)) first = [id, t];
      }
      if (!first) break;
      this.due.delete(first[0]);
      this.now = first[1].at;
      first[1].fn();
    }
    this.now = until;
  }
}
