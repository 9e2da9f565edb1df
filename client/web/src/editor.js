// The CodeMirror 6 editor of one section layer, bound to a DocumentSync: local changes become
// ops in code points, remote ops become CodeMirror changes, and the others' cursors are drawn,
// their names in a margin of their own (never over the text). Formatting buttons and shortcuts
// write the Markdown; the browser checks Dutch spelling.
import { Annotation, EditorState, StateEffect, StateField, Compartment, RangeSet, Transaction } from '@codemirror/state';
import { EditorView, Decoration, WidgetType, GutterMarker, gutter, keymap, drawSelection, highlightActiveLine } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { markdown } from '@codemirror/lang-markdown';
import { syntaxHighlighting, defaultHighlightStyle } from '@codemirror/language';
import * as ot from './ot.js';
import { municipalityName, municipalityTone } from './names.js';
import * as format from './markdown-commands.js';
import { h } from './dom.js';

const remoteAnnotation = Annotation.define();
const setCursors = StateEffect.define();
const setComments = StateEffect.define();

// The ranges of open comment threads on the shown layer: marked, and moved with the text.
const commentField = StateField.define({
  create() { return Decoration.none; },
  update(value, tr) {
    for (const e of tr.effects) if (e.is(setComments)) return e.value;
    return tr.docChanged ? value.map(tr.changes) : value;
  },
  provide: (f) => EditorView.decorations.from(f),
});

function commentDecorations(text, threads) {
  const length = ot.cpLength(text);
  const ranges = [];
  for (const t of threads) {
    const from = ot.toUtf16(text, Math.min(t.from, length));
    const to = ot.toUtf16(text, Math.min(t.to, length));
    if (from < to) ranges.push(Decoration.mark({ class: 'samen-comment-range', attributes: { 'data-thread': String(t.id) } }).range(from, to));
  }
  return RangeSet.of(ranges, true);
}

// The server's Content-Security-Policy admits <style> elements only with the nonce it put in the
// page; CodeMirror writes its styles into one (style-mod uses constructed style sheets for shadow
// roots only). A page served without one (the placeholder left in) gets none.
const cspNonce = (() => {
  const nonce = document.querySelector('meta[name="samen-csp-nonce"]')?.content ?? '';
  return /^[0-9a-f]{32}$/.test(nonce) ? nonce : '';
})();

/** Another's caret: a bar in their colour, its name in the margin (CursorNames). */
class CursorWidget extends WidgetType {
  constructor(tone) {
    super();
    this.tone = tone;
  }
  eq(other) { return other.tone === this.tone; }
  toDOM() {
    const bar = document.createElement('span');
    bar.className = `samen-cursor ${this.tone}`;
    bar.setAttribute('aria-hidden', 'true');
    return bar;
  }
  ignoreEvent() { return true; }
}

/** The names of those whose caret is on a line, beside it in the margin. */
class CursorNames extends GutterMarker {
  constructor(names) {
    super();
    this.names = names;
  }
  eq(other) { return other.names.length === this.names.length && other.names.every((n, i) => n.key === this.names[i].key); }
  toDOM() {
    return h('span', { class: 'samen-cursor-names', 'aria-hidden': 'true' }, this.names.map((n) =>
      h('span', { class: `samen-cursor__name ${n.tone}`, title: n.full }, n.short)));
  }
}

// The carets and selections of others: their decorations, and where each caret is (for the margin).
const cursorField = StateField.define({
  create() { return { deco: Decoration.none, carets: [] }; },
  update(value, tr) {
    for (const e of tr.effects) if (e.is(setCursors)) return e.value;
    if (!tr.docChanged) return value;
    return {
      deco: value.deco.map(tr.changes),
      carets: value.carets.map((c) => ({ ...c, pos: tr.changes.mapPos(c.pos, 1) })),
    };
  },
  provide: (f) => EditorView.decorations.from(f, (v) => v.deco),
});

const cursorGutter = gutter({
  class: 'samen-cursor-gutter',
  lineMarker(view, line) {
    const names = view.state.field(cursorField).carets.filter((c) => c.pos >= line.from && c.pos <= line.to);
    return names.length ? new CursorNames(names) : null;
  },
  lineMarkerChange: (update) => update.transactions.some((tr) => tr.effects.some((e) => e.is(setCursors))),
});

function cursorDecorations(text, cursors) {
  const ranges = [];
  const carets = [];
  for (const c of cursors) {
    const a = ot.toUtf16(text, c.sel[0]);
    const head = ot.toUtf16(text, c.sel[1]);
    const tone = municipalityTone(c.user.municipality);
    const from = Math.min(a, head);
    const to = Math.max(a, head);
    if (from < to) {
      ranges.push(Decoration.mark({ class: `samen-remote-selection ${tone}` }).range(from, to));
    }
    ranges.push(Decoration.widget({ widget: new CursorWidget(tone), side: 1 }).range(head));
    const name = c.user.display_name || c.user.name;
    carets.push({
      pos: head,
      tone,
      key: `${c.user.id ?? name}:${tone}`,
      short: `${name.split(' ')[0]} (${municipalityName(c.user.municipality)})`,
      full: `${name} (${municipalityName(c.user.municipality)})`,
    });
  }
  return { deco: RangeSet.of(ranges, true), carets };
}

// The formatting buttons, in order: label, command, shortcut (CodeMirror's and aria-keyshortcuts').
const formats = [
  { label: 'Kop', run: format.heading, key: 'Mod-Alt-2', aria: 'Control+Alt+2' },
  { label: 'Vet', run: format.bold, key: 'Mod-b', aria: 'Control+B' },
  { label: 'Cursief', run: format.italic, key: 'Mod-i', aria: 'Control+I' },
  { label: 'Lijst', run: format.list, key: 'Mod-Shift-8', aria: 'Control+Shift+8' },
  { label: 'Link', run: format.link, key: 'Mod-k', aria: 'Control+K' },
];

/** A CodeMirror command from a markdown-commands function. */
const formatCommand = (fn) => (view) => {
  if (view.state.readOnly) return false;
  const { from, to } = view.state.selection.main;
  const { changes, selection } = fn(view.state.doc.toString(), from, to);
  view.dispatch({ changes, selection, scrollIntoView: true, userEvent: 'input.format' });
  return true;
};

export class LayerEditor {
  /**
   * @param {HTMLElement} parent
   * @param {object} o
   * @param {string} o.label  the accessible name of the text area
   * @param {(sel: [number, number]) => void} o.onSelection  the own selection in code points
   */
  constructor(parent, { label, onSelection }) {
    this.toolbar = h('div', { class: 'samen-format', role: 'group', 'aria-label': 'Opmaak' }, formats.map((f) =>
      h('button', {
        type: 'button',
        class: 'utrecht-button utrecht-button--subtle samen-format__button',
        'aria-keyshortcuts': f.aria,
        title: `${f.label} (${f.aria.replace('Control', 'Ctrl')})`,
        // The editor keeps its selection and focus.
        onmousedown: (e) => e.preventDefault(),
        onclick: () => {
          formatCommand(f.run)(this.view);
          this.view.focus();
        },
      }, f.label)));
    parent.appendChild(this.toolbar);
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
        keymap.of([...formats.map((f) => ({ key: f.key, run: formatCommand(f.run) })), ...defaultKeymap, ...historyKeymap]),
        markdown(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        EditorView.lineWrapping,
        EditorView.cspNonce.of(cspNonce),
        cursorField,
        commentField,
        cursorGutter,
        this.readOnly.of([EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)]),
        this.ariaLabel.of(EditorView.contentAttributes.of({
          'aria-label': label,
          'aria-multiline': 'true',
          'aria-readonly': String(readOnly),
          role: 'textbox',
          spellcheck: 'true',
          lang: 'nl',
          autocapitalize: 'sentences',
          // In the tab order also when read-only: to read, select and scroll it by keyboard.
          tabindex: '0',
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
    this.toolbar.hidden = this.isReadOnly;
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
    const threads = [...(this.docSync.threads?.values() ?? [])].filter(
      (t) => t.section === this.section && t.layer === this.layer && !t.resolved && t.proposal === null,
    );
    this.view.dispatch({ effects: [setCursors.of(cursorDecorations(text, cursors)), setComments.of(commentDecorations(text, threads))] });
  }

  get text() { return this.view.state.doc.toString(); }

  focus() { this.view.focus(); }

  destroy() { this.view.destroy(); }
}
