// What the pruning tutorial runs and measures. `facts` turns `session.info` into the numbers the
// text quotes (layer sizes, weights, steps per epoch at the actual batch size); `tutorialSteps`
// builds the five steps of the article's recipe (train, rank by importance, prune, retrain, and
// the mask not held), each running in the worker and keeping what it measured in `measured`.
// Every number comes from the session: no fixed prose about the model. The rendering lives in
// tutorial.js (the panel), tutorialquiz.js (the questions) and tutorialcode.js (the article).

import { t, tr } from '../i18n.js';
import { blit } from '../ui.js';
import { rustError } from '../rustmsg.js';

/** The article's recipe as the page runs it: per-layer median of |∂L/∂w| (gradient summed over
 *  GRAD_BATCHES mini-batches of GRAD_BATCH, as the importance heatmap does). */
export const GRAD_BATCHES = 10;
export const GRAD_BATCH = 64;
const MEDIAN = { criterion: 'gradient', scope: 'layer', sparsity: [0.5], gradBatches: GRAD_BATCHES, batchSize: GRAD_BATCH };
/** The article's optimizer for retraining. */
export const RETRAIN_LR = 0.01;
const CHUNK = 100;
/** The article's own network and training: one click away. */
export const ARTICLE_NET = Object.freeze({ hidden: [100], opt: 'sgd', lr: 0.01, mom: 0, epochs: 10 });

export const sum = (xs) => xs.reduce((a, b) => a + b, 0);

/** What the session says about the model and its data, and what follows from it. */
export function facts(info, cap) {
  const s = info.sizes;
  const layers = s.length - 1;
  const weightsPer = s.slice(1).map((n, i) => n * s[i]);
  const batch = info.config.batchSize;
  const perEpoch = Math.ceil(info.trainCount / batch);
  const planned = perEpoch * info.config.epochs;
  return {
    info,
    sizes: s,
    arch: s.join('-'),
    layers,
    weightsPer,
    weights: sum(weightsPer),
    biases: sum(s.slice(1)),
    batch,
    perEpoch,
    trainTarget: cap ? Math.min(cap, planned) : planned,
    retrain: cap ? Math.min(cap, perEpoch) : perEpoch,
    lastIn: s[layers - 1],
    lastOut: s[layers],
    // The config travels as f32: 0.05 arrives as 0.0500000007…
    lr: Number(Number(info.config.lr).toPrecision(6)),
    momentum: Number(Number(info.config.momentum).toPrecision(6)),
  };
}

/**
 * The tutorial's run in this session. `root` is the panel (the pitfall step sets its dataset),
 * `result` the status line training reports into, `canvas`/`heatCaption` the heatmap,
 * `cap()` the `tutorial.steps` cap (0: none) and `onFacts()` runs after each refresh.
 * Returns `lesson`: `lesson.f` (the latest facts, null until the first refresh), `lesson.m`
 * (what was measured; `reset()` clears it when a new model starts), `refresh()` (asks the
 * session), `know(info)` (facts from an info the page has), `heat(view)` and `steps` (each
 * `{key, lines, run(), result(), quiz}`).
 */
export function tutorialSteps(ctx, { root, result, canvas, heatCaption, cap, onFacts }) {
  // `m` is one object for the panel's life: a reset empties it, so a step still running when
  // a new model starts records into the emptied object, as it would into a fresh one.
  const m = {};
  const lesson = { f: null, m };

  lesson.reset = () => {
    for (const k of Object.keys(m)) delete m[k];
  };

  /** The facts of `info` (a `session.info` the page already has, such as `whenReady`'s). */
  lesson.know = (info) => {
    lesson.f = facts(info, cap());
    onFacts();
    return lesson.f;
  };

  lesson.refresh = async () => lesson.know(await ctx.call('session', 'info'));

  lesson.heat = async (view, criterion = 'gradient') => {
    const img = await ctx.call('prune', 'heatmap', 0, view, criterion, 20);
    blit(canvas, img);
    canvas.dataset.view = view;
    tr(heatCaption, `tut.heat.${view}`, { n: lesson.f ? lesson.f.sizes[1] : 0 });
  };

  /** Trains to the planned number of steps (the settings' epochs, or the cap). */
  async function train() {
    const f = lesson.f;
    const target = f.trainTarget;
    let now = f.info.steps;
    if (now >= target) return;
    if (cap()) {
      while (now < target) {
        const n = Math.min(CHUNK, target - now);
        await ctx.call('session', 'trainSteps', n);
        now += n;
        tr(result, 'tut.training', { done: now, total: target });
      }
      return;
    }
    const off = [];
    try {
      await new Promise((resolve, reject) => {
        off.push(ctx.on('progress', (p) => tr(result, 'tut.training', { done: p.step, total: target })));
        off.push(ctx.on('state', (s) => {
          if (s.reason === 'done') resolve();
          else if (!s.running && s.reason !== 'playing') reject(new Error(t('tut.trainStopped')));
        }));
        off.push(ctx.on('trainError', (d) => reject(rustError(d.message, d.code, d.args))));
        ctx.call('loop', 'play').catch(reject);
      });
    } finally {
      off.forEach((g) => g());
    }
  }

  const { refresh, heat } = lesson;
  lesson.steps = [
    {
      key: 'train',
      lines: [1, 2],
      async run() {
        await refresh();
        await train();
        await refresh();
        const ev = await ctx.call('session', 'evaluate', 0);
        m.dense = ev.accuracy;
        m.trainedSteps = lesson.f.info.steps;
        await heat('weights');
        return { answer: ev.accuracy };
      },
      result: () => {
        const { f } = lesson;
        return {
          key: 'tut.train.result',
          p: { steps: m.trainedSteps, epochs: m.trainedSteps / f.perEpoch, perEpoch: f.perEpoch, batch: f.batch, train: f.info.trainCount, acc: m.dense, test: f.info.testCount, weights: f.weights, biases: f.biases, arch: f.arch },
        };
      },
      quiz: { kind: 'pct', answer: () => m.dense },
    },
    {
      key: 'importance',
      lines: [3],
      async run() {
        await refresh();
        await heat('importance', 'gradient');
        // Problem 3, measured: rank by one batch's gradient (the article) and by GRAD_BATCHES.
        const one = await ctx.call('prune', 'apply', { level: 'weights', weights: { ...MEDIAN, gradBatches: 1, holdMask: true }, fromBase: true, evalLimit: 0 });
        const many = await ctx.call('prune', 'apply', { level: 'weights', weights: { ...MEDIAN, holdMask: true }, fromBase: true, evalLimit: 0 });
        // Problem 1, measured: prune only what the article's surviving `importance` covers.
        const last = await ctx.call('prune', 'apply', { level: 'weights', weights: { ...MEDIAN, layers: [lesson.f.layers - 1], holdMask: true }, fromBase: true, evalLimit: 0 });
        await ctx.call('prune', 'restore', 0);
        m.oneBatch = one.accuracy;
        m.manyBatch = many.accuracy;
        m.lastOnly = { acc: last.accuracy, sparsity: last.totalSparsity };
        return { answer: m.oneBatch - m.manyBatch };
      },
      result: () => ({ key: 'tut.importance.result', p: { one: m.oneBatch, many: m.manyBatch, gb: GRAD_BATCHES } }),
      quiz: { kind: 'choice', options: ['higher', 'same', 'lower'], answer: () => (Math.abs(m.oneBatch - m.manyBatch) < 0.001 ? 'same' : m.oneBatch > m.manyBatch ? 'higher' : 'lower') },
    },
    {
      key: 'prune',
      lines: [4],
      async run() {
        await refresh();
        const r = await ctx.call('prune', 'apply', { level: 'weights', weights: { ...MEDIAN, holdMask: true }, fromBase: true, evalLimit: 0 });
        ctx.emit('weightsChanged', { by: 'tutorial' });
        m.pruned = r;
        m.prunedCount = sum(r.layers.map((l) => l.pruned));
        await heat('weights');
        return { answer: r.accuracy };
      },
      result: () => {
        const { f } = lesson;
        return { key: 'tut.prune.result', p: { pruned: m.prunedCount, weights: f.weights, sparsity: m.pruned.totalSparsity, acc: m.pruned.accuracy, dense: m.dense, layers: f.layers } };
      },
      quiz: { kind: 'pct', answer: () => m.pruned.accuracy },
    },
    {
      key: 'retrain',
      lines: [5],
      async run() {
        await refresh();
        let r = null;
        for (let k = 0; k < lesson.f.retrain; k += CHUNK) {
          const n = Math.min(CHUNK, lesson.f.retrain - k);
          r = await ctx.call('prune', 'fineTune', n, RETRAIN_LR, k + n >= lesson.f.retrain ? 0 : 500);
          tr(result, 'tut.retraining', { done: k + n, total: lesson.f.retrain });
        }
        ctx.emit('weightsChanged', { by: 'tutorial' });
        m.retrained = r;
        m.retrainSteps = lesson.f.retrain;
        await heat('weights');
        return { answer: r.accuracy };
      },
      result: () => {
        const { f } = lesson;
        return { key: 'tut.retrain.result', p: { steps: m.retrainSteps, epochs: m.retrainSteps / f.perEpoch, lr: RETRAIN_LR, acc: m.retrained.accuracy, sparsity: m.retrained.totalSparsity, pruned: m.pruned.accuracy, dense: m.dense } };
      },
      quiz: { kind: 'pct', answer: () => m.retrained.accuracy },
    },
    {
      key: 'pitfall',
      lines: [5],
      async run() {
        await refresh();
        tr(result, 'tut.pitfall.running', { steps: lesson.f.retrain });
        const r = await ctx.call('prune', 'pitfall', MEDIAN, lesson.f.retrain, RETRAIN_LR, 0);
        const pruned = Math.round(r.sparsityPruned * lesson.f.weights);
        const left = Math.round(r.notHeld.sparsityAfter * lesson.f.weights);
        m.pitfall = { ...r, pruned, regrew: pruned - left, left };
        root.dataset.notHeld = String(r.notHeld.sparsityAfter);
        root.dataset.regrew = String(pruned - left);
        return { answer: (pruned - left) / Math.max(1, pruned) };
      },
      result: () => {
        const r = m.pitfall;
        return {
          key: r.left > 0 ? 'tut.pitfall.resultDead' : 'tut.pitfall.result',
          p: { steps: r.steps, before: r.sparsityPruned, held: r.held.sparsityAfter, heldAcc: r.held.accuracyAfter, loose: r.notHeld.sparsityAfter, looseAcc: r.notHeld.accuracyAfter, pruned: r.pruned, regrew: r.regrew, share: r.regrew / Math.max(1, r.pruned), left: r.left },
        };
      },
      quiz: { kind: 'pct', answer: () => m.pitfall.regrew / Math.max(1, m.pitfall.pruned) },
    },
  ];
  return lesson;
}
