// The Samen web client's entry point: the routes' pages (routes.js) shown for the address, and
// hooks for the end-to-end tests.
import { app } from './app.js';
import { pendingEdits } from './live.js';
import { startRouter } from './router.js';
import { showRoute } from './routes.js';

// For the end-to-end tests: the state as the user would learn it, and a way to cut the
// connection as a network failure would.
window.__samen = {
  dropConnection: () => app.conn?.drop(),
  state: () => ({
    connection: app.connState,
    pending: pendingEdits(),
    rev: app.doc?.rev ?? null,
    phase: app.doc?.phase ?? null,
  }),
  layerText: (section, layer) => app.doc?.layer(section, layer)?.text ?? null,
  editorText: () => app.page?.editor?.text ?? null,
};

// Closing the tab or leaving the site while edits wait for the server asks first: what waits lives
// only in this page.
window.addEventListener('beforeunload', (e) => {
  if (pendingEdits() === 0) return;
  e.preventDefault();
  e.returnValue = '';
});

startRouter(showRoute);
