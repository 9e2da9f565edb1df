// The section tree and the side panel as drawers when the window is narrow (a phone, or a laptop
// zoomed to 200–400 %: WCAG 1.4.10, reflow). Wide, the workspace has three columns and the drawers
// are plain columns; narrow, styles.css hides them and shows a button for each above the editor,
// so the editor keeps the whole width. Which width is narrow is decided by CSS alone (the media
// queries under "Reflow" in styles.css); this module only opens and closes.
import { h } from '../../dom.js';

/**
 * Wraps `panel` (the tree's <nav> or the side's <aside>) in a drawer with a close button, and
 * returns {drawer, toggle}: the drawer goes where the panel went, the toggle into the drawer bar.
 */
function drawer({ id, label, panel, side, onOpen }) {
  let toggle;
  const close = h('button', {
    type: 'button', class: 'utrecht-button utrecht-button--subtle samen-drawer__close',
    onclick: () => setOpen(false),
  }, `${label} sluiten`);
  const el = h('div', { class: `samen-drawer samen-drawer--${side}`, id }, close, panel);
  function setOpen(open, { focus = true } = {}) {
    el.classList.toggle('samen-drawer--open', open);
    toggle.setAttribute('aria-expanded', String(open));
    if (open) {
      onOpen();
      if (focus) close.focus();
    } else if (focus && el.contains(document.activeElement)) {
      toggle.focus();
    }
  }
  toggle = h('button', {
    type: 'button', class: 'utrecht-button utrecht-button--secondary-action samen-drawer-bar__toggle',
    'aria-controls': id, 'aria-expanded': 'false',
    onclick: () => setOpen(!el.classList.contains('samen-drawer--open')),
  }, label);
  el.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && el.classList.contains('samen-drawer--open')) {
      e.stopPropagation();
      setOpen(false);
    }
  });
  return { el, toggle, setOpen };
}

/**
 * The tree and the side as drawers: {tree, side, bar}. Following a link in the tree (choosing a
 * section) closes the tree's drawer and calls `onChoose` (to put the focus on what was chosen);
 * opening one drawer closes the other.
 */
export function workspaceDrawers(treeEl, sideEl, { onChoose }) {
  const tree = drawer({ id: 'samen-lade-secties', label: 'Secties', panel: treeEl, side: 'start',
    onOpen: () => side.setOpen(false, { focus: false }) });
  const side = drawer({ id: 'samen-lade-werkgroep', label: 'Werkgroep en voorstellen', panel: sideEl, side: 'end',
    onOpen: () => tree.setOpen(false, { focus: false }) });
  treeEl.addEventListener('click', (e) => {
    if (!e.target.closest('a.samen-tree__link') || !tree.el.classList.contains('samen-drawer--open')) return;
    tree.setOpen(false, { focus: false });
    onChoose();
  });
  const bar = h('div', { class: 'samen-drawer-bar' }, tree.toggle, side.toggle);
  return { tree: tree.el, side: side.el, bar };
}
