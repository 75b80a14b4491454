// The worker owns the model. It loads the wasm module, holds one `Session` (data, settings,
// model, trainer) plus one lab per compression method, and answers the page's RPC
// (`{id, target, method, args}` -> `objects[target][method](...)`, see protocol.js).
// Training runs here in chunks of ~60 ms, yielding between chunks so a pause or new settings
// are picked up at once and the page never freezes.
//
// Targets: `TARGETS` below declares, for every RPC target, whether its methods take the session
// as their first argument. Labs (every wasm export named `<Something>Lab`, lowercased: PruneLab
// -> "prune", LowRankLab -> "lowrank") do: page `ctx.call('prune', 'apply', params)` ->
// `labs.prune.apply(session, params)`. The rule is checked, not trusted: at start-up each
// method's first parameter in the wasm-bindgen glue must be named `session` (or `_session`) when
// its target takes the session; a method that breaks the rule is not callable and is listed in
// the `ready` event (`rpcMismatches`), which tests/e2e/rpc.spec.js asserts is empty.
// Test hooks (the `debug` target) exist only when the worker is started with `?testhooks=1`.

import { transferables } from './protocol.js';
import { loadModule } from './modules.js';

const objects = Object.create(null);
const labs = Object.create(null);
let memory = null;
let session = null;

/** Session methods that start a new model: training stops first, the page is told after. */
const REBUILDS = new Set(['configure', 'reset', 'loadData', 'loadModel']);
/** Lab methods that replace the session's model the same way (`target.method`). */
const LAB_REBUILDS = new Set(['versions.useAsInput']);
/** Never callable by RPC: they would free or reach around the objects. */
const FORBIDDEN = new Set(['free', 'constructor', '__destroy_into_raw', '__wbg_ptr']);

const CHUNK_MS = 60;

/**
 * Every RPC target and whether its methods receive the session first. A lab found in the wasm
 * exports but missing here gets the lab rule (true), and is reported by `rpc.describe`.
 */
const TARGETS = Object.freeze({
  session: { takesSession: false },
  loop: { takesSession: false },
  rpc: { takesSession: false },
  debug: { takesSession: false },
  prune: { takesSession: true },
  quantize: { takesSession: true },
  lowrank: { takesSession: true },
  distill: { takesSession: true },
  binarize: { takesSession: true },
  // Version store: every method takes the session except these three, which read only the
  // lab's own job or parse text (declared, so the check below still holds them to it).
  versions: { takesSession: true, without: ['parseRecipe', 'progress', 'cancel'] },
  jobs: { takesSession: false },
});

/** Test hooks only with `worker.js?testhooks=1` (main.js passes it on from the page's URL). */
const TEST_HOOKS = new URL(self.location.href).searchParams.get('testhooks') === '1';

/** The first parameter's name of a wasm-bindgen glue method (`apply(session, params) {...}`). */
function firstParam(fn) {
  const m = /^[^(]*\(\s*([A-Za-z_$][\w$]*)?/.exec(Function.prototype.toString.call(fn));
  return (m && m[1]) || '';
}

/** The callable methods of a target object (its class's prototype chain, minus FORBIDDEN). */
function methodsOf(obj) {
  const names = new Set();
  for (let p = obj; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (!FORBIDDEN.has(name) && !name.startsWith('_') && typeof obj[name] === 'function') names.add(name);
    }
  }
  return [...names].sort();
}

/** `${target}.${method}` -> how to call it; filled at start-up from TARGETS and the glue. */
const calls = new Map();
const mismatches = [];

function register(target, obj) {
  const declared = TARGETS[target] || { takesSession: true };
  for (const method of methodsOf(obj)) {
    const takesSession = declared.takesSession && !(declared.without || []).includes(method);
    const first = firstParam(obj[method]);
    const saysSession = /^_?session$/.test(first);
    if (takesSession !== saysSession) {
      mismatches.push(`${target}.${method}(${first}…) ${takesSession ? 'must' : 'must not'} take the session first`);
      continue;
    }
    calls.set(`${target}.${method}`, { obj, method, takesSession });
  }
}

const loop = {
  running: false,
  steps: 4,
  lastEnd: 0,
  rate: 0,

  /** Starts (or continues) training in chunks until paused or done. */
  play() {
    if (!this.running) {
      this.running = true;
      this.lastEnd = performance.now();
      emitState('playing');
      run();
    }
    return this.status();
  },

  /** Stops after the current chunk (the chunk is at most ~60 ms of work). */
  pause() {
    if (this.running) {
      this.running = false;
      emitState('paused');
    }
    return this.status();
  },

  /** One mini-batch, then paused. */
  step() {
    this.pause();
    this.lastEnd = performance.now();
    return trainChunk(1, false);
  },

  status() {
    return { running: this.running, stepsPerChunk: this.steps, samplesPerSec: this.rate };
  },

  stop() {
    if (this.running) {
      this.running = false;
      emitState('stopped');
    }
  },
};

function post(msg) {
  self.postMessage(msg, transferables(msg.result ?? msg.data, memory && memory.buffer));
}

function emit(event, data) {
  post({ event, data });
}

function emitState(reason) {
  emit('state', { running: loop.running, reason });
}

/** A zero-delay yield (setTimeout is clamped to 4 ms when nested). */
const channel = new MessageChannel();
let wake = null;
channel.port1.onmessage = () => wake && wake();
function yieldNow() {
  return new Promise((resolve) => {
    wake = resolve;
    channel.port2.postMessage(0);
  });
}

async function run() {
  while (loop.running) {
    try {
      trainChunk(loop.steps, true);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) trap(e);
      else emit('trainError', errorData(e));
      break;
    }
    await yieldNow();
  }
}

function errorText(e) {
  return (e && e.message) || String(e);
}

/**
 * An error as plain data for postMessage (structured clone keeps an Error's message but drops
 * the fields the core hangs on it): the English `message`, and for a core error its `code` and
 * `args` (crate/wasm/dto.rs), which the page says again in its language (www/rustmsg.js).
 */
function errorData(e, prefix = '') {
  const data = { message: prefix + errorText(e) };
  if (e && typeof e.code === 'string') Object.assign(data, { code: e.code, args: e.args || {} });
  return data;
}

function trap(e) {
  emit('trap', { message: `the WebAssembly instance stopped: ${errorText(e)}` });
  loop.running = false;
}

/** Trains one chunk, reports progress (and a test evaluation at each epoch's end). */
function trainChunk(steps, adapt) {
  const t0 = performance.now();
  let p;
  try {
    p = session.trainSteps(steps);
  } catch (e) {
    const wasRunning = loop.running;
    loop.running = false;
    if (wasRunning && !(e instanceof WebAssembly.RuntimeError)) emitState('error');
    throw e;
  }
  const t1 = performance.now();
  const ms = t1 - t0;
  if (adapt && !p.epochEnded && ms > 0) {
    // Aim each chunk at CHUNK_MS, moving at most 2x per chunk so one slow chunk (GC, a busy
    // core) does not swing it.
    const ideal = (steps * CHUNK_MS) / ms;
    loop.steps = Math.max(1, Math.min(5000, Math.round(Math.min(steps * 2, Math.max(steps / 2, ideal)))));
  }
  const wall = Math.max(t1 - loop.lastEnd, 1e-3);
  loop.lastEnd = t1;
  const rate = (p.samples * 1000) / wall;
  loop.rate = loop.rate > 0 && adapt ? 0.8 * loop.rate + 0.2 * rate : rate;
  emit('progress', { ...p, samplesPerSec: loop.rate, chunkMs: ms });
  if (p.epochEnded) {
    const te = performance.now();
    let accuracy;
    try {
      const ev = session.evaluate(0);
      accuracy = ev.accuracy;
      emit('evaluation', { ...ev, epoch: p.epoch, step: p.step, ms: performance.now() - te });
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) throw e;
      emit('trainError', { ...errorData(e, 'test evaluation failed: '), during: 'evaluation' });
    }
    emitSnapshot(p, accuracy);
  }
  if (p.done && loop.running) {
    loop.running = false;
    emitState('done');
  }
  return p;
}

/**
 * The whole training state at this epoch's end (weights, masks, optimizer moments, step, place
 * in the data; crate/io/snapshot.rs), sent to the page, which keeps the last one to restore
 * into a new worker after a crash (recovery.js). Taken here, between two chunks, so it is the
 * state the evaluation measured; `ms` is what it cost.
 */
function emitSnapshot(p, accuracy) {
  const t0 = performance.now();
  try {
    const bytes = session.snapshotModel();
    emit('snapshot', { bytes, epoch: p.epoch, step: p.step, accuracy, ms: performance.now() - t0 });
  } catch (e) {
    // Weights that are not finite are not worth keeping: the page keeps the previous snapshot.
    if (e instanceof WebAssembly.RuntimeError) throw e;
  }
}

async function dispatch({ id, target, method, args }) {
  const entry = typeof target === 'string' && typeof method === 'string' ? calls.get(`${target}.${method}`) : null;
  if (!entry) {
    post({ id, ok: false, error: `there is no method ${String(target)}.${String(method)}` });
    return;
  }
  const { obj } = entry;
  const list = Array.isArray(args) ? args : [];
  const rebuild = (target === 'session' && REBUILDS.has(method)) || LAB_REBUILDS.has(`${target}.${method}`);
  if (rebuild) loop.stop();
  try {
    const full = entry.takesSession ? [session, ...list] : list;
    const result = await obj[method](...full);
    // Listeners hear of the new model before the caller's promise resolves.
    if (rebuild) emit('modelChanged', { reason: method });
    post({ id, ok: true, result });
  } catch (e) {
    const { message, ...typed } = errorData(e);
    post({ id, ok: false, error: message, ...typed });
    if (e instanceof WebAssembly.RuntimeError) trap(e);
  }
}

/**
 * Versions made by recipe steps (target `jobs`): each step runs as a chunked job on the
 * `versions` lab, ~CHUNK_MS of work per slice, yielding between slices and emitting
 * `jobProgress` ({step, fraction, index, count}); one job at a time, later calls queue.
 */
const jobs = {
  queue: Promise.resolve(),
  steps: 8,

  /** Applies `step` (recipe text) to version `parent` (null for train); resolves with the new version's summary. */
  run(parent, step, name) {
    return this._enqueue(() => this._runOne(parent ?? undefined, step, name, 0, 1));
  },

  /** Runs every step of `text`, each on the version the previous one made; reuses versions already made by the same chain. */
  recipe(text, parent) {
    return this._enqueue(async () => {
      const steps = labs.versions.parseRecipe(text);
      const made = [];
      let at = parent ?? undefined;
      for (let i = 0; i < steps.length; i += 1) {
        const existing = labs.versions.existing(session, at, steps[i]);
        const v = existing !== undefined ? summaryOf(existing) : await this._runOne(at, steps[i], null, i, steps.length);
        made.push(v);
        at = v.id;
      }
      emit('versionsChanged', {});
      return made;
    });
  },

  _enqueue(fn) {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => {});
    return next;
  },

  async _runOne(parent, step, name, index, count) {
    const lab = labs.versions;
    let p = lab.start(session, parent, step);
    emit('jobProgress', { ...p, index, count });
    while (!p.done) {
      const t0 = performance.now();
      p = lab.advance(session, this.steps);
      const ms = performance.now() - t0;
      if (ms > 0) this.steps = Math.max(1, Math.min(5000, Math.round(Math.min(this.steps * 2, Math.max(this.steps / 2, (this.steps * CHUNK_MS) / ms)))));
      emit('jobProgress', { ...p, index, count });
      await yieldNow();
    }
    const v = lab.finish(session, name || '');
    emit('jobProgress', { ...p, index, count, finished: true });
    emit('versionsChanged', { id: v.id });
    return v;
  },

  cancel() {
    labs.versions.cancel();
  },
};

function summaryOf(id) {
  return labs.versions.list(session).find((v) => v.id === id);
}

/** Test hooks (only with ?testhooks=1): `trap` behaves exactly like a wasm trap. */
const debug = {
  trap() {
    throw new WebAssembly.RuntimeError('unreachable (a simulated trap, requested by the page)');
  },
};

/** What the worker answers, for tests and the console. */
const rpc = {
  describe() {
    return {
      targets: [...calls].map(([key, { method, takesSession }]) => ({
        target: key.slice(0, key.length - method.length - 1),
        method,
        takesSession,
      })),
      mismatches: [...mismatches],
    };
  },
  /** Bytes of wasm linear memory (it only grows): what `cargo xtask soak` samples. */
  memoryBytes() {
    return memory ? memory.buffer.byteLength : 0;
  },
};

let wasm = null;

const ready = (async () => {
  const loaded = await loadModule();
  wasm = loaded.wasm;
  const exports = loaded.exports;
  memory = exports.memory;
  session = new wasm.Session();
  for (const [name, cls] of Object.entries(wasm)) {
    if (/^[A-Z]\w*Lab$/.test(name) && typeof cls === 'function') {
      labs[name.slice(0, -3).toLowerCase()] = new cls();
    }
  }
  // Hand-registered labs go here, one line each, e.g. `labs.prune = new wasm.PruneLab();`.
  Object.assign(objects, labs, { session, loop, rpc, jobs }, TEST_HOOKS ? { debug } : {});
  for (const [target, obj] of Object.entries(objects)) register(target, obj);
  emit('ready', { kernel: wasm.kernelSet(), labs: Object.keys(labs), rpcMismatches: [...mismatches] });
})();

self.onmessage = async (e) => {
  try {
    await ready;
  } catch (err) {
    post({ id: e.data && e.data.id, ok: false, error: `the WebAssembly module did not load: ${errorText(err)}` });
    return;
  }
  if (e.data && typeof e.data.id === 'number') await dispatch(e.data);
};
