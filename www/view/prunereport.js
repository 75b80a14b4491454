// What the Prune panel shows of the worker's answers, as DOM: the report of a model (accuracy,
// share pruned, shape, the per-layer table and the three honest sizes), the measured times,
// the pitfall's two sides, and Rust's charts with their words in the page's language. Pure
// rendering: prune.js decides when, and asks the worker.

import { tr, untr, fmt } from '../i18n.js';
import { el, pct, text as lt } from '../ui.js';
import { chartWords } from '../rustmsg.js';

/**
 * Rust's chart with its title, axis and series names in the page's language: the lab sends
 * their ids (`chart.text`, crate/error/note.rs) and www/rustmsg.js says them, so a change to
 * Rust's wording cannot silently leave English on a Chinese page.
 */
export const localChart = chartWords;

/**
 * Shows report `r` (PruneLab's apply / report / restore / fineTune) in the panel's stats
 * (`acc`, `spars`, `shape`), its per-layer and size tables, and `root.dataset.removed`.
 */
export function renderReport({ root, acc, spars, shape, layerTable, sizeTable }, r) {
  acc.textContent = pct(r.accuracy);
  acc.dataset.value = String(r.accuracy);
  acc.dataset.evaluated = String(r.evaluated);
  tr(acc, 'prune.onDigits', { n: r.evaluated }, { attr: 'title' });
  spars.textContent = pct(r.totalSparsity, 1);
  spars.dataset.value = String(r.totalSparsity);
  shape.textContent = r.modelSizes.join('-');
  layerTable.replaceChildren(el('tr', {}, ...['prune.col.layer', 'prune.col.weights', 'prune.col.pruned', 'prune.col.sparsity'].map((k) => lt('th', k))));
  for (const l of r.layers) {
    const row = el('tr', {}, ...[`${l.layer + 1}`, fmt.int(l.weights), fmt.int(l.pruned), pct(l.sparsity, 1)].map((x) => el('td', { textContent: x })));
    row.dataset.pruned = String(l.pruned);
    row.id = `prune-layer-${l.layer}`;
    layerTable.append(row);
  }
  const s = r.size;
  sizeTable.replaceChildren(
    el('tr', {}, lt('td', 'prune.size.dense'), lt('td', 'prune.kb', {}, { kb: s.denseFp32Bytes / 1000 })),
    el('tr', {}, lt('td', 'prune.size.zeros'), lt('td', 'prune.kb', {}, { kb: s.denseWithZerosBytes / 1000 })),
    el('tr', {}, lt('td', 'prune.size.packed'), lt('td', 'prune.kbRatio', {}, { kb: s.packedBytes / 1000, ratio: s.denseFp32Bytes / Math.max(1, s.packedBytes) })));
  sizeTable.dataset.packed = String(s.packedBytes);
  root.dataset.removed = String(r.removedNeurons);
}

/** Fills `timeTable` with PruneLab's measured dense vs sparse times `tm`, per batch size. */
export function renderTimings(timeTable, tm) {
  timeTable.replaceChildren(el('tr', {}, el('th'), ...['prune.col.dense', 'prune.col.sparse', 'prune.col.speedup'].map((k) => lt('th', k))));
  const us = (ms) => lt('td', 'prune.us', {}, { us: ms * 1000 });
  const times = (x) => lt('td', 'prune.times', {}, { x });
  tm.batch.forEach((b, i) => {
    for (const [key, d, s] of [['prune.t.layer1', tm.layer1DenseMs[i], tm.layer1SparseMs[i]], ['prune.t.layer1Skip', tm.layer1DenseMs[i], tm.layer1SkipMs[i]], ['prune.t.model', tm.modelDenseMs[i], tm.modelSparseMs[i]]]) {
      timeTable.append(el('tr', {}, lt('td', key, {}, { b }), us(d), us(s), times(d / s)));
    }
    if (tm.referenceDenseMs.length) {
      const [r, d] = [tm.referenceDenseMs[i], tm.modelDenseMs[i]];
      timeTable.append(el('tr', { className: 'prune-ref' }, lt('td', 'prune.t.reference', {}, { b }), us(r), us(d), times(r / d)));
    }
  });
}

/** Fills `pitOut` with the pitfall's two runs `r`: mask held, and mask multiplied once. */
export function renderPitfall(pitOut, r) {
  untr(pitOut).replaceChildren(
    el('div', { className: 'prune-side good', id: 'prune-pitfall-held' },
      lt('strong', 'prune.held'),
      lt('span', 'prune.sparsityArrow', {}, { from: r.sparsityPruned, to: r.held.sparsityAfter }),
      lt('span', 'prune.accuracyIs', {}, { acc: r.held.accuracyAfter })),
    el('div', { className: 'prune-side bad', id: 'prune-pitfall-loose' },
      tr(el('strong'), 'prune.notHeld', {}, { isRich: true }),
      lt('span', 'prune.sparsityArrow', {}, { from: r.sparsityPruned, to: r.notHeld.sparsityAfter }),
      lt('span', 'prune.accuracyIs', {}, { acc: r.notHeld.accuracyAfter })));
  pitOut.dataset.notHeld = String(r.notHeld.sparsityAfter);
}
