// The Versions panel: every model made in this page, with its parent, method, test accuracy,
// true bytes, ratio and measured time, all from the worker's `versions` lab. A step or a whole
// recipe runs on any version as a chunked job (worker `jobs` target, progress events); a
// version can be renamed, deleted, used as the panels' input, selected for the Draw pad and
// Compare, or shared as a recipe link. `#recipe=...` in the address rebuilds its chain on load.
// History is kept in IndexedDB by www/view/history.js.

import { el, bytes, versionLabel, ratioText, METHOD_COLORS, inputBadge, text, verbatim, methodName, kernelName } from '../ui.js';
import { t, tr, untr, msg, reason, onLocale } from '../i18n.js';
import { createHistory } from './history.js';
import { downloadButtons, uploadControls } from './files.js';

/**
 * The size ratio's sentence in a table cell (`ratioText`'s `{text, title}`). The cell may wrap,
 * but not inside an architecture ("784-64-10": a line break after a hyphen read as two
 * numbers) nor between a size and its unit; the text itself is unchanged. Compare uses it too.
 */
export function ratioCell({ text: sentence, title }) {
  const parts = String(sentence).split(/(\d+(?:-\d+)+|\d[\d.,]*\s(?:kB|MB|B)\b)/);
  return el('td', { className: 'version-ratio', title },
    ...parts.map((p, i) => (i % 2 ? el('span', { className: 'nobr', textContent: p }) : p)));
}

export function mount(root, ctx) {
  const selected = new Set();
  let list = [];

  const parentSel = tr(el('select', { id: 'versions-parent' }), 'ver.parentLabel', {}, { attr: 'aria-label' });
  const stepIn = tr(el('input', { id: 'versions-step', type: 'text', spellcheck: false, size: 32 }), 'ver.stepHint', {}, { attr: 'placeholder' });
  const runB = text('button', 'ver.runStep', { type: 'button', className: 'button', id: 'versions-run' });
  const recipeIn = tr(el('input', { id: 'versions-recipe', type: 'text', spellcheck: false, size: 56 }), 'ver.recipeHint', {}, { attr: 'placeholder' });
  const recipeB = text('button', 'ver.runRecipe', { type: 'button', className: 'button', id: 'versions-run-recipe' });
  const bar = tr(el('progress', { id: 'versions-progress', max: 1, value: 0 }), 'ver.progress', {}, { attr: 'aria-label' });
  const status = el('span', { className: 'caption', id: 'versions-status' });
  const clearB = text('button', 'ver.clear', { type: 'button', className: 'button small', id: 'versions-clear' });
  const table = el('table', { className: 'versions-table', id: 'versions-table' });
  const empty = el('p', { className: 'caption', id: 'versions-empty' });

  root.append(
    inputBadge(ctx, { save: true }),
    el('div', { className: 'versions-run' },
      el('label', {}, text('span', 'ver.step'), ' ', stepIn), el('label', {}, ' ', text('span', 'ver.on'), ' ', parentSel), runB),
    el('div', { className: 'versions-run' }, el('label', {}, text('span', 'ver.recipe'), ' ', recipeIn), recipeB),
    el('div', { className: 'versions-progress' }, bar, status),
    el('div', { className: 'table-scroll' }, table), empty,
    el('div', { className: 'versions-actions' }, clearB),
    uploadControls(ctx, async () => refresh()),
  );

  const history = createHistory(ctx);

  // `num` columns hold figures: right-aligned, never wrapped (styled in style.css).
  const column = (label, className = '') => (label ? text('th', label, { scope: 'col', className }) : el('th', { scope: 'col', className }));
  function render() {
    table.replaceChildren(el('thead', {}, el('tr', {},
      column('ver.col.select'), el('th', { scope: 'col', textContent: '#' }), column('ver.col.name'), column('ver.col.parent'), column('ver.col.method'), column('ver.col.acc', 'num'),
      column('ver.col.bytes', 'num'), column('ver.col.ratio'), column('ver.col.ms', 'num one-line'), column(''))));
    const body = el('tbody');
    const names = new Map(list.map((v) => [v.id, v.name]));
    for (const v of list) {
      const f = v.figures;
      const label = versionLabel(v);
      const ratio = ratioText(v, list);
      const pick = el('input', { type: 'checkbox', checked: selected.has(v.id), title: t('ver.selectTitle', { label }) });
      pick.onchange = () => {
        if (pick.checked) selected.add(v.id);
        else selected.delete(v.id);
        ctx.emit('versionsSelected', [...selected]);
      };
      const name = el('input', { type: 'text', value: v.name, className: 'version-name', maxLength: 60, ariaLabel: t('ver.nameLabel', { id: v.id }) });
      name.onchange = () => act(() => ctx.call('versions', 'rename', v.id, name.value), msg('ver.notRenamed', { id: v.id }));
      const use = text('button', 'ver.use', { type: 'button', className: 'button small', title: t('ver.useTitle', { label }) });
      use.onclick = () => act(async () => {
        await ctx.call('versions', 'useAsInput', v.id);
        ctx.emit('weightsChanged', { version: v.id });
      }, msg('ver.notInput', { label }));
      const link = text('button', 'ver.copy', { type: 'button', className: 'button small', title: t('ver.copyTitle', { label }) });
      link.onclick = () => copyLink(v);
      const del = text('button', 'ver.delete', { type: 'button', className: 'button small danger', title: t('ver.deleteTitle', { label }) });
      del.onclick = () => act(() => ctx.call('versions', 'delete', v.id), msg('ver.notDeleted', { label }));
      const method = el('span', { className: 'method-dot', textContent: methodName(v.method) });
      method.dataset.method = v.method;
      method.style.setProperty('--dot', METHOD_COLORS[v.method] || '#000');
      const parent = v.parent == null ? '—' : names.has(v.parent) ? `#${v.parent}` : t('ver.parentDeleted', { id: v.parent });
      // The recipe and the names are the learner's own text (verbatim: kept in every language).
      const row = el('tr', {},
        el('td', {}, pick), verbatim('td', `#${v.id}`, { title: v.recipe }), el('td', {}, name), verbatim('td', parent, { title: v.parent != null && names.has(v.parent) ? `#${v.parent} ${names.get(v.parent)}` : '' }),
        el('td', {}, method), el('td', { className: 'num', textContent: t('ver.pct', { v: f.accuracy }) }),
        el('td', { className: 'num', textContent: bytes(f.size.packedBytes) }), ratioCell(ratio),
        el('td', { className: 'num', textContent: t('ver.ms', { b1: Number(f.msBatch1).toPrecision(3), b64: Number(f.msBatch64).toPrecision(3) }), title: t('ver.kernel', { kernel: kernelName(f.kernel) }) }),
        // The buttons wrap inside their own box (a flex cell would stop being a table cell).
        el('td', {}, el('div', { className: 'version-actions' }, use, link, ...downloadButtons(ctx, v), del)));
      row.dataset.id = String(v.id);
      body.append(row);
    }
    table.append(body);
    table.hidden = list.length === 0;
    if (list.length) untr(empty);
    else tr(empty, 'ver.empty');
    const keep = parentSel.value;
    parentSel.replaceChildren(text('option', 'ver.parentNone', { value: '' }),
      ...list.map((v) => verbatim('option', versionLabel(v), { value: String(v.id) })));
    parentSel.value = list.some((v) => String(v.id) === keep) ? keep : list.length ? String(list[list.length - 1].id) : '';
    root.dataset.count = String(list.length);
  }

  async function refresh() {
    try {
      list = await ctx.call('versions', 'list');
    } catch (e) {
      ctx.showError(e);
      return;
    }
    for (const id of [...selected]) if (!list.some((v) => v.id === id)) selected.delete(id);
    render();
    ctx.emit('versionsListed', list);
    ctx.emit('versionsSelected', [...selected]);
    history.save(list);
  }

  async function act(fn, what) {
    try {
      await fn();
    } catch (e) {
      ctx.notice('ver.failed', 'error', { what, reason: reason(e) });
    }
    await refresh();
  }

  async function copyLink(v) {
    const url = new URL(document.baseURI);
    url.hash = `recipe=${v.recipe}`;
    try {
      await navigator.clipboard.writeText(url.href);
      ctx.notice('ver.copied', 'info', { label: versionLabel(v), url: url.href });
    } catch {
      ctx.notice('ver.copyByHand', 'info', { label: versionLabel(v), url: url.href });
    }
  }

  ctx.on('jobProgress', (p) => {
    bar.value = (p.index + p.fraction) / Math.max(1, p.count);
    // The step is recipe text and the phase comes from Rust in English ("training", …): both
    // are shown as they are, inside the catalogue's sentence.
    tr(status, p.count > 1 ? 'ver.progressOf' : 'ver.progressOne', { n: p.index + 1, count: p.count, step: p.step, phase: phaseName(p.phase), frac: p.fraction }, { isRich: true });
  });
  /** Rust's phase words (crate/version/step), said again from the catalogue; others as they are. */
  const PHASES = {
    starting: 'ver.phase.starting',
    training: 'ver.phase.training',
    'retraining with the mask held': 'ver.phase.retrainHeld',
    pruned: 'ver.phase.pruned',
    'fine-tuning the narrower network': 'ver.phase.narrower',
    'neurons removed': 'ver.phase.neurons',
    'quantization-aware training': 'ver.phase.qat',
    quantized: 'ver.phase.quantized',
    'weights shared': 'ver.phase.shared',
    'fine-tuning the shared centroids': 'ver.phase.centroids',
    'Huffman coding': 'ver.phase.huffman',
    'fine-tuning the factors': 'ver.phase.factors',
    factored: 'ver.phase.factored',
    "computing the teacher's logits": 'ver.phase.logits',
    "training the student on the teacher's soft targets": 'ver.phase.student',
    'training binary weights through the straight-through estimator': 'ver.phase.binary',
    'fine-tuning with the mask held': 'ver.phase.finetune',
  };
  const phaseName = (ph) => {
    const round = /^pruning round (\d+) of (\d+): retraining with the mask held$/.exec(ph);
    if (round) return msg('ver.phase.round', { round: round[1], rounds: round[2] });
    return PHASES[ph] ? msg(PHASES[ph]) : ph;
  };

  async function runRecipe(recipe, parent) {
    root.dataset.busy = '1';
    bar.value = 0;
    tr(status, 'ver.starting', { recipe }, { isRich: true });
    try {
      const made = await ctx.call('jobs', 'recipe', recipe, parent);
      const last = made[made.length - 1];
      tr(status, 'ver.done', { n: made.length, label: versionLabel(last), acc: last.figures.accuracy }, { isRich: true });
      return made;
    } catch (e) {
      untr(status);
      ctx.notice('ver.recipeFailed', 'error', { reason: reason(e) });
      return null;
    } finally {
      delete root.dataset.busy;
      await refresh();
    }
  }

  runB.onclick = async () => {
    const parent = parentSel.value === '' ? null : Number(parentSel.value);
    await runRecipe(stepIn.value, parent);
  };
  recipeB.onclick = () => runRecipe(recipeIn.value, null);
  clearB.onclick = () => act(async () => {
    await ctx.call('versions', 'clear');
    await history.clear();
  }, msg('ver.notCleared'));

  ctx.on('versionsChanged', refresh);
  onLocale(render);
  // A restarted worker has lost its versions: give it the kept ones again.
  ctx.on('restarted', () => history.restore(refresh));
  // Not awaited: main.js mounts every panel before the data arrives.
  ctx.whenReady.then(async () => {
    await history.restore(refresh);
    await refresh();
    const text = ctx.state.get('recipe');
    if (text) {
      recipeIn.value = text;
      const made = await runRecipe(text, null);
      if (made) for (const v of made) selected.add(v.id);
      await refresh();
    }
    root.dataset.ready = '1';
  });
}
