// Page <-> worker RPC. The page posts `{id, target, method, args}`; the worker calls
// `objects[target][method](...args)` (labs get the session first) and replies
// `{id, ok: true, result}` or `{id, ok: false, error: "<message in words>", code?, args?}` (a core
// error's variant and fields as plain data: the caller's Error gets them back, with the
// catalogue sentence that says it in the page's language, see rustmsg.js). Events (training
// progress, evaluations, state changes) arrive as `{event, data}`. Typed arrays in results are
// transferred, not copied.
//
// If the wasm instance traps (a bug, never bad input) or the worker dies, the client starts a
// new worker, rejects the calls in flight, and runs `onRestart` (the page replays the data and
// its settings). The page's history (charts, logs) is untouched: it never lived in the worker.

import { rustError } from './rustmsg.js';

export class WorkerClient {
  /**
   * @param {string|URL} url module worker script
   * @param {{onRestart?: () => Promise<void>}} options
   */
  constructor(url, { onRestart } = {}) {
    this.url = url;
    this.onRestart = onRestart;
    this.seq = 0;
    this.pending = new Map();
    this.listeners = new Map();
    this.restarts = 0; // started
    this.restartsDone = 0; // finished: new worker up, data and settings replayed
    this.restarting = null;
    this.start();
  }

  start() {
    this.worker = new Worker(this.url, { type: 'module' });
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.worker.onmessage = (e) => this.receive(e.data);
    this.worker.onerror = (e) => {
      e.preventDefault();
      const message = e.message || 'the worker script failed to load';
      this.rejectReady(new Error(message));
      this.restart(message);
    };
  }

  /** Calls `objects[target][method](...args)` in the worker; resolves with its result. */
  call(target, method, ...args) {
    return this.send(target, method, args, []);
  }

  /** As `call`, transferring the listed ArrayBuffers (the caller loses them). */
  send(target, method, args, transfer = []) {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, what: `${target}.${method}` });
      try {
        this.worker.postMessage({ id, target, method, args }, transfer);
      } catch (e) {
        this.pending.delete(id);
        reject(e);
      }
    });
  }

  /** Subscribes to a worker event; returns an unsubscribe function. */
  on(event, fn) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event).add(fn);
    return () => this.listeners.get(event).delete(fn);
  }

  emit(event, data) {
    for (const fn of this.listeners.get(event) || []) {
      try {
        fn(data);
      } catch (e) {
        // A panel's listener failing must not stop the others; surface it in words.
        for (const handler of this.listeners.get('listenerError') || []) handler(e);
      }
    }
  }

  receive(msg) {
    if (msg && typeof msg.id === 'number') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(rustError(msg.error, msg.code, msg.args));
      return;
    }
    if (!msg || typeof msg.event !== 'string') return;
    if (msg.event === 'ready') this.resolveReady(msg.data);
    if (msg.event === 'trap') {
      this.emit('trap', msg.data);
      this.restart(msg.data && msg.data.message);
      return;
    }
    this.emit(msg.event, msg.data);
  }

  /** Replaces the worker; resolves once the new one has been given the data and settings. */
  restart(reason) {
    if (this.restarting) return this.restarting;
    this.restarting = (async () => {
      this.restarts += 1;
      this.worker.terminate();
      for (const [, p] of this.pending) {
        p.reject(new Error(`${p.what} was interrupted: the worker restarted (${reason})`));
      }
      this.pending.clear();
      this.emit('restart', { reason, count: this.restarts });
      this.start();
      try {
        await this.ready;
        if (this.onRestart) await this.onRestart();
        this.restartsDone += 1;
        this.emit('restarted', { reason, count: this.restarts });
      } finally {
        this.restarting = null;
      }
    })();
    return this.restarting;
  }
}

/** The ArrayBuffers behind the typed arrays in `value` (top level and one level down). */
export function transferables(value, exclude) {
  const out = new Set();
  const add = (v) => {
    if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer && v.buffer !== exclude) out.add(v.buffer);
  };
  if (ArrayBuffer.isView(value)) {
    // A typed array sent on its own: its elements are numbers, not buffers. (Object.values on
    // it walked every element, ~10 ms a megabyte: a model file or snapshot paid that.)
    add(value);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) {
      add(v);
      if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) Object.values(v).forEach(add);
    }
  }
  return [...out];
}
