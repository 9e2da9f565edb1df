// The CodeMirror 6 editor of one section layer, bound to a DocumentSync: local changes become
// ops in code points, remote ops become CodeMirror changes, and the others' cursors are drawn
// with their names.
import { Annotation, EditorState, StateEffect, StateField, Compartment, RangeSet, Transaction } from '@codemirror/state';
import { EditorView, Decoration, WidgetType, keymap, drawSelection, highlightActiveLine } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { markdown } from '@codemirror/lang-markdown';
import { syntaxHighlighting, defaultHighlightStyle } from '@codemirror/language';
import * as ot from './ot.js';
import { municipalityName, municipalityTone } from './names.js';

const remoteAnnotation = Annotation.define();
const setCursors = StateEffect.define();

// The server's Content-Security-Policy admits <style> elements only with the nonce it put in the
// page; CodeMirror writes its styles into one (style-mod uses constructed style sheets for shadow
// roots only). A page served without one (the placeholder left in) gets none.
const cspNonce = (() => {
  const nonce = document.querySelector('meta[name="samen-csp-nonce"]')?.content ?? '';
  return /^[0-9a-f]{32}$/.test(nonce) ? nonce : '';
})();

class CursorWidget extends WidgetType {
  constructor(name, tone) {
    super();
    this.name = name;
    this.tone = tone;
  }
  eq(other) { return other.name === this.name && other.tone === this.tone; }
  toDOM() {
    const wrap = document.createElement('span');
    wrap.className = `samen-cursor ${this.tone}`;
    wrap.setAttribute('aria-hidden', 'true');
    const label = document.createElement('span');
    label.className = 'samen-cursor__name';
    label.textContent = this.name;
    wrap.appendChild(label);
    return wrap;
  }
  ignoreEvent() { return true; }
}

const cursorField = StateField.define({
  create() { return Decoration.none; },
  update(deco, tr) {
    deco = deco.map(tr.changes);
    for (const e of tr.effects) if (e.is(setCursors)) deco = e.value;
    return deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

function cursorDecorations(text, cursors) {
  const ranges = [];
  for (const c of cursors) {
    const a = ot.toUtf16(text, c.sel[0]);
    const h = ot.toUtf16(text, c.sel[1]);
    const tone = municipalityTone(c.user.municipality);
    const from = Math.min(a, h);
    const to = Math.max(a, h);
    if (from < to) {
      ranges.push(Decoration.mark({ class: `samen-remote-selection ${tone}` }).range(from, to));
    }
    const label = `${c.user.display_name || c.user.name} (${municipalityName(c.user.municipality)})`;
    ranges.push(Decoration.widget({ widget: new CursorWidget(label, tone), side: 1 }).range(h));
  }
  return RangeSet.of(ranges, true);
}

export class LayerEditor {
  /**
   * @param {HTMLElement} parent
   * @param {object} o
   * @param {string} o.label  the accessible name of the text area
   * @param {(sel: [number, number]) => void} o.onSelection  the own selection in code points
   */
  constructor(parent, { label, onSelection }) {
    this.sync = null;
    this.section = null;
    this.layer = null;
    this.readOnly = new Compartment();
    this.ariaLabel = new Compartment();
    this.onSelection = onSelection;
    this.view = new EditorView({
      parent,
      state: this.createState('', true, label),
      dispatch: (tr) => this.dispatch(tr),
    });
  }

  createState(text, readOnly, label, selection) {
    return EditorState.create({
      doc: text,
      selection,
      extensions: [
        history(),
        drawSelection(),
        highlightActiveLine(),
        keymap.of([...defaultKeymap, ...historyKeymap]),
        markdown(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        EditorView.lineWrapping,
        EditorView.cspNonce.of(cspNonce),
        cursorField,
        this.readOnly.of([EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)]),
        this.ariaLabel.of(EditorView.contentAttributes.of({
          'aria-label': label,
          'aria-multiline': 'true',
          'aria-readonly': String(readOnly),
          role: 'textbox',
        })),
      ],
    });
  }

  /** Shows one layer of `docSync` (editable or not); `text` for a layer without sync. */
  show(docSync, section, layer, { readOnly, label, text }) {
    this.docSync = docSync;
    this.section = section;
    this.layer = layer;
    const sync = layer ? docSync.layer(section, layer) : null;
    this.sync = sync;
    const content = sync ? sync.text : (text ?? '');
    // The same layer shown again (its text reloaded, or made read-only): keep the caret where it was.
    const same = this.shownKey === `${section}\u0000${layer}`;
    let selection;
    if (same) {
      const old = this.view.state.doc.toString();
      const main = this.view.state.selection.main;
      const anchor = ot.toUtf16(content, ot.toCodePoints(old, main.anchor));
      const head = ot.toUtf16(content, ot.toCodePoints(old, main.head));
      selection = { anchor, head };
    }
    this.shownKey = `${section}\u0000${layer}`;
    const hadFocus = this.view.hasFocus;
    this.isReadOnly = readOnly || !sync;
    this.view.setState(this.createState(content, this.isReadOnly, label, selection));
    if (same && hadFocus) this.view.focus();
    this.refreshCursors();
  }

  dispatch(tr) {
    const before = this.view.state.doc.toString();
    if (tr.docChanged && !tr.annotation(remoteAnnotation)) {
      if (!this.sync || this.isReadOnly) return;
      const op = ot.changesToOp(before, tr.changes);
      this.view.update([tr]);
      if (op.length) this.docSync.edit(this.section, this.layer, op);
    } else {
      this.view.update([tr]);
    }
    if (tr.selection || tr.docChanged) this.reportSelection();
  }

  reportSelection() {
    if (!this.sync) return;
    const text = this.view.state.doc.toString();
    const sel = this.view.state.selection.main;
    this.onSelection([ot.toCodePoints(text, sel.anchor), ot.toCodePoints(text, sel.head)]);
  }

  /** A remote op on the shown layer, already transformed to apply to what the editor shows. */
  applyRemote(op) {
    const text = this.view.state.doc.toString();
    const changes = ot.opToChanges(text, op);
    if (changes.length) {
      this.view.dispatch({ changes, annotations: [remoteAnnotation.of(true), Transaction.addToHistory.of(false)] });
    }
    this.checkInSync();
  }

  /** The layer's text was replaced (a refused edit, a reload): show it again, keep the caret. */
  reload() {
    if (!this.sync) return;
    const shown = this.view.state.doc.toString();
    if (shown === this.sync.text) return;
    const op = ot.diffToOp(shown, this.sync.text);
    this.view.dispatch({ changes: ot.opToChanges(shown, op), annotations: [remoteAnnotation.of(true), Transaction.addToHistory.of(false)] });
  }

  checkInSync() {
    if (this.sync && this.view.state.doc.toString() !== this.sync.text) {
      console.error('editor out of step with its layer; showing the layer again');
      this.reload();
    }
  }

  refreshCursors() {
    if (!this.docSync) return;
    const text = this.view.state.doc.toString();
    const cursors = [...this.docSync.presence.values()].filter(
      (p) => p.section === this.section && p.layer === this.layer,
    );
    this.view.dispatch({ effects: setCursors.of(cursorDecorations(text, cursors)) });
  }

  get text() { return this.view.state.doc.toString(); }

  focus() { this.view.focus(); }

  destroy() { this.view.destroy(); }
}
