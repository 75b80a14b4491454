// The Train panel: settings (all in the URL hash), Play/Pause/Step/Reset, an epoch progress
// bar with samples/s, and live plotters charts of the loss, the running training accuracy and
// the per-epoch test accuracy. The worker trains; this view only draws what it reports, and
// redraws charts at most four times a second so the page stays light.

import { DEFAULT_LR, PRESETS } from '../state.js';
import { el, pct, field, select, stat } from '../ui.js';

const COLORS = { loss: '#e4572e', train: '#4f46e5', test: '#0f9d58', before: '#b8bec9' };
const MAX_POINTS = 1500;

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
    const b = el('button', { type: 'button', className: 'chip', textContent: p.name });
    b.dataset.hidden = p.hidden.join(',');
    b.onclick = () => ctx.configure({ hidden: p.hidden });
    presets.append(b);
  }
  const act = select('set-act', [['relu', 'ReLU'], ['tanh', 'tanh'], ['sigmoid', 'sigmoid']]);
  const opt = select('set-opt', [['sgd', 'SGD'], ['adam', 'Adam']]);
  const lr = el('input', { id: 'set-lr', type: 'number', step: 'any', min: '0' });
  const batch = el('input', { id: 'set-batch', type: 'number', step: '1', min: '1', max: '4096' });
  const epochs = el('input', { id: 'set-epochs', type: 'number', step: '1', min: '1', max: '1000' });
  const wd = el('input', { id: 'set-wd', type: 'number', step: 'any', min: '0', max: '1' });
  const seed = el('input', { id: 'set-seed', type: 'number', step: '1', min: '0' });
  const dice = el('button', { type: 'button', className: 'icon-button', title: 'A new random seed', textContent: '⟳' });
  dice.setAttribute('aria-label', 'New random seed');
  const seedRow = el('div', { className: 'input-row' }, seed, dice);
  const arch = el('p', { className: 'arch', id: 'arch' });

  const form = el('form', { className: 'settings', id: 'train-settings', 'data-part': 'settings' });
  form.append(
    el('h3', { textContent: 'Network' }),
    field('Hidden layer widths', hidden, 'comma-separated, e.g. 300,100'),
    presets,
    arch,
    el('div', { className: 'field-pair' }, field('Activation', act), field('Optimizer', opt)),
    el('h3', { textContent: 'Training' }),
    el('div', { className: 'field-pair' }, field('Learning rate', lr), field('Batch size', batch)),
    el('div', { className: 'field-pair' }, field('Epochs', epochs), field('Weight decay', wd)),
    field('Seed', seedRow, 'same seed, same numbers'),
    el('p', { className: 'field-hint', textContent: 'Changing a setting starts a fresh network from the seed.' }),
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
  const step = el('button', { type: 'button', className: 'button', id: 'btn-step', textContent: 'Step', disabled: true, title: 'Train one mini-batch' });
  const reset = el('button', { type: 'button', className: 'button', id: 'btn-reset', textContent: 'Reset', disabled: true, title: 'A fresh network from the seed' });
  const epochLabel = el('div', { className: 'epoch-label', id: 'epoch-label', textContent: 'Epoch 0' });
  const epochFill = el('div', { className: 'bar-fill' });
  const epochBar = el('div', {
    className: 'bar', id: 'epoch-bar', role: 'progressbar', 'aria-label': 'Epoch progress',
    'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0',
  }, epochFill);
  /** The bar's width and, for screen readers, its value and its words. */
  const showEpochBar = (fraction, words) => {
    const p = Math.max(0, Math.min(100, 100 * fraction));
    epochFill.style.width = `${p.toFixed(1)}%`;
    epochBar.setAttribute('aria-valuenow', p.toFixed(0));
    epochBar.setAttribute('aria-valuetext', words);
  };
  const rate = el('div', { className: 'rate', id: 'samples-per-sec', textContent: '' });
  const controls = el(
    'div',
    { className: 'controls', 'data-part': 'controls' },
    el('div', { className: 'buttons' }, play, step, reset),
    el('div', { className: 'epoch' }, epochLabel, epochBar),
    rate,
  );

  const sEpoch = stat('stat-epoch', 'Epoch');
  const sStep = stat('stat-step', 'Step');
  const sLoss = stat('stat-loss', 'Loss');
  const sTrain = stat('stat-train-acc', 'Train accuracy');
  const sTest = stat('stat-test-acc', 'Test accuracy');
  const stats = el('div', { className: 'stats', 'data-part': 'stats' }, sEpoch.box, sStep.box, sLoss.box, sTrain.box, sTest.box);

  const lossCanvas = el('canvas', { id: 'chart-loss', height: 220 });
  const accCanvas = el('canvas', { id: 'chart-acc', height: 220 });
  const charts = el(
    'div',
    { className: 'charts', 'data-part': 'charts' },
    el('figure', { className: 'chart', 'data-part': 'loss' }, lossCanvas, el('figcaption', { textContent: 'Training loss (mean per chunk of batches)' })),
    el('figure', { className: 'chart', 'data-part': 'accuracy' }, accCanvas, el('figcaption', { textContent: 'Accuracy: running on the training epoch, and on the 10,000 test digits after each epoch' })),
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

  const drawCharts = () => {
    timer = 0;
    lastDraw = performance.now();
    dirty = false;
    const total = Number(ctx.state.get('epochs')) || 1;
    const xRange = [0, total];
    try {
      ctx.charts.drawLineChart('chart-loss', {
        xLabel: 'epoch',
        yLabel: 'loss (log scale)',
        logY: true,
        legend: 'upperRight',
        xRange,
        series: [
          ...(hist.before ? [{ name: 'before restart', color: COLORS.before, points: hist.before.loss }] : []),
          { name: 'train loss', color: COLORS.loss, points: hist.loss },
        ],
      });
      const xs = hist.train.concat(hist.test);
      const span = xs.length ? Math.max(...xs.map((p) => p[0])) : 0;
      const recent = xs.filter((p) => p[0] >= 0.15 * span).map((p) => p[1]);
      const lo = recent.length ? Math.max(0, Math.floor((Math.min(...recent) - 0.01) * 50) / 50) : 0;
      ctx.charts.drawLineChart('chart-acc', {
        xLabel: 'epoch',
        yLabel: 'accuracy',
        xRange,
        yRange: [Math.min(lo, 0.9), 1],
        series: [
          ...(hist.before ? [{ name: 'before restart', color: COLORS.before, points: hist.before.train }] : []),
          { name: 'train (running)', color: COLORS.train, points: hist.train },
          { name: 'test', color: COLORS.test, points: hist.test, markers: true },
        ],
      });
    } catch (e) {
      ctx.showError(e);
    }
  };
  const schedule = () => {
    dirty = true;
    if (timer) return;
    timer = setTimeout(drawCharts, Math.max(0, 250 - (performance.now() - lastDraw)));
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
    play.textContent = running ? 'Pause' : done ? 'Train again' : 'Play';
    play.setAttribute('aria-pressed', String(running));
    play.classList.toggle('is-running', running);
    root.dataset.running = String(running);
  };
  showButtons();

  const clear = () => {
    hist.loss.length = 0;
    hist.train.length = 0;
    hist.test.length = 0;
    done = false;
    running = false;
    for (const s of [sEpoch, sStep, sLoss, sTrain, sTest]) s.v.textContent = '—';
    sTest.v.removeAttribute('data-value');
    epochLabel.textContent = `Epoch 0 of ${ctx.state.get('epochs')}`;
    showEpochBar(0, epochLabel.textContent);
    rate.textContent = '';
    showButtons();
    schedule();
  };

  // ---------- events ----------
  ctx.on('progress', (p) => {
    const x = p.epochEnded ? p.epoch : p.epoch + p.epochFraction;
    hist.loss.push([x, p.loss]);
    hist.train.push([x, p.trainAccuracy]);
    thin(hist.loss);
    thin(hist.train);
    const total = ctx.state.get('epochs');
    const current = p.epochEnded ? p.epoch : Math.min(p.epoch + 1, total);
    const frac = p.epochEnded ? 1 : p.epochFraction;
    epochLabel.textContent = `Epoch ${current} of ${total} · ${Math.round(100 * frac)}%`;
    showEpochBar(frac, epochLabel.textContent);
    sEpoch.v.textContent = `${p.epoch}/${total}`;
    sStep.v.textContent = p.step.toLocaleString('en-US');
    sLoss.v.textContent = p.loss.toFixed(4);
    sTrain.v.textContent = pct(p.trainAccuracy);
    if (p.samplesPerSec > 0) {
      rate.textContent = `${Math.round(p.samplesPerSec).toLocaleString('en-US')} samples/s`;
      rate.dataset.value = String(Math.round(p.samplesPerSec));
      window.shrinkTimings.samplesPerSec = Math.round(p.samplesPerSec);
    }
    if (p.done) done = true;
    schedule();
  });
  ctx.on('evaluation', (e) => {
    hist.test.push([e.epoch, e.accuracy]);
    sTest.v.textContent = pct(e.accuracy);
    sTest.v.dataset.value = String(e.accuracy);
    sTest.v.dataset.epoch = String(e.epoch);
    schedule();
  });
  ctx.on('state', (s) => {
    running = s.running;
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
    arch.textContent = `${info.sizes.join(' → ')} · ${info.paramCount.toLocaleString('en-US')} parameters`;
  });
  ctx.on('ready', () => {
    for (const b of [play, step, reset]) b.disabled = false;
    clear();
  });

  let pauseClickedAt = 0;
  play.onclick = async () => {
    try {
      if (running) {
        pauseClickedAt = performance.now();
        await ctx.call('loop', 'pause');
      } else {
        if (done) await ctx.call('session', 'reset');
        await ctx.call('loop', 'play');
      }
    } catch (e) {
      ctx.showError(e);
    }
  };
  step.onclick = () => ctx.call('loop', 'step').catch(ctx.showError);
  reset.onclick = () => ctx.call('session', 'reset').catch(ctx.showError);
  sizeCanvases();
}
