// The page's entry point. It owns no model: it reads the settings from the address, starts
// the worker (which owns the Session), downloads MNIST, hands it over, and mounts one view per
// panel. Panels get a small context:
//   ctx.call(target, method, ...args) -> Promise   RPC into the worker (protocol.js)
//   ctx.on(event, fn) / ctx.emit(event, data)      worker events + page events
//   ctx.charts.drawLineChart(canvasId, chart)      plotters-canvas on this thread
//   ctx.state.get/set                              URL-hash settings (state.js)
//   ctx.showError(err)                             a message in words, never a crash
//   ctx.configure(patch)                           change training settings (fresh model)
//   ctx.whenReady                                  resolves once data and model are in
//
// Page events: dataProgress, ready, info, settings, restart/restarted. Worker events: progress,
// evaluation, state, trainError, modelChanged (see worker.js). A lab panel that changes the
// model (prune, quantize in place, ...) calls ctx.emit('weightsChanged') so the weights, gallery
// and drawing panels refresh. Training is driven through the worker's `loop` target:
// ctx.call('loop', 'play' | 'pause' | 'step' | 'status'). Shared DOM helpers: www/ui.js
// (el, blit for Rust RGBA heatmaps, pct, count, bytes).

import initCharts, * as wasm from './pkg/shrink.js';
import { WorkerClient } from './protocol.js';
import { createState, DEFAULTS } from './state.js';
import { loadMnist, gunzip, FILES } from './mnist.js';

const timings = (window.shrinkTimings = { navigationToScriptMs: Math.round(performance.now()) });
const embed = document.body.classList.contains('embed');

// ---------- notices (errors in words) ----------
const notices = document.getElementById('notices');
const shown = new Map();

function notice(message, kind = 'error') {
  const text = String(message && message.message ? message.message : message);
  if (shown.has(text)) {
    shown.get(text).classList.remove('flash');
    void shown.get(text).offsetWidth;
    shown.get(text).classList.add('flash');
    return;
  }
  const el = document.createElement('div');
  el.className = `notice notice-${kind}`;
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  const p = document.createElement('p');
  p.textContent = text;
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'notice-close';
  close.setAttribute('aria-label', 'Dismiss');
  close.textContent = '×';
  close.onclick = () => {
    el.remove();
    shown.delete(text);
  };
  el.append(p, close);
  notices.append(el);
  shown.set(text, el);
}

function showError(err) {
  notice(err, 'error');
}

// ---------- state, worker, context ----------
const state = createState();
for (const e of state.errors) notice(e, 'warn');

let files = null; // { gz } kept to replay into a restarted worker
let lastRestartAt = 0;

// Test hooks (the worker's `debug` target) only when the page is opened with ?testhooks=1.
const testHooks = new URLSearchParams(window.location.search).get('testhooks') === '1';
const workerUrl = new URL(`./worker.js${testHooks ? '?testhooks=1' : ''}`, import.meta.url);
const client = new WorkerClient(workerUrl, {
  onRestart: async () => {
    const now = performance.now();
    // Two restarts within a minute: the settings themselves may be what brings the instance
    // down, so replaying them would loop. Fall back to the defaults and say so.
    const looping = lastRestartAt && now - lastRestartAt < 60_000;
    lastRestartAt = now;
    notice('The WebAssembly worker stopped unexpectedly and was restarted; your charts are kept, the model starts again from its seed.', 'warn');
    if (files) await sendData(files.gz);
    if (looping) {
      notice('It stopped twice in a row, so the default settings are used now.', 'warn');
      await configure({ ...DEFAULTS }, { silent: true });
    } else {
      await configure({}, { silent: true });
    }
  },
});
client.on('listenerError', showError);
client.on('trainError', (d) => showError(d.message));

// For tests and the console: RPC by hand, and how often the worker was replaced.
window.shrinkDebug = {
  call: (target, method, ...args) => client.call(target, method, ...args),
  restarts: () => client.restartsDone,
};
// Test hook: kill the worker as a crash would (worker.terminate()), then the restart path runs.
if (testHooks) window.shrinkDebug.kill = () => client.restart('the worker was stopped by a test');

let resolveReady;
const whenReady = new Promise((r) => (resolveReady = r));

const ctx = {
  call: (target, method, ...args) => client.call(target, method, ...args),
  send: (target, method, args, transfer) => client.send(target, method, args, transfer),
  on: (event, fn) => client.on(event, fn),
  emit: (event, data) => client.emit(event, data),
  charts: wasm,
  state,
  showError,
  notice,
  configure: (patch) => configure(patch),
  whenReady,
  embed,
};

/** Applies a settings patch (validated in state.js, then by Rust) and starts a fresh model. */
async function configure(patch, { silent = false } = {}) {
  const before = state.settings();
  try {
    state.update(patch);
  } catch (e) {
    showError(`That setting was not applied: ${e.message}; the previous value stays.`);
    client.emit('settings', state.settings());
    return false;
  }
  try {
    const info = await client.call('session', 'configure', state.trainConfig());
    client.emit('settings', state.settings());
    if (!silent) client.emit('info', info);
    return info;
  } catch (e) {
    showError(e);
    state.update(before);
    client.emit('settings', state.settings());
    return false;
  }
}

state.onChange(async (_settings, errors) => {
  for (const e of errors) notice(e, 'warn');
  client.emit('settings', state.settings());
  if (timings.readyToTrain) await configure({});
});

async function sendData(gz) {
  for (const f of FILES) {
    const raw = await gunzip(gz[f.kind]);
    await client.send('session', 'loadData', [f.kind, new Uint8Array(raw)], [raw]);
  }
}

// ---------- panels ----------
function buildNav() {
  const nav = document.getElementById('nav');
  if (!nav) return;
  for (const section of document.querySelectorAll('section.panel[data-title]')) {
    if (section.dataset.nav === 'no') continue;
    const a = document.createElement('button');
    a.type = 'button';
    a.className = 'nav-link';
    a.textContent = section.dataset.title;
    if (section.classList.contains('slot')) a.classList.add('nav-soon');
    a.onclick = () => section.scrollIntoView({ behavior: 'smooth', block: 'start' });
    a.dataset.target = section.id;
    nav.append(a);
  }
  const links = new Map([...nav.children].map((a) => [a.dataset.target, a]));
  const seen = new Map();
  const io = new IntersectionObserver((entries) => {
    for (const e of entries) seen.set(e.target.id, e.isIntersecting ? e.intersectionRatio : 0);
    let best = null;
    for (const [id, r] of seen) if (r > 0 && (!best || r > seen.get(best))) best = id;
    for (const [id, a] of links) a.classList.toggle('active', id === best);
  }, { threshold: [0, 0.25, 0.5, 0.75, 1] });
  for (const id of links.keys()) io.observe(document.getElementById(id));
}

async function mountPanels() {
  const sections = [...document.querySelectorAll('section.panel[data-view]')];
  await Promise.all(
    sections.map(async (section) => {
      const view = section.dataset.view;
      if (!/^view\/[a-z][a-z0-9_-]*\.js$/.test(view)) return;
      try {
        const mod = await import(new URL(view, document.baseURI).href);
        section.querySelector('.placeholder')?.remove();
        section.classList.remove('slot');
        await mod.mount(section, ctx);
      } catch (e) {
        showError(`The ${section.dataset.title || section.id} panel could not start: ${e.message}`);
      }
    }),
  );
}

/** embed.html: pull the requested panels out of index.html (the single source of the markup). */
async function embedPanels() {
  const wanted = String(state.get('panel') || 'train')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => /^[a-z][a-z0-9_-]*$/.test(s));
  const res = await fetch(new URL('index.html', document.baseURI));
  const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
  const host = document.getElementById('embed-root');
  const data = doc.getElementById('panel-data');
  if (data) host.append(document.adoptNode(data));
  let found = 0;
  for (const name of wanted.length ? wanted : ['train']) {
    const s = doc.getElementById(`panel-${name}`);
    if (s && name !== 'data') {
      host.append(document.adoptNode(s));
      found += 1;
    }
  }
  if (!found) {
    showError(`There is no panel called ${JSON.stringify(String(state.get('panel')))}; showing the Train panel.`);
    const s = doc.getElementById('panel-train');
    if (s) host.append(document.adoptNode(s));
  }
}

// ---------- boot ----------
async function boot() {
  if (!('DecompressionStream' in window) || !('Worker' in window)) {
    showError('This browser lacks DecompressionStream or Web Workers; please use a current Chrome, Edge, Firefox or Safari.');
    return;
  }
  if (embed) await embedPanels();
  else buildNav();

  const chartsReady = initCharts().then(() => {
    timings.wasmMainMs = Math.round(performance.now());
  });
  client.ready.then((d) => {
    const k = document.getElementById('kernel');
    if (k && d) k.textContent = `wasm ${d.kernel}`;
    timings.workerReadyMs = Math.round(performance.now());
  }, () => {});
  await chartsReady;
  await mountPanels();

  const t0 = performance.now();
  files = await loadMnist(document.baseURI, (p) => client.emit('dataProgress', p));
  timings.downloadMs = Math.round(files.arrivedAt - t0);
  timings.dataBytes = files.bytes;
  timings.dataArrived = Math.round(files.arrivedAt);
  client.emit('dataProgress', { loaded: files.bytes, total: files.bytes, phase: 'worker' });
  await client.ready;
  for (const f of FILES) {
    const raw = files.raw[f.kind];
    delete files.raw[f.kind];
    await client.send('session', 'loadData', [f.kind, new Uint8Array(raw)], [raw]);
  }
  let info = await configure({}, { silent: true });
  if (!info) {
    // The address asked for settings Rust rejects: say so (done above) and train the defaults.
    info = await configure({ ...DEFAULTS });
  }
  timings.readyToTrain = Math.round(performance.now());
  timings.readyAfterDataMs = timings.readyToTrain - timings.dataArrived;
  console.info(
    `Shrink: ${(files.bytes / 1e6).toFixed(1)} MB of MNIST in ${timings.downloadMs} ms; ready to train ${timings.readyAfterDataMs} ms after the data arrived`,
  );
  client.emit('dataProgress', { loaded: files.bytes, total: files.bytes, phase: 'ready', timings });
  client.emit('info', info);
  client.emit('ready', info);
  resolveReady(info);
}

boot().catch((e) => showError(`Shrink could not start: ${e.message}`));
