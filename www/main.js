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
//
// The page's other parts, one file each: notices.js (messages in words), recovery.js (the model
// kept across a worker crash), charts.js (ctx.charts), panels.js (mounting the views and
// embed.html's panels), nav.js (top bar links, skip link), language.js (the language switch).

import initCharts from './pkg/shrink.js';
import { WorkerClient } from './protocol.js';
import { createState, DEFAULTS } from './state.js';
import { loadMnist, gunzip, FILES, DATA_SETS } from './mnist.js';
import { tr, setLocale, browserLocale, translateTree, reason, msg } from './i18n.js';
import { rustError } from './rustmsg.js';
import { startEmbed } from './embed.js';
import { wantsPretrained, loadPretrained } from './pretrained.js';
import { notice, showError } from './notices.js';
import { createRecovery } from './recovery.js';
import { hiDpiCharts } from './charts.js';
import { mountPanels, embedPanels } from './panels.js';
import { buildNav, skipToPlay } from './nav.js';
import { buildLangSwitch } from './language.js';

const timings = (window.shrinkTimings = { navigationToScriptMs: Math.round(performance.now()) });
const embed = document.body.classList.contains('embed');

// ---------- state, worker, context ----------
const state = createState();
setLocale(state.get('lang') || browserLocale());
for (const e of state.errors) notice('main.address', 'warn', { reason: e });

let files = null; // { gz } kept to replay into a restarted worker

const recovery = createRecovery({
  state,
  notice,
  timings,
  configure: (patch, options) => configure(patch, options),
  replayData: async () => {
    if (files) await sendData(files.gz);
  },
});

// Test hooks (the worker's `debug` target) only when the page is opened with ?testhooks=1.
const testHooks = new URLSearchParams(window.location.search).get('testhooks') === '1';
const workerUrl = new URL(`./worker.js${testHooks ? '?testhooks=1' : ''}`, import.meta.url);
const client = new WorkerClient(workerUrl, { onRestart: () => recovery.restart() });
client.on('listenerError', showError);
recovery.watch(client);
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
    await embedPanels(state, notice);
    checkHidden = startEmbed(ctx);
  } else {
    buildNav();
    skipToPlay();
  }
  translateTree(document);
  buildLangSwitch(state);

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
  await mountPanels(ctx, notice);

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
