// Redrawing a part of the page while the user works in it (someone else's change redraws it).

/**
 * Runs `render` (which rebuilds `container`) without taking the focus, or a text field's caret,
 * away from the user: the focused element is found again by its id, link, name or text.
 */
export function keepingFocus(container, render) {
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
