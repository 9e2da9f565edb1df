// The live side of a session: its one WebSocket and the documents open on it. Besides the document
// on the screen, documents left (another document or the list opened) while edits of theirs still
// wait stay subscribed in the background until the server has those edits, then close.
import { app } from './app.js';
import { Connection } from './connection.js';
import { DocumentSync } from './doc-sync.js';
import { learnMunicipalities } from './names.js';

const leaving = new Map(); // doc id -> DocumentSync

// Given by startConnection: the connection state or the number of waiting edits changed; the
// server refused the session's token.
let onChange = () => {};
let onUnauthorized = () => {};

/** Edits not acknowledged yet, in the open document and in those being left. */
export function pendingEdits() {
  let n = app.doc ? app.doc.pendingEdits() : 0;
  for (const doc of leaving.values()) n += doc.pendingEdits();
  return n;
}

/** The open document and those being left. */
function openDocs() {
  return [...(app.doc ? [app.doc] : []), ...leaving.values()];
}

/** Starts the session's connection unless it runs already. */
export function startConnection(hooks) {
  if (app.conn) return;
  ({ onChange, onUnauthorized } = hooks);
  app.conn = new Connection({
    token: app.session.token,
    onMessage: (msg) => {
      if (app.doc && msg.doc === app.doc.id) app.doc.receive(msg);
      else if (leaving.has(msg.doc)) leaving.get(msg.doc).receive(msg);
    },
    onState: (state) => {
      const was = app.connState;
      app.connState = state;
      if (state === 'unauthorized') {
        if (was === 'online') for (const doc of openDocs()) doc.disconnected();
        onUnauthorized();
        onChange();
        return;
      }
      if (was === 'online' && state !== 'online') for (const doc of openDocs()) doc.disconnected();
      onChange();
    },
    onOnline: () => {
      for (const doc of openDocs()) doc.connected();
      onChange();
    },
  });
  app.conn.start();
}

/** Connects again with a new token (the session was renewed): what waits is sent then. */
export function renewConnection(token) {
  if (!app.conn) return;
  app.conn.token = token;
  app.conn.attempt = 0;
  app.conn.start();
}

/** Ends the connection and every open document, whatever waits. */
export function stopConnection() {
  if (app.doc) app.doc.closed = true;
  app.doc = null;
  for (const doc of leaving.values()) doc.closed = true;
  leaving.clear();
  if (app.conn) app.conn.stop();
  app.conn = null;
  app.connState = 'offline';
}

/** Makes `docId` the open document (leaving the one open before) and returns it. */
export function openDocument(docId) {
  if (app.doc && app.doc.id === docId) return app.doc;
  if (app.doc) retire(app.doc);
  const back = leaving.get(docId);
  if (back) {
    // Left with edits still waiting, and opened again: it is live all the while.
    leaving.delete(docId);
    app.doc = back;
    return back;
  }
  const doc = new DocumentSync(docId, app.conn);
  app.doc = doc;
  doc.subscribe((ev) => {
    if (ev.kind === 'pending' || ev.kind === 'loaded') onChange();
    if (ev.kind === 'loaded') learnMunicipalities(doc.municipalities);
  });
  if (app.conn.online) doc.connected();
  return doc;
}

/** Leaves the open document, if any (the document list is shown). */
export function leaveDocument() {
  if (!app.doc) return;
  retire(app.doc);
  app.doc = null;
}

/** Closes `doc`, or, while edits of it wait, keeps it in the background until they are sent. */
function retire(doc) {
  if (doc.pendingEdits() === 0) {
    doc.close();
    return;
  }
  leaving.set(doc.id, doc);
  const off = doc.subscribe((ev) => {
    if (leaving.get(doc.id) !== doc) {
      off();
      return;
    }
    if (ev.kind === 'pending') {
      onChange();
      if (doc.pendingEdits() === 0) {
        off();
        leaving.delete(doc.id);
        doc.close();
      }
    }
  });
}

/** Resolves with the connection once it is online; rejects (`disconnected`) after `timeout` ms. */
export function whenOnline(timeout = 10000) {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeout;
    const check = () => {
      if (app.conn?.online) return resolve(app.conn);
      if (Date.now() > deadline) return reject(Object.assign(new Error('geen verbinding'), { code: 'disconnected' }));
      setTimeout(check, 100);
    };
    check();
  });
}
