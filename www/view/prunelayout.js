// The Prune panel's controls and result boxes, built once: what to prune (level, ranking,
// threshold, mask held), how much (the slider, Han et al.'s preset), the actions, and the
// results (stats, per-layer and size tables, times, heatmap, survival map, charts, pitfall).
// Each part carries `data-part` so an embed can hide it (`hide=` in embed.html's address).
// Initial values come from the address (`prune.*`); prune.js wires the behaviour.

import { tr } from '../i18n.js';
import { el, field, select, text as lt, describe } from '../ui.js';
import { addressNumber } from '../check.js';

/** Appends the panel's layout to `root` and returns its controls and boxes by name. */
export function pruneLayout(root, ctx) {
  const st = ctx.state;
  const saved = (k, d) => (st.get(`prune.${k}`) ?? d);

  // ---------- controls ----------
  const level = select('prune-level', [['weights', 'prune.level.weights'], ['neurons', 'prune.level.neurons']], saved('level', 'weights'));
  const criterion = select('prune-criterion', [['magnitude', 'prune.crit.magnitude'], ['gradient', 'prune.crit.gradient'], ['taylor', 'prune.crit.taylor'], ['random', 'prune.crit.random']], saved('criterion', 'magnitude'));
  const ncrit = select('prune-ncrit', [['l1', 'prune.ncrit.l1'], ['l2', 'prune.ncrit.l2'], ['gradient', 'prune.ncrit.gradient']], saved('ncrit', 'l1'));
  const scope = select('prune-scope', [['layer', 'prune.scope.layer'], ['global', 'prune.scope.global']], saved('scope', 'layer'));
  const hold = el('input', { type: 'checkbox', id: 'prune-hold', checked: saved('hold', '1') !== '0' });
  // prune.sparsity from the address: reported in words when out of range, never clamped.
  const fromHash = addressNumber(st, 'prune.sparsity', 'prune.sparsityLabel', 0.5, { min: 0, max: 0.99 });
  if (fromHash.warning) ctx.notice(fromHash.warning, 'warn');
  const slider = el('input', { type: 'range', id: 'prune-slider', min: '0', max: '99', step: '1', value: String(Math.round(100 * fromHash.value)) });
  const sliderLabel = el('output', { id: 'prune-slider-label' });
  const han = lt('button', 'prune.han', { type: 'button', className: 'chip', id: 'prune-han' });
  const fine = lt('button', 'prune.finetune', { type: 'button', className: 'button primary', id: 'prune-finetune', disabled: true });
  const restore = lt('button', 'prune.restore', { type: 'button', className: 'button', id: 'prune-restore', disabled: true });
  const iterate = lt('button', 'prune.iterate', { type: 'button', className: 'button', id: 'prune-iterate', disabled: true });
  const status = el('p', { className: 'caption', id: 'prune-status' });

  const controls = el('div', { className: 'settings prune-controls', 'data-part': 'controls' },
    lt('h3', 'prune.what'),
    field('prune.level', level),
    field('prune.rankWeights', criterion),
    field('prune.rankNeurons', ncrit),
    field('prune.threshold', scope),
    el('label', { className: 'field prune-check' }, hold, lt('span', 'prune.hold')),
    lt('h3', 'prune.howMuch'),
    field('a11y.pruneShare', el('div', { className: 'prune-slider-row' }, slider, sliderLabel)),
    han,
    el('div', { className: 'buttons' }, fine, restore),
    iterate,
    status,
  );

  // ---------- results ----------
  const acc = el('div', { className: 'stat-value', id: 'prune-acc', textContent: '—' });
  const spars = el('div', { className: 'stat-value', id: 'prune-sparsity', textContent: '—' });
  const shape = el('div', { className: 'stat-value', id: 'prune-shape', textContent: '—' });
  const stats = el('div', { className: 'stats', 'data-part': 'stats' },
    el('div', { className: 'stat' }, lt('div', 'prune.stat.acc', { className: 'stat-label' }), acc),
    el('div', { className: 'stat' }, lt('div', 'prune.stat.pruned', { className: 'stat-label' }), spars),
    el('div', { className: 'stat' }, lt('div', 'prune.stat.model', { className: 'stat-label' }), shape));
  const layerTable = el('table', { className: 'prune-table', id: 'prune-layers' });
  const sizeTable = el('table', { className: 'prune-table', id: 'prune-sizes' });
  const timeTable = el('table', { className: 'prune-table', id: 'prune-times' });
  const timeBtn = lt('button', 'prune.measureSpeed', { type: 'button', className: 'button small', id: 'prune-time', disabled: true });

  const view = select('prune-view', [['weights', 'prune.view.weights'], ['mask', 'prune.view.mask'], ['importance', 'prune.view.importance']], 'weights');
  // One option per layer of the current model (onModelSizes below).
  const heatLayer = select('prune-heat-layer', [], '0');
  const heat = el('canvas', { className: 'heatmap', id: 'prune-heatmap' });
  const survival = el('canvas', { className: 'heatmap prune-survival', id: 'prune-survival', width: 28, height: 28 });
  const survivalCaption = el('p', { className: 'caption', id: 'prune-survival-caption' });
  const curve = el('canvas', { id: 'prune-curve', width: 360, height: 223 });
  const sens = el('canvas', { id: 'prune-sens', width: 360, height: 223 });
  describe(heat, 'a11y.pruneHeatEmpty');
  describe(survival, 'a11y.survivalEmpty');
  describe(curve, 'a11y.curveEmpty');
  describe(sens, 'a11y.sensEmpty');
  const sensBtn = lt('button', 'prune.runSens', { type: 'button', className: 'button small', id: 'prune-sens-btn', disabled: true });
  // Until the sensitivity is run, a sentence on what it measures stands where its chart will be
  // (prune.js swaps them), not an empty box.
  const sensHint = lt('p', 'prune.sensHint', { className: 'caption', id: 'prune-sens-hint' });
  sens.hidden = true;

  const pitBtn = lt('button', 'prune.pitfallBtn', { type: 'button', className: 'button', id: 'prune-pitfall-btn', disabled: true });
  const pitOut = el('div', { className: 'prune-pitfall', id: 'prune-pitfall' });

  const main = el('div', { className: 'prune-main' },
    stats,
    el('div', { className: 'prune-cols', 'data-part': 'tables' },
      el('div', {}, lt('h3', 'prune.perLayer'), layerTable),
      el('div', {}, lt('h3', 'prune.trueSize'), sizeTable),
      el('div', {}, lt('h3', 'prune.time'), timeTable, timeBtn)),
    el('div', { className: 'panel-tools prune-tools', 'data-part': 'heatmap' }, lt('h3', 'prune.heatmap'),
      field('a11y.layer', heatLayer), field('a11y.show', view)),
    el('div', { className: 'heatmap-frame', 'data-part': 'heatmap' }, heat),
    el('div', { className: 'legend', 'data-part': 'heatmap' },
      lt('span', 'prune.legend.negative'), el('span', { className: 'legend-ramp' }), lt('span', 'prune.legend.positive'),
      el('span', { className: 'legend-swatch pruned' }), lt('span', 'prune.legend.pruned'),
      el('span', { className: 'legend-swatch prune-removed' }), lt('span', 'prune.legend.removed')),
    el('div', { className: 'prune-survival-row', 'data-part': 'survival' },
      survival,
      el('div', {}, lt('h3', 'prune.survival'), survivalCaption)),
    el('div', { className: 'prune-charts', 'data-part': 'charts' },
      el('div', { 'data-part': 'curve' }, lt('h3', 'prune.curve'), curve),
      el('div', { 'data-part': 'sensitivity' }, lt('h3', 'prune.sens'), sens, sensHint, sensBtn)),
    lt('h3', 'prune.pitfall', { 'data-part': 'pitfall' }),
    tr(el('p', { className: 'caption', 'data-part': 'pitfall' }), 'prune.pitfallText', {}, { isRich: true }),
    el('div', { 'data-part': 'pitfall' }, pitBtn, pitOut));
  root.append(el('div', { className: 'prune-layout' }, controls, main));

  return {
    level, criterion, ncrit, scope, hold, slider, sliderLabel, han, fine, restore, iterate, status,
    acc, spars, shape, layerTable, sizeTable, timeTable, timeBtn,
    view, heatLayer, heat, survival, survivalCaption, curve, sens, sensHint, sensBtn, pitBtn, pitOut,
  };
}
