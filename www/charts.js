// The chart functions panels get as ctx.charts: the wasm module's plotters-canvas drawing
// (render::chart, render::pareto), wrapped so every chart is drawn at devicePixelRatio and
// carries a text alternative for screen readers.

import * as wasm from './pkg/shrink.js';
import { hiDpi, describe, chartText } from './ui.js';

/**
 * A canvas the stylesheet sizes (`width: 100%`, a fixed height) is drawn at its laid-out size:
 * Rust draws text at 12 CSS px, and a 560 px drawing squeezed into a 336 px phone column showed
 * it at 7 px (and stretched it on a wide screen). A hidden canvas keeps the size it has.
 */
function fitToLayout(canvas) {
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (!canvas.isConnected || !w || !h) return;
  const css = canvas.shrinkDpr || { w: canvas.width, h: canvas.height };
  if (Math.abs(w - css.w) > 1 || Math.abs(h - css.h) > 1) {
    canvas.width = w;
    canvas.height = h;
  }
}

/**
 * The wasm chart functions, drawing at devicePixelRatio: each canvas gets dpr× its laid-out CSS
 * pixels (fitToLayout, ui.js hiDpi) and Rust scales fonts, margins and strokes by the same
 * factor (`scale`).
 */
export function hiDpiCharts() {
  /** Sizes the canvas, draws, and gives it the chart's text alternative (ui.js chartText)
   *  unless the view gives its own (`own`: the Compare panel's Pareto charts). */
  const drawn = (canvas, chart, draw, own = false) => {
    if (canvas) fitToLayout(canvas);
    const scale = canvas ? hiDpi(canvas) : 1;
    const out = draw({ ...chart, scale });
    if (canvas && !own) describe(canvas, chartText(chart));
    return out;
  };
  return {
    ...wasm,
    drawLineChart: (id, chart) => drawn(document.getElementById(id), chart, (c) => wasm.drawLineChart(id, c)),
    drawLineChartOn: (canvas, chart) => drawn(canvas, chart, (c) => wasm.drawLineChartOn(canvas, c)),
    drawHistogram: (canvas, chart) => drawn(canvas, chart, (c) => wasm.drawHistogram(canvas, c)),
    drawParetoChartOn: (canvas, chart) => drawn(canvas, chart, (c) => wasm.drawParetoChartOn(canvas, c), true),
  };
}
