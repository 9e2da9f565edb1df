// One WebSocket to samen-server: hello with the session token, requests matched to replies by id,
// reconnection with a growing pause. The connection's state goes to `onState`.
export class Connection {
  /**
   * @param {object} o
   * @param {string} o.token
   * @param {(msg: object) => void} o.onMessage   every message that is not a reply to a request
   * @param {(state: string, info?: object) => void} o.onState  'connecting' | 'online' |
   *        'offline' | 'unauthorized'
   * @param {() => void} o.onOnline  the connection is signed in (again)
   */
  constructor({ token, onMessage, onState, onOnline }) {
    this.token = token;
    this.onMessage = onMessage;
    this.onState = onState;
    this.onOnline = onOnline;
    this.ws = null;
    this.nextId = 1;
    this.pending = new Map(); // id -> {resolve, reject, onReply}
    this.state = 'connecting';
    this.attempt = 0;
    this.timer = null;
    this.closed = false;
    this.user = null;
    this.session = null;
  }

  url() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${proto}//${location.host}/ws`;
  }

  start() {
    this.closed = false;
    this.open();
  }

  stop() {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close(1000);
    this.ws = null;
    this.failPending();
  }

  /**
   * Treats the socket as lost, as when the network drops it, and starts reconnecting. (The tests
   * use it: a browser that is offline may hold a closing socket for a long time.)
   */
  drop() {
    const ws = this.ws;
    if (!ws) return;
    this.closedSocket(ws, 1006);
    try {
      ws.close(4000, 'dropped');
    } catch { /* already closed */ }
  }

  closedSocket(ws, code) {
    if (this.ws !== ws) return;
    this.ws = null;
    this.failPending();
    if (code === 1008) {
      this.closed = true;
      this.setState('unauthorized');
      return;
    }
    if (this.closed) return;
    this.scheduleReconnect();
  }

  setState(state, info) {
    this.state = state;
    this.onState(state, info);
  }

  open() {
    clearTimeout(this.timer);
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    this.setState(this.attempt === 0 ? 'connecting' : 'offline');
    ws.onopen = () => {
      if (this.ws !== ws) return;
      const id = this.nextId++;
      this.pending.set(id, {
        resolve: (msg) => {
          this.attempt = 0;
          this.user = msg.user;
          this.session = msg.session;
          this.setState('online');
          this.onOnline();
        },
        reject: (err) => {
          if (err.code === 'unauthorized') {
            this.closed = true;
            this.setState('unauthorized');
          }
        },
      });
      ws.send(JSON.stringify({ type: 'hello', id, token: this.token, client: 'samen-web/0.1.0' }));
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (msg.id !== undefined && this.pending.has(msg.id)) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.type === 'error') {
          const err = new Error(msg.message);
          err.code = msg.code;
          p.reject(err);
        } else {
          p.resolve(msg);
        }
        return;
      }
      this.onMessage(msg);
    };
    ws.onclose = (ev) => this.closedSocket(ws, ev.code);
    ws.onerror = () => {};
  }

  scheduleReconnect() {
    this.attempt++;
    this.setState('offline');
    const pause = Math.min(4000, 250 * 2 ** Math.min(this.attempt - 1, 4));
    this.timer = setTimeout(() => this.open(), pause);
  }

  failPending() {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      const err = new Error('de verbinding is verbroken');
      err.code = 'disconnected';
      p.reject(err);
    }
  }

  get online() { return this.state === 'online' && this.ws && this.ws.readyState === WebSocket.OPEN; }

  /** Sends a request; resolves with its reply, rejects with an Error that has a `code`. */
  request(msg) {
    return new Promise((resolve, reject) => {
      if (!this.online) {
        const err = new Error('geen verbinding');
        err.code = 'disconnected';
        reject(err);
        return;
      }
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ ...msg, id }));
    });
  }

  /** Sends a message without waiting for a reply. */
  send(msg) {
    if (!this.online) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }
}
