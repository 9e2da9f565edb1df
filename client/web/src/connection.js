// One WebSocket to samen-server: hello with the session token, requests matched to replies by id,
// reconnection with a growing pause. The connection's state goes to `onState`.
//
// A dead connection is noticed (docs/decisions/0014-heartbeat.md): a browser cannot see the
// WebSocket's own pings, so while signed in the connection sends the protocol's `ping` every
// HEARTBEAT_MS, and when nothing at all has come for DEAD_AFTER_MS it drops the socket and
// reconnects: a dead connection shows within DEAD_AFTER_MS + CHECK_MS. The browser's `offline`
// event drops it at once, its `online` event reconnects at once.
export const HEARTBEAT_MS = 4000;
export const DEAD_AFTER_MS = 8000;
export const CHECK_MS = 1000;

export class Connection {
  /**
   * @param {object} o
   * @param {string} o.token
   * @param {(msg: object) => void} o.onMessage   every message that is not a reply to a request
   * @param {(state: string, info?: object) => void} o.onState  'connecting' | 'online' |
   *        'offline' | 'unauthorized'
   * @param {() => void} o.onOnline  the connection is signed in (again)
   * @param {object} [o.env]  what it runs on (tests give their own): `WebSocket`, `url`,
   *        `setTimeout`, `clearTimeout`, `setInterval`, `clearInterval`, `now`, `events` (the
   *        target of `online`/`offline`, or null)
   */
  constructor({ token, onMessage, onState, onOnline, env = browserEnv() }) {
    this.token = token;
    this.onMessage = onMessage;
    this.onState = onState;
    this.onOnline = onOnline;
    this.env = env;
    this.heartbeat = null;
    this.lastHeard = 0;
    this.lastPing = 0;
    this.onBrowserOffline = () => this.drop();
    this.onBrowserOnline = () => {
      if (this.closed || this.state === 'online') return;
      this.env.clearTimeout(this.timer);
      this.attempt = 0;
      if (this.ws) this.drop();
      else this.open();
    };
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

  start() {
    this.closed = false;
    this.env.events?.addEventListener('offline', this.onBrowserOffline);
    this.env.events?.addEventListener('online', this.onBrowserOnline);
    this.open();
  }

  stop() {
    this.closed = true;
    this.env.events?.removeEventListener('offline', this.onBrowserOffline);
    this.env.events?.removeEventListener('online', this.onBrowserOnline);
    this.env.clearTimeout(this.timer);
    this.stopHeartbeat();
    if (this.ws) this.ws.close(1000);
    this.ws = null;
    this.failPending();
  }

  startHeartbeat() {
    this.stopHeartbeat();
    this.lastHeard = this.lastPing = this.env.now();
    this.heartbeat = this.env.setInterval(() => {
      const now = this.env.now();
      if (now - this.lastHeard >= DEAD_AFTER_MS) {
        this.drop();
        return;
      }
      if (now - this.lastPing >= HEARTBEAT_MS) {
        this.lastPing = now;
        this.request({ type: 'ping' }).catch(() => {});
      }
    }, CHECK_MS);
  }

  stopHeartbeat() {
    if (this.heartbeat !== null) this.env.clearInterval(this.heartbeat);
    this.heartbeat = null;
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
    this.stopHeartbeat();
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
    this.env.clearTimeout(this.timer);
    let ws;
    try {
      ws = new this.env.WebSocket(this.env.url());
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
          this.startHeartbeat();
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
      this.lastHeard = this.env.now();
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
    this.timer = this.env.setTimeout(() => this.open(), pause);
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

  get online() { return this.state === 'online' && this.ws && this.ws.readyState === 1; /* OPEN */ }

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

/** The browser as a Connection runs on. */
function browserEnv() {
  return {
    WebSocket: globalThis.WebSocket,
    url: () => `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (t) => clearTimeout(t),
    setInterval: (fn, ms) => setInterval(fn, ms),
    clearInterval: (t) => clearInterval(t),
    now: () => Date.now(),
    events: globalThis.window ?? null,
  };
}
