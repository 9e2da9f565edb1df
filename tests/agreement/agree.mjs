#!/usr/bin/env node
// Holds Samen's C++ text OT core (through the `samen-ot` line tool) against the reference, npm
// ot-text-unicode 4.0.0, which the browser runs: both must give the same answer to every input.
//
//   node agree.mjs path/to/samen-ot [--seed N] [--cases N]
//
// Cases are random (a fixed, printed seed; own PRNG, so a seed means the same cases everywhere)
// and stay inside what both sides define alike: ops that fit their documents, `{"d": "str"}`
// deletes that hold the document's text. Where the reference is lax and Samen strict (a delete
// past the end, a wrong `{"d": "str"}`, an unnormalized op outside `normalize`), Samen answers an
// error by design; the invalid inputs at the end check that it does, and that it keeps running.
import { spawn } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';

const usage = 'usage: node agree.mjs path/to/samen-ot [--seed N] [--cases N]';

function parseArgs(argv) {
    const args = { tool: null, seed: 20230328, cases: 6000 };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === '--seed' || a === '--cases') {
            const n = Number(argv[++i]);
            if (!Number.isSafeInteger(n) || n < 0) throw Error(`${a} needs a non-negative integer`);
            args[a.slice(2)] = n;
        } else if (a === '--help' || a === '-h') {
            console.log(usage);
            process.exit(0);
        } else if (args.tool === null) {
            args.tool = a;
        } else {
            throw Error(`unexpected argument ${a}`);
        }
    }
    if (args.tool === null) throw Error(usage);
    return args;
}

async function loadReference() {
    try {
        const pkg = await import('ot-text-unicode');
        return (pkg.default ?? pkg).type;
    } catch (e) {
        console.error('agreement: cannot load ot-text-unicode; run `npm ci` in tests/agreement ' +
                      '(scripts/setup.sh does it)');
        throw e;
    }
}

// ---- Random inputs ----------------------------------------------------------------------------

// mulberry32: small, fast, and the same sequence in every JavaScript engine.
function mulberry32(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

// The same kinds of characters as tests/support/ot_random.hpp: Dutch letters, ’ and ĳ, combining
// marks, astral emoji (surrogate pairs in JavaScript), flags, ZWJ, a variation selector, the last
// code point, Markdown punctuation and newlines.
const alphabet = [
    'a', 'b', 'e', 'i', 'n', 'o', 'r', 's', 't', 'v', ' ', ' ', ' ', '\n', '#', '*', '-', '.', ',',
    '0', '7', '\t', '"', '\\', 'é', 'ë', 'ï', 'ö', 'ü', 'è', 'á', '’', '‘', '“', '”', 'ĳ', 'Ĳ', '€',
    '–', '\u0301', '\u0308', '\u{1F600}', '\u{1F6B2}', '\u{1F1F3}', '\u{1F1F1}', '\u200D', '\uFE0F',
    '\u2764', '\u{10FFFF}', '\uFFFD', '中', '\u0000', '\u2028',
];
const combining = new Set(['\u0301', '\u0308']);

function makeGen(random) {
    const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1)); // inclusive
    const chance = (p) => random() < p;
    const pick = (xs) => xs[int(0, xs.length - 1)];

    // An array of code points (strings of one code point each).
    const text = (min, max) => {
        const cps = [];
        for (let n = int(min, max); n > 0; n--) {
            const cp = pick(alphabet);
            if (combining.has(cp) && n >= 2 && chance(0.5)) {
                cps.push('e');
                n--;
            }
            cps.push(cp);
        }
        return cps;
    };
    // Short documents make ops collide often; now and then a longer one.
    const doc = () => {
        const r = random();
        return r < 1 / 8 ? [] : text(1, r < 0.4 ? 4 : r < 0.9 ? 40 : 200);
    };

    // A normalized op for a document of code points `cps`, built like the reference's makeAppend.
    const op = (cps, invertible = 0.5) => {
        const out = [];
        const push = (c) => {
            const last = out[out.length - 1];
            if (typeof c === 'number' && typeof last === 'number') out[out.length - 1] += c;
            else if (typeof c === 'string' && typeof last === 'string') out[out.length - 1] += c;
            else if (typeof c === 'object' && typeof last === 'object') {
                last.d = typeof last.d === 'string' && typeof c.d === 'string'
                    ? last.d + c.d
                    : dlen(last.d) + dlen(c.d);
            } else out.push(c);
        };
        let pos = 0;
        const steps = int(0, 6);
        for (let step = 0; step < steps; step++) {
            const left = cps.length - pos;
            const kind = int(0, 2);
            if (kind === 1) {
                push(text(1, chance(0.05) ? 40 : 6).join(''));
            } else if (left > 0 && kind === 0) {
                const n = int(1, left);
                push(n);
                pos += n;
            } else if (left > 0) {
                const n = chance(0.25) ? left : int(1, Math.min(left, 5));
                push({ d: chance(invertible) ? cps.slice(pos, pos + n).join('') : n });
                pos += n;
            }
        }
        if (typeof out[out.length - 1] === 'number') out.pop();
        return out;
    };

    // An op as a client might send it to `normalize`: empty components, like components side by
    // side, trailing skips.
    const laxOp = () => {
        const out = [];
        for (let n = int(0, 8); n > 0; n--) {
            switch (int(0, 7)) {
                case 0: out.push(0); break;
                case 1: out.push(int(1, 9)); break;
                case 2: out.push(''); break;
                case 3: case 4: out.push(text(1, 4).join('')); break;
                case 5: out.push({ d: chance(0.3) ? 0 : int(1, 9) }); break;
                case 6: out.push({ d: chance(0.3) ? '' : text(1, 4).join('') }); break;
                case 7: if (out.length > 0) out.push(structuredClone(out[out.length - 1])); break;
            }
        }
        return out;
    };

    return { int, chance, pick, text, doc, op, laxOp };
}

const dlen = (d) => (typeof d === 'number' ? d : [...d].length);

// ---- Cases ------------------------------------------------------------------------------------

const fns = ['apply', 'transform', 'compose', 'transformPosition', 'transformSelection',
             'normalize', 'invert', 'makeInvertible'];

function makeCase(gen, ref, fn) {
    const cps = gen.doc();
    const doc = cps.join('');
    switch (fn) {
        case 'apply':
            return { fn, doc, op: gen.op(cps) };
        case 'transform':
            return { fn, op: gen.op(cps), other: gen.op(cps), side: gen.pick(['left', 'right']) };
        case 'compose': {
            const a = gen.op(cps);
            const after = [...ref.apply(doc, structuredClone(a))];
            return { fn, a, b: gen.op(after) };
        }
        case 'transformPosition':
            return { fn, pos: gen.int(0, cps.length + 3), op: gen.op(cps) };
        case 'transformSelection': {
            const sel = gen.chance(0.3)
                ? gen.int(0, cps.length + 1)
                : [gen.int(0, cps.length + 1), gen.int(0, cps.length + 1)];
            return { fn, sel, op: gen.op(cps) };
        }
        case 'normalize':
            return { fn, op: gen.laxOp() };
        case 'invert':
            // Mostly invertible; the rest must fail on both sides.
            return { fn, op: gen.op(cps, gen.chance(0.8) ? 1 : 0.5) };
        case 'makeInvertible':
            return { fn, op: gen.op(cps), doc };
    }
    throw Error(`no case for ${fn}`);
}

/// What the reference answers: {result} or {error}.
function reference(ref, request) {
    const r = structuredClone(request); // the reference mutates delete components when it merges
    try {
        switch (r.fn) {
            case 'apply': return { result: ref.apply(r.doc, r.op) };
            case 'transform': return { result: ref.transform(r.op, r.other, r.side) };
            case 'compose': return { result: ref.compose(r.a, r.b) };
            case 'transformPosition': return { result: ref.transformPosition(r.pos, r.op) };
            case 'transformSelection': return { result: ref.transformSelection(r.sel, r.op) };
            case 'normalize': return { result: ref.normalize(r.op) };
            case 'invert': return { result: ref.invert(r.op) };
            case 'makeInvertible': return { result: ref.makeInvertible(r.op, r.doc) };
        }
    } catch (e) {
        return { error: String(e.message) };
    }
    throw Error(`no reference for ${r.fn}`);
}

// Lines Samen must refuse with {"error": ...}, each on its own, without stopping. Buffers, so
// that some can hold bytes that are not UTF-8.
function invalidLines() {
    const req = (fields) => JSON.stringify(fields);
    const raw = (...parts) => Buffer.concat(parts.map((p) => Buffer.from(p)));
    const apply = (op, doc = 'abc') => req({ fn: 'apply', doc, op });
    const lines = [
        'not json', '{', '{"fn":"apply",', '[]', '"apply"', '42', 'null', '{}', '{"fn":42}',
        '{"fn":"frobnicate"}', '{"fn":"apply"}', '{"fn":"apply","doc":"abc"}',
        '{"fn":"apply","doc":5,"op":[]}', '{"fn":"apply","doc":"abc","op":{}}',
        '{"fn":"apply","doc":"abc","op":"x"}',
        apply([0]), apply([-1, 'x']), apply([1.5, 'x']), apply([true, 'x']), apply([null]),
        apply(['']), apply([{ d: 0 }]), apply([{ d: '' }]), apply([{ d: -1 }]), apply([{ d: 1.5 }]),
        apply([{ d: true }]), apply([{}]), apply([1, 2, 'x']), apply(['a', 'b']),
        apply([{ d: 1 }, { d: 1 }]), apply([{ d: 'a' }, { d: 1 }]), apply([3]), apply(['x', 2]),
        apply([{ d: 1, x: 2 }]), apply([{ e: 1 }]), apply([[1]]),
        apply([4, 'x']),                          // skip past the end
        apply([2, { d: 2 }]),                     // delete past the end
        apply([{ d: 'b' }]),                      // {"d": "str"} that is not what the doc holds
        '{"fn":"apply","doc":"abc","op":[18446744073709551615,"x"]}',
        '{"fn":"apply","doc":"abc","op":[1e300,"x"]}',
        raw('{"fn":"apply","doc":"', [0xc3, 0x28], '","op":[]}'),           // invalid sequence
        raw('{"fn":"apply","doc":"abc","op":["', [0xc0, 0xaf], '"]}'),      // overlong '/'
        raw('{"fn":"apply","doc":"abc","op":["', [0xed, 0xa0, 0x80], '"]}'), // surrogate D800
        raw('{"fn":"apply","doc":"abc","op":["', [0xf4, 0x90, 0x80, 0x80], '"]}'), // > U+10FFFF
        raw('{"fn":"', [0xff], '"}'),
        '{"fn":"apply","doc":"abc","op":["\\ud800"]}',  // a lone surrogate escape
        '{"fn":"apply","doc":"abc","op":[]} trailing',
        raw('{"fn":"apply","doc":"a', [0x00], 'b","op":[]}'),               // raw NUL in a string
        req({ fn: 'transform', op: [1, 'x'], other: [1, 'y'], side: 'middle' }),
        req({ fn: 'transform', op: [1, 'x'], side: 'left' }),
        req({ fn: 'transform', op: [1, 'x'], other: [1, 1], side: 'left' }),
        req({ fn: 'compose', a: ['x'] }),
        req({ fn: 'transformPosition', pos: -1, op: [] }),
        req({ fn: 'transformPosition', pos: '3', op: [] }),
        req({ fn: 'transformPosition', pos: 1.5, op: [] }),
        req({ fn: 'transformSelection', sel: [1], op: [] }),
        req({ fn: 'transformSelection', sel: [1, 2, 3], op: [] }),
        req({ fn: 'transformSelection', sel: { anchor: 1 }, op: [] }),
        req({ fn: 'transformSelection', sel: [1, -2], op: [] }),
        req({ fn: 'invert', op: [1, { d: 2 }] }),
        req({ fn: 'makeInvertible', op: [2, { d: 5 }], doc: 'abc' }),
        req({ fn: 'makeInvertible', op: [5, 'x'], doc: 'abc' }),
        req({ fn: 'makeInvertible', op: [{ d: 'x' }], doc: 'abc' }),
        req({ fn: 'makeInvertible', op: [1, 1], doc: 'abc' }),
        req({ fn: 'normalize', op: [-1] }),
        req({ fn: 'normalize', op: [0.5] }),
        req({ fn: 'normalize', op: [{ x: 1 }] }),
        req({ fn: 'normalize', op: 'abc' }),
        raw('{"fn":"normalize","op":["', [0xff], '"]}'),
        '['.repeat(100000),
        '['.repeat(100000) + ']'.repeat(100000),
        req({ fn: 'apply', doc: 'x'.repeat(1 << 20), op: [(1 << 20) + 1, 'y'] }),
    ];
    return lines.map((l) => (typeof l === 'string' ? Buffer.from(l) : l));
}

// ---- Running samen-ot -------------------------------------------------------------------------

/// Writes every line to one samen-ot process and returns its answers as parsed JSON (or the raw
/// text when it is not JSON), and how it exited.
function runTool(tool, lines, expectedAnswers, timeoutMs) {
    return new Promise((resolve, reject) => {
        const child = spawn(tool, [], { stdio: ['pipe', 'pipe', 'inherit'] });
        const chunks = [];
        let aliveAfterAll = false;
        let timedOut = false;
        const timer = setTimeout(() => {
            // The answers so far still say which line it is stuck on.
            timedOut = true;
            child.kill('SIGKILL');
        }, timeoutMs);
        child.on('error', (e) => { clearTimeout(timer); reject(e); });
        child.stdout.on('data', (c) => {
            chunks.push(c);
            // Every answer is in: the process must still be running, waiting for more input.
            if (!aliveAfterAll && countLines(chunks) >= expectedAnswers) {
                aliveAfterAll = child.exitCode === null && child.signalCode === null;
                child.stdin.end();
            }
        });
        child.on('close', (code, signal) => {
            clearTimeout(timer);
            const out = Buffer.concat(chunks);
            const decoder = new TextDecoder('utf-8', { fatal: true });
            const answers = [];
            let start = 0;
            for (let i = out.indexOf(10); i !== -1; start = i + 1, i = out.indexOf(10, start)) {
                const bytes = out.subarray(start, i);
                let text;
                try {
                    text = decoder.decode(bytes);
                } catch {
                    answers.push({ notUtf8: bytes.toString('latin1') });
                    continue;
                }
                try {
                    answers.push(JSON.parse(text));
                } catch {
                    answers.push({ notJson: text });
                }
            }
            resolve({ answers, code, signal, aliveAfterAll, timedOut,
                      unterminated: start !== out.length });
        });
        child.stdin.on('error', () => {}); // a dead child shows in the answers and the exit code
        for (const l of lines) {
            child.stdin.write(l);
            child.stdin.write('\n');
        }
    });
}

function countLines(chunks) {
    let n = 0;
    for (const c of chunks) for (let i = c.indexOf(10); i !== -1; i = c.indexOf(10, i + 1)) n++;
    return n;
}

// ---- Main -------------------------------------------------------------------------------------

// Lines with counts no document reaches (near 2^64, beyond what JavaScript numbers hold exactly),
// where the reference has no meaningful answer: any answer will do, as long as it is an error or
// a normalized op, and the process answers and goes on.
function limitLines() {
    const max = '18446744073709551615';
    const below = '18446744073709551614';
    return [
        `{"fn":"transform","op":[],"other":[${max},"y"],"side":"left"}`,
        `{"fn":"transform","op":[],"other":[{"d":${max}}],"side":"right"}`,
        `{"fn":"transform","op":[1,"x"],"other":[1,"y",${max},"z"],"side":"right"}`,
        `{"fn":"transform","op":[${below},"a"],"other":[${below},"yy"],"side":"right"}`,
        `{"fn":"compose","a":[],"b":[${max},"y"]}`,
        `{"fn":"compose","a":[],"b":[{"d":${max}}]}`,
        `{"fn":"compose","a":[${below},"a"],"b":[${max},"yy"]}`,
        `{"fn":"apply","doc":"abc","op":[${max},"x"]}`,
        `{"fn":"makeInvertible","op":[{"d":${max}}],"doc":"abc"}`,
        `{"fn":"normalize","op":[${max},${max},"x"]}`,
        `{"fn":"transformPosition","pos":${max},"op":[${below},"xx"]}`,
        `{"fn":"transformSelection","sel":[${max},0],"op":[{"d":${max}}]}`,
    ];
}

const show = (buf) => (buf.length > 200 ? buf.subarray(0, 200).toString('utf8') + '...' : buf.toString('utf8'));

async function main() {
    const args = parseArgs(process.argv.slice(2));
    const ref = await loadReference();
    console.log(`agreement: seed ${args.seed}, ${args.cases} cases (rerun: --seed ${args.seed})`);

    // Every line sent, in order, with what its answer must be (`judge` returns null when the
    // answer is right, else what was expected). Blank lines get no answer.
    const checks = [];
    const lines = [];
    const send = (line, check) => {
        const buf = Buffer.isBuffer(line) ? line : Buffer.from(line);
        lines.push(buf);
        if (check) checks.push({ ...check, shown: show(buf) });
    };
    const blanks = () => ['', '   ', '\t', '\r'].forEach((l) => send(l, null));

    const gen = makeGen(mulberry32(args.seed));
    const byFn = Object.fromEntries(fns.map((f) => [f, 0]));
    let refusedByBoth = 0;
    for (let i = 0; i < args.cases; i++) {
        const fn = fns[i % fns.length];
        const line = JSON.stringify(makeCase(gen, ref, fn));
        const expected = reference(ref, JSON.parse(line));
        if ('error' in expected) refusedByBoth++;
        send(line, {
            what: `case ${i} (${fn})`, fn,
            judge: (a) => ('error' in expected
                ? (typeof a.error === 'string' ? null : { error: expected.error })
                : ('result' in a && isDeepStrictEqual(a.result, expected.result) ? null : expected)),
        });
    }
    blanks();
    const refusal = (a) => (Object.keys(a).length === 1 && typeof a.error === 'string' ? null
        : { error: '...' });
    invalidLines().forEach((l, k) => send(l, { what: `invalid input ${k}`, judge: refusal }));
    blanks();
    limitLines().forEach((l, k) => send(l, {
        what: `limit ${k}`,
        judge: (a) => {
            if (Object.keys(a).length !== 1) return 'one of {"result": ...} or {"error": ...}';
            if (typeof a.error === 'string' || typeof a.result === 'number') return null;
            if (Array.isArray(a.result) && typeof a.result[0] === 'number') {
                if (a.result.every((x) => typeof x === 'number')) return null; // a selection
            }
            try {
                ref.checkOp(a.result);
                return null;
            } catch (e) {
                return `an error or a normalized op (${e.message})`;
            }
        },
    }));
    // Still serving, and a CRLF line is an ordinary request.
    send('{"fn":"apply","doc":"ĳs😀","op":[2,{"d":1},"é"]}\r', {
        what: 'a valid request after all the others',
        judge: (a) => (a.result === 'ĳsé' ? null : { result: 'ĳsé' }),
    });

    // The whole run takes a few seconds even under sanitizers: more means a line hangs it.
    const run = await runTool(args.tool, lines, checks.length, 60_000);

    const failures = [];
    const fail = (what, input, expected, actual) => failures.push({ what, input, expected, actual });
    let passed = 0;
    let othersRight = 0;
    checks.forEach((c, i) => {
        const actual = run.answers[i];
        if (actual === undefined) {
            if (i === run.answers.length) {
                fail(c.what, c.shown, 'an answer', run.timedOut
                    ? 'none: samen-ot hung on this line (killed after 60 s)'
                    : `none: samen-ot ended (code ${run.code}, signal ${run.signal})`);
            }
            return;
        }
        const wrong = c.judge(actual);
        if (wrong === null && c.fn) {
            passed++;
            byFn[c.fn]++;
        } else if (wrong === null) {
            othersRight++;
        } else {
            fail(c.what, c.shown, wrong, actual);
        }
    });
    if (run.answers.length !== checks.length || run.unterminated) {
        fail('answer count', `${lines.length} lines`, `${checks.length} answers`,
             `${run.answers.length} answers${run.unterminated ? ' and an unterminated line' : ''}`);
    }
    if (!run.aliveAfterAll) fail('process', 'all lines', 'still running after the last answer', 'it was not');
    if (run.code !== 0) fail('process', 'end of input', 'exit code 0', `code ${run.code}, signal ${run.signal}`);

    // How the process fared explains the rest: show it first.
    const rank = (f) => (f.what === 'process' || f.what === 'answer count' ? 0 : 1);
    failures.sort((x, y) => rank(x) - rank(y));
    for (const f of failures.slice(0, 10)) {
        console.log(`MISMATCH ${f.what}\n  input:    ${f.input}\n  expected: ${JSON.stringify(f.expected)}\n` +
                    `  actual:   ${JSON.stringify(f.actual)}`);
    }
    if (failures.length > 10) console.log(`... and ${failures.length - 10} more`);
    const others = checks.length - args.cases;
    const processOk = failures.every((f) => rank(f) === 1);
    console.log(`agreement: passed per fn ${JSON.stringify(byFn)}; ${refusedByBoth} cases refused by ` +
                'the reference');
    console.log(`agreement: invalid and limit inputs: ${othersRight}/${others} answered right; ` +
                `process ${processOk ? 'kept running and exited 0' : 'FAILED (see above)'}`);
    console.log(`agreement: ${passed} passed, ${args.cases - passed} failed (seed ${args.seed})`);
    process.exitCode = failures.length === 0 ? 0 : 1;
}

main().catch((e) => {
    console.error(`agreement: ${e.stack ?? e}`);
    process.exitCode = 2;
});
