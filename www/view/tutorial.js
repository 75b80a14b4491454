// The pruning tutorial, built from the learner's own run. It follows the article the page cites
// (a PyTorch 784-100-10 MLP: train; importance = |∂L/∂w|; prune at the median; retrain) and
// shows its code with each of its four problems marked on the line where it occurs, beside what
// this page does and the figure measured in this session that proves it. Every number comes
// from the session (`session.info`, the prune lab's reports): no fixed prose about the model.
// Each step asks one question; the learner guesses, runs it, and sees the answer beside the guess.
// Teacher links: #tutorial=N opens step N (earlier steps run first when asked); `tutorial.steps`
// caps every training stage at that many mini-batches (a quick class demo, and the tests).
//
// This file is the panel: its layout, step navigation, teacher links and running a step. The
// steps and what they measure are in tutorialsteps.js, each step's question in tutorialquiz.js,
// the article's code and its four problems in tutorialcode.js. The heatmap of the model as it
// stands is drawn by itself only while the panel is on screen (www/onscreen.js); a step the
// learner runs draws its own at once.

import { el, describe } from '../ui.js';
import { tr, untr, rich, msg, onLocale } from '../i18n.js';
import { ARTICLE_NET, GRAD_BATCH, RETRAIN_LR, tutorialSteps } from './tutorialsteps.js';
import { quizParams, renderQuiz } from './tutorialquiz.js';
import { renderCode, renderBugs } from './tutorialcode.js';
import { onScreenRefresh } from '../onscreen.js';

export { ARTICLE_NET };

export function mount(root, ctx) {
  if (!document.getElementById('prune-css')) {
    document.head.append(el('link', { id: 'prune-css', rel: 'stylesheet', href: new URL('./prune.css', import.meta.url).href }));
  }
  const st = ctx.state;
  const cap = () => {
    const v = Number(st.get('tutorial.steps'));
    return Number.isSafeInteger(v) && v > 0 ? v : 0;
  };

  // ---------- the learner's guesses by step, and the steps done (reset by a new model) ----------
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

  // ---------- the session: facts, measurements and the steps (tutorialsteps.js) ----------
  const lesson = tutorialSteps(ctx, { root, result, canvas, heatCaption, cap, onFacts: () => showNet() });
  const { steps, refresh, heat } = lesson;

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
    const { f } = lesson;
    if (!f) return;
    tr(netNote, 'tut.net', { arch: f.arch, weights: f.weights, epochs: f.info.config.epochs, opt: msg(`train.opt.${f.info.config.optimizer}`), lr: f.lr, batch: f.batch, perEpoch: f.perEpoch, cap: cap() }, { isRich: true });
    if (cap()) netNote.append(rich('tut.capNote', { cap: cap() }));
    const article = f.arch === '784-100-10' && f.info.config.optimizer === 'sgd' && f.lr === ARTICLE_NET.lr && f.momentum === 0;
    articleBtn.classList.toggle('active', article);
    lenetBtn.classList.toggle('active', f.arch === '784-300-100-10');
  }

  function render() {
    const s = steps[at];
    const { f } = lesson;
    showNet();
    tr(title, `tut.${s.key}.title`, { n: at + 1 });
    const p = f ? { ...quizParams(lesson, s.key), weights: f.weights, layers: f.layers, batch: f.batch, perEpoch: f.perEpoch, train: f.info.trainCount, gbs: GRAD_BATCH, lr: RETRAIN_LR } : {};
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
    renderQuiz(quiz, { lesson, at, answered: done.has(at), guesses });
    renderCode(code, s.lines);
    renderBugs(bugs, at, lesson);
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

  // ---------- background refreshes: the heatmap only while the panel is on screen ----------
  // Layer 1 of the model as it stands costs 10-40 ms of the worker. Drawn at load and at every
  // new model with the tutorial scrolled away (and four times before the page was even ready,
  // once per data file), it made Play and training wait. It is drawn while the panel is on screen
  // or within a screen of it, and once when it comes into view if the model changed meanwhile;
  // until then the canvas is blank and its caption says it is being drawn, never an earlier
  // model's weights. The text's facts are cheap (`session.info`) and are kept current at once,
  // so the step texts never describe an earlier network. An embedded tutorial counts as on screen.
  let started = false; // the data and model are in (whenReady)
  let restarting = false; // between a worker's crash and its replacement having the data
  let nextView = 'weights';
  const stepRunning = () => root.dataset.busy === '1';
  async function drawHeat() {
    if (stepRunning()) return; // the step draws its own heatmap when it ends
    if (!canvas.dataset.view) tr(heatCaption, 'tut.heat.measuring');
    try {
      await heat(nextView);
    } catch {
      if (!canvas.dataset.view) untr(heatCaption);
    }
  }
  const heatNow = onScreenRefresh(root, drawHeat, {
    always: Boolean(ctx.embed),
    canRun: () => started && !restarting,
    onDeferred: () => {
      // An earlier model's weights are not shown as this one's: blank until drawn.
      canvas.width = 1;
      canvas.height = 1;
      delete canvas.dataset.view;
      tr(heatCaption, 'tut.heat.measuring');
    },
  });
  const requestHeat = (view) => {
    nextView = view;
    heatNow.request();
  };

  ctx.on('modelChanged', async () => {
    lesson.reset();
    done.clear();
    // Before the page is ready, each data file and the first settings make a new model: the
    // page's info at `whenReady` describes the one that counts. A restarting worker replays
    // them too: 'restarted' refreshes once.
    if (!started || restarting) {
      render();
      return;
    }
    const known = refresh();
    requestHeat('weights');
    try {
      await known;
    } catch {
      // The worker restarted meanwhile: 'restarted' refreshes.
    }
    render();
  });
  // Training stopped (paused, done): the weights drawn are no longer the network's. Not while a
  // step runs (it draws its own), and not for a stop before a new model (modelChanged follows).
  ctx.on('state', (s) => {
    if (!s.running && s.reason !== 'stopped' && started && !restarting && !stepRunning()) requestHeat(canvas.dataset.view || nextView);
  });
  ctx.on('restart', () => {
    restarting = true;
  });
  ctx.on('restarted', async () => {
    restarting = false;
    lesson.reset();
    done.clear();
    requestHeat('weights');
    try {
      await refresh();
    } catch {
      // Another restart: it refreshes in turn.
    }
    render();
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
  // The page's own session info at ready (no call); the heatmap once the panel is near.
  ctx.whenReady.then((info) => {
    started = true;
    lesson.know(info);
    doBtn.disabled = false;
    render();
    requestHeat('weights');
  }).catch(() => {});
}
