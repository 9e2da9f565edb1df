// Routes live in the hash (#/doc/...), so the server needs no fallback for them. This module only
// moves between routes; which page a route shows is routes.js's (given to startRouter), so that
// the pages can move on without importing what imports them.
let show = () => {};

/** Shows the route in the address now and on every change of it. */
export function startRouter(showRoute) {
  show = showRoute;
  window.addEventListener('hashchange', route);
  route();
}

/** Shows the route in the address: `show` gets its parts (`#/doc/d/plan` -> ['doc', 'd', 'plan']). */
export function route() {
  const hash = decodeURIComponent(location.hash.replace(/^#\/?/, ''));
  show(hash.split('/').filter(Boolean));
}

/** Goes to `hash` and shows it at once (also when the address already was `hash`). */
export function go(hash) {
  location.hash = hash;
  route();
}
