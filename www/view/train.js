// The Train panel: settings (all in the URL hash), Play/Pause/Step/Reset, an epoch progress
// bar with samples/s, and live plotters charts of the loss, the running training accuracy and
// the per-epoch test accuracy. The worker trains; this view only draws what it reports, and
// redraws charts at most four times a second so the page stays light.

import { DEFAULT_LR, PRESETS } from '../state.js';
import { el, field, select, stat, pct, fillBar } from '../ui.js';
import { t, tr, untr, fmt, onLocale } from '../i18n.js';


const COLORS = { loss: '#e4572e', train: '#4f46e5', test: '#0f9d58', before: '#b8bec9' };
const MAX_POINTS = 1500;
/** Least time between two redraws of the numbers and charts while training. */
const REDRAW_MS = 250;

/** Halves a series in place when it gets long (keeps the first and the newest points). */
function thin(points) {
  if (points.length <= MAX_POINTS) return;
  const kept = points.filter((_, i) => i % 2 === 0 || i === points.length - 1);
  points.splice(0, points.length, ...kept);
}

export function mount(root, ctx) {
  // ---------- settings ----------
  const hidden = el('input', { id: 'set-hidden', type: 'text', inputMode: 'numeric', spellcheck: false, autocomplete: 'off' });
  const presets = el('div', { className: 'presets' });
  for (const p of PRESETS) {
    const b = tr(el('button', { type: 'button', className: 'chip' }), p.key || 'train.preset.lenet');
    b.dataset.hidden = p.hidden.join(',');
    b.onclick = () => ctx.configure({ hidden: p.hidden });
    presets.append(b);
  }
  const act = select('set-act', [['relu', 'train.act.relu'], ['tanh', 'train.act.tanh'], ['sigmoid', 'train.act.sigmoid']]);
  const opt = select('set-opt', [['sgd', 'train.opt.sgd'], ['adam', 'train.opt.adam']]);
  const lr = el('input', { id: 'set-lr', type: 'number', step: 'any', min: '0' });
  const batch = el('input', { id: 'set-batch', type: 'number', step: '1', min: '1', max: '4096' });
  const epochs = el('input', { id: 'set-epochs', type: 'number', step: '1', min: '1', max: '1000' });
  const wd = el('input', { id: 'set-wd', type: 'number', step: 'any', min: '0', max: '1' });
  const seed = el('input', { id: 'set-seed', type: 'number', step: '1', min: '0' });
  const dice = el('button', { type: 'button', className: 'icon-button', textContent: '⟳' });
  tr(dice, 'train.newSeed', {}, { attr: 'title' });
  tr(dice, 'train.newSeed', {}, { attr: 'aria-label' });
  const seedRow = el('div', { className: 'input-row' }, seed, dice);
  const arch = el('p', { className: 'arch', id: 'arch' });

  const form = el('form', { className: 'settings', id: 'train-settings', 'data-part': 'settings' });
  form.append(
    tr(el('h3'), 'train.network'),
    field('train.hidden', hidden, 'train.hiddenHint'),
    presets,
    arch,
    el('div', { className: 'field-pair' }, field('train.activation', act), field('train.optimizer', opt)),
    tr(el('h3'), 'train.training'),
    el('div', { className: 'field-pair' }, field('train.lr', lr), field('train.batch', batch)),
    el('div', { className: 'field-pair' }, field('train.epochs', epochs), field('train.wd', wd)),
    field('train.seed', seedRow, 'train.seedHint'),
    tr(el('p', { className: 'field-hint' }), 'train.freshHint'),
  );
  form.onsubmit = (e) => e.preventDefault();
  const bind = (input, key, parse = (v) => v) => {
    input.addEventListener('change', () => ctx.configure({ [key]: parse(input.value) }));
  };
  bind(hidden, 'hidden');
  bind(act, 'act');
  bind(lr, 'lr');
  bind(batch, 'batch');
  bind(epochs, 'epochs');
  bind(wd, 'wd');
  bind(seed, 'seed');
  opt.addEventListener('change', () => {
    const prev = ctx.state.get('opt');
    const patch = { opt: opt.value };
    // Keep a hand-picked rate; swap only the other optimizer's default for this one's.
    if (Number(lr.value) === DEFAULT_LR[prev] && DEFAULT_LR[opt.value]) patch.lr = DEFAULT_LR[opt.value];
    ctx.configure(patch);
  });
  dice.onclick = () => ctx.configure({ seed: Math.floor(Math.random() * 1e6) });

  const showSettings = () => {
    hidden.value = ctx.state.get('hidden').join(',');
    act.value = ctx.state.get('act');
    opt.value = ctx.state.get('opt');
    lr.value = ctx.state.get('lr');
    batch.value = ctx.state.get('batch');
    epochs.value = ctx.state.get('epochs');
    wd.value = ctx.state.get('wd');
    seed.value = ctx.state.get('seed');
    for (const b of presets.children) b.classList.toggle('active', b.dataset.hidden === hidden.value);
  };
  showSettings();

  // ---------- controls ----------
  const play = el('button', { type: 'button', className: 'button primary', id: 'btn-play', disabled: true });
  const step = tr(el('button', { type: 'button', className: 'button', id: 'btn-step', disabled: true }), 'train.step');
  tr(step, 'train.stepTitle', {}, { attr: 'title' });
  const reset = tr(el('button', { type: 'button', className: 'button', id: 'btn-reset', disabled: true }), 'train.reset');
  tr(reset, 'train.resetTitle', {}, { attr: 'title' });
  const epochLabel = tr(el('div', { className: 'epoch-label', id: 'epoch-label' }), 'train.epochZero', { total: ctx.state.get('epochs') });
  const epochFill = el('div', { className: 'bar-fill' });
  const epochBar = el('div', {
    className: 'bar', id: 'epoch-bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0',
  }, epochFill);
  tr(epochBar, 'train.epochBar', {}, { attr: 'aria-label' });
  /** The bar's width and, for screen readers, its value and its words (the label's text). */
  const showEpochBar = (fraction) => {
    const p = Math.max(0, Math.min(100, 100 * fraction));
    fillBar(epochFill, p / 100);
    epochBar.setAttribute('aria-valuenow', p.toFixed(0));
    epochBar.setAttribute('aria-valuetext', epochLabel.textContent);
  };
  const rate = el('div', { className: 'rate', id: 'samples-per-sec', textContent: '' });
  const controls = el(
    'div',
    { className: 'controls', 'data-part': 'controls' },
    el('div', { className: 'buttons' }, play, step, reset),
    el('div', { className: 'epoch' }, epochLabel, epochBar),
    rate,
  );

  const sEpoch = stat('stat-epoch', 'train.stat.epoch');
  const sStep = stat('stat-step', 'train.stat.step');
  const sLoss = stat('stat-loss', 'train.stat.loss');
  const sTrain = stat('stat-train-acc', 'train.stat.trainAcc');
  const sTest = stat('stat-test-acc', 'train.stat.testAcc');
  const stats = el('div', { className: 'stats', 'data-part': 'stats' }, sEpoch.box, sStep.box, sLoss.box, sTrain.box, sTest.box);

  const lossCanvas = el('canvas', { id: 'chart-loss', height: 220 });
  const accCanvas = el('canvas', { id: 'chart-acc', height: 220 });
  const charts = el(
    'div',
    { className: 'charts', 'data-part': 'charts' },
    el('figure', { className: 'chart', 'data-part': 'loss' }, lossCanvas, tr(el('figcaption'), 'train.cap.loss')),
    el('figure', { className: 'chart', 'data-part': 'accuracy' }, accCanvas, tr(el('figcaption'), 'train.cap.acc')),
  );

  const main = el('div', { className: 'train-main' }, controls, stats, charts);
  root.append(el('div', { className: 'train-layout' }, form, main));

  // ---------- history and drawing ----------
  // `before`: the curves of a run cut short by a worker restart, kept (in grey) for reference.
  const hist = { loss: [], train: [], test: [], before: null };
  let running = false;
  let done = false;
  let dirty = true;
  let timer = 0;
  let lastDraw = 0;
  let latest = null; // the newest progress not yet shown (showProgress)

  const drawCharts = () => {
    timer = 0;
    showProgress();
    lastDraw = performance.now();
    dirty = false;
    const total = Number(ctx.state.get('epochs')) || 1;
    const xRange = [0, total];
    try {
      ctx.charts.drawLineChart('chart-loss', {
        xLabel: t('chart.epoch'),
        yLabel: t('chart.lossLog'),
        logY: true,
        legend: 'upperRight',
        xRange,
        series: [
          ...(hist.before ? [{ name: t('chart.beforeRestart'), color: COLORS.before, points: hist.before.loss }] : []),
          { name: t('chart.trainLoss'), color: COLORS.loss, points: hist.loss },
        ],
      });
      const xs = hist.train.concat(hist.test);
      const span = xs.length ? Math.max(...xs.map((p) => p[0])) : 0;
      const recent = xs.filter((p) => p[0] >= 0.15 * span).map((p) => p[1]);
      const lo = recent.length ? Math.max(0, Math.floor((Math.min(...recent) - 0.01) * 50) / 50) : 0;
      ctx.charts.drawLineChart('chart-acc', {
        xLabel: t('chart.epoch'),
        yLabel: t('chart.accuracy'),
        xRange,
        yRange: [Math.min(lo, 0.9), 1],
        series: [
          ...(hist.before ? [{ name: t('chart.beforeRestart'), color: COLORS.before, points: hist.before.train }] : []),
          { name: t('chart.trainRunning'), color: COLORS.train, points: hist.train },
          { name: t('chart.test'), color: COLORS.test, points: hist.test, markers: true },
        ],
      });
    } catch (e) {
      ctx.showError(e);
    }
  };
  const schedule = () => {
    dirty = true;
    if (timer) return;
    timer = setTimeout(drawCharts, Math.max(0, REDRAW_MS - (performance.now() - lastDraw)));
  };
  const sizeCanvases = () => {
    for (const c of [lossCanvas, accCanvas]) {
      const w = Math.max(240, Math.round(c.parentElement.clientWidth));
      if (c.width !== w) c.width = w;
    }
    drawCharts();
  };
  new ResizeObserver(() => sizeCanvases()).observe(charts);

  const showButtons = () => {
    tr(play, running ? 'train.pause' : done ? 'train.again' : 'train.play');
    play.setAttribute('aria-pressed', String(running));
    play.classList.toggle('is-running', running);
    root.dataset.running = String(running);
  };
  showButtons();

  const clear = () => {
    latest = null;
    hist.loss.length = 0;
    hist.train.length = 0;
    hist.test.length = 0;
    done = false;
    running = false;
    for (const s of [sEpoch, sStep, sLoss, sTrain, sTest]) s.v.textContent = '—';
    sTest.v.removeAttribute('data-value');
    tr(epochLabel, 'train.epochZero', { total: ctx.state.get('epochs') });
    showEpochBar(0);
    untr(rate);
    showButtons();
    schedule();
  };

  // ---------- events ----------
  // Progress arrives every ~60 ms chunk; its words and numbers are shown at most every
  // REDRAW_MS with the charts (at once when paused, stepping or at an epoch's end), since each
  // change relays out the panel on the main thread, which shares the two cores with training.
  const showProgress = () => {
    const p = latest;
    if (!p) return;
    latest = null;
    const total = ctx.state.get('epochs');
    const current = p.epochEnded ? p.epoch : Math.min(p.epoch + 1, total);
    const frac = p.epochEnded ? 1 : p.epochFraction;
    tr(epochLabel, 'train.epochOf', { current, total, frac });
    showEpochBar(frac);
    sEpoch.v.textContent = `${p.epoch}/${total}`;
    sStep.v.textContent = fmt.int(p.step);
    sLoss.v.textContent = fmt.fix(p.loss, 4);
    sTrain.v.textContent = pct(p.trainAccuracy);
    if (p.samplesPerSec > 0) {
      tr(rate, 'train.rate', { n: p.samplesPerSec });
      rate.dataset.value = String(Math.round(p.samplesPerSec));
      window.shrinkTimings.samplesPerSec = Math.round(p.samplesPerSec);
    }
  };
  ctx.on('progress', (p) => {
    const x = p.epochEnded ? p.epoch : p.epoch + p.epochFraction;
    hist.loss.push([x, p.loss]);
    hist.train.push([x, p.trainAccuracy]);
    thin(hist.loss);
    thin(hist.train);
    latest = p;
    if (!running || p.epochEnded || p.done) showProgress();
    if (p.done) done = true;
    schedule();
  });
  ctx.on('evaluation', (e) => {
    // When each epoch's test accuracy reached the page, in ms after the Play click that started
    // the run, with the accuracy and the rate shown: what `cargo xtask bench` reads (a
    // Playwright wait on the DOM adds its own polling delay, measured 40–450 ms, to whichever
    // epoch it waits for).
    if (!e.restored && playClickedAt) {
      window.shrinkTimings.epochsShown[e.epoch] = {
        ms: Math.round(performance.now() - playClickedAt),
        accuracy: e.accuracy,
        samplesPerSec: Math.round(Number(rate.dataset.value) || 0),
      };
    }
    hist.test.push([e.epoch, e.accuracy]);
    sTest.v.textContent = pct(e.accuracy);
    sTest.v.dataset.value = String(e.accuracy);
    sTest.v.dataset.epoch = String(e.epoch);
    schedule();
  });
  ctx.on('state', (s) => {
    running = s.running;
    // Paused, stopped or done: the last chunk's numbers now, not at the next redraw.
    if (!running) showProgress();
    if (s.reason === 'done') done = true;
    if (!running && pauseClickedAt) {
      window.shrinkTimings.pauseLatencyMs = Math.round(performance.now() - pauseClickedAt);
      pauseClickedAt = 0;
    }
    showButtons();
  });
  let restarting = false;
  ctx.on('modelChanged', () => {
    if (restarting) return; // the replay into a new worker, not a new run
    hist.before = null;
    clear();
  });
  ctx.on('restarted', () => {
    restarting = false;
    for (const b of [play, step, reset]) b.disabled = false;
  });
  ctx.on('restart', () => {
    restarting = true;
    for (const b of [play, step, reset]) b.disabled = true;
    // The worker (and its model) is gone, the page's history is not: keep it, greyed.
    if (hist.loss.length) hist.before = { loss: [...hist.loss], train: [...hist.train] };
    root.dataset.keptPoints = String(hist.before ? hist.before.loss.length : 0);
    clear();
  });
  ctx.on('settings', () => {
    showSettings();
    schedule();
  });
  ctx.on('info', (info) => {
    tr(arch, 'train.arch', { sizes: info.sizes.join(' → '), params: info.paramCount });
  });
  ctx.on('ready', () => {
    for (const b of [play, step, reset]) b.disabled = false;
    clear();
  });

  let pauseClickedAt = 0;
  let playClickedAt = 0;
  play.onclick = async () => {
    try {
      if (running) {
        pauseClickedAt = performance.now();
        await ctx.call('loop', 'pause');
      } else {
        playClickedAt = performance.now();
        window.shrinkTimings.epochsShown = {};
        if (done) await ctx.call('session', 'reset');
        await ctx.call('loop', 'play');
      }
    } catch (e) {
      ctx.showError(e);
    }
  };
  step.onclick = () => ctx.call('loop', 'step').catch(ctx.showError);
  reset.onclick = () => ctx.call('session', 'reset').catch(ctx.showError);
  onLocale(() => drawCharts());
  sizeCanvases();
}
