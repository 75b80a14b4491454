//! The page's chart canvas: plotters-canvas's `CanvasBackend`, with text measured by the
//! canvas's own `measureText` instead of plotters' web font code.
//!
//! plotters measures every tick label, axis name and legend entry (`estimate_text_size`) to
//! place them. Its web implementation does it in the DOM: it appends a `<span>` to the body,
//! reads `offsetHeight`, and removes it, so each label forces a style and layout of the whole
//! page. The Train panel's two charts measure ~40 labels per redraw, four redraws a second
//! while training: in a Chrome trace of a 2-thread run they were most of the page thread's
//! work (11.6 ms a redraw, ~80 ms of forced layouts and ~90 ms of hover hit tests per 4
//! epochs), on a machine whose two cores the training also wants. `measureText` shapes the
//! text with the same font the canvas draws it in and touches no layout.
//!
//! The box it reports is the one the span gave: the advance width, and the font's ascent plus
//! descent as the height (a span's line box at `line-height: normal`).

use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// plotters-canvas's error type (the crate does not export its name).
type CanvasError = <CanvasBackend as DrawingBackend>::ErrorType;

/// `measureText` threw (it does not for a plain string; kept typed rather than unwrapped).
#[derive(Debug)]
struct MeasureError(String);

impl std::fmt::Display for MeasureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "measuring chart text failed: {}", self.0)
    }
}

impl std::error::Error for MeasureError {}

/// A [`CanvasBackend`] that measures text on its canvas (see the module header).
pub struct Canvas {
    inner: CanvasBackend,
    context: CanvasRenderingContext2d,
}

impl Canvas {
    /// The canvas with id `id`, or `None` if there is none (or it has no 2D context).
    pub fn by_id(id: &str) -> Option<Self> {
        let canvas = web_sys::window()?
            .document()?
            .get_element_by_id(id)?
            .dyn_into::<HtmlCanvasElement>()
            .ok()?;
        Self::on(canvas)
    }

    /// `canvas`, or `None` if it has no 2D context.
    pub fn on(canvas: HtmlCanvasElement) -> Option<Self> {
        let context = canvas
            .get_context("2d")
            .ok()??
            .dyn_into::<CanvasRenderingContext2d>()
            .ok()?;
        let inner = CanvasBackend::with_canvas_object(canvas)?;
        Some(Self { inner, context })
    }
}

impl DrawingBackend for Canvas {
    type ErrorType = CanvasError;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.fill_polygon(vert, style)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_text(text, style, pos)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<CanvasError>> {
        // The font string CanvasBackend::draw_text sets, so the text is measured as drawn.
        // measureText leaves nothing else behind: every draw sets its own font.
        self.context.set_font(&format!(
            "{} {}px {}",
            style.style().as_str(),
            style.size(),
            style.family().as_str(),
        ));
        let m = self
            .context
            .measure_text(text)
            .map_err(|e| DrawingErrorKind::FontError(Box::new(MeasureError(format!("{e:?}")))))?;
        let height = m.font_bounding_box_ascent() + m.font_bounding_box_descent();
        Ok((
            m.width().ceil().max(0.0) as u32,
            height.ceil().max(0.0) as u32,
        ))
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.blit_bitmap(pos, size, src)
    }
}
