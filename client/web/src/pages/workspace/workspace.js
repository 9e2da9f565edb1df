// The document workspace: the section tree with each municipality's state (tree.js), the editor
// of the selected section and layer, the notice of the layer's state and rebasing (stale.js), the
// actions the user's role allows (actions.js) and their forms (forms.js), and the side with the
// workgroup and the proposals (side.js). This class holds the workspace's state, follows the
// document's events and redraws the parts.
import { h, replace, button, sr } from '../../dom.js';
import { LayerEditor } from '../../editor.js';
import { errorText } from '../../errors.js';
import { municipalityName, stateInfo } from '../../names.js';
import * as ot from '../../ot.js';
import { may } from '../../perms.js';
import { sectionActions } from './actions.js';
import { workspaceDrawers } from './drawers.js';
import { inboxPanel } from '../inbox.js';
import { keepingFocus } from './focus.js';
import { inlineForm } from './forms.js';
import { sidePanels } from './side.js';
import { layerNotice } from './stale.js';
import { sectionTree } from './tree.js';

export class Workspace {
  constructor(mainEl, app, doc) {
    this.app = app;
    this.doc = doc;
    this.user = app.session.user;
    this.mainEl = mainEl;
    this.sectionId = null;
    this.view = 'common';
    this.follow = null; // session followed
    this.form = null; // the open inline form: {kind, ...}
    this.rebase = null; // {preview, choices}: a rebase in progress (stale.js)
    this.stalePreview = new Map(); // `${section}/${layer}/${revs}` -> what changed (for the notice)
    this.lastPreview = new Map(); // `${section}/${layer}` -> the last of those, while the next loads
    this.loadingPreview = null; // the key being loaded: one request at a time
    this.unsent = [];
    this.message = null;
    this.undo = null; // {text, run}: what was just lost, and how to bring it back (offerUndo)

    this.treeEl = h('nav', { class: 'samen-tree', 'aria-labelledby': 'secties-kop' });
    this.detailEl = h('div', { class: 'samen-detail' });
    this.editorLabel = h('p', { class: 'samen-editor__label', id: 'editor-label' });
    this.editorHost = h('div', { class: 'samen-editor__host' });
    this.editorBox = h('div', { class: 'samen-editor' }, this.editorLabel, this.editorHost);
    this.afterEl = h('div', { class: 'samen-after' });
    this.sideEl = h('aside', { class: 'samen-side', 'aria-label': 'Werkgroep en voorstellen' });
    this.liveEl = h('div', { class: 'samen-visually-hidden', 'aria-live': 'polite' });
    // What needs the user here; asked again after each change of the document (onEvent).
    this.inbox = inboxPanel({ doc: doc.id, title: 'Voor u', id: 'voor-u-kop' });
    this.loadingEl = h('p', { class: 'utrecht-paragraph samen-loading' }, 'Document laden…');
    const drawers = workspaceDrawers(this.treeEl, this.sideEl, { onChoose: () => { this.focusTitle = true; } });
    replace(mainEl,
      h('div', { class: 'samen-workspace' },
        drawers.tree,
        h('div', { class: 'samen-center' }, drawers.bar, this.loadingEl, this.detailEl, this.editorBox, this.afterEl),
        drawers.side),
      this.liveEl);
    this.editor = new LayerEditor(this.editorHost, {
      label: 'Tekst',
      onSelection: (sel) => {
        this.selection = sel; // where a new comment goes (comments.js)
        if (this.editor.layer) this.doc.setPresence(this.sectionId, this.editor.layer, sel);
      },
    });
    this.unsubscribe = doc.subscribe((ev) => this.onEvent(ev));
    if (doc.loaded) {
      this.renderAll();
      this.inbox.refresh();
    }
  }

  destroy() {
    clearTimeout(this.detailTimer);
    clearTimeout(this.presenceTimer);
    this.unsubscribe();
    this.editor.destroy();
  }

  announce(text) {
    this.liveEl.textContent = text;
  }

  // ---- Selection ------------------------------------------------------------------------------
  select(sectionId, view) {
    const changed = sectionId !== this.sectionId || (view && view !== this.view);
    if (sectionId) this.sectionId = sectionId;
    if (view) this.view = view;
    if (changed) {
      this.form = null;
      this.rebase = null;
      this.undo = null;
    }
    if (this.doc.loaded) this.renderAll();
    if (this.focusTitle) {
      // Chosen from the drawer, which closed: the focus goes to what was chosen, not to the page.
      this.focusTitle = false;
      this.detailEl.querySelector('#sectie-titel')?.focus();
    }
  }

  navigate(sectionId, view) {
    location.hash = `#/doc/${this.doc.id}/s/${sectionId}/${view ?? this.view}`;
  }

  current() {
    return this.doc.sections.get(this.sectionId) ?? null;
  }

  ensureSection() {
    const before = `${this.sectionId}/${this.view}`;
    if (!this.sectionId) {
      const first = this.doc.tree()[0];
      this.sectionId = first ? first.section.id : null;
    }
    // An address that names no section of the document (mistyped, or deleted) says so and shows no
    // editor; it never quietly shows another section, where typed text would land unseen. Once a
    // deleted section is restored, its address shows it again.
    this.missing = this.sectionId && !this.doc.sections.has(this.sectionId) ? this.sectionId : null;
    const codes = this.doc.municipalities.map((m) => m.code);
    if (this.view !== 'common' && !codes.includes(this.view)) this.view = 'common';
    // The address says what is shown (a deleted section's link must work again once restored).
    if (this.sectionId && !this.missing && (before !== `${this.sectionId}/${this.view}` || !location.hash.includes('/s/'))) {
      history.replaceState(null, '', `#/doc/${this.doc.id}/s/${this.sectionId}/${this.view}`);
    }
  }

  /** Which layer the editor shows for the selection: {layer, readOnly, text, note}. */
  shown() {
    const shown = this.shownLayer();
    if (this.doc.archived && shown.layer) shown.readOnly = true;
    return shown;
  }

  shownLayer() {
    const s = this.current();
    if (!s) return { layer: null };
    if (s.owner) {
      return { layer: s.owner, readOnly: !may.editLayer(this.user, s.owner) };
    }
    if (this.view === 'common') return { layer: 'common', readOnly: !may.editLayer(this.user, 'common') };
    const state = this.doc.stateOf(s, this.view);
    if (state === 'override' || state === 'stale') {
      return { layer: this.view, readOnly: !may.editLayer(this.user, this.view) };
    }
    if (state === 'inherit') return { layer: 'common', readOnly: true, inherited: true };
    return { layer: null, omitted: true };
  }

  // ---- Events ---------------------------------------------------------------------------------
  onEvent(ev) {
    switch (ev.kind) {
      case 'loaded':
        this.renderAll();
        this.inbox.refresh();
        break;
      case 'remote':
        if (ev.section === this.sectionId && ev.layer === this.editor.layer && this.editor.sync) {
          this.editor.applyRemote(ev.op);
          this.editor.refreshCursors();
        }
        // The stale notice shows what changed in the common text: keep it current, calmly.
        if (ev.section === this.sectionId && ev.layer === 'common' && this.view !== 'common') this.scheduleDetail();
        break;
      case 'stale':
        this.renderAll();
        this.inbox.refresh();
        break;
      case 'change': {
        const c = ev.change;
        this.inbox.refresh();
        if (c.type === 'rebase' && c.section === this.sectionId) this.stalePreview.clear();
        this.renderAll();
        break;
      }
      case 'presence':
        // Cursors move many times a second: draw the people at most every 50 ms.
        if (!this.presenceTimer) {
          this.presenceTimer = setTimeout(() => {
            this.presenceTimer = null;
            if (!this.doc.loaded) return;
            this.renderSide();
            this.renderTree();
            this.editor.refreshCursors();
            this.followPresence();
          }, 50);
        }
        break;
      case 'unsent':
        this.unsent.push(ev);
        this.renderAfter();
        break;
      case 'reset':
        if (ev.section === this.sectionId && ev.layer === this.editor.layer) this.editor.reload();
        break;
      case 'error':
        this.message = { kind: 'error', text: errorText(ev, ev.request) };
        if (ev.fatal) {
          this.loadingEl.textContent = `Het document kon niet worden geopend. ${errorText(ev, 'open')}`;
          this.loadingEl.setAttribute('role', 'alert');
        } else {
          this.renderDetail();
        }
        break;
    }
  }

  scheduleDetail() {
    if (this.detailTimer) return;
    this.detailTimer = setTimeout(() => {
      this.detailTimer = null;
      if (this.doc.loaded) this.renderDetail();
    }, 400);
  }

  followPresence() {
    if (!this.follow) return;
    const p = this.doc.presence.get(this.follow);
    if (!p) {
      this.announce('De gevolgde deelnemer heeft het document verlaten.');
      this.follow = null;
      this.renderSide();
      return;
    }
    const view = p.layer === 'common' ? 'common' : p.layer;
    const s = this.doc.sections.get(p.section);
    if (!s) return;
    const wantView = s.owner ? this.view : view;
    if (p.section !== this.sectionId || wantView !== this.view) this.navigate(p.section, wantView);
  }

  // ---- Rendering ------------------------------------------------------------------------------
  renderAll() {
    this.loadingEl.hidden = true;
    this.ensureSection();
    document.title = `${this.current()?.title ?? 'Werkruimte'} — ${this.doc.title} — Samen`;
    this.renderTree();
    this.renderDetail();
    this.bindEditor();
    this.renderAfter();
    this.renderSide();
  }

  bindEditor() {
    const shown = this.shown();
    const s = this.current();
    this.editorBox.hidden = !shown.layer;
    if (!shown.layer) {
      this.editor.show(this.doc, this.sectionId, null, { readOnly: true, label: 'Tekst', text: '' });
      return;
    }
    const layerName = shown.layer === 'common' ? 'gemeenschappelijke tekst' : `tekst van ${municipalityName(shown.layer)}`;
    const label = `${s.title}: ${layerName}${shown.readOnly ? ' (alleen lezen)' : ''}`;
    this.editorLabel.textContent = `Tekst — ${layerName}${shown.readOnly ? ' (alleen lezen)' : ''}`;
    const sync = this.doc.layer(this.sectionId, shown.layer);
    if (this.editor.sync === sync && this.editor.section === this.sectionId && this.editor.layer === shown.layer &&
        this.editor.isReadOnly === (shown.readOnly || !sync)) {
      this.editor.reload();
      this.editor.refreshCursors();
      return;
    }
    this.editor.show(this.doc, this.sectionId, shown.layer, { readOnly: shown.readOnly, label });
    this.editorBox.classList.toggle('samen-editor--readonly', !!shown.readOnly);
    this.editor.reportSelection();
  }

  renderTree() {
    keepingFocus(this.treeEl, () => replace(this.treeEl, sectionTree(this)));
  }

  renderDetail() {
    keepingFocus(this.detailEl, () => this.renderDetailContent());
  }

  renderDetailContent() {
    const s = this.current();
    if (this.missing) {
      const gone = this.doc.deleted.get(this.missing);
      const first = this.doc.tree()[0]?.section;
      replace(this.detailEl,
        h('h1', { class: 'utrecht-heading-1 samen-section-title', id: 'sectie-titel', tabindex: '-1' },
          gone ? `„${gone.section.title}” is verwijderd` : 'Deze sectie bestaat niet'),
        h('div', { class: 'samen-notice samen-notice--warning', role: 'alert' },
          h('p', { class: 'utrecht-paragraph' }, gone
            ? `${gone.author?.display_name || gone.author?.name || 'Iemand'} heeft deze sectie verwijderd. Een coördinator kan haar herstellen onder „Verwijderd”.`
            : `Het adres noemt een sectie „${this.missing}” die dit document niet heeft. Kies een sectie uit de lijst.`)),
        first ? h('p', { class: 'utrecht-paragraph' },
          h('a', { href: `#/doc/${this.doc.id}/s/${first.id}/${this.view}` }, `Naar „${first.title}”`)) : null);
      return;
    }
    if (!s) {
      replace(this.detailEl, h('h1', { class: 'utrecht-heading-1' }, this.doc.title),
        h('p', { class: 'utrecht-paragraph' }, 'Dit document heeft nog geen secties.'),
        inlineForm(this));
      return;
    }
    const codes = this.doc.municipalities.map((m) => m.code);
    const own = this.user.municipality;
    const ordered = own && codes.includes(own) ? [own, ...codes.filter((c) => c !== own)] : codes;
    const switcher = s.owner ? h('p', { class: 'utrecht-paragraph samen-local-note' },
      `Lokale sectie: alleen in het plan van ${municipalityName(s.owner)}.`)
      : h('fieldset', { class: 'samen-switch' },
        h('legend', null, 'Welke tekst'),
        [['common', 'Gemeenschappelijke tekst'], ...ordered.map((c) => [c, `${municipalityName(c)}${c === own ? ' (eigen)' : ''}`])]
          .map(([value, label]) => {
            const id = `laag-${value}`;
            const st = value === 'common' ? null : this.doc.stateOf(s, value);
            return h('span', { class: 'samen-switch__option' },
              h('input', {
                type: 'radio', name: 'laag', id, value, checked: this.view === value,
                onchange: () => this.navigate(s.id, value),
              }),
              h('label', { for: id }, label, st ? h('span', { class: `samen-state samen-state--${st}` }, stateInfo[st].short) : null,
                st ? sr(` (${stateInfo[st].label})`) : null));
          }));
    replace(this.detailEl,
      h('h1', { class: 'utrecht-heading-1 samen-section-title', id: 'sectie-titel', tabindex: '-1' },
        // A field of a measure is named with its measure: "Keurmerk Veilig Ondernemen — Trekker".
        s.kind === 'field' && this.doc.sections.get(s.parent) ? `${this.doc.sections.get(s.parent).title} — ${s.title}` : s.title || '(zonder titel)'),
      switcher,
      this.undo ? h('div', { class: 'samen-message samen-message--info', role: 'status' },
        h('p', { class: 'utrecht-paragraph' }, this.undo.text),
        button('Ongedaan maken', () => this.runUndo(), { variant: 'primary' }),
        button('Sluiten', () => { this.undo = null; this.renderDetail(); }, { variant: 'subtle' })) : null,
      this.message ? h('div', { class: `samen-message samen-message--${this.message.kind}`, role: 'alert' },
        h('p', { class: 'utrecht-paragraph' }, this.message.text),
        button('Sluiten', () => { this.message = null; this.renderDetail(); }, { variant: 'subtle' })) : null,
      layerNotice(this, s),
      sectionActions(this, s),
      inlineForm(this),
      h('p', { class: 'samen-small samen-history-link' },
        h('a', { href: `#/doc/${this.doc.id}/versies/${s.id}` }, 'Geschiedenis van deze sectie')));
  }

  // ---- Requests and forms ----------------------------------------------------------------------
  /** Waits for a request: says `done` when it succeeded, shows the error when not. */
  async run(promise, done) {
    try {
      await promise;
      this.message = null;
      this.announce(done);
      return true;
    } catch (err) {
      this.message = { kind: 'error', text: errorText(err) };
      this.renderDetail();
      return false;
    }
  }

  /** Offers to undo what was just done (`text` says what): `run` brings it back. */
  offerUndo(text, run) {
    this.undo = { text, run };
    this.renderDetail();
    this.detailEl.querySelector('.samen-message--info button')?.focus();
  }

  async runUndo() {
    const { run } = this.undo;
    this.undo = null;
    if (await run()) this.announce('Ongedaan gemaakt.');
    this.renderDetail();
  }

  /**
   * Brings a municipality's layer of `section` back after a revert or an omit: included again
   * (`wasOmitted`), and its own text (`text`, null for none) again as its own version.
   */
  async restoreLayer(section, code, wasOmitted, text) {
    if (wasOmitted && !(await this.layerAction('include', code, 'De sectie is weer opgenomen.'))) return false;
    if (text === null) return true;
    if (!(await this.layerAction('diverge', code, `${municipalityName(code)} heeft de eigen tekst terug.`))) return false;
    // The new version starts as the common text: its own words go back as one edit.
    const sync = await this.whenLayer(section, code);
    if (!sync) return false;
    const op = ot.diffToOp(sync.text, text);
    if (op.length) this.doc.edit(section, code, op);
    this.bindEditor();
    return true;
  }

  /** The layer once the document has it (the change that makes it may come after the ack). */
  whenLayer(section, code) {
    return new Promise((resolve) => {
      const found = () => this.doc.layer(section, code);
      if (found()) return resolve(found());
      const stop = this.doc.subscribe(() => {
        if (!found()) return;
        stop();
        clearTimeout(timer);
        resolve(found());
      });
      const timer = setTimeout(() => { stop(); resolve(found()); }, 10000);
    });
  }

  layerAction(type, layer, done) {
    return this.run(this.doc.request({ type, section: this.sectionId, layer }), done);
  }

  treeAction(msg, done) {
    return this.run(this.doc.request(msg), done).then((ok) => {
      if (ok) {
        this.form = null;
        this.renderDetail();
      }
      return ok;
    });
  }

  openForm(form) {
    this.form = form;
    this.renderDetail();
    this.detailEl.querySelector('.samen-inline-form input, .samen-inline-form select, .samen-inline-form button')?.focus();
  }

  closeForm() {
    this.form = null;
    this.renderDetail();
  }

  // ---- Below the editor: text that could not be sent -----------------------------------------
  renderAfter() {
    replace(this.afterEl, this.unsent.map((u, i) =>
      h('div', { class: 'samen-notice samen-notice--warning', role: 'alert' },
        h('h2', { class: 'utrecht-heading-3' }, 'Niet verzonden tekst'),
        h('p', { class: 'utrecht-paragraph' },
          `${u.reason} Uw tekst van „${this.doc.sections.get(u.section)?.title ?? this.doc.deleted.get(u.section)?.section.title ?? u.section}” (${u.layer === 'common' ? 'gemeenschappelijk' : municipalityName(u.layer)}) staat hieronder, zodat u hem kunt kopiëren.`),
        h('label', { class: 'utrecht-form-label', for: `unsent-${i}` }, 'Uw tekst'),
        h('textarea', { id: `unsent-${i}`, class: 'utrecht-textarea', rows: '4', readOnly: true, value: u.text }),
        button('Sluiten', () => { this.unsent.splice(i, 1); this.renderAfter(); }, { variant: 'subtle' }))));
  }

  // ---- The side: workgroup, proposals, deleted sections ---------------------------------------
  renderSide() {
    keepingFocus(this.sideEl, () => replace(this.sideEl, sidePanels(this)));
  }
}
