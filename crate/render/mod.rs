//! Rendering: a fixed diverging palette, weight heatmaps as RGBA bytes (pure, testable), and
//! charts drawn with plotters on any backend (a canvas in the page, SVG in tests).

pub mod chart;
pub mod heatmap;
pub mod histogram;
pub mod palette;
pub mod pareto;
