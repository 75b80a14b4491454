// The article's code beside the tutorial: its lines (article.js) with the current step's lines
// highlighted and each of its four problems marked where it occurs, and the list of those
// problems, each with what the article does, what this page does, and the figure measured in
// this session that proves it (once the step that measures it has run).

import { t, tr, rich } from '../i18n.js';
import { el } from '../ui.js';
import { ARTICLE, STEP_OF_BUG, BUG_LINES } from './article.js';
import { GRAD_BATCHES, GRAD_BATCH } from './tutorialsteps.js';

/** Fills `code` (a <pre>) with the article's lines, those of recipe parts `lines` active. */
export function renderCode(code, lines) {
  const active = new Set(lines);
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

/** What this session measured for problem `b` (1–4), as `{key, p}`, or null if not yet. */
function bugMeasured(lesson, b) {
  const { f, m } = lesson;
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

/** Fills `bugs` (an <ol>) with the four problems, those of step `at` active. */
export function renderBugs(bugs, at, lesson) {
  bugs.replaceChildren();
  for (const b of [1, 2, 3, 4]) {
    const li = el('li', { className: 'tut-bug', id: `tut-bug-${b}` });
    li.classList.toggle('active', STEP_OF_BUG[b] === at);
    const meas = bugMeasured(lesson, b);
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
