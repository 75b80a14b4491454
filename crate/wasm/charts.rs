//! Charts on the page's thread: a `render::chart::LineChart` (plain data from JS) drawn with
//! plotters onto a DOM canvas through plotters-canvas. Charts need the DOM, so they are drawn
//! here rather than in the worker; the worker only sends numbers.

use super::canvas::Canvas;
use super::dto::{err, from_js};
use crate::render::chart::{self, LineChart};
use plotters::prelude::*;
use wasm_bindgen::prelude::*;

/// Draws `chart` (a `LineChart` as a JS object: `{title, xLabel, yLabel, series: [{name,
/// color, points: [[x, y], ...], markers}], yRange, xRange, logY, vLines}`) on the canvas with
/// id `canvas_id`, at the canvas's pixel size.
///
/// # Errors
/// No such canvas, a malformed chart object, or a drawing failure.
#[wasm_bindgen(js_name = drawLineChart)]
pub fn draw_line_chart(canvas_id: &str, chart: JsValue) -> Result<(), JsError> {
    let backend = Canvas::by_id(canvas_id)
        .ok_or_else(|| JsError::new(&format!("there is no canvas with id \"{canvas_id}\"")))?;
    draw(backend, chart)
}

/// Same as [`draw_line_chart`], given the canvas element itself (for panels that build their
/// canvases without ids).
///
/// # Errors
/// As [`draw_line_chart`].
#[wasm_bindgen(js_name = drawLineChartOn)]
pub fn draw_line_chart_on(
    canvas: web_sys::HtmlCanvasElement,
    chart: JsValue,
) -> Result<(), JsError> {
    let backend = Canvas::on(canvas).ok_or_else(|| JsError::new("the canvas has no 2D context"))?;
    draw(backend, chart)
}

fn draw(backend: Canvas, chart: JsValue) -> Result<(), JsError> {
    let chart: LineChart = from_js("chart", chart)?;
    let area = backend.into_drawing_area();
    chart::draw_line_chart(&area, &chart).map_err(err)?;
    area.present()
        .map_err(|e| JsError::new(&format!("chart drawing failed: {e:?}")))
}

/// Draws a `render::pareto::ParetoChart` (`{title, xLabel, yLabel, points: [{x, y, label,
/// color}], keys: [{name, color}], frontierLabel, legend}`) on `canvas`: the Compare panel's
/// accuracy against true bytes or time, log x, with the frontier.
///
/// # Errors
/// A canvas without a 2D context, a malformed chart object, or a drawing failure.
#[wasm_bindgen(js_name = drawParetoChartOn)]
pub fn draw_pareto_chart_on(
    canvas: web_sys::HtmlCanvasElement,
    chart: JsValue,
) -> Result<(), JsError> {
    let backend = Canvas::on(canvas).ok_or_else(|| JsError::new("the canvas has no 2D context"))?;
    let chart: crate::render::pareto::ParetoChart = from_js("chart", chart)?;
    let area = backend.into_drawing_area();
    crate::render::pareto::draw_pareto(&area, &chart).map_err(err)?;
    area.present()
        .map_err(|e| JsError::new(&format!("chart drawing failed: {e:?}")))
}
