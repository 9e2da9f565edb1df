// Which page each route shows (router.js moves between them). Signed out every route shows the
// sign-in page; signed in: #/documenten, and a document's pages #/doc/<doc>/s/<section>/<layer>
// (the workspace), #/doc/<doc>/plan/<code>[/<rev>], #/doc/<doc>/matrix, #/doc/<doc>/prioriteiten,
// #/doc/<doc>/versies[/<section>],
// #/doc/<doc>/vergelijk[/<code>/<from>/<to>] (revisions, `nu` for now).
import { app } from './app.js';
import { docNav, mainEl, renderHeader, updateStatus } from './frame.js';
import { leaveDocument, openDocument, startConnection, stopConnection } from './live.js';
import { expire, loadSession, signOut } from './session.js';
import { renderDocuments } from './pages/documents.js';
import { renderCompare } from './pages/compare.js';
import { renderHistory } from './pages/history.js';
import { renderMatrix, renderPlan } from './pages/plan.js';
import { renderPriorities } from './pages/priorities.js';
import { renderSignIn } from './pages/sign-in.js';
import { Workspace } from './pages/workspace/workspace.js';

function setPage(page) {
  if (app.page && app.page !== page && app.page.destroy) app.page.destroy();
  app.page = page;
}

const header = (nav) => renderHeader(nav, signOut);

function showDocuments() {
  setPage(null);
  header(null);
  renderDocuments(mainEl, showDocuments);
}

/** Shows the route of `parts` (the address after `#/`, split at `/`). */
export function showRoute(parts) {
  if (!app.session) app.session = loadSession();
  if (!app.session) {
    stopConnection();
    setPage(null);
    header(null);
    renderSignIn(mainEl);
    return;
  }
  startConnection({ onChange: updateStatus, onUnauthorized: expire });
  if (parts[0] === 'doc' && parts[1]) {
    showDocument(parts[1], parts.slice(2));
    return;
  }
  leaveDocument();
  if (parts[0] !== 'documenten') {
    history.replaceState(null, '', '#/documenten');
  }
  showDocuments();
}

function showDocument(docId, [sub, ...rest]) {
  const doc = openDocument(docId);
  if (sub === 'plan' || sub === 'matrix' || sub === 'versies' || sub === 'vergelijk' || sub === 'prioriteiten') {
    const tab = { versies: 'history', vergelijk: 'history', prioriteiten: 'priorities' }[sub] ?? sub;
    header(docNav(doc.id, tab));
    const page = { destroy() { this.dead = true; } };
    setPage(page);
    if (sub === 'plan') renderPlan(mainEl, app, doc, rest[0], page, rest[1]);
    else if (sub === 'matrix') renderMatrix(mainEl, app, doc, page);
    else if (sub === 'prioriteiten') renderPriorities(mainEl, app, doc, page);
    else if (sub === 'vergelijk') renderCompare(mainEl, app, doc, rest[0], rest[1], rest[2], page);
    else renderHistory(mainEl, app, doc, rest[0], page);
    return;
  }
  // The workspace stays while only the selection in it changes.
  let ws = app.page instanceof Workspace && app.page.doc === doc ? app.page : null;
  if (!ws) {
    header(docNav(doc.id, 'workspace'));
    ws = new Workspace(mainEl, app, doc);
    setPage(ws);
  }
  ws.select(sub === 's' ? rest[0] : null, sub === 's' ? rest[1] : null);
}
