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
import { loadMnist, gunzip, FILES, DATA_SETS } from './mnist.js';
import { t, tr, setLocale, browserLocale, locale, LOCALES, translateTree, reason, msg } from './i18n.js';
import { hiDpi, describe, chartText, inputBadge } from './ui.js';
import { rustError } from './rustmsg.js';
import { startEmbed } from './embed.js';
import { wantsPretrained, loadPretrained } from './pretrained.js';

const timings = (window.shrinkTimings = { navigationToScriptMs: Math.round(performance.now()) });
const embed = document.body.classList.contains('embed');

// ---------- notices (errors in words) ----------
const notices = document.getElementById('notices');
const shown = new Map();

/**
 * Shows a notice. `message` is a catalogue key with `params` (re-rendered when the language
 * changes), or an Error / a sentence that came from elsewhere (a Rust error), shown as the
 * catalogue's `main.error` wrapping it.
 */
function notice(message, kind = 'error', params = null) {
  // A message to render later (`msg(key, params)` from i18n.js) is a keyed notice.
  if (message && message.$t) {
    params = message.params || {};
    message = message.$t;
  }
  const keyed = typeof message === 'string' && params !== null;
  const raw = String(message && message.message ? message.message : message);
  const text = keyed ? `${message}:${JSON.stringify(params)}` : raw;
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
  // Rich: `code` in a message (an address key such as `quantize.bits`) is set as code.
  if (keyed) tr(p, message, params, { isRich: true });
  else tr(p, 'main.error', { reason: reason(message) });
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'notice-close';
  tr(close, 'main.dismiss', {}, { attr: 'aria-label' });
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
setLocale(state.get('lang') || browserLocale());
for (const e of state.errors) notice('main.address', 'warn', { reason: e });

let files = null; // { gz } kept to replay into a restarted worker
// The last trained model, as model-file bytes from the worker (session.snapshotModel), with the
// epoch and test accuracy it had: replayed into a restarted worker so a crash loses nothing.
let snapshot = null;
let snapshotBusy = false;
let modelEpoch = 0;

async function takeSnapshot(accuracy) {
  if (snapshotBusy || !timings.readyToTrain) return;
  snapshotBusy = true;
  try {
    const bytes = await client.call('session', 'snapshotModel');
    snapshot = { bytes, epoch: modelEpoch, accuracy: accuracy ?? (snapshot && snapshot.accuracy) };
    window.shrinkSnapshot = { bytes: bytes.length, epoch: snapshot.epoch, accuracy: snapshot.accuracy };
  } catch {
    // No model yet, or the worker is restarting: keep the previous snapshot.
  } finally {
    snapshotBusy = false;
  }
}
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
    // Taken now: replaying the settings below rebuilds the model, which clears `snapshot`.
    const kept = snapshot;
    if (files) await sendData(files.gz);
    if (looping) {
      notice('main.restarted', 'warn', {});
      notice('main.restartLoop', 'warn', {});
      await configure({ ...DEFAULTS }, { silent: true });
      return;
    }
    await configure({}, { silent: true });
    // An embedded panel that started pretrained starts pretrained again.
    if (timings.pretrained) await loadPretrained(client, state, notice);
    if (kept) {
      try {
        await client.call('session', 'restoreModel', kept.bytes);
        const acc = kept.accuracy == null ? '' : msg('main.restoredAcc', { acc: kept.accuracy });
        notice('main.restored', 'warn', { epoch: kept.epoch, acc });
        snapshot = kept;
        client.emit('weightsChanged', { by: 'restart' });
        return;
      } catch (e) {
        // A snapshot the new worker refuses (settings changed since): start from the seed.
        snapshot = null;
      }
    }
    notice('main.restarted', 'warn', {});
  },
});
client.on('listenerError', showError);
// Keep the snapshot current: after each epoch's evaluation, when training stops, and when a
// lab changed the weights. A new model (new settings, reset) drops it.
client.on('evaluation', (ev) => {
  modelEpoch = ev.epoch;
  takeSnapshot(ev.accuracy);
});
client.on('state', (s) => {
  if (!s.running) takeSnapshot();
});
client.on('weightsChanged', (d) => {
  if (!d || d.by !== 'restart') takeSnapshot();
});
client.on('modelChanged', () => {
  snapshot = null;
  modelEpoch = 0;
});
client.on('trainError', (d) => {
  const e = rustError(d.message, d.code, d.args);
  showError(d.during === 'evaluation' ? msg('main.evalFailed', { reason: reason(e) }) : e);
});

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
  charts: hiDpiCharts(),
  state,
  showError,
  notice,
  configure: (patch) => configure(patch),
  whenReady,
  embed,
};

/**
 * The wasm chart functions, drawing at devicePixelRatio: each canvas gets dpr× its CSS pixels
 * (ui.js hiDpi) and Rust scales fonts, margins and strokes by the same factor (`scale`).
 */
function hiDpiCharts() {
  /** Sizes the canvas, draws, and gives it the chart's text alternative (ui.js chartText). */
  const drawn = (canvas, chart, draw) => {
    const scale = canvas ? hiDpi(canvas) : 1;
    const out = draw({ ...chart, scale });
    if (canvas) describe(canvas, chartText(chart));
    return out;
  };
  return {
    ...wasm,
    drawLineChart: (id, chart) => drawn(document.getElementById(id), chart, (c) => wasm.drawLineChart(id, c)),
    drawLineChartOn: (canvas, chart) => drawn(canvas, chart, (c) => wasm.drawLineChartOn(canvas, c)),
    drawHistogram: (canvas, chart) => drawn(canvas, chart, (c) => wasm.drawHistogram(canvas, c)),
  };
}

/** Applies a settings patch (validated in state.js, then by Rust) and starts a fresh model. */
async function configure(patch, { silent = false } = {}) {
  const before = state.settings();
  try {
    state.update(patch);
  } catch (e) {
    notice('main.notApplied', 'error', { reason: reason(e) });
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
  for (const e of errors) notice('main.address', 'warn', { reason: e });
  client.emit('settings', state.settings());
  if (timings.readyToTrain) await configure({});
});

async function sendData(gz) {
  for (const f of FILES) {
    const raw = await gunzip(gz[f.kind]);
    await client.send('session', 'loadData', [f.kind, new Uint8Array(raw)], [raw]);
  }
}

// ---------- language ----------
/** The top bar's switch: one button per catalogue, named in its own language. */
function buildLangSwitch() {
  const box = document.getElementById('lang-switch');
  if (!box) return;
  const buttons = LOCALES.map((l) => {
    const b = tr(document.createElement('button'), `lang.${l}`);
    b.type = 'button';
    b.className = 'lang-button';
    b.lang = l === 'zh' ? 'zh-CN' : 'en';
    b.dataset.lang = l;
    b.onclick = () => {
      state.set('lang', l);
      setLocale(l);
      show();
    };
    box.append(b);
    return b;
  });
  const show = () => {
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.lang === locale()));
  };
  show();
  state.onPage((key, value) => {
    if (key === 'lang') {
      setLocale(value || browserLocale());
      show();
    }
  });
}

// ---------- panels ----------
/** The skip link focuses Play (a plain #fragment would land in the settings hash). */
function skipToPlay() {
  const link = document.getElementById('skip-to-play');
  if (!link) return;
  link.addEventListener('click', (e) => {
    e.preventDefault();
    const play = document.getElementById('btn-play');
    if (!play) return;
    play.scrollIntoView({ block: 'center' });
    play.focus();
  });
}

function buildNav() {
  const nav = document.getElementById('nav');
  if (!nav) return;
  for (const section of document.querySelectorAll('section.panel[data-title]')) {
    if (section.dataset.nav === 'no') continue;
    const a = document.createElement('button');
    a.type = 'button';
    a.className = 'nav-link';
    if (section.dataset.titleKey) tr(a, section.dataset.titleKey);
    else a.textContent = section.dataset.title;
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
        await mod.mount(section, ctx);
        // Which model this panel works on, by name (data-input="save" adds "Save as version").
        if (section.dataset.input) {
          const badge = inputBadge(ctx, { save: section.dataset.input === 'save' });
          (section.querySelector('.lede') || section.querySelector('h2'))?.after(badge);
        }
      } catch (e) {
        const panel = section.dataset.titleKey ? t(section.dataset.titleKey) : section.dataset.title || section.id;
        notice('main.panelFailed', 'error', { panel, reason: reason(e) });
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
    notice('main.noPanel', 'error', { name: JSON.stringify(String(state.get('panel'))) });
    const s = doc.getElementById('panel-train');
    if (s) host.append(document.adoptNode(s));
  }
}

/** `data=full|small` from the address (full by default; a bad value is named, then full). */
function chooseDataSet() {
  const asked = state.get('data');
  if (asked === undefined) return DATA_SETS.full;
  if (Object.prototype.hasOwnProperty.call(DATA_SETS, asked)) return DATA_SETS[asked];
  notice('embed.dataSet', 'warn', { value: JSON.stringify(String(asked).slice(0, 40)) });
  return DATA_SETS.full;
}

// ---------- boot ----------
async function boot() {
  if (!('DecompressionStream' in window) || !('Worker' in window)) {
    notice('main.oldBrowser', 'error', {});
    return;
  }
  let checkHidden = null;
  if (embed) {
    await embedPanels();
    checkHidden = startEmbed(ctx);
  } else {
    buildNav();
    skipToPlay();
  }
  translateTree(document);
  buildLangSwitch();

  const chartsReady = initCharts().then(() => {
    timings.wasmMainMs = Math.round(performance.now());
  });
  client.ready.then((d) => {
    const k = document.getElementById('kernel');
    // Rust names the kernels ("simd128", or "simd128 × 2 threads" for the threaded module).
    const m = d && /^(.*) × (\d+) threads?$/.exec(d.kernel);
    if (k && m) tr(k, 'top.kernelThreads', { kernel: m[1], n: Number(m[2]) });
    else if (k && d) tr(k, 'top.kernel', { kernel: d.kernel });
    timings.workerReadyMs = Math.round(performance.now());
  }, () => {});
  await chartsReady;
  await mountPanels();

  const dataSet = chooseDataSet();
  timings.dataSet = dataSet.name;
  const t0 = performance.now();
  files = await loadMnist(document.baseURI, (p) => client.emit('dataProgress', p), dataSet.files);
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
  const shown = [...document.querySelectorAll('section.panel[id^="panel-"]')].map((s) => s.id.slice(6));
  const pretrained = wantsPretrained(state, embed, shown) ? await loadPretrained(client, state, notice) : null;
  if (pretrained) {
    info = await client.call('session', 'info');
    timings.pretrained = pretrained;
  }
  timings.readyToTrain = Math.round(performance.now());
  timings.readyAfterDataMs = timings.readyToTrain - timings.dataArrived;
  console.info(
    `Shrink: ${(files.bytes / 1e6).toFixed(1)} MB of MNIST in ${timings.downloadMs} ms; ready to train ${timings.readyAfterDataMs} ms after the data arrived`,
  );
  client.emit('dataProgress', { loaded: files.bytes, total: files.bytes, phase: 'ready', timings, info, trainCount: info.trainCount, testCount: info.testCount, dataSet: dataSet.name, pretrained });
  client.emit('info', info);
  client.emit('ready', info);
  resolveReady(info);
  if (checkHidden) checkHidden();
}

boot().catch((e) => notice('main.cannotStart', 'error', { reason: reason(e) }));
