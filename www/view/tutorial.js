// The guided pruning tutorial: the article's four steps (train; importance = |∂L/∂w|; prune at
// the median; retrain), each with a short text and a button that does it on the live model,
// then the pitfall of the article's code (mask multiplied once, so pruned weights grow back).
// It drives the same worker objects as the panels: the session's training loop and PruneLab.

import { el, blit, pct, describe } from '../ui.js';

const EPOCH_STEPS = 938;
const CHUNK = 100;
const html = (s) => {
  const d = el('div');
  d.innerHTML = s;
  return d;
};

const MEDIAN = { criterion: 'gradient', scope: 'layer', sparsity: [0.5], gradBatches: 20 };

export function mount(root, ctx) {
  if (!document.getElementById('prune-css')) {
    document.head.append(el('link', { id: 'prune-css', rel: 'stylesheet', href: new URL('./prune.css', import.meta.url).href }));
  }
  for (const p of root.querySelectorAll('.placeholder')) p.remove();
  const canvas = el('canvas', { className: 'heatmap', id: 'tut-heatmap', width: 1, height: 1 });
  describe(canvas, 'Heatmap of the first layer’s weights at this step of the tutorial');
  const result = el('p', { className: 'tutorial-result', id: 'tut-result' });
  const text = el('div', { className: 'tutorial-text', id: 'tut-text' });
  const doBtn = el('button', { type: 'button', className: 'button primary', id: 'tut-do' });
  const back = el('button', { type: 'button', className: 'button', id: 'tut-back', textContent: '← Back' });
  const next = el('button', { type: 'button', className: 'button', id: 'tut-next', textContent: 'Next →' });
  const chips = el('div', { className: 'tutorial-steps' });

  async function heat(view, criterion = 'gradient') {
    blit(canvas, await ctx.call('prune', 'heatmap', 0, view, criterion, 20));
  }

  const steps = [
    {
      title: '1. Train',
      text: '<p>Pruning starts from a trained network. Train LeNet-300-100 (784 → 300 → 100 → 10, 266,610 weights) for one epoch on the 60,000 training digits: about 97% of the test digits come out right.</p>',
      action: 'Train one epoch',
      async run() {
        const info = await ctx.call('session', 'info');
        if (info.epoch < 1) {
          const off = [];
          try {
            await new Promise((resolve, reject) => {
              off.push(ctx.on('evaluation', () => ctx.call('loop', 'pause').then(resolve, reject)));
              off.push(ctx.on('trainError', (d) => reject(new Error(d.message))));
              ctx.call('loop', 'play').catch(reject);
            });
          } finally {
            off.forEach((f) => f());
          }
        }
        const ev = await ctx.call('session', 'evaluate', 0);
        await heat('weights');
        return `Trained: ${pct(ev.accuracy)} of the 10,000 test digits right.`;
      },
    },
    {
      title: '2. Importance',
      text: '<p>How much does each weight matter? The article scores it by how strongly the loss reacts to it:</p>' +
        '<p class="tutorial-formula">importance = |∂L/∂w|</p>' +
        '<p>Here the gradient is summed over 20 mini-batches and kept for every layer. (The article’s loop overwrites <code>importance</code> for each parameter, so only the last layer’s score of the last batch survives.) Dark red: important; white: the loss hardly notices it.</p>',
      action: 'Compute |∂L/∂w|',
      async run() {
        await heat('importance', 'gradient');
        return 'First layer: one 28×28 tile per hidden neuron. Border pixels look the same in every digit, so their weights act like one more bias and score low.';
      },
    },
    {
      title: '3. Prune at the median',
      text: '<p>The article keeps the weights whose importance is above the median and zeroes the rest: half of every layer goes. Pruned weights are drawn black.</p>',
      action: 'Prune 50% at the median',
      async run() {
        const r = await ctx.call('prune', 'apply', { level: 'weights', weights: { ...MEDIAN, holdMask: true }, fromBase: true, evalLimit: 0 });
        ctx.emit('weightsChanged', { by: 'tutorial' });
        await heat('weights');
        root.dataset.prunedAccuracy = String(r.accuracy);
        return `Pruned ${pct(r.totalSparsity, 1)} of the weights: accuracy ${pct(r.accuracy)} before any retraining. Grey tiles lost all 784 weights: neurons that never fire (dead ReLUs) get no gradient, so every weight of theirs ranks last.`;
      },
    },
    {
      title: '4. Retrain',
      text: '<p>Retraining lets the surviving weights make up for the missing ones. The mask is held: every step, the weights, gradients and momentum of pruned weights are set back to zero, so they stay pruned.</p>',
      action: 'Retrain one epoch (mask held)',
      async run() {
        let r = null;
        for (let done = 0; done < EPOCH_STEPS; done += CHUNK) {
          const n = Math.min(CHUNK, EPOCH_STEPS - done);
          r = await ctx.call('prune', 'fineTune', n, 0.01, done + n >= EPOCH_STEPS ? 0 : 500);
          result.textContent = `Retraining… ${done + n} / ${EPOCH_STEPS} steps`;
          await heat('weights');
        }
        ctx.emit('weightsChanged', { by: 'tutorial' });
        return `Retrained: ${pct(r.accuracy)} with ${pct(r.totalSparsity, 1)} of the weights still exactly zero.`;
      },
    },
    {
      title: '5. The pitfall',
      text: '<p>The article’s code prunes with <code>param.data *= mask</code> once and then retrains normally. Nothing keeps the zeros at zero: the next gradient step moves them, and the “pruned” network is dense again. Both versions, retrained for one epoch from the same pruned weights:</p>',
      action: 'Run both',
      async run() {
        const r = await ctx.call('prune', 'pitfall', MEDIAN, EPOCH_STEPS, 0.01, 0);
        root.dataset.notHeld = String(r.notHeld.sparsityAfter);
        return `mask held: sparsity ${pct(r.sparsityPruned, 0)} → ${pct(r.held.sparsityAfter, 0)} (accuracy ${pct(r.held.accuracyAfter)}) · ` +
          `mask not held: sparsity ${pct(r.sparsityPruned, 0)} → ${pct(r.notHeld.sparsityAfter, 0)} after one epoch (accuracy ${pct(r.notHeld.accuracyAfter)}). The zeros that remain touch dead neurons (always-zero outputs), whose weights get no gradient at all; every other pruned weight grew back.`;
      },
    },
  ];

  let at = 0;
  const done = new Set();
  const chipEls = steps.map((s, i) => {
    const c = el('button', { type: 'button', className: 'chip', textContent: s.title });
    c.onclick = () => go(i);
    chips.append(c);
    return c;
  });

  function go(i) {
    at = Math.max(0, Math.min(steps.length - 1, i));
    const s = steps[at];
    text.replaceChildren(el('h3', { textContent: s.title }), html(s.text));
    doBtn.textContent = s.action;
    result.textContent = done.has(at) ? result.textContent : '';
    back.disabled = at === 0;
    next.disabled = at === steps.length - 1 || !done.has(at);
    chipEls.forEach((c, k) => {
      c.classList.toggle('active', k === at);
      c.classList.toggle('done', done.has(k));
    });
    root.dataset.step = String(at + 1);
  }

  doBtn.onclick = async () => {
    doBtn.disabled = true;
    try {
      result.textContent = 'Working…';
      result.textContent = await steps[at].run();
      done.add(at);
      root.dataset.done = [...done].sort().join(',');
      go(at);
    } catch (e) {
      result.textContent = '';
      ctx.showError(e);
    } finally {
      doBtn.disabled = false;
    }
  };
  back.onclick = () => go(at - 1);
  next.onclick = () => go(at + 1);

  root.append(
    chips,
    el('div', { className: 'tutorial-body' },
      el('div', {}, text, el('div', { className: 'buttons' }, back, doBtn, next), result),
      el('div', { className: 'heatmap-frame' }, canvas)),
  );
  doBtn.disabled = true;
  ctx.whenReady.then(() => (doBtn.disabled = false)).catch(() => {});
  go(0);
}
