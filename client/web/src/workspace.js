// The document workspace: the section tree with each municipality's state, the editor of the
// selected section and layer, the actions the user's role allows, staleness and rebasing,
// proposals, and the workgroup (who is where, following).
import { h, replace, button, sr } from './dom.js';
import { LayerEditor } from './editor.js';
import { may } from './perms.js';
import { municipalityName, municipalityShort, municipalityColor, stateInfo, roleNames } from './names.js';
import { renderDiff, renderParts } from './diff-view.js';
import * as ot from './ot.js';

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
    this.rebase = null; // {preview, choices}
    this.stalePreview = new Map(); // `${section}/${layer}` -> preview (for the diff)
    this.unsent = [];
    this.message = null;

    this.treeEl = h('nav', { class: 'samen-tree', 'aria-labelledby': 'secties-kop' });
    this.detailEl = h('div', { class: 'samen-detail' });
    this.editorLabel = h('p', { class: 'samen-editor__label', id: 'editor-label' });
    this.editorHost = h('div', { class: 'samen-editor__host' });
    this.editorBox = h('div', { class: 'samen-editor' }, this.editorLabel, this.editorHost);
    this.afterEl = h('div', { class: 'samen-after' });
    this.sideEl = h('aside', { class: 'samen-side', 'aria-label': 'Werkgroep en voorstellen' });
    this.liveEl = h('div', { class: 'samen-visually-hidden', 'aria-live': 'polite' });
    this.loadingEl = h('p', { class: 'utrecht-paragraph samen-loading' }, 'Document laden…');
    replace(mainEl,
      h('div', { class: 'samen-workspace' },
        this.treeEl,
        h('div', { class: 'samen-center' }, this.loadingEl, this.detailEl, this.editorBox, this.afterEl),
        this.sideEl),
      this.liveEl);
    this.editor = new LayerEditor(this.editorHost, {
      label: 'Tekst',
      onSelection: (sel) => {
        if (this.editor.layer) this.doc.setPresence(this.sectionId, this.editor.layer, sel);
      },
    });
    this.unsubscribe = doc.subscribe((ev) => this.onEvent(ev));
    if (doc.loaded) this.renderAll();
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
    }
    if (this.doc.loaded) this.renderAll();
  }

  navigate(sectionId, view) {
    location.hash = `#/doc/${this.doc.id}/s/${sectionId}/${view ?? this.view}`;
  }

  current() {
    return this.doc.sections.get(this.sectionId) ?? null;
  }

  ensureSection() {
    const before = `${this.sectionId}/${this.view}`;
    if (!this.doc.sections.has(this.sectionId)) {
      const first = this.doc.tree()[0];
      this.sectionId = first ? first.section.id : null;
    }
    const codes = this.doc.municipalities.map((m) => m.code);
    if (this.view !== 'common' && !codes.includes(this.view)) this.view = 'common';
    // The address says what is shown (a deleted section's link must work again once restored).
    if (this.sectionId && (before !== `${this.sectionId}/${this.view}` || !location.hash.includes('/s/'))) {
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
        break;
      case 'change': {
        const c = ev.change;
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
        this.message = { kind: 'error', text: `Er ging iets mis: ${ev.message}` };
        if (ev.fatal) {
          this.loadingEl.textContent = ev.code === 'forbidden' ? 'U hebt geen toegang tot dit document.'
            : ev.code === 'not_found' ? 'Dit document bestaat niet.' : `Het document kon niet worden geopend: ${ev.message}`;
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
    keepingFocus(this.treeEl, () => this.renderTreeContent());
  }

  renderTreeContent() {
    const codes = this.doc.municipalities.map((m) => m.code);
    const here = new Map();
    for (const p of this.doc.presence.values()) here.set(p.section, (here.get(p.section) ?? 0) + 1);
    const build = (parent) => {
      const kids = this.doc.children(parent);
      if (!kids.length) return null;
      return h('ol', { class: 'samen-tree__list' }, kids.map((s) => {
        const selected = s.id === this.sectionId;
        const n = here.get(s.id) ?? 0;
        return h('li', { class: 'samen-tree__item' },
          h('a', {
            href: `#/doc/${this.doc.id}/s/${s.id}/${this.view}`,
            class: `samen-tree__link${selected ? ' samen-tree__link--current' : ''}`,
            'aria-current': selected ? 'true' : null,
          }, s.title || '(zonder titel)', s.owner ? ` (lokaal ${municipalityName(s.owner)})` : null),
          h('ul', { class: 'samen-states', 'aria-label': 'Stand per gemeente' }, codes.map((code) => {
            const st = this.doc.stateOf(s, code);
            return h('li', { class: `samen-state samen-state--${st}`, title: `${municipalityName(code)}: ${stateInfo[st].label}` },
              h('span', { 'aria-hidden': 'true' }, `${municipalityShort(code)} ${stateInfo[st].short}`),
              sr(`${municipalityName(code)}: ${stateInfo[st].label}`));
          })),
          n ? h('span', { class: 'samen-tree__here' }, `${n} ${n === 1 ? 'deelnemer' : 'deelnemers'} hier`) : null,
          build(s.id));
      }));
    };
    const canCreate = !this.doc.archived &&
      (may.changeTree(this.user, null) || (this.user.municipality && may.changeTree(this.user, this.user.municipality)));
    replace(this.treeEl,
      h('a', { href: '#', class: 'samen-skip-link samen-skip-link--local', onclick: (e) => {
        e.preventDefault();
        if (this.editorBox.hidden) this.detailEl.querySelector('h1')?.focus();
        else this.editor.focus();
      } }, 'Naar de tekst'),
      h('h2', { class: 'utrecht-heading-2', id: 'secties-kop' }, 'Secties'),
      build(null),
      canCreate ? button('Nieuwe sectie', () => this.openForm({ kind: 'create' })) : null,
      h('details', { class: 'samen-legend' },
        h('summary', null, 'Legenda'),
        h('dl', null, Object.entries(stateInfo).map(([st, info]) => [
          h('dt', null, h('span', { class: `samen-state samen-state--${st}` }, info.short)),
          h('dd', null, `${info.label}: ${info.explain}`),
        ]))));
  }

  renderDetail() {
    keepingFocus(this.detailEl, () => this.renderDetailContent());
  }

  renderDetailContent() {
    const s = this.current();
    if (!s) {
      replace(this.detailEl, h('h1', { class: 'utrecht-heading-1' }, this.doc.title),
        h('p', { class: 'utrecht-paragraph' }, 'Dit document heeft nog geen secties.'),
        this.renderForm());
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
      h('h1', { class: 'utrecht-heading-1 samen-section-title', id: 'sectie-titel', tabindex: '-1' }, s.title || '(zonder titel)'),
      switcher,
      this.message ? h('div', { class: `samen-message samen-message--${this.message.kind}`, role: 'alert' },
        h('p', { class: 'utrecht-paragraph' }, this.message.text),
        button('Sluiten', () => { this.message = null; this.renderDetail(); }, { variant: 'subtle' })) : null,
      this.renderNotice(s),
      this.renderActions(s),
      this.renderForm(),
      h('p', { class: 'samen-small samen-history-link' },
        h('a', { href: `#/doc/${this.doc.id}/versies/${s.id}` }, 'Geschiedenis van deze sectie')));
  }

  renderNotice(s) {
    if (s.owner || this.view === 'common') return null;
    const code = this.view;
    const name = municipalityName(code);
    const state = this.doc.stateOf(s, code);
    if (state === 'inherit') {
      return h('div', { class: 'samen-notice samen-notice--info' },
        h('p', { class: 'utrecht-paragraph' }, `${name} volgt hier de gemeenschappelijke tekst (hieronder, alleen lezen).`));
    }
    if (state === 'omit') {
      return h('div', { class: 'samen-notice samen-notice--info' },
        h('p', { class: 'utrecht-paragraph' }, `${name} laat deze sectie weg uit het eigen plan.`));
    }
    if (state === 'override') {
      return h('div', { class: 'samen-notice samen-notice--info' },
        h('p', { class: 'utrecht-paragraph' }, `${name} heeft hier een eigen versie.`));
    }
    // stale
    const layer = s.layers[code];
    const k = `${s.id}/${code}/${s.layers.common?.changed_rev}/${layer.changed_rev}`;
    const canRebase = may.rebase(this.user, code);
    if (!this.stalePreview.has(k)) this.loadStalePreview(s.id, code, k, layer.base, canRebase);
    const preview = this.stalePreview.get(k) ?? this.lastPreview?.get(`${s.id}/${code}`);
    return h('div', { class: 'samen-notice samen-notice--warning', role: 'region', 'aria-labelledby': 'verouderd-kop' },
      h('h2', { class: 'utrecht-heading-3', id: 'verouderd-kop' }, 'Verouderd: de gemeenschappelijke tekst is gewijzigd'),
      h('p', { class: 'utrecht-paragraph' },
        `De eigen versie van ${name} is gemaakt op revisie ${layer.base}; de gemeenschappelijke tekst is daarna gewijzigd (revisie ${s.layers.common?.changed_rev ?? '?'}). `,
        canRebase ? 'Neem de wijzigingen over (samenvoegen), houd de eigen tekst bewust zo (behouden), of ga terug naar de gemeenschappelijke tekst.'
          : `De coördinator van ${name} kan de wijzigingen overnemen of de eigen tekst bewust behouden.`),
      preview ? h('div', { class: 'samen-diff-block' },
        h('h3', { class: 'utrecht-heading-4' }, 'Wat er in de gemeenschappelijke tekst veranderde'),
        preview.parts ? renderParts(preview.parts) : renderDiff(preview.base, preview.common)) : null);
  }

  loadStalePreview(section, layer, k, base, canRebase) {
    // One request at a time; when it returns the notice asks again if the texts moved on.
    if (this.loadingPreview) return;
    this.loadingPreview = k;
    const done = () => {
      this.loadingPreview = null;
      if (this.sectionId === section && this.view === layer) this.renderDetail();
    };
    // The common text's change since the override's base; a coordinator who may rebase can also
    // read it from the rebase preview.
    this.doc.request({ type: 'diff', section, layer: 'common', from: base, to: this.doc.rev })
      .catch((err) => (canRebase ? this.doc.request({ type: 'rebase.preview', section, layer }) : Promise.reject(err)))
      .then((preview) => {
      this.stalePreview.set(k, preview);
      this.lastPreview ??= new Map();
      this.lastPreview.set(`${section}/${layer}`, preview);
      done();
    }, () => { this.stalePreview.set(k, null); done(); });
  }

  renderActions(s) {
    if (this.doc.archived) {
      return h('div', { class: 'samen-notice samen-notice--info' },
        h('p', { class: 'utrecht-paragraph' }, 'Dit document is gearchiveerd: het kan alleen nog worden gelezen.'));
    }
    const u = this.user;
    const layerActs = [];
    const treeActs = [];
    let acts = layerActs;
    const act = (label, fn, opts) => acts.push(button(label, fn, opts));
    const name = municipalityName(this.view);
    if (!s.owner && this.view !== 'common') {
      const code = this.view;
      const state = this.doc.stateOf(s, code);
      if (state === 'inherit') {
        if (may.diverge(u, code)) act('Eigen versie maken', () => this.layerAction('diverge', code, `${name} heeft nu een eigen versie.`), { variant: 'primary', 'aria-label': `Eigen versie maken voor ${name}` });
        if (may.omit(u, code)) act('Weglaten', () => this.layerAction('omit', code, 'De sectie is weggelaten.'), { 'aria-label': `Weglaten uit plan van ${name}` });
      } else if (state === 'override' || state === 'stale') {
        if (state === 'stale' && may.rebase(u, code)) act('Samenvoegen…', () => this.startRebase(s.id, code), { variant: 'primary' });
        if (state === 'stale' && may.acknowledge(u, code)) act('Eigen tekst behouden', () => this.layerAction('acknowledge', code, 'De eigen tekst is bewust behouden.'));
        if (may.revert(u, code)) act('Terug naar gemeenschappelijke tekst', () => this.layerAction('revert', code, `${name} volgt weer de gemeenschappelijke tekst.`));
        if (state === 'override' && may.propose(u, code) && ![...this.doc.proposals.values()].some((p) => p.section === s.id && p.layer === code && p.state === 'open')) {
          act('Voorstellen als gemeenschappelijke tekst', () => this.layerAction('propose', code, 'Het voorstel is ingediend.'));
        }
        if (may.omit(u, code)) act('Weglaten', () => this.layerAction('omit', code, 'De sectie is weggelaten.'), { 'aria-label': `Weglaten uit plan van ${name}` });
      } else if (state === 'omit') {
        if (may.omit(u, code)) act('Weer opnemen', () => this.layerAction('include', code, 'De sectie is weer opgenomen.'), { variant: 'primary', 'aria-label': `Weer opnemen in plan van ${name}` });
      }
    }
    if (!s.owner && this.view === 'common' && may.proposeCommon(u)) {
      act('Wijziging voorstellen…', () => this.openForm({ kind: 'propose' }));
    }
    acts = treeActs;
    if (may.changeTree(u, s.owner)) {
      const siblings = this.doc.children(s.parent);
      const idx = siblings.findIndex((x) => x.id === s.id);
      act('Subsectie toevoegen', () => this.openForm({ kind: 'create', parent: s.id }));
      act('Naam wijzigen', () => this.openForm({ kind: 'rename' }));
      if (idx > 0) act('Omhoog', () => this.treeAction({ type: 'section.move', section: s.id, parent: s.parent, position: idx - 1 }, 'De sectie is verplaatst.'));
      if (idx < siblings.length - 1) act('Omlaag', () => this.treeAction({ type: 'section.move', section: s.id, parent: s.parent, position: idx + 1 }, 'De sectie is verplaatst.'));
      act('Verplaatsen…', () => this.openForm({ kind: 'move' }));
      act('Verwijderen…', () => this.openForm({ kind: 'delete' }));
    }
    if (!layerActs.length && !treeActs.length) return null;
    const layerLabel = this.view === 'common' || s.owner ? 'Tekst' : municipalityName(this.view);
    return h('div', { class: 'samen-actions', role: 'group', 'aria-label': 'Acties voor deze sectie' },
      layerActs.length ? h('div', { class: 'samen-actions__row' },
        h('span', { class: 'samen-actions__label', 'aria-hidden': 'true' }, `${layerLabel}:`), layerActs) : null,
      treeActs.length ? h('div', { class: 'samen-actions__row' },
        h('span', { class: 'samen-actions__label', 'aria-hidden': 'true' }, 'Sectie:'), treeActs) : null);
  }

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

  renderForm() {
    const form = this.renderFormContent();
    // What the user typed survives a redraw (someone else's change redraws the panel).
    if (form && this.form) keepDraft(form, this.form);
    return form;
  }

  renderFormContent() {
    const f = this.form;
    if (!f) return this.rebase ? this.renderRebase() : null;
    const s = this.current();
    const field = (id, label, input) => h('div', { class: 'utrecht-form-field' },
      h('label', { class: 'utrecht-form-label', for: id }, label), input);
    const cancel = button('Annuleren', () => this.closeForm(), { variant: 'subtle' });
    const parentOptions = (exclude) => [
      h('option', { value: '' }, '(hoofdniveau)'),
      ...this.doc.tree().filter(({ section }) => !exclude.includes(section.id)).map(({ section, depth }) =>
        h('option', { value: section.id }, `${'— '.repeat(depth)}${section.title}`)),
    ];
    if (f.kind === 'create') {
      const title = h('input', { id: 'nieuw-titel', class: 'utrecht-textbox utrecht-textbox--html-input', required: true, maxlength: '200' });
      const parent = h('select', { id: 'nieuw-ouder', class: 'utrecht-select utrecht-select--html-select' }, parentOptions([]));
      parent.value = f.parent ?? '';
      const own = this.user.municipality;
      const localAllowed = own && may.changeTree(this.user, own);
      const commonAllowed = may.changeTree(this.user, null);
      const local = localAllowed ? h('input', { type: 'checkbox', id: 'nieuw-lokaal', checked: !commonAllowed, disabled: !commonAllowed }) : null;
      return h('form', { class: 'samen-inline-form', 'aria-labelledby': 'form-kop', onsubmit: (e) => {
        e.preventDefault();
        if (!title.value.trim()) return title.focus();
        const msg = { type: 'section.create', parent: parent.value || null, position: 1_000_000, title: title.value.trim() };
        if (local?.checked) msg.owner = own;
        this.treeAction(msg, 'De sectie is toegevoegd.');
      } },
        h('h2', { class: 'utrecht-heading-3', id: 'form-kop' }, 'Nieuwe sectie'),
        field('nieuw-titel', 'Titel', title),
        field('nieuw-ouder', 'Onder', parent),
        local ? h('div', { class: 'utrecht-form-field utrecht-form-field--checkbox' }, local,
          h('label', { for: 'nieuw-lokaal', class: 'utrecht-form-label utrecht-form-label--checkbox' }, `Lokale sectie, alleen voor ${municipalityName(own)}`)) : null,
        h('div', { class: 'utrecht-button-group' },
          h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, 'Toevoegen'), cancel));
    }
    if (f.kind === 'rename') {
      const title = h('input', { id: 'hernoem-titel', class: 'utrecht-textbox utrecht-textbox--html-input', value: s.title, required: true, maxlength: '200' });
      return h('form', { class: 'samen-inline-form', 'aria-labelledby': 'form-kop', onsubmit: (e) => {
        e.preventDefault();
        if (!title.value.trim()) return title.focus();
        this.treeAction({ type: 'section.rename', section: s.id, title: title.value.trim() }, 'De naam is gewijzigd.');
      } },
        h('h2', { class: 'utrecht-heading-3', id: 'form-kop' }, 'Naam wijzigen'),
        field('hernoem-titel', 'Nieuwe titel', title),
        h('div', { class: 'utrecht-button-group' },
          h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, 'Opslaan'), cancel));
    }
    if (f.kind === 'move') {
      const parent = h('select', { id: 'verplaats-ouder', class: 'utrecht-select utrecht-select--html-select' },
        parentOptions([s.id, ...this.doc.descendants(s.id)]));
      parent.value = s.parent ?? '';
      const position = h('input', { id: 'verplaats-plaats', type: 'number', min: '1', class: 'utrecht-textbox utrecht-textbox--html-input', value: String(s.position + 1) });
      return h('form', { class: 'samen-inline-form', 'aria-labelledby': 'form-kop', onsubmit: (e) => {
        e.preventDefault();
        const pos = Math.max(0, (parseInt(position.value, 10) || 1) - 1);
        this.treeAction({ type: 'section.move', section: s.id, parent: parent.value || null, position: pos }, 'De sectie is verplaatst.');
      } },
        h('h2', { class: 'utrecht-heading-3', id: 'form-kop' }, `„${s.title}” verplaatsen`),
        field('verplaats-ouder', 'Onder', parent),
        field('verplaats-plaats', 'Plaats (1 is bovenaan)', position),
        h('div', { class: 'utrecht-button-group' },
          h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, 'Verplaatsen'), cancel));
    }
    if (f.kind === 'propose') {
      const text = h('textarea', { id: 'voorstel-tekst', class: 'utrecht-textarea', rows: '10', value: s.layers.common?.text ?? '' });
      return h('form', { class: 'samen-inline-form', 'aria-labelledby': 'form-kop', onsubmit: async (e) => {
        e.preventDefault();
        const ok = await this.run(this.doc.request({ type: 'propose', section: s.id, layer: 'common', text: text.value }),
          'Het voorstel is ingediend.');
        if (ok) this.closeForm();
      } },
        h('h2', { class: 'utrecht-heading-3', id: 'form-kop' }, 'Wijziging van de gemeenschappelijke tekst voorstellen'),
        h('p', { class: 'utrecht-paragraph' }, 'De wijziging gaat pas in als alle gemeenten instemmen.'),
        field('voorstel-tekst', 'Voorgestelde tekst', text),
        h('div', { class: 'utrecht-button-group' },
          h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, 'Voorstel indienen'), cancel));
    }
    if (f.kind === 'delete') {
      const n = this.doc.descendants(s.id).length;
      return h('form', { class: 'samen-inline-form', 'aria-labelledby': 'form-kop', onsubmit: (e) => {
        e.preventDefault();
        this.treeAction({ type: 'section.delete', section: s.id }, 'De sectie is verwijderd.');
      } },
        h('h2', { class: 'utrecht-heading-3', id: 'form-kop' }, `„${s.title}” verwijderen?`),
        h('p', { class: 'utrecht-paragraph' },
          `De sectie${n ? ` en ${n} ${n === 1 ? 'subsectie' : 'subsecties'}` : ''} verdwijnt voor alle gemeenten. De geschiedenis blijft bewaard en de sectie kan worden hersteld.`),
        h('div', { class: 'utrecht-button-group' },
          h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, 'Verwijderen'), cancel));
    }
    return null;
  }

  // ---- Rebase ---------------------------------------------------------------------------------
  async startRebase(section, layer) {
    try {
      const preview = await this.doc.request({ type: 'rebase.preview', section, layer });
      this.rebase = { preview, choices: preview.conflicts.map(() => ({ pick: 'local', text: null })) };
      this.message = null;
      this.renderDetail();
      this.detailEl.querySelector('#samenvoegen-kop')?.focus();
    } catch (err) {
      this.message = { kind: 'error', text: errorText(err) };
      this.renderDetail();
    }
  }

  resolvedText() {
    const { preview, choices } = this.rebase;
    // Conflicts sit in `merged` at `position` (code points), holding the local text there.
    const order = preview.conflicts.map((c, i) => ({ c, i })).sort((a, b) => a.c.position - b.c.position);
    let out = '';
    let at = 0; // code points of merged consumed
    const merged = preview.merged;
    for (const { c, i } of order) {
      out += sliceCp(merged, at, c.position);
      const ch = choices[i];
      out += ch.pick === 'common' ? c.common : ch.pick === 'own' ? (ch.text ?? c.local) : c.local;
      at = c.position + ot.cpLength(c.local);
    }
    out += sliceCp(merged, at);
    return out;
  }

  renderRebase() {
    const { preview, choices } = this.rebase;
    const s = this.current();
    const name = municipalityName(preview.layer);
    const resultBox = h('textarea', { id: 'samenvoegen-resultaat', class: 'utrecht-textarea samen-rebase__result', rows: '8', readOnly: true, value: this.resolvedText() });
    const refresh = () => { resultBox.value = this.resolvedText(); };
    const conflicts = preview.conflicts.map((c, i) => {
      const name_ = `conflict-${i}`;
      const own = h('textarea', {
        id: `${name_}-eigen-tekst`, class: 'utrecht-textarea', rows: '3', value: choices[i].text ?? c.local,
        oninput: (e) => { choices[i].text = e.target.value; choices[i].pick = 'own'; ownRadio.checked = true; refresh(); },
      });
      const radio = (pick, label, text) => {
        const id = `${name_}-${pick}`;
        const input = h('input', { type: 'radio', name: name_, id, value: pick, checked: choices[i].pick === pick,
          onchange: () => { choices[i].pick = pick; refresh(); } });
        return [input, h('label', { for: id }, h('strong', null, label), text !== null ? h('q', { class: 'samen-quote' }, text || '(niets)') : null)];
      };
      const [ownRadio, ownLabel] = radio('own', 'Zelf bewerken', null);
      return h('fieldset', { class: 'samen-conflict' },
        h('legend', null, `Conflict ${i + 1} van ${preview.conflicts.length}`),
        h('p', { class: 'utrecht-paragraph' }, 'Eerst stond er: ', h('q', { class: 'samen-quote' }, c.base || '(niets)')),
        h('div', { class: 'samen-conflict__option' }, radio('common', 'Gemeenschappelijke tekst: ', c.common)),
        h('div', { class: 'samen-conflict__option' }, radio('local', `Eigen tekst van ${name}: `, c.local)),
        h('div', { class: 'samen-conflict__option' }, ownRadio, ownLabel),
        h('div', { class: 'utrecht-form-field' }, h('label', { class: 'utrecht-form-label', for: `${name_}-eigen-tekst` }, 'Eigen formulering'), own));
    });
    return h('form', { class: 'samen-inline-form samen-rebase', 'aria-labelledby': 'samenvoegen-kop', onsubmit: async (e) => {
      e.preventDefault();
      const ok = await this.run(this.doc.request({ type: 'rebase.commit', section: s.id, layer: preview.layer, rev: preview.rev, text: this.resolvedText() }),
        'De wijzigingen zijn samengevoegd.');
      if (ok) {
        this.rebase = null;
        this.stalePreview.clear();
        this.renderDetail();
      } else if (this.message && /conflict/.test(this.message.code ?? '')) {
        this.message.text += ' Vraag opnieuw een voorbeeld op.';
      }
    } },
      h('h2', { class: 'utrecht-heading-3', id: 'samenvoegen-kop', tabindex: '-1' }, `Samenvoegen: ${s.title} (${name})`),
      preview.conflicts.length
        ? h('p', { class: 'utrecht-paragraph' }, `${preview.conflicts.length === 1 ? 'Eén plek is' : `${preview.conflicts.length} plekken zijn`} aan beide kanten gewijzigd. Kies per conflict welke tekst blijft, of formuleer het zelf. De rest is vanzelf samengevoegd.`)
        : h('p', { class: 'utrecht-paragraph' }, 'Alle wijzigingen zijn vanzelf samengevoegd.'),
      conflicts,
      h('div', { class: 'utrecht-form-field' },
        h('label', { class: 'utrecht-form-label', for: 'samenvoegen-resultaat' }, 'Resultaat'), resultBox),
      h('div', { class: 'utrecht-button-group' },
        h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, 'Samenvoegen opslaan'),
        button('Nieuw voorbeeld', () => this.startRebase(s.id, preview.layer)),
        button('Annuleren', () => { this.rebase = null; this.renderDetail(); }, { variant: 'subtle' })));
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
    keepingFocus(this.sideEl, () => this.renderSideContent());
  }

  renderSideContent() {
    const people = [...this.doc.presence.values()].sort((a, b) => (a.user.display_name || a.user.name).localeCompare(b.user.display_name || b.user.name));
    const where = (p) => {
      const s = this.doc.sections.get(p.section);
      const layer = p.layer === 'common' ? 'gemeenschappelijk' : municipalityName(p.layer);
      return `${s?.title ?? p.section} (${layer})`;
    };
    const me = this.user;
    const workgroup = h('section', { class: 'samen-panel', 'aria-labelledby': 'werkgroep-kop' },
      h('h2', { class: 'utrecht-heading-2', id: 'werkgroep-kop' }, 'Werkgroep'),
      h('p', { class: 'utrecht-paragraph samen-small' }, `U: ${me.display_name || me.name}`),
      people.length ? h('ul', { class: 'samen-people' }, people.map((p) => {
        const following = this.follow === p.session;
        return h('li', { class: 'samen-people__item' },
          h('span', { class: 'samen-people__dot', style: { backgroundColor: municipalityColor(p.user.municipality) }, 'aria-hidden': 'true' }),
          h('span', { class: 'samen-people__name' }, p.user.display_name || p.user.name,
            h('span', { class: 'samen-small' }, ` (${municipalityName(p.user.municipality)})`)),
          h('span', { class: 'samen-people__where samen-small' }, `in ${where(p)}`),
          button(following ? 'Niet meer volgen' : 'Volgen', () => {
            this.follow = following ? null : p.session;
            this.announce(following ? `U volgt ${p.user.display_name || p.user.name} niet meer.` : `U volgt ${p.user.display_name || p.user.name}.`);
            this.renderSide();
            this.followPresence();
          }, { variant: 'subtle', 'aria-pressed': following ? 'true' : 'false', 'aria-label': `${following ? 'Niet meer volgen' : 'Volgen'}: ${p.user.display_name || p.user.name}` }));
      })) : h('p', { class: 'utrecht-paragraph samen-small' }, 'Er is niemand anders in dit document.'));

    const open = [...this.doc.proposals.values()].filter((p) => p.state === 'open');
    const codes = this.doc.municipalities.map((m) => m.code);
    const voteText = { approve: 'voor', reject: 'tegen' };
    const proposals = h('section', { class: 'samen-panel', 'aria-labelledby': 'voorstellen-kop' },
      h('h2', { class: 'utrecht-heading-2', id: 'voorstellen-kop' }, 'Voorstellen'),
      open.length ? h('ul', { class: 'samen-proposals' }, open.map((p) => {
        const s = this.doc.sections.get(p.section);
        const mine = me.municipality;
        const canVote = mine && may.vote(me, mine) && codes.includes(mine) && !p.votes[mine];
        return h('li', { class: 'samen-proposal' },
          h('h3', { class: 'utrecht-heading-4' }, `${s?.title ?? p.section}: ${p.layer === 'common' ? 'wijziging van de gemeenschappelijke tekst' : `tekst van ${municipalityName(p.layer)} gemeenschappelijk maken`}`),
          h('p', { class: 'samen-small' }, `Voorgesteld door ${p.proposer.display_name || p.proposer.name}`),
          h('details', null, h('summary', null, 'Verschil met de gemeenschappelijke tekst'),
            renderDiff(s?.layers.common?.text ?? '', p.text)),
          h('ul', { class: 'samen-votes', 'aria-label': 'Stemmen' }, codes.map((c) =>
            h('li', null, `${municipalityName(c)}: ${p.votes[c] ? voteText[p.votes[c]] : 'nog niet gestemd'}`))),
          canVote ? h('div', { class: 'utrecht-button-group' },
            button('Instemmen', () => this.run(this.doc.request({ type: 'vote', proposal: p.id, vote: 'approve' }), 'U hebt ingestemd.').then(() => this.renderSide()), { variant: 'primary', 'aria-label': `Instemmen met voorstel ${p.id}` }),
            button('Afwijzen', () => this.run(this.doc.request({ type: 'vote', proposal: p.id, vote: 'reject' }), 'U hebt het voorstel afgewezen.').then(() => this.renderSide()), { 'aria-label': `Voorstel ${p.id} afwijzen` })) : null);
      })) : h('p', { class: 'utrecht-paragraph samen-small' }, 'Er zijn geen open voorstellen.'));

    const closed = [...this.doc.proposals.values()].filter((p) => p.state !== 'open');
    const decided = closed.length ? h('section', { class: 'samen-panel', 'aria-labelledby': 'afgehandeld-kop' },
      h('h2', { class: 'utrecht-heading-2', id: 'afgehandeld-kop' }, 'Afgehandelde voorstellen'),
      h('ul', { class: 'samen-small' }, closed.map((p) => h('li', null,
        `${this.doc.sections.get(p.section)?.title ?? p.section} (${p.layer === 'common' ? 'gemeenschappelijke tekst' : municipalityName(p.layer)}): `,
        h('strong', null, p.state === 'accepted' ? 'aangenomen' : 'afgewezen'))))) : null;
    const deleted = [...this.doc.deleted.values()].filter((d) => may.changeTree(me, d.section.owner));
    const restore = deleted.length ? h('section', { class: 'samen-panel', 'aria-labelledby': 'verwijderd-kop' },
      h('h2', { class: 'utrecht-heading-2', id: 'verwijderd-kop' }, 'Verwijderd'),
      h('ul', null, deleted.map((d) => h('li', null, d.section.title, ' ',
        button('Herstellen', () => this.treeAction({ type: 'section.restore', section: d.section.id }, 'De sectie is hersteld.').then(() => this.renderSide()),
          { variant: 'subtle', 'aria-label': `${d.section.title} herstellen` }))))) : null;
    replace(this.sideEl, workgroup, proposals, decided, restore);
  }
}

/** Restores a form's fields from `state.draft` and records every change there. */
function keepDraft(formEl, state) {
  state.draft ??= {};
  const checkable = (el) => el.type === 'checkbox' || el.type === 'radio';
  for (const el of formEl.querySelectorAll('input, select, textarea')) {
    if (!el.id) continue;
    const saved = state.draft[el.id];
    if (saved !== undefined) {
      if (checkable(el)) el.checked = saved;
      else el.value = saved;
    }
    const save = () => { state.draft[el.id] = checkable(el) ? el.checked : el.value; };
    el.addEventListener('input', save);
    el.addEventListener('change', save);
  }
}

/**
 * Runs `render` (which rebuilds `container`) without taking the focus, or a text field's caret,
 * away from the user: the focused element is found again by its id, link, name or text.
 */
function keepingFocus(container, render) {
  const active = document.activeElement;
  if (!active || !container.contains(active) || active === container) {
    render();
    return;
  }
  const keyOf = (el) => el.id || el.getAttribute('href') || el.getAttribute('aria-label') || el.textContent;
  const tag = active.tagName;
  const key = keyOf(active);
  const range = 'selectionStart' in active ? [active.selectionStart, active.selectionEnd] : null;
  render();
  const again = [...container.querySelectorAll(tag)].find((el) => keyOf(el) === key);
  if (!again) return;
  again.focus({ preventScroll: true });
  if (range && 'setSelectionRange' in again) {
    try { again.setSelectionRange(range[0], range[1]); } catch { /* not a text field */ }
  }
}

function sliceCp(s, from, to) {
  const a = ot.toUtf16(s, from);
  const b = to === undefined ? s.length : ot.toUtf16(s, to);
  return s.slice(a, b);
}

export function errorText(err) {
  const byCode = {
    forbidden: 'Dat mag u niet doen.',
    not_found: 'Dat bestaat niet (meer).',
    conflict: 'Intussen is er iets veranderd.',
    bad_request: 'Dat verzoek klopt niet.',
    disconnected: 'Er is geen verbinding; probeer het zo opnieuw.',
    rate_limited: 'Te veel verzoeken tegelijk; probeer het zo opnieuw.',
  };
  return `${byCode[err.code] ?? 'Er ging iets mis.'} (${err.message})`;
}
