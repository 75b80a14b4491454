// The pruning tutorial, built from the learner's own run. It follows the article the page cites
// (a PyTorch 784-100-10 MLP: train; importance = |∂L/∂w|; prune at the median; retrain) and
// shows its code with each of its four problems marked on the line where it occurs, beside what
// this page does and the figure measured in this session that proves it. Every number comes
// from the session (`session.info`, the prune lab's reports): no fixed prose about the model.
// Each step asks one question; the learner guesses, runs it, and sees the answer beside the guess.
// Teacher links: #tutorial=N opens step N (earlier steps run first when asked); `tutorial.steps`
// caps every training stage at that many mini-batches (a quick class demo, and the tests).

import { el, blit, describe } from '../ui.js';
import { t, tr, untr, rich, fmt, msg, onLocale } from '../i18n.js';
import { ARTICLE, STEP_OF_BUG, BUG_LINES } from './article.js';
import { rustError } from '../rustmsg.js';

/** The article's recipe as the page runs it: per-layer median of |∂L/∂w| (gradient summed over
 *  GRAD_BATCHES mini-batches of GRAD_BATCH, as the importance heatmap does). */
const GRAD_BATCHES = 10;
const GRAD_BATCH = 64;
const MEDIAN = { criterion: 'gradient', scope: 'layer', sparsity: [0.5], gradBatches: GRAD_BATCHES, batchSize: GRAD_BATCH };
/** The article's optimizer for retraining. */
const RETRAIN_LR = 0.01;
const CHUNK = 100;
/** The article's own network and training: one click away. */
export const ARTICLE_NET = Object.freeze({ hidden: [100], opt: 'sgd', lr: 0.01, mom: 0, epochs: 10 });

const sum = (xs) => xs.reduce((a, b) => a + b, 0);

/** What the session says about the model and its data, and what follows from it. */
function facts(info, cap) {
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

export function mount(root, ctx) {
  if (!document.getElementById('prune-css')) {
    document.head.append(el('link', { id: 'prune-css', rel: 'stylesheet', href: new URL('./prune.css', import.meta.url).href }));
  }
  const st = ctx.state;
  const cap = () => {
    const v = Number(st.get('tutorial.steps'));
    return Number.isSafeInteger(v) && v > 0 ? v : 0;
  };

  // ---------- measured in this session (cleared when a new model starts) ----------
  let m = {};
  const guesses = {};
  const done = new Set();

  // ---------- DOM ----------
  const chips = el('div', { className: 'tutorial-steps', role: 'tablist' });
  const title = el('h3', { id: 'tut-title' });
  const text = el('div', { className: 'tutorial-text', id: 'tut-text' });
  const quiz = el('fieldset', { className: 'tut-quiz', id: 'tut-quiz' });
  const doBtn = el('button', { type: 'button', className: 'button primary', id: 'tut-do' });
  const back = tr(el('button', { type: 'button', className: 'button', id: 'tut-back' }), 'tut.back');
  const next = tr(el('button', { type: 'button', className: 'button', id: 'tut-next' }), 'tut.next');
  const result = el('div', { className: 'tutorial-result', id: 'tut-result', role: 'status' });
  const canvas = el('canvas', { className: 'heatmap', id: 'tut-heatmap', width: 1, height: 1 });
  describe(canvas, 'a11y.tutHeatmap');
  const heatCaption = el('p', { className: 'caption', id: 'tut-heat-caption' });
  const copyBtn = tr(el('button', { type: 'button', className: 'button small', id: 'tut-copy' }), 'tut.copy');
  const linkOut = el('input', { type: 'text', readOnly: true, className: 'tut-link', id: 'tut-link' });
  tr(linkOut, 'tut.linkLabel', {}, { attr: 'aria-label' });
  const linkNote = el('span', { className: 'caption', id: 'tut-link-note' });
  const articleBtn = tr(el('button', { type: 'button', className: 'chip', id: 'tut-article-net' }), 'tut.articleNet');
  const lenetBtn = tr(el('button', { type: 'button', className: 'chip', id: 'tut-lenet' }), 'tut.lenetNet');
  const netNote = el('p', { className: 'caption', id: 'tut-net' });
  const code = el('pre', { className: 'tut-code', id: 'tut-code', translate: 'no' });
  const codeCite = el('p', { className: 'caption', id: 'tut-cite' });
  const bugs = el('ol', { className: 'tut-bugs', id: 'tut-bugs' });

  root.append(
    el('div', { className: 'tut-net-row' }, netNote, el('div', { className: 'buttons' }, lenetBtn, articleBtn)),
    chips,
    el('div', { className: 'tutorial-body' },
      el('div', {}, title, text, quiz, el('div', { className: 'buttons' }, back, doBtn, next), result),
      el('div', {}, el('div', { className: 'heatmap-frame' }, canvas), heatCaption)),
    el('div', { className: 'tut-article', id: 'tut-article' },
      el('div', {}, tr(el('h3'), 'tut.codeTitle'), codeCite, code),
      el('div', {}, tr(el('h3'), 'tut.bugsTitle'), bugs)),
    el('div', { className: 'tut-share' }, copyBtn, linkOut, linkNote),
  );

  // ---------- the session ----------
  const info = async () => facts(await ctx.call('session', 'info'), cap());
  let f = null;
  const refresh = async () => {
    f = await info();
    showNet();
    return f;
  };

  async function heat(view, criterion = 'gradient') {
    const img = await ctx.call('prune', 'heatmap', 0, view, criterion, 20);
    blit(canvas, img);
    canvas.dataset.view = view;
    tr(heatCaption, `tut.heat.${view}`, { n: f ? f.sizes[1] : 0 });
  }

  /** Trains to the planned number of steps (the settings' epochs, or the cap). */
  async function train() {
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

  const steps = [
    {
      key: 'train',
      lines: [1, 2],
      async run() {
        await refresh();
        await train();
        await refresh();
        const ev = await ctx.call('session', 'evaluate', 0);
        m.dense = ev.accuracy;
        m.trainedSteps = f.info.steps;
        await heat('weights');
        return { answer: ev.accuracy };
      },
      result: () => ({
        key: 'tut.train.result',
        p: { steps: m.trainedSteps, epochs: m.trainedSteps / f.perEpoch, perEpoch: f.perEpoch, batch: f.batch, train: f.info.trainCount, acc: m.dense, test: f.info.testCount, weights: f.weights, biases: f.biases, arch: f.arch },
      }),
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
        const last = await ctx.call('prune', 'apply', { level: 'weights', weights: { ...MEDIAN, layers: [f.layers - 1], holdMask: true }, fromBase: true, evalLimit: 0 });
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
      result: () => ({ key: 'tut.prune.result', p: { pruned: m.prunedCount, weights: f.weights, sparsity: m.pruned.totalSparsity, acc: m.pruned.accuracy, dense: m.dense, layers: f.layers } }),
      quiz: { kind: 'pct', answer: () => m.pruned.accuracy },
    },
    {
      key: 'retrain',
      lines: [5],
      async run() {
        await refresh();
        let r = null;
        for (let k = 0; k < f.retrain; k += CHUNK) {
          const n = Math.min(CHUNK, f.retrain - k);
          r = await ctx.call('prune', 'fineTune', n, RETRAIN_LR, k + n >= f.retrain ? 0 : 500);
          tr(result, 'tut.retraining', { done: k + n, total: f.retrain });
        }
        ctx.emit('weightsChanged', { by: 'tutorial' });
        m.retrained = r;
        m.retrainSteps = f.retrain;
        await heat('weights');
        return { answer: r.accuracy };
      },
      result: () => ({ key: 'tut.retrain.result', p: { steps: m.retrainSteps, epochs: m.retrainSteps / f.perEpoch, lr: RETRAIN_LR, acc: m.retrained.accuracy, sparsity: m.retrained.totalSparsity, pruned: m.pruned.accuracy, dense: m.dense } }),
      quiz: { kind: 'pct', answer: () => m.retrained.accuracy },
    },
    {
      key: 'pitfall',
      lines: [5],
      async run() {
        await refresh();
        tr(result, 'tut.pitfall.running', { steps: f.retrain });
        const r = await ctx.call('prune', 'pitfall', MEDIAN, f.retrain, RETRAIN_LR, 0);
        const pruned = Math.round(r.sparsityPruned * f.weights);
        const left = Math.round(r.notHeld.sparsityAfter * f.weights);
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

  // ---------- the article's code, its four problems, and what was measured ----------
  function renderCode(at) {
    const active = new Set(steps[at].lines);
    code.replaceChildren();
    ARTICLE.forEach((line, i) => {
      const row = el('span', { className: 'tut-line' });
      row.dataset.line = String(i + 1);
      if (line.part && active.has(line.part)) row.classList.add('active');
      row.append(el('span', { className: 'tut-ln', textContent: String(i + 1).padStart(2, ' ') }));
      if (line.comment) row.append(el('span', { className: 'tut-comment', textContent: `${line.indent || ''}# ${t(line.comment)}` }));
      else row.append(line.text);
      for (const b of line.bugs || []) {
        const mark = el('span', { className: 'tut-mark', textContent: ` ← ${b}` });
        mark.dataset.bug = String(b);
        row.classList.add('has-bug');
        row.append(mark);
      }
      code.append(row, '\n');
    });
  }

  function bugMeasured(b) {
    if (!f) return null;
    switch (b) {
      case 1:
        return m.lastOnly
          ? { key: 'tut.bug1.measured', p: { layer: f.layers, n: f.weightsPer[f.layers - 1], weights: f.weights, share: f.weightsPer[f.layers - 1] / f.weights, sparsity: m.lastOnly.sparsity, acc: m.lastOnly.acc } }
          : null;
      case 2:
        return m.pruned
          ? { key: 'tut.bug2.measured', p: { out: f.lastOut, in: f.lastIn, pruned: m.prunedCount, layers: f.layers } }
          : null;
      case 3:
        return m.oneBatch !== undefined ? { key: 'tut.bug3.measured', p: { one: m.oneBatch, many: m.manyBatch, gb: GRAD_BATCHES } } : null;
      case 4:
        return m.pitfall
          ? { key: 'tut.bug4.measured', p: { pruned: m.pitfall.pruned, regrew: m.pitfall.regrew, share: m.pitfall.regrew / Math.max(1, m.pitfall.pruned), steps: m.pitfall.steps, loose: m.pitfall.notHeld.sparsityAfter, held: m.pitfall.held.sparsityAfter } }
          : null;
      default:
        return null;
    }
  }

  function renderBugs(at) {
    bugs.replaceChildren();
    for (const b of [1, 2, 3, 4]) {
      const li = el('li', { className: 'tut-bug', id: `tut-bug-${b}` });
      li.classList.toggle('active', STEP_OF_BUG[b] === at);
      const meas = bugMeasured(b);
      const measured = el('p', { className: 'tut-measured' });
      if (meas) tr(measured, meas.key, meas.p, { isRich: true });
      else tr(measured, 'tut.bug.unmeasured', { step: STEP_OF_BUG[b] + 1 });
      measured.dataset.measured = meas ? '1' : '0';
      li.append(
        el('strong', { className: 'tut-bug-title' }, `${b}. `, rich(`tut.bug${b}.title`, { line: BUG_LINES[b] })),
        el('p', { className: 'tut-side bad' }, rich(`tut.bug${b}.article`)),
        el('p', { className: 'tut-side good' }, rich(`tut.bug${b}.page`, { gb: GRAD_BATCHES, gbs: GRAD_BATCH })),
        measured,
      );
      bugs.append(li);
    }
  }

  // ---------- the question of each step ----------
  function renderQuiz(at) {
    const s = steps[at];
    const q = s.quiz;
    const params = quizParams(s.key);
    quiz.replaceChildren(el('legend', {}, rich(`tut.${s.key}.q`, params)));
    const g = guesses[at];
    if (!done.has(at)) {
      if (q.kind === 'pct') {
        const input = el('input', { type: 'number', min: '0', max: '100', step: 'any', id: 'tut-guess', className: 'tut-guess-input', value: g === undefined ? '' : String(g * 100) });
        input.addEventListener('input', () => {
          const v = Number(input.value);
          if (input.value.trim() === '' || !Number.isFinite(v)) delete guesses[at];
          else guesses[at] = Math.max(0, Math.min(100, v)) / 100;
        });
        quiz.append(el('label', { className: 'tut-guess' }, rich('tut.guessPct'), input, '%'));
      } else {
        const row = el('div', { className: 'tut-choices' });
        for (const o of q.options) {
          const r = el('input', { type: 'radio', name: 'tut-guess', value: o, checked: g === o });
          r.addEventListener('change', () => (guesses[at] = o));
          row.append(el('label', {}, r, rich(`tut.${s.key}.opt.${o}`)));
        }
        quiz.append(row);
      }
      quiz.append(el('p', { className: 'caption' }, rich('tut.guessHint')));
      return;
    }
    const answer = q.answer();
    const out = el('div', { className: 'tut-answer', id: 'tut-answer' });
    const show = (v) => (q.kind === 'pct' ? fmt.pct(v, 1) : t(`tut.${s.key}.opt.${v}`));
    const guessBox = el('div', { className: 'tut-answer-cell' }, el('span', { className: 'stat-label' }, rich('tut.yourGuess')),
      el('span', { className: 'tut-answer-value', id: 'tut-guess-value', textContent: g === undefined ? t('tut.noGuess') : show(g) }));
    const measBox = el('div', { className: 'tut-answer-cell' }, el('span', { className: 'stat-label' }, rich('tut.measured')),
      el('span', { className: 'tut-answer-value', id: 'tut-measured-value', textContent: show(answer) }));
    out.append(guessBox, measBox);
    if (g !== undefined) {
      const close = q.kind === 'pct' ? Math.abs(g - answer) <= 0.02 : g === answer;
      const key = q.kind === 'pct' ? (close ? 'tut.verdict.close' : 'tut.verdict.off') : close ? 'tut.verdict.right' : 'tut.verdict.wrong';
      out.append(el('p', { className: `tut-verdict ${close ? 'good' : 'bad'}` }, rich(key, { diff: 100 * Math.abs(g - answer) })));
    }
    out.dataset.answer = String(answer);
    quiz.append(out);
  }

  function quizParams(key) {
    if (!f) return { test: '…', arch: '…', epochs: 0, gb: GRAD_BATCHES, steps: 0, weights: '…', pruned: '…' };
    return {
      test: f.info.testCount,
      arch: f.arch,
      steps: key === 'train' ? f.trainTarget : f.retrain,
      epochs: (key === 'train' ? f.trainTarget : f.retrain) / f.perEpoch,
      gb: GRAD_BATCHES,
      weights: f.weights,
      pruned: m.prunedCount || Math.round(f.weights / 2),
    };
  }

  // ---------- navigation ----------
  let at = 0;
  const chipEls = steps.map((s, i) => {
    const c = el('button', { type: 'button', className: 'chip', role: 'tab' });
    tr(c, `tut.${s.key}.chip`, { n: i + 1 });
    c.onclick = () => go(i, true);
    chips.append(c);
    return c;
  });

  function showNet() {
    if (!f) return;
    tr(netNote, 'tut.net', { arch: f.arch, weights: f.weights, epochs: f.info.config.epochs, opt: msg(`train.opt.${f.info.config.optimizer}`), lr: f.lr, batch: f.batch, perEpoch: f.perEpoch, cap: cap() }, { isRich: true });
    if (cap()) netNote.append(rich('tut.capNote', { cap: cap() }));
    const article = f.arch === '784-100-10' && f.info.config.optimizer === 'sgd' && f.lr === ARTICLE_NET.lr && f.momentum === 0;
    articleBtn.classList.toggle('active', article);
    lenetBtn.classList.toggle('active', f.arch === '784-300-100-10');
  }

  function render() {
    const s = steps[at];
    showNet();
    tr(title, `tut.${s.key}.title`, { n: at + 1 });
    const p = f ? { ...quizParams(s.key), weights: f.weights, layers: f.layers, batch: f.batch, perEpoch: f.perEpoch, train: f.info.trainCount, gbs: GRAD_BATCH, lr: RETRAIN_LR } : {};
    tr(text, `tut.${s.key}.text`, p, { isRich: true });
    tr(doBtn, `tut.${s.key}.action`, p);
    if (done.has(at)) {
      const r = s.result();
      tr(result, r.key, r.p, { isRich: true });
    } else if (!result.dataset.busy) {
      untr(result);
    }
    back.disabled = at === 0;
    next.disabled = at === steps.length - 1;
    chipEls.forEach((c, k) => {
      c.classList.toggle('active', k === at);
      c.classList.toggle('done', done.has(k));
      c.setAttribute('aria-selected', String(k === at));
    });
    renderQuiz(at);
    renderCode(at);
    renderBugs(at);
    showLink();
    root.dataset.step = String(at + 1);
    root.dataset.done = [...done].sort().map((k) => k + 1).join(',');
  }

  function go(i, byLearner = false) {
    at = Math.max(0, Math.min(steps.length - 1, i));
    if (byLearner) st.set('tutorial', String(at + 1));
    render();
  }

  function stepLink() {
    const u = new URL(window.location.href);
    const parts = u.hash.replace(/^#/, '').split('&').filter((p) => p && !p.startsWith('tutorial=') && !p.startsWith('prune.'));
    parts.push(`tutorial=${at + 1}`);
    u.hash = parts.join('&');
    return u.href;
  }
  function showLink() {
    linkOut.value = stepLink();
  }

  /** Runs step `i`, first running any earlier step not done yet (a teacher's link). */
  async function runTo(i) {
    for (let k = 0; k <= i; k++) {
      if (done.has(k) && k < i) continue;
      if (k < i) tr(result, 'tut.catchUp', { step: k + 1 });
      else tr(result, 'tut.working');
      const out = await steps[k].run();
      if (out) done.add(k);
    }
    // Running a step again changes the model under the later ones (step 2 puts the dense
    // network back, step 3 prunes it afresh): their results no longer describe it.
    for (const k of [...done]) if (k > i) done.delete(k);
  }

  doBtn.onclick = async () => {
    doBtn.disabled = true;
    result.dataset.busy = '1';
    root.dataset.busy = '1';
    try {
      await runTo(at);
    } catch (e) {
      untr(result);
      ctx.showError(e);
    } finally {
      delete result.dataset.busy;
      root.dataset.busy = '0';
      doBtn.disabled = false;
      render();
    }
  };
  back.onclick = () => go(at - 1, true);
  next.onclick = () => go(at + 1, true);

  copyBtn.onclick = async () => {
    const link = stepLink();
    linkOut.value = link;
    try {
      await navigator.clipboard.writeText(link);
      tr(linkNote, 'tut.copied');
    } catch {
      linkOut.select();
      tr(linkNote, 'tut.copyByHand');
    }
  };

  articleBtn.onclick = () => ctx.configure({ ...ARTICLE_NET });
  lenetBtn.onclick = () => ctx.configure({ hidden: [300, 100], opt: 'sgd', lr: 0.05, mom: 0.9, epochs: 10 });

  tr(codeCite, 'tut.cite', {}, { isRich: true });

  ctx.on('modelChanged', async () => {
    m = {};
    done.clear();
    try {
      await refresh();
      render();
      await heat('weights');
    } catch {
      // Not ready yet: `whenReady` refreshes.
      render();
    }
  });
  onLocale(() => render());

  // A teacher's link: #tutorial=N opens step N and brings the tutorial into view.
  const wanted = Number(st.get('tutorial'));
  if (Number.isSafeInteger(wanted) && wanted >= 1) {
    at = Math.min(steps.length, wanted) - 1;
    if (!ctx.embed) requestAnimationFrame(() => root.scrollIntoView({ block: 'start' }));
  }
  st.onPage?.((key, value) => {
    if (key === 'tutorial' && value && Number(value) - 1 !== at) go(Number(value) - 1);
  });

  doBtn.disabled = true;
  render();
  ctx.whenReady.then(async () => {
    await refresh();
    doBtn.disabled = false;
    render();
    await heat('weights');
  }).catch(() => {});
}
