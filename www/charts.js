// The chart functions panels get as ctx.charts: the wasm module's plotters-canvas drawing
// (render::chart, render::pareto), wrapped so every chart is drawn at devicePixelRatio and
// carries a text alternative for screen readers.

import * as wasm from './pkg/shrink.js';
import { hiDpi, describe, chartText } from './ui.js';

/**
 * The wasm chart functions, drawing at devicePixelRatio: each canvas gets dpr× its CSS pixels
 * (ui.js hiDpi) and Rust scales fonts, margins and strokes by the same factor (`scale`).
 */
export function hiDpiCharts() {
  /** Sizes the canvas, draws, and gives it the chart's text alternative (ui.js chartText). */
  const drawn = (canvas, chart, draw) => {
    const scale = canvas ? hiDpi(canvas) : 1;
    const out = draw({ ...chart, scale });
    if (canvas) describe(canvas, chartText(chart));
    return out;
  };
  return {
    ...wasm,
    drawLineChart: (id, chart) => drawn(document.getElementById(id), chart, (c) => wasm.drawLineChart(id, c)),
    drawLineChartOn: (canvas, chart) => drawn(canvas, chart, (c) => wasm.drawLineChartOn(canvas, c)),
    drawHistogram: (canvas, chart) => drawn(canvas, chart, (c) => wasm.drawHistogram(canvas, c)),
  };
}
