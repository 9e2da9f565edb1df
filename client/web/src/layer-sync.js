// The client side of live sync for one section layer: the classic ot.js client state machine
// (synchronized / awaiting confirm / awaiting with buffer), with no I/O. Positions in code points.
import * as ot from './ot.js';

export class LayerSync {
  constructor(text = '') {
    /** What the user sees: the server's text with the in-flight edit and the buffer applied. */
    this.text = text;
    /** The server's text at the last revision this layer applied. */
    this.confirmed = text;
    /** {op, original, base, opid}: sent, not acknowledged yet. `op` applies after every remote
     *  op received so far; `original` is as first sent, on the text at `base`. */
    this.inFlight = null;
    /** Local changes composed behind the in-flight edit (or waiting for a connection). */
    this.buffer = null;
  }

  get state() {
    if (this.inFlight) return this.buffer ? 'awaiting_with_buffer' : 'awaiting_confirm';
    return this.buffer ? 'buffered' : 'synchronized';
  }

  /** Edits not acknowledged yet: 0, 1 or 2. */
  get pending() { return (this.inFlight ? 1 : 0) + (this.buffer ? 1 : 0); }

  /** A local edit on `text`. Throws when it does not fit; then nothing changes. */
  local(op) {
    op = ot.normalize(op);
    if (op.length === 0) return;
    const text = ot.apply(this.text, op);
    this.buffer = this.buffer ? ot.compose(this.buffer, op) : op;
    if (this.buffer.length === 0) this.buffer = null;
    this.text = text;
  }

  canSubmit() { return !this.inFlight && !!this.buffer; }

  /** Puts the buffer in flight as an edit on revision `base`. */
  submit(base, opid) {
    if (!this.canSubmit()) throw new Error('nothing to submit');
    this.inFlight = { op: this.buffer, original: this.buffer, base, opid };
    this.buffer = null;
    return this.inFlight;
  }

  isInFlight(opid) { return !!this.inFlight && this.inFlight.opid === opid; }

  /** The server accepted the in-flight edit. */
  ack() {
    if (!this.inFlight) throw new Error('no edit in flight');
    this.confirmed = ot.apply(this.confirmed, this.inFlight.op);
    this.inFlight = null;
  }

  /**
   * A remote op made on `confirmed`. Returns it transformed to apply to `text` (for the editor
   * and the cursors). Throws when it does not fit; then nothing changes.
   */
  remote(op) {
    const confirmed = ot.apply(this.confirmed, op);
    let applied = op;
    let inFlight = this.inFlight;
    let buffer = this.buffer;
    if (inFlight) {
      const mine = ot.transform(inFlight.op, applied, 'left');
      applied = ot.transform(applied, inFlight.op, 'right');
      inFlight = { ...inFlight, op: mine };
    }
    if (buffer) {
      const mine = ot.transform(buffer, applied, 'left');
      applied = ot.transform(applied, buffer, 'right');
      buffer = mine.length ? mine : null;
    }
    const text = ot.apply(this.text, applied);
    this.confirmed = confirmed;
    this.inFlight = inFlight;
    this.buffer = buffer;
    this.text = text;
    return applied;
  }

  /** Drops every local change; returns the text that was shown. */
  discardPending() {
    const shown = this.text;
    this.inFlight = null;
    this.buffer = null;
    this.text = this.confirmed;
    return shown;
  }
}
