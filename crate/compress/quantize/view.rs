//! What the Quantize panel shows, computed in the core: accuracy against the float model, the
//! three sizes, the quantization levels of a layer, its before/after weight histogram, the
//! |w − q(w)| heatmap, and measured int8 against f32 inference time.

use super::fixed_point::row_params;
use super::model::{LayerCodes, QLayer, QuantizedMlp};
use crate::compress::{speed, Compressed, ModelSize};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::error::{Reason, Setting};
use crate::model::{Mlp, Workspace};
use crate::render::heatmap::Image;
use crate::render::histogram::{counts, error_heatmap, HistogramChart};
use serde::Serialize;

/// The panel's numbers after one quantization.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Test accuracy of the quantized model.
    pub accuracy: f32,
    /// Test accuracy of the float model.
    pub float_accuracy: f32,
    /// The three sizes.
    pub size: ModelSize,
    /// Bits per weight.
    pub bits: u32,
    /// Kernel the model runs on ("int8" or "f32").
    pub kernel: String,
    /// Mean |w − q(w)| per layer.
    pub layer_errors: Vec<f32>,
    /// Largest |w − q(w)| over all layers (the heatmaps' common scale).
    pub max_error: f32,
}

/// The representable values of a layer (of its first channel when scales are per channel).
pub fn levels(l: &QLayer) -> Vec<f32> {
    match &l.codes {
        LayerCodes::Int { qp, .. } => row_params(qp, 0).map(|p| p.levels()).unwrap_or_default(),
        LayerCodes::Float { format, scale, .. } => {
            let n = 1u32 << format.bits().min(8);
            let mut v: Vec<f32> = (0..n)
                .map(|c| format.decode(c as u16) / scale)
                .filter(|x| x.is_finite())
                .collect();
            v.sort_unstable_by(f32::total_cmp);
            v.dedup();
            v
        }
        LayerCodes::Shared { book } => book.centroids.clone(),
    }
}

fn layer_pair<'a>(
    float: &'a Mlp,
    q: &'a QuantizedMlp,
    layer: usize,
) -> Result<(&'a [f32], &'a QLayer)> {
    let f = float
        .layers
        .get(layer)
        .ok_or_else(|| Error::no_layer(layer, float.layers.len()))?;
    let ql = q
        .layers
        .get(layer)
        .ok_or_else(|| Error::no_layer(layer, q.layers.len()))?;
    let fw =
        f.w.as_slice()
            .ok_or_else(|| Error::data("weights are not contiguous"))?;
    if fw.len() != ql.weights.len() {
        return Err(Error::shape("quantize view", fw.len(), ql.weights.len()));
    }
    Ok((fw, ql))
}

/// Accuracy, sizes and errors of `q` against `float` on `test` (first `limit`, 0 = all).
///
/// # Errors
/// Shape errors if the models differ or the data does not fit.
pub fn report(float: &Mlp, q: &QuantizedMlp, test: &Dataset, limit: usize) -> Result<Report> {
    let mut errs = Vec::new();
    let mut max_error = 0f32;
    for l in 0..q.layers.len() {
        let (fw, ql) = layer_pair(float, q, l)?;
        let qw = ql.weights.as_slice().unwrap_or(&[]);
        let (sum, mx) = fw.iter().zip(qw).fold((0f64, 0f32), |(s, m), (a, b)| {
            let e = (a - b).abs();
            (s + f64::from(e), m.max(e))
        });
        errs.push((sum / fw.len().max(1) as f64) as f32);
        max_error = max_error.max(mx);
    }
    Ok(Report {
        accuracy: q.evaluate(test, limit)?.accuracy,
        float_accuracy: float.evaluate(test, limit)?.accuracy,
        size: q.size(),
        bits: q.layers.first().map_or(0, |l| l.bits),
        kernel: q.kernel().to_string(),
        layer_errors: errs,
        max_error,
    })
}

/// Histogram of a layer's float and quantized weights over the float range, with its levels.
///
/// # Errors
/// `InvalidParam` for a missing layer.
pub fn histogram(
    float: &Mlp,
    q: &QuantizedMlp,
    layer: usize,
    bins: usize,
) -> Result<HistogramChart> {
    let (fw, ql) = layer_pair(float, q, layer)?;
    let qw = ql.weights.as_slice().unwrap_or(&[]);
    let n_in = ql.n_in().max(1);
    // Per-channel scales give every neuron its own grid: show the neuron with the widest
    // range, so the bars pile up on exactly the levels drawn.
    let (fw, qw, levels, what) = match &ql.codes {
        LayerCodes::Int { qp, .. } if qp.len() > 1 => {
            let amax = |r: &[f32]| r.iter().fold(0f32, |m, v| m.max(v.abs()));
            let row = fw
                .chunks(n_in)
                .enumerate()
                .max_by(|a, b| amax(a.1).total_cmp(&amax(b.1)))
                .map_or(0, |(i, _)| i);
            let span = row * n_in..(row + 1) * n_in;
            let lv = row_params(qp, row).map(|p| p.levels()).unwrap_or_default();
            (
                &fw[span.clone()],
                &qw[span],
                lv,
                format!("layer {}, neuron {} (its own scale)", layer + 1, row + 1),
            )
        }
        _ => (fw, qw, levels(ql), format!("layer {}", layer + 1)),
    };
    let (lo, hi) = super::fixed_point::min_max(fw.iter().chain(qw).copied());
    let pad = 0.02 * (hi - lo).max(1e-6);
    let (lo, hi) = (lo - pad, hi + pad);
    let bins = bins.clamp(8, 1000);
    Ok(HistogramChart {
        title: format!(
            "{what}: float (grey), quantized (blue), {} levels (orange)",
            levels.len()
        ),
        lo,
        hi,
        before: counts(fw.iter().copied(), lo, hi, bins),
        after: counts(qw.iter().copied(), lo, hi, bins),
        levels,
        scale: 1.0,
        ..HistogramChart::default()
    })
}

/// |w − q(w)| of one layer as an image (`n_in` wide, `n_out` tall), scaled to `max_error`
/// (0 or less: to the layer's own largest error).
///
/// # Errors
/// `InvalidParam` for a missing layer.
pub fn error_image(float: &Mlp, q: &QuantizedMlp, layer: usize, max_error: f32) -> Result<Image> {
    let (fw, ql) = layer_pair(float, q, layer)?;
    let qw = ql.weights.as_slice().unwrap_or(&[]);
    let scale = if max_error > 0.0 {
        max_error
    } else {
        fw.iter()
            .zip(qw)
            .fold(0f32, |m, (a, b)| m.max((a - b).abs()))
    };
    error_heatmap(fw, qw, ql.n_in(), scale)
}

/// Measured inference time at one batch size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Speed {
    /// Batch size.
    pub batch: usize,
    /// f32 forward, ms.
    pub f32_ms: f64,
    /// Quantized forward, ms.
    pub quantized_ms: f64,
    /// f32 / quantized.
    pub speedup: f64,
}

/// Times `float` and `q` on the first `batch` images of `data`, each for at least `min_ms`.
///
/// # Errors
/// `InvalidParam` for batch 0 or larger than the data; shape errors from forward.
pub fn measure(
    float: &Mlp,
    q: &QuantizedMlp,
    data: &Dataset,
    batch: usize,
    clock: &dyn Fn() -> f64,
    min_ms: f64,
) -> Result<Speed> {
    if batch == 0 || batch > data.len() {
        return Err(Error::param(
            Setting::Batch,
            batch,
            Reason::MustBeBetween1AndTheNumberOf,
        ));
    }
    let d = data.dim();
    let mut x = vec![0f32; batch * d];
    for i in 0..batch {
        data.write_image(i, &mut x[i * d..(i + 1) * d]);
    }
    let mut ws = Workspace::default();
    Compressed::forward(float, &x, batch, &mut ws)?;
    q.forward(&x, batch, &mut ws)?;
    // Alternate short rounds and keep each side's best: on a shared, busy machine the fastest
    // round is the one least disturbed, and alternating exposes both to the same conditions.
    let (mut f32_ms, mut quantized_ms) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..5 {
        f32_ms = f32_ms.min(speed::try_mean_ms(clock, min_ms / 5.0, || {
            Compressed::forward(float, &x, batch, &mut ws).map(drop)
        })?);
        quantized_ms = quantized_ms.min(speed::try_mean_ms(clock, min_ms / 5.0, || {
            q.forward(&x, batch, &mut ws).map(drop)
        })?);
    }
    Ok(Speed {
        batch,
        f32_ms,
        quantized_ms,
        speedup: f32_ms / quantized_ms.max(1e-9),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compress::quantize::{apply, Params};
    use crate::model::{Activation, MlpSpec};

    #[test]
    fn error_heatmap_has_contrast_and_histogram_has_2_pow_b_levels() {
        let mlp = Mlp::new(&MlpSpec::mnist(&[30, 20], Activation::Relu), 3).unwrap();
        let q = apply(
            &mlp,
            &Params {
                bits: 4,
                ..Default::default()
            },
            None,
        )
        .unwrap();
        let img = error_image(&mlp, &q, 0, 0.0).unwrap();
        let distinct: std::collections::HashSet<&[u8]> = img.rgba.chunks(4).collect();
        assert!(distinct.len() > 50, "{}", distinct.len());
        assert_eq!(histogram(&mlp, &q, 0, 100).unwrap().levels.len(), 16);
    }
}
