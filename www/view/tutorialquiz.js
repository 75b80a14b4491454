// The question of each tutorial step. Before the step runs: the learner's guess (a percentage,
// or one of the step's options), kept in `guesses` by step. Once it has run: the guess beside
// the answer measured in this session, and whether the guess was close.

import { t, rich, fmt } from '../i18n.js';
import { el } from '../ui.js';
import { GRAD_BATCHES } from './tutorialsteps.js';

/** The numbers a step's question and text quote (placeholders until the session answers). */
export function quizParams(lesson, key) {
  const { f, m } = lesson;
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

/**
 * Fills `quiz` (a fieldset) for step `at` of `lesson.steps`: the guess input when `answered` is
 * false, else the guess against the measured answer.
 */
export function renderQuiz(quiz, { lesson, at, answered, guesses }) {
  const s = lesson.steps[at];
  const q = s.quiz;
  const params = quizParams(lesson, s.key);
  quiz.replaceChildren(el('legend', {}, rich(`tut.${s.key}.q`, params)));
  const g = guesses[at];
  if (!answered) {
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
