// DocumentSync (client/web/src/doc-sync.js) against an in-process server that follows
// samen-server's rules (server/rooms/room.cpp): real protocol messages over connections that
// deliver in order and break, with the server's own changes of the document in between. The JS
// counterpart of the FakeServer in tests/unit/client/test_document_sync.cpp.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

import { DocumentSync } from '../../client/web/src/doc-sync.js';
import * as ot from '../../client/web/src/ot.js';
import { ManualTimers, drain, randomDoc, randomOp } from './support.mjs';

// The server fills in the deleted text of every op it sends; the same package the client has.
const { type } = createRequire(new URL('../../client/web/src/ot.js', import.meta.url))('ot-text-unicode');

/** SAMEN_TRACE=1 prints every message of a simulation: with SEED=n, the story of one failure. */
const tracing = !!process.env.SAMEN_TRACE;
export const trace = (line) => { if (tracing) console.log(line); };

const key = (section, layer) => `${section}/${layer}`;
const user = (c) => ({ id: c + 1, name: `user${c}`, display_name: 'User', municipality: 'GM0166' });
const ADMIN = { id: 99, name: 'admin', display_name: 'Beheer', municipality: null };

export class FakeServer {
  /**
   * @param {function} rng
   * @param {object} o
   * @param {boolean} o.echo  the author also receives its own edit (after the ack)
   */
  constructor(rng, { echo }) {
    this.rng = rng;
    this.echo = echo;
    this.rev = 0;
    this.title = 'Doc';
    this.municipalities = [{ code: 'GM0166', name: 'Kampen' }, { code: 'GM1708', name: 'Steenwijkerland' }];
    const common = () => ({ text: randomDoc(rng, 15), changed_rev: 0 });
    /** id -> section, as a snapshot has it */
    this.sections = new Map([
      ['s1', { id: 's1', parent: null, position: 0, title: 's1', owner: null, layers: {
        common: common(),
        GM0166: { state: 'override', text: randomDoc(rng, 15), base: 0, changed_rev: 0, stale: false },
      } }],
      ['s2', { id: 's2', parent: null, position: 1, title: 's2', owner: null, layers: {
        common: common(), GM1708: { state: 'omit' },
      } }],
      ['s3', { id: 's3', parent: null, position: 2, title: 's3', owner: null, layers: { common: common() } }],
      ['s4', { id: 's4', parent: 's3', position: 0, title: 's4', owner: null, layers: { common: common() } }],
    ]);
    this.deleted = new Map(); // id -> section
    /** key -> the revision the layer was created at: older edits of it are refused */
    this.life = new Map();
    /** Keys of the layers dropped at some time (reverted, omitted, their section deleted) */
    this.dropped = new Set();
    this.log = []; // {rev, msg, edit: {section, layer, op} | null}
    this.memoryFrom = 0;
    this.opids = new Map(); // `${client} ${opid}` -> rev
    this.members = new Map(); // client -> {open, presence}
    this.textsAt = [this.texts()]; // rev -> Map key -> text
    this.edits = 0;
    this.rateLimitChance = 0;
    this.created = 0;
    /** (client, msg): set by the simulation */
    this.send = () => {};
  }

  /** The text of every text layer: key -> text. */
  texts() {
    const out = new Map();
    for (const s of this.sections.values()) {
      for (const [name, l] of Object.entries(s.layers)) if (l.state !== 'omit') out.set(key(s.id, name), l.text);
    }
    return out;
  }

  /** The sections as a snapshot sends them, with staleness worked out. */
  sectionsJson() {
    const out = [];
    const walk = (parent) => {
      const kids = [...this.sections.values()].filter((s) => s.parent === parent).sort((a, b) => a.position - b.position);
      for (const s of kids) {
        out.push(this.sectionJson(s));
        walk(s.id);
      }
    };
    walk(null);
    return out;
  }

  sectionJson(s) {
    const copy = structuredClone(s);
    for (const [name, l] of Object.entries(copy.layers)) {
      if (l.state === 'override') l.stale = l.base < s.layers.common.changed_rev;
      if (name === 'common') delete l.state;
    }
    return copy;
  }

  handle(c, msg) {
    switch (msg.type) {
      case 'open': return this.open(c, msg);
      case 'edit': return this.edit(c, msg);
      case 'close': return this.leave(c, msg.id);
      case 'presence': return this.presence(c, msg);
      default: assert.fail(`unexpected message ${JSON.stringify(msg)}`);
    }
  }

  open(c, msg) {
    const since = msg.since;
    if (since !== undefined && since > this.rev) {
      this.send(c, { type: 'error', id: msg.id, code: 'bad_request', message: `since ${since} is ahead of the document` });
      return;
    }
    let reply;
    if (since !== undefined && since >= this.memoryFrom) {
      reply = { type: 'changes', id: msg.id, doc: 'd', from: since, rev: this.rev,
                changes: this.log.filter((e) => e.rev > since).map((e) => e.msg) };
    } else {
      const presence = [];
      for (const [other, m] of this.members) {
        if (other !== c && m.open && m.presence) presence.push({ session: other + 1, user: user(other), ...m.presence });
      }
      reply = { type: 'snapshot', id: msg.id, doc: 'd', title: this.title, rev: this.rev,
                municipalities: this.municipalities, sections: this.sectionsJson(), presence,
                proposals: [], versions: [], archived: false };
    }
    this.members.set(c, { open: true, presence: null });
    this.send(c, structuredClone(reply));
  }

  leave(c, id) {
    const m = this.members.get(c);
    if (id !== undefined) this.send(c, { type: 'ack', id });
    if (!m?.open) return;
    m.open = false;
    if (m.presence) this.broadcast({ type: 'presence_left', doc: 'd', session: c + 1, user_id: c + 1 }, c);
    m.presence = null;
  }

  presence(c, msg) {
    const m = this.members.get(c);
    if (!m?.open) return;
    const l = this.sections.get(msg.section)?.layers[msg.layer];
    if (!l || l.state === 'omit') return; // answered with an error without id: no client reads it
    const len = [...l.text].length;
    m.presence = { section: msg.section, layer: msg.layer, sel: msg.sel.map((p) => Math.min(p, len)) };
    this.broadcast({ type: 'presence', doc: 'd', session: c + 1, user: user(c), ...m.presence }, c);
  }

  /** What room.cpp's process_edit and finish_edit do, in their order of checks. */
  edit(c, msg) {
    assert.ok(this.members.get(c)?.open, `c${c} edits a document it has not open`);
    const refuse = (code, message) => this.send(c, { type: 'error', id: msg.id, code, message });
    if (this.rng.chance(this.rateLimitChance)) return refuse('rate_limited', 'slow down');
    const s = this.sections.get(msg.section);
    const l = s?.layers[msg.layer];
    if (!s) return refuse('not_found', `no section '${msg.section}'`);
    if (!l || l.state === 'omit') return refuse('not_found', `section '${msg.section}' has no text layer '${msg.layer}'`);
    assert.ok(msg.base <= this.rev, `base ${msg.base} ahead of ${this.rev}`);
    const k = key(msg.section, msg.layer);
    if (msg.base < (this.life.get(k) ?? 0)) return refuse('conflict', 'the layer was created again');
    const seen = this.opids.get(`${c} ${msg.opid}`);
    if (seen !== undefined) {
      this.send(c, { type: 'ack', id: msg.id, rev: seen });
      return;
    }
    assert.ok(msg.op.length > 0, 'an empty op');
    let op = msg.op;
    for (const e of this.log) {
      if (e.edit && e.rev > msg.base && e.edit.section === msg.section && e.edit.layer === msg.layer) {
        op = ot.transform(op, e.edit.op, 'left');
      }
    }
    op = type.makeInvertible(op, l.text);
    l.text = ot.apply(l.text, op); // throws, failing the test, if it does not fit
    this.rev++;
    l.changed_rev = this.rev;
    this.edits++;
    for (const m of this.members.values()) {
      if (m.presence?.section === msg.section && m.presence.layer === msg.layer) {
        m.presence.sel = ot.transformSelection(m.presence.sel, op);
      }
    }
    const out = { type: 'edit', doc: 'd', section: msg.section, layer: msg.layer, rev: this.rev, op,
                  opid: msg.opid, author: user(c) };
    if (msg.layer === 'common') out.stale = Object.keys(s.layers).filter((n) => this.sectionJson(s).layers[n].stale);
    this.opids.set(`${c} ${msg.opid}`, this.rev);
    this.commit(out, { section: msg.section, layer: msg.layer, op });
    this.send(c, { type: 'ack', id: msg.id, rev: this.rev });
    this.broadcast(out, this.echo ? null : c);
  }

  /** Logs change `msg` (its rev the new one) and keeps the texts it leaves. */
  commit(msg, edit = null) {
    this.log.push({ rev: this.rev, msg: structuredClone(msg), edit });
    this.textsAt[this.rev] = this.texts();
  }

  broadcast(msg, except) {
    for (const [other, m] of this.members) {
      if (other !== except && m.open) this.send(other, structuredClone(msg));
    }
  }

  /** A change by someone else (an admin): it takes a revision and goes to every member. */
  change(msg) {
    this.rev++;
    const out = { ...msg, doc: 'd', rev: this.rev, author: ADMIN };
    trace(`the server: ${JSON.stringify(out)}`);
    this.commit(out);
    this.broadcast(out, null);
  }

  // ---- The changes of the document that are no text edits: each refused (false) unless it fits.
  renameSection(id, title) {
    const s = this.sections.get(id);
    if (!s) return false;
    s.title = title;
    this.change({ type: 'section.rename', section: id, title });
    return true;
  }

  diverge(id, code) {
    const s = this.sections.get(id);
    if (!s || s.owner || s.layers[code]) return false;
    const rev = this.rev + 1;
    s.layers[code] = { state: 'override', text: s.layers.common.text, base: rev, changed_rev: rev, stale: false };
    this.life.set(key(id, code), rev);
    this.change({ type: 'diverge', section: id, layer: code, text: s.layers.common.text, base: rev });
    return true;
  }

  revert(id, code) {
    const s = this.sections.get(id);
    if (s?.layers[code]?.state !== 'override') return false;
    delete s.layers[code];
    this.dropped.add(key(id, code));
    this.change({ type: 'revert', section: id, layer: code });
    return true;
  }

  omit(id, code) {
    const s = this.sections.get(id);
    if (!s || s.owner || s.layers[code]?.state === 'omit') return false;
    s.layers[code] = { state: 'omit' };
    this.dropped.add(key(id, code));
    this.life.set(key(id, code), this.rev + 1);
    this.change({ type: 'omit', section: id, layer: code });
    return true;
  }

  include(id, code) {
    const s = this.sections.get(id);
    if (s?.layers[code]?.state !== 'omit') return false;
    delete s.layers[code];
    this.change({ type: 'include', section: id, layer: code });
    return true;
  }

  acknowledge(id, code) {
    const s = this.sections.get(id);
    if (!s || !this.sectionJson(s).layers[code]?.stale) return false;
    s.layers[code].base = this.rev + 1;
    this.change({ type: 'acknowledge', section: id, layer: code, base: this.rev + 1 });
    return true;
  }

  createSection(parent, position) {
    if (parent !== null && !this.sections.has(parent)) return false;
    const id = `new-${++this.created}`;
    const rev = this.rev + 1;
    const siblings = this.children(parent);
    const at = Math.max(0, Math.min(position, siblings.length));
    siblings.splice(at, 0, null);
    const s = { id, parent, position: at, title: id, owner: null, layers: { common: { text: '', changed_rev: rev } } };
    siblings.forEach((x, i) => { if (x) x.position = i; });
    this.sections.set(id, s);
    this.life.set(key(id, 'common'), rev);
    this.change({ type: 'section.create', section: this.sectionJson(s) });
    return true;
  }

  /** Deletes `id` and what is under it. */
  deleteSection(id) {
    const s = this.sections.get(id);
    if (!s) return false;
    for (const g of subtree(id, this.sections)) {
      for (const name of Object.keys(this.sections.get(g).layers)) this.dropped.add(key(g, name));
      this.deleted.set(g, this.sections.get(g));
      this.sections.delete(g);
    }
    this.children(s.parent).forEach((x, i) => { x.position = i; });
    this.change({ type: 'section.delete', section: id });
    return true;
  }

  /** Brings `id` back with what was deleted under it, as the last child of its parent. */
  restoreSection(id) {
    const s = this.deleted.get(id);
    if (!s) return false;
    const back = subtree(id, this.deleted);
    for (const b of back) {
      this.sections.set(b, this.deleted.get(b));
      this.deleted.delete(b);
    }
    if (s.parent !== null && !this.sections.has(s.parent)) s.parent = null;
    s.position = this.children(s.parent).filter((x) => x !== s).length;
    this.change({ type: 'section.restore', section: this.sectionJson(s),
                  subsections: back.slice(1).map((b) => this.sectionJson(this.sections.get(b))) });
    return true;
  }

  /** A change of a kind the client does not know: it must load the document again. */
  unknownChange() {
    this.change({ type: 'future.change', what: 'something new' });
    return true;
  }

  children(parent) {
    return [...this.sections.values()].filter((s) => s.parent === parent).sort((a, b) => a.position - b.position);
  }

  /** Forgets what is held in memory: opens with an older `since` get a snapshot. */
  trim() {
    this.memoryFrom = this.rev;
    trace(`the server forgets the changes up to ${this.rev}`);
  }
}

/** `id` and the ids of every section under it, among `pool` (id -> section). */
function subtree(id, pool) {
  const ids = [id];
  for (let i = 0; i < ids.length; i++) {
    for (const s of pool.values()) if (s.parent === ids[i]) ids.push(s.id);
  }
  return ids;
}

/** The client's side of one WebSocket, as connection.js: requests matched to replies by id. */
class FakeConnection {
  constructor(session) {
    this.session = session;
    this.online = false;
    this.nextId = 1;
    this.pending = new Map(); // id -> {resolve, reject}
    this.up = [];
  }

  request(msg) {
    return new Promise((resolve, reject) => {
      if (!this.online) {
        reject(Object.assign(new Error('geen verbinding'), { code: 'disconnected' }));
        return;
      }
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.up.push({ ...structuredClone(msg), id });
    });
  }

  send(msg) {
    if (!this.online) return false;
    this.up.push(structuredClone(msg));
    return true;
  }

  /** A message from the server: the reply to a request, or true when it is not one. */
  reply(msg) {
    const p = msg.id !== undefined && msg.id !== null ? this.pending.get(msg.id) : undefined;
    if (!p) return true;
    this.pending.delete(msg.id);
    if (msg.type === 'error') p.reject(Object.assign(new Error(msg.message), { code: msg.code }));
    else p.resolve(msg);
    return false;
  }

  failPending() {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(Object.assign(new Error('de verbinding is verbroken'), { code: 'disconnected' }));
  }
}

/** A browser with the document open: its connection, its DocumentSync and what it was told. */
export class SimClient {
  constructor(index) {
    this.index = index;
    this.name = `c${index}`;
    this.conn = new FakeConnection(index + 1);
    this.timers = new ManualTimers();
    this.sync = new DocumentSync('d', this.conn, { timers: this.timers });
    this.down = [];
    this.events = [];
    this.sync.subscribe((ev) => {
      this.events.push(ev);
      if (ev.kind === 'error' || ev.kind === 'unsent') trace(`${this.name} event ${JSON.stringify(ev)}`);
    });
  }

  get connected() { return this.conn.online; }

  /** Events of `kind` seen so far. */
  seen(kind) { return this.events.filter((e) => e.kind === kind); }

  /** Every layer: what it shows is the server's text with its own pending changes applied, and
   *  the document model holds the same text. */
  checkInvariants() {
    for (const e of this.sync.layers.values()) {
      const l = e.sync;
      let t = l.confirmed;
      if (l.inFlight) t = ot.apply(t, l.inFlight.op);
      if (l.buffer) t = ot.apply(t, l.buffer);
      assert.equal(t, l.text, `${this.name} ${e.section}/${e.layer}: confirmed + in flight + buffer`);
      const s = this.sync.sections.get(e.section);
      assert.ok(s, `${this.name}: a layer of a section it does not have: ${e.section}`);
      assert.equal(s.layers[e.layer]?.text, l.text, `${this.name} ${e.section}/${e.layer}: the model's text`);
    }
  }
}

export class Simulation {
  constructor(rng, clients, { echo }) {
    this.rng = rng;
    this.server = new FakeServer(rng, { echo });
    this.clients = Array.from({ length: clients }, (_, i) => new SimClient(i));
    this.server.send = (c, msg) => {
      const client = this.clients[c];
      // A message to a connection that is gone is lost.
      if (client.connected) client.down.push(msg);
    };
  }

  async connect(i) {
    const c = this.clients[i];
    trace(`${c.name} connects`);
    c.conn.online = true;
    c.sync.connected();
    await drain();
  }

  async deliverUp(i) {
    const c = this.clients[i];
    const msg = c.conn.up.shift();
    trace(`${c.name} -> ${JSON.stringify(msg)}`);
    this.server.handle(i, msg);
    await drain();
  }

  /** One message to the client; as a browser does, what its promises queue runs before the next. */
  async deliverDown(i) {
    const c = this.clients[i];
    const msg = c.down.shift();
    trace(`${c.name} <- ${JSON.stringify(msg)}`);
    if (c.conn.reply(msg) && msg.doc === 'd') c.sync.receive(msg);
    await drain();
    c.checkInvariants();
    this.checkConfirmed(c);
  }

  /**
   * A live client's view of the server, without its own pending changes, is the server's text
   * at the revision it reached: the same layers, the same texts.
   */
  checkConfirmed(c) {
    if (c.sync.phase !== 'live') return;
    const rev = c.sync.rev;
    const texts = this.server.textsAt[rev];
    assert.ok(texts, `${c.name} at rev ${rev}, the server at ${this.server.rev}`);
    const have = new Map([...c.sync.layers.values()].map((e) => [key(e.section, e.layer), e.sync.confirmed]));
    assert.deepEqual(new Set(have.keys()), new Set(texts.keys()), `${c.name} at ${rev}: the text layers`);
    for (const [k, text] of texts) assert.equal(have.get(k), text, `${c.name} ${k} at ${rev}`);
  }

  /**
   * The connection breaks: what the server got so far is handled, the rest is lost, and nothing
   * the server sends reaches the client any more.
   */
  async drop(i) {
    const c = this.clients[i];
    trace(`${c.name} loses its connection`);
    c.conn.online = false;
    c.down.length = 0;
    const through = c.conn.up.length ? this.rng.below(c.conn.up.length + 1) : 0;
    const up = c.conn.up.splice(0);
    for (const msg of up.slice(0, through)) this.server.handle(i, msg);
    this.server.leave(i);
    c.conn.failPending();
    c.sync.disconnected();
    await drain();
  }

  /** Where the client's user is now: a random place in one of its layers. */
  moveCursor(i) {
    const c = this.clients[i];
    if (!c.sync.loaded || c.sync.layers.size === 0) return;
    const e = this.rng.pick([...c.sync.layers.values()]);
    const len = [...e.sync.text].length;
    c.sync.setPresence(e.section, e.layer, [this.rng.below(len + 1), this.rng.below(len + 1)]);
  }

  localEdit(i) {
    const c = this.clients[i];
    if (!c.sync.loaded || c.sync.layers.size === 0) return;
    const e = this.rng.pick([...c.sync.layers.values()]);
    const op = randomOp(this.rng, e.sync.text, { invertible: 0.3, maxSteps: 3, maxInsert: 4 });
    trace(`${c.name} types ${JSON.stringify(op)} in ${e.section}/${e.layer}`);
    c.sync.edit(e.section, e.layer, op);
  }

  /** Someone else changes the document: one of the changes that are not text edits (with
   *  `unknown`, also one of a kind the client does not know). */
  structuralChange({ unknown = true } = {}) {
    const s = this.server;
    const ids = [...s.sections.keys()];
    const id = ids.length ? this.rng.pick(ids) : null;
    const code = this.rng.pick(['GM0166', 'GM1708']);
    const tries = [
      () => s.renameSection(id, `Titel ${s.rev + 1}`),
      () => s.diverge(id, code),
      () => s.revert(id, code),
      () => s.omit(id, code),
      () => s.include(id, code),
      () => s.acknowledge(id, code),
      () => s.createSection(this.rng.chance(0.5) ? null : id, this.rng.below(4)),
      () => s.deleteSection(id),
      () => s.restoreSection(this.rng.pick([...s.deleted.keys(), 'none'])),
      () => unknown && s.unknownChange(),
    ];
    // The first that fits, from a random start.
    const start = this.rng.below(tries.length);
    for (let k = 0; k < tries.length; k++) if (id !== null && tries[(start + k) % tries.length]()) return;
  }

  /** Delivers everything, reconnecting every client, until nothing moves. */
  async settle() {
    this.server.rateLimitChance = 0;
    for (let i = 0; i < this.clients.length; i++) if (!this.clients[i].connected) await this.connect(i);
    for (let round = 0; round < 100000; round++) {
      let moved = false;
      for (let i = 0; i < this.clients.length; i++) {
        const c = this.clients[i];
        c.timers.advance(1000); // retries after a rate limit, presence
        await drain();
        while (c.conn.up.length) {
          await this.deliverUp(i);
          moved = true;
        }
      }
      for (let i = 0; i < this.clients.length; i++) {
        while (this.clients[i].down.length) {
          await this.deliverDown(i);
          moved = true;
        }
      }
      if (!moved) return;
    }
    assert.fail('the simulation did not settle');
  }

  /** Every client has what the server has: the same revision, sections and texts. */
  checkConverged() {
    const server = this.server;
    const expected = server.sectionsJson().sort((a, b) => a.id.localeCompare(b.id));
    for (const c of this.clients) {
      for (const e of c.seen('error')) assert.fail(`${c.name}: ${e.code}: ${e.message}`);
      assert.equal(c.sync.phase, 'live', c.name);
      assert.equal(c.sync.pendingEdits(), 0, c.name);
      assert.equal(c.sync.rev, server.rev, c.name);
      const sections = [...c.sync.sections.values()].sort((a, b) => a.id.localeCompare(b.id));
      assert.deepEqual(sections, expected, `${c.name}: the sections`);
      for (const [k, text] of server.texts()) {
        const [section, layer] = k.split('/');
        assert.equal(c.sync.layer(section, layer)?.text, text, `${c.name} ${k}`);
      }
      assert.equal(c.sync.layers.size, server.texts().size, `${c.name}: the text layers`);
      // Nobody shown past the end of a text. (Presence in a layer that was dropped meanwhile
      // follows no text: the server does not move it either.)
      for (const p of c.sync.presence.values()) {
        const l = c.sync.layer(p.section, p.layer);
        if (!l || server.dropped.has(key(p.section, p.layer))) continue;
        const len = [...l.text].length;
        assert.ok(p.sel[0] <= len && p.sel[1] <= len, `${c.name}: presence ${JSON.stringify(p)} past ${len}`);
      }
    }
  }
}
