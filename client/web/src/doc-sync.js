// Live sync of one open document: holds the document as the user sees it (sections, layers,
// proposals, presence) and one LayerSync per text layer, applies what the server sends, and sends
// local edits (at most one in flight per layer). Without DOM: the UI listens to its events, and
// the connection (connection.js) and the timers are given, so that tests can drive it.
import { applyRecordChange } from './doc-changes.js';
import * as sectionTree from './doc-sections.js';
import { errorText } from './errors.js';
import { LayerSync } from './layer-sync.js';
import * as ot from './ot.js';

const key = (section, layer) => `${section}\u0000${layer}`;

/** The server's bound on one WebSocket message (`--max-message-bytes`, docs/protocol.md). */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
const tooLarge = (msg) => {
  const json = JSON.stringify(msg);
  return json.length * 3 > MAX_MESSAGE_BYTES && new TextEncoder().encode(json).length > MAX_MESSAGE_BYTES;
};

let opidCounter = 0;
const opidPrefix = (() => {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return 'web-' + [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
})();
const nextOpid = () => `${opidPrefix}-${++opidCounter}`;

export class DocumentSync {
  /**
   * @param {string} docId
   * @param {object} conn  as connection.js: `online`, `session`, `request(msg)` (a promise of the
   *        reply; rejects with an Error that has the error's `code`), `send(msg)`
   * @param {object} [o]
   * @param {object} [o.timers]  `setTimeout` and `clearTimeout` (the retry after a rate limit,
   *        the pause before presence is sent)
   */
  constructor(docId, conn, { timers = globalThis } = {}) {
    this.id = docId;
    this.conn = conn;
    this.timers = timers;
    this.phase = 'offline'; // offline | opening | live | recovering
    this.loaded = false;
    this.freshOpen = false;
    this.rev = 0;
    this.title = '';
    this.municipalities = [];
    /** id -> section {id, parent, position, title, owner, layers} */
    this.sections = new Map();
    /** Sections deleted while this document was open: id -> {section, subsections}. */
    this.deleted = new Map();
    /** id -> proposal (open ones, and those closed while the document was open) */
    this.proposals = new Map();
    /** Named versions, oldest first: {rev, label, author, created_at}. */
    this.versions = [];
    /** Comment threads by id (docs/protocol.md, `comment`), their ranges kept on the text as it is here. */
    this.threads = new Map();
    this.archived = false;
    /** Per municipality code: its priorities, section ids in order (docs/protocol.md, `priorities.set`). */
    this.priorities = {};
    /** Per municipality code: its decision {state, date, reference, rev}; absent: concept. */
    this.adoption = {};
    /** key -> {section, layer, sync, sent, held, recovered} */
    this.layers = new Map();
    /** session -> {session, user, section, layer, sel} */
    this.presence = new Map();
    this.ownPresence = null;
    this.listeners = new Set();
    this.closed = false;
  }

  // ---- Events -------------------------------------------------------------------------------
  /** fn(event): {kind: 'loaded'|'change'|'remote'|'presence'|'unsent'|'error'|'pending', ...} */
  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(event) {
    for (const fn of [...this.listeners]) fn(event);
  }

  /** Resolves once the document's snapshot is there. */
  whenLoaded() {
    if (this.loaded) return Promise.resolve();
    return new Promise((resolve) => {
      const off = this.subscribe((ev) => {
        if (ev.kind === 'loaded') {
          off();
          resolve();
        }
      });
    });
  }

  // ---- Reading -------------------------------------------------------------------------------
  layer(section, layer) {
    const e = this.layers.get(key(section, layer));
    return e ? e.sync : null;
  }

  pendingEdits() {
    let n = 0;
    for (const e of this.layers.values()) n += e.sync.pending;
    return n;
  }

  /** Sections in tree order, each with its depth (doc-sections.js). */
  tree() {
    return sectionTree.tree(this.sections);
  }

  children(parent) {
    return sectionTree.children(this.sections, parent);
  }

  descendants(id) {
    return sectionTree.descendants(this.sections, id);
  }

  /** The state of a section for a municipality: inherit | override | stale | omit | local | absent. */
  stateOf(section, code) {
    return sectionTree.stateOf(section, code);
  }

  // ---- The connection ------------------------------------------------------------------------
  connected() {
    if (this.closed) return;
    this.reopen(this.loaded);
  }

  disconnected() {
    this.phase = 'offline';
    for (const e of this.layers.values()) {
      e.sent = false;
      e.held = false;
      e.recovered = false;
    }
    if (this.ownPresence) this.ownPresence.sent = false;
    this.presence.clear();
    this.emit({ kind: 'presence' });
    this.emit({ kind: 'pending' });
  }

  close() {
    this.closed = true;
    if (this.conn.online) this.conn.request({ type: 'close', doc: this.id }).catch(() => {});
  }

  reopen(withSince) {
    if (!this.conn.online) {
      this.phase = 'offline';
      return;
    }
    const msg = { type: 'open', doc: this.id };
    if (withSince) msg.since = this.rev;
    this.phase = 'opening';
    this.freshOpen = !withSince;
    this.conn.request(msg).then(
      (reply) => this.receive(reply),
      (err) => {
        if (err.code === 'disconnected') return;
        if (err.code === 'bad_request' && withSince) {
          // `since` ahead of the server (it lost what it had acknowledged): load it whole.
          this.reopen(false);
          return;
        }
        this.emit({ kind: 'error', code: err.code, request: 'open', fatal: !this.loaded });
      },
    );
  }

  // ---- From the server -----------------------------------------------------------------------
  receive(msg) {
    try {
      switch (msg.type) {
        case 'snapshot':
          if (this.phase === 'opening') this.loadSnapshot(msg);
          break;
        case 'changes':
          if (this.phase === 'opening' && !this.freshOpen) this.applyChanges(msg);
          break;
        case 'presence':
          if (this.phase === 'live' && msg.session !== this.conn.session) this.applyPresence(msg);
          break;
        case 'presence_left':
          if (this.presence.delete(msg.session)) this.emit({ kind: 'presence' });
          break;
        default:
          if (typeof msg.rev === 'number' && this.phase === 'live' && msg.rev > this.rev) {
            if (!this.applyChange(msg)) this.reopen(false);
            else if (msg.type !== 'edit') this.emit({ kind: 'change', change: msg });
          }
      }
    } catch (e) {
      console.error(e);
      this.emit({ kind: 'error', code: 'bad_message' });
      this.reopen(false);
    }
    this.flush();
  }

  loadSnapshot(msg) {
    const sections = new Map();
    const layers = new Map();
    for (const s of msg.sections) {
      sections.set(s.id, structuredClone(s));
      this.addLayerEntries(layers, s);
    }
    const reload = this.loaded;
    if (reload) {
      let inFlight = false;
      for (const e of this.layers.values()) inFlight ||= !!e.sync.inFlight && !e.recovered;
      if (inFlight) {
        // Whether the server applied these before the snapshot cannot be told from it:
        // resubmit them first, then load again.
        for (const e of this.layers.values()) e.sent = false;
        this.startRecovery();
        return;
      }
      // Carry local changes over: rebase each buffer onto the new text through the difference
      // between the old confirmed text and the new one.
      for (const [k, e] of this.layers) {
        if (e.recovered) e.sync.ack();
        if (!e.sync.buffer) continue;
        const target = layers.get(k);
        if (!target) {
          this.emit({ kind: 'unsent', section: e.section, layer: e.layer, text: e.sync.text,
                      reason: 'Deze tekstlaag bestaat niet meer.' });
          continue;
        }
        try {
          const between = ot.diffToOp(e.sync.confirmed, target.sync.text);
          const rebased = ot.transform(e.sync.buffer, between, 'left');
          target.sync.local(rebased);
        } catch (err) {
          this.emit({ kind: 'unsent', section: e.section, layer: e.layer, text: e.sync.text,
                      reason: 'Uw wijzigingen konden niet worden overgenomen.' });
        }
      }
    }
    this.title = msg.title;
    this.rev = msg.rev;
    this.municipalities = msg.municipalities;
    this.sections = sections;
    this.layers = layers;
    for (const e of layers.values()) this.mirror(e);
    this.proposals = new Map((msg.proposals ?? []).map((p) => [p.id, p]));
    this.versions = msg.versions ?? [];
    this.threads = new Map((msg.threads ?? []).map((t) => [t.id, structuredClone(t)]));
    this.archived = !!msg.archived;
    this.priorities = structuredClone(msg.priorities ?? {});
    this.adoption = structuredClone(msg.adoption ?? {});
    this.presence = new Map();
    for (const p of msg.presence ?? []) {
      if (p.session !== this.conn.session) this.presence.set(p.session, this.onLocalText(p));
    }
    this.loaded = true;
    this.phase = 'live';
    this.emit({ kind: 'loaded', reload });
    this.emit({ kind: 'presence' });
    this.emit({ kind: 'pending' });
  }

  addLayerEntries(layers, s) {
    for (const [name, l] of Object.entries(s.layers)) {
      if (l.state === 'omit') continue;
      layers.set(key(s.id, name), this.entry(s.id, name, l.text));
    }
  }

  entry(section, layer, text) {
    return { section, layer, sync: new LayerSync(text), sent: false, held: false, recovered: false };
  }

  applyChanges(msg) {
    for (const change of msg.changes) {
      if (change.rev <= this.rev) continue;
      if (!this.applyChange(change)) {
        this.reopen(false);
        return;
      }
    }
    this.rev = Math.max(this.rev, msg.rev);
    this.phase = 'live';
    this.emit({ kind: 'loaded', reload: true });
    this.emit({ kind: 'pending' });
  }

  /** Applies one change with a new rev; false when the document must be loaded again. */
  applyChange(msg) {
    const s = this.sections.get(msg.section?.id ?? msg.section);
    switch (msg.type) {
      case 'edit':
        if (!this.applyOp(msg)) return false;
        break;
      case 'rebase': {
        if (!this.applyOp(msg)) return false;
        const l = s.layers[msg.layer];
        l.base = msg.base;
        l.stale = false;
        break;
      }
      case 'acknowledge': {
        const l = s?.layers[msg.layer];
        if (!l) return false;
        l.base = msg.base;
        l.stale = false;
        break;
      }
      case 'diverge': {
        if (!s) return false;
        this.dropLayer(msg.section, msg.layer, 'Er is intussen een nieuwe eigen versie gemaakt.');
        s.layers[msg.layer] = { state: 'override', text: msg.text, base: msg.base,
                                changed_rev: msg.rev, stale: false };
        this.layers.set(key(msg.section, msg.layer), this.entry(msg.section, msg.layer, msg.text));
        break;
      }
      case 'revert':
      case 'include':
        if (!s) return false;
        this.dropLayer(msg.section, msg.layer, 'De eigen versie is vervallen.');
        delete s.layers[msg.layer];
        break;
      case 'omit':
        if (!s) return false;
        this.dropLayer(msg.section, msg.layer, 'De sectie is weggelaten.');
        s.layers[msg.layer] = { state: 'omit' };
        break;
      case 'section.create': {
        const sec = structuredClone(msg.section);
        sectionTree.insertSection(this.sections, sec);
        this.addLayerEntries(this.layers, sec);
        break;
      }
      case 'section.move':
        if (!s) return false;
        sectionTree.moveSection(this.sections, s, msg.parent, msg.position);
        break;
      case 'section.delete': {
        if (!s) return false;
        const ids = [msg.section, ...this.descendants(msg.section)];
        const removed = ids.map((id) => this.sections.get(id));
        sectionTree.closeGap(this.sections, s);
        for (const id of ids) {
          for (const layer of Object.keys(this.sections.get(id).layers)) {
            this.dropLayer(id, layer, 'De sectie is verwijderd.');
          }
          this.sections.delete(id);
        }
        this.deleted.set(msg.section, { section: removed[0], subsections: removed.slice(1), author: msg.author });
        break;
      }
      case 'section.restore': {
        for (const sec of [msg.section, ...(msg.subsections ?? [])]) {
          const copy = structuredClone(sec);
          this.sections.set(copy.id, copy);
          this.addLayerEntries(this.layers, copy);
        }
        this.deleted.delete(msg.section.id);
        break;
      }
      default:
        // A change to what is not text (doc-changes.js); one this client does not know: take
        // the server's word for the whole document.
        if (!applyRecordChange(this, msg)) return false;
    }
    this.rev = msg.rev;
    return true;
  }

  /** An edit (or rebase) op on a layer; an own in-flight edit (seen in `changes`) is its ack. */
  applyOp(msg) {
    const e = this.layers.get(key(msg.section, msg.layer));
    const s = this.sections.get(msg.section);
    if (!e || !s) return false;
    const stale = msg.layer === 'common' && Array.isArray(msg.stale) ? msg.stale : [];
    if (msg.opid && e.sync.isInFlight(msg.opid)) {
      e.sync.ack();
      e.sent = false;
      e.held = false;
      this.mirror(e, msg.rev);
      this.emit({ kind: 'pending' });
      this.markStale(msg.section, stale);
      return true;
    }
    let applied;
    try {
      applied = e.sync.remote(msg.op);
    } catch (err) {
      console.error('an edit does not fit', err);
      return false;
    }
    this.mirror(e, msg.rev);
    this.shiftPresence(msg.section, msg.layer, applied);
    // The op first: whoever shows this layer must apply it before anything redraws from the text.
    this.emit({ kind: 'remote', section: msg.section, layer: msg.layer, op: applied, author: msg.author });
    this.markStale(msg.section, stale);
    return true;
  }

  /** Marks the overrides `codes` of a section stale: the common text changed after their base. */
  markStale(sectionId, codes) {
    const s = this.sections.get(sectionId);
    const newly = [];
    for (const code of codes) {
      const l = s?.layers[code];
      if (l?.state === 'override' && !l.stale) {
        l.stale = true;
        newly.push(code);
      }
    }
    if (newly.length) this.emit({ kind: 'stale', section: sectionId, layers: newly });
  }

  dropLayer(section, layer, reason) {
    const k = key(section, layer);
    const e = this.layers.get(k);
    if (!e) return;
    if (e.sync.pending) {
      this.emit({ kind: 'unsent', section, layer, text: e.sync.text, reason });
    }
    this.layers.delete(k);
  }

  mirror(e, changedRev) {
    const s = this.sections.get(e.section);
    const l = s?.layers[e.layer];
    if (!l) return;
    l.text = e.sync.text;
    if (changedRev !== undefined) l.changed_rev = changedRev;
  }

  applyPresence(msg) {
    const p = this.onLocalText({ session: msg.session, user: msg.user, section: msg.section, layer: msg.layer, sel: msg.sel });
    this.presence.set(p.session, p);
    this.emit({ kind: 'presence', session: p.session });
  }

  /** Presence `p` (positions on the server's text) moved onto the text as this client shows it:
   *  the server's positions do not count what this client has not had acknowledged yet. */
  onLocalText(p) {
    const e = this.layers.get(key(p.section, p.layer));
    let sel = p.sel;
    if (e?.sync.inFlight) sel = ot.transformSelection(sel, e.sync.inFlight.op);
    if (e?.sync.buffer) sel = ot.transformSelection(sel, e.sync.buffer);
    return { ...p, sel };
  }

  shiftPresence(section, layer, op) {
    for (const p of this.presence.values()) {
      if (p.section === section && p.layer === layer) p.sel = ot.transformSelection(p.sel, op);
    }
    // Comment ranges move as cursors do (as the server moves them: model/comments.hpp).
    for (const t of this.threads.values()) {
      if (t.section !== section || t.layer !== layer || t.proposal !== null) continue;
      const [from, to] = ot.transformSelection([t.from, t.to], op);
      t.from = from;
      t.to = Math.max(from, to);
    }
  }

  startRecovery() {
    this.phase = 'recovering';
    let waiting = false;
    for (const e of this.layers.values()) {
      const f = e.sync.inFlight;
      if (!f || e.recovered) continue;
      waiting = true;
      if (e.held || e.sent) continue;
      this.sendEdit(e, f.original, f.base, f.opid);
    }
    if (!waiting) this.reopen(false);
  }

  acked(e, opid, rev) {
    if (!e.sync.isInFlight(opid)) return; // seen in the changes already
    if (this.layers.get(key(e.section, e.layer)) !== e) {
      // The layer was dropped under this edit (its section deleted) and the server applied the
      // edit after all (the section restored: the same layer, edits based on before the delete
      // still count): the text this client has of it lacks the edit. Loading again (a snapshot
      // or changes asked for after the edit) brings it.
      e.sync.ack();
      if (this.phase === 'live') this.reopen(false);
      return;
    }
    if (this.phase !== 'live') {
      // Loading again: the snapshot that follows holds the edit.
      if (e.recovered) return;
      e.recovered = true;
      if (this.phase === 'recovering') this.startRecovery();
      return;
    }
    e.sync.ack();
    e.sent = false;
    e.held = false;
    this.rev = Math.max(this.rev, rev);
    this.mirror(e, rev);
    this.emit({ kind: 'pending' });
    if (e.layer === 'common') {
      // The server counts an override stale when its base is older than the common text's last
      // change: this edit. Its author hears of it only through this ack.
      const s = this.sections.get(e.section);
      this.markStale(e.section, Object.keys(s?.layers ?? {}).filter((code) => s.layers[code].base < rev));
    }
    this.flush();
  }

  refused(e, opid, err) {
    if (err.code === 'disconnected') return; // resent after the reconnect
    if (this.layers.get(key(e.section, e.layer)) !== e || !e.sync.isInFlight(opid)) return;
    if (err.code === 'rate_limited') {
      e.sent = false;
      e.held = true;
      this.timers.setTimeout(() => this.resume(), 1000);
      return;
    }
    const unsent = e.sync.discardPending();
    e.sent = false;
    e.held = false;
    this.mirror(e);
    this.emit({ kind: 'unsent', section: e.section, layer: e.layer, text: unsent,
                reason: `De wijziging is geweigerd: ${errorText(err, 'edit')}` });
    this.emit({ kind: 'reset', section: e.section, layer: e.layer });
    this.emit({ kind: 'pending' });
    if (this.phase === 'recovering') this.startRecovery();
    else this.flush();
  }

  resume() {
    let any = false;
    for (const e of this.layers.values()) {
      any ||= e.held;
      e.held = false;
    }
    if (!any) return;
    if (this.phase === 'recovering') this.startRecovery();
    else this.flush();
  }

  // ---- From the user -------------------------------------------------------------------------
  /** A local edit (op in code points on the layer's current text). */
  edit(section, layer, op) {
    const e = this.layers.get(key(section, layer));
    if (!e) throw new Error(`section '${section}' has no text layer '${layer}'`);
    e.sync.local(op);
    this.mirror(e);
    this.shiftPresence(section, layer, op);
    this.emit({ kind: 'pending' });
    this.flush();
  }

  setPresence(section, layer, sel) {
    const o = this.ownPresence;
    if (o && o.section === section && o.layer === layer && o.sel[0] === sel[0] && o.sel[1] === sel[1]) return;
    this.ownPresence = { section, layer, sel, sent: false };
    this.timers.clearTimeout(this.presenceTimer);
    this.presenceTimer = this.timers.setTimeout(() => this.flush(), 60);
  }

  // ---- Sending -------------------------------------------------------------------------------
  flush() {
    if (!this.conn.online || this.phase !== 'live') return;
    for (const e of this.layers.values()) {
      if (e.held) continue;
      const f = e.sync.inFlight;
      if (f) {
        // Resubmitted after a reconnect, as first sent: a server that applied it acks its opid
        // again; one that did not transforms it through the same history this client did.
        if (!e.sent) this.sendEdit(e, f.original, f.base, f.opid);
      } else if (e.sync.canSubmit()) {
        const s = e.sync.submit(this.rev, nextOpid());
        this.sendEdit(e, s.op, s.base, s.opid);
      }
    }
    const o = this.ownPresence;
    if (o && !o.sent && this.sections.has(o.section) && this.layers.has(key(o.section, o.layer))) {
      o.sent = this.conn.send({ type: 'presence', doc: this.id, section: o.section, layer: o.layer, sel: o.sel });
    }
  }

  sendEdit(e, op, base, opid) {
    e.sent = true;
    const msg = { type: 'edit', doc: this.id, section: e.section, layer: e.layer, base, op, opid };
    if (tooLarge(msg)) {
      // The server would drop it unread, without saying which request it was (docs/protocol.md,
      // Limits): refused here, as the server would refuse it, so that the text is kept.
      queueMicrotask(() => this.refused(e, opid, { code: 'too_large' }));
      return;
    }
    this.conn.request(msg).then((ack) => this.acked(e, opid, ack.rev), (err) => this.refused(e, opid, err));
  }

  /** A request that changes the document (diverge, omit, section.create ...): resolves with its ack. */
  request(msg) {
    // The error says which request it answers: errors.js words it by that.
    return this.conn.request({ ...msg, doc: this.id }).catch((err) => {
      err.request ??= msg.type;
      throw err;
    });
  }
}
