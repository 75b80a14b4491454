//! Evaluation: accuracy, mean cross-entropy and the 10×10 confusion matrix over a dataset,
//! computed in fixed-size batches through the same forward kernels as training (with several
//! threads, in self-scheduled pieces: `parallel/evaluate.rs`), summed in example order, so any
//! thread count gives the same numbers.

use crate::data::batch::gather;
use crate::data::Dataset;
use crate::error::{check_len, Error, Result};
use crate::model::loss::log_sum_exp;
use crate::model::{Mlp, Workspace};
use crate::tensor::argmax;
use crate::tensor::kernels::par;
use serde::Serialize;

/// Rows per evaluation batch: large enough that the per-batch work (bias, activations, the
/// logits copy) is small next to the GEMMs; 1000 × 784 floats is 3 MB of scratch.
const EVAL_BATCH: usize = 1000;

/// The result of evaluating a model.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    /// Examples evaluated.
    pub count: usize,
    /// Fraction classified correctly.
    pub accuracy: f32,
    /// Mean cross-entropy.
    pub loss: f32,
    /// `confusion[true * 10 + predicted]`.
    pub confusion: Vec<u32>,
}

impl Evaluation {
    /// Number of misclassified examples.
    pub fn errors(&self) -> usize {
        self.count - (self.accuracy * self.count as f32).round() as usize
    }
}

/// Evaluates `mlp` on the first `limit` examples of `data` (all if `limit` is 0 or too big).
///
/// # Errors
/// `ShapeMismatch` if the data width is not the network's input width.
pub fn evaluate(mlp: &Mlp, data: &Dataset, limit: usize) -> Result<Evaluation> {
    let threads = par::threads();
    if threads > 1 {
        // Threaded build: the examples in pieces on every thread, each example scored as the
        // one-thread loop below scores it, the sums taken in example order (`tally`).
        let n = count(data, limit);
        let (mut cells, mut losses) = (vec![0u8; n], vec![0.0f32; n]);
        let shards = threads.min(super::parallel::MAX_SHARDS);
        par::in_pool_spinning(|| {
            super::parallel::score_examples(mlp, data, shards, &mut cells, &mut losses)
        })?;
        return Ok(tally(&cells, &losses));
    }
    // `mlp` is borrowed for the whole evaluation, so its Wᵀ is packed once, on the first batch.
    let mut packed = false;
    evaluate_with(
        |x, b, ws| {
            if !packed {
                ws.pack(mlp)?;
                packed = true;
            }
            mlp.forward_packed(x, b, ws)?;
            Ok(ws.logits(b).to_vec())
        },
        mlp.n_in(),
        data,
        limit,
    )
}

/// How many examples an evaluation with `limit` covers: all of `data` if `limit` is 0 or more
/// than it has.
fn count(data: &Dataset, limit: usize) -> usize {
    if limit == 0 {
        data.len()
    } else {
        limit.min(data.len())
    }
}

/// One example's confusion cell (10·label + prediction) and cross-entropy, from its 10
/// logits `z`.
///
/// # Errors
/// `BadData` for a label above 9.
pub(crate) fn score_row(z: &[f32], label: u8) -> Result<(u8, f32)> {
    let t = label as usize;
    match z.get(t) {
        Some(&zt) if t < 10 => Ok(((t * 10 + argmax(z)) as u8, log_sum_exp(z) - zt)),
        _ => Err(Error::data(format!("label {t} is not a digit 0–9"))),
    }
}

/// The evaluation from each example's confusion cell (10·label + prediction) and loss, added
/// up in example order: the one reduction of the one-thread and the threaded evaluation, so
/// both give the same numbers.
pub(crate) fn tally(cells: &[u8], losses: &[f32]) -> Evaluation {
    let mut confusion = vec![0u32; 100];
    let (mut correct, mut loss) = (0usize, 0.0f64);
    for (&c, &l) in cells.iter().zip(losses) {
        let c = usize::from(c).min(99);
        confusion[c] += 1;
        correct += usize::from(c / 10 == c % 10);
        loss += l as f64;
    }
    let n = cells.len();
    Evaluation {
        count: n,
        accuracy: correct as f32 / n.max(1) as f32,
        loss: (loss / n.max(1) as f64) as f32,
        confusion,
    }
}

/// Evaluates any classifier given as `forward(x, batch, workspace) -> logits`: compressed
/// models (factored, quantized, binary) reuse the same metrics.
///
/// # Errors
/// `ShapeMismatch` if the data width is not `n_in`, or what `forward` returns.
pub fn evaluate_with(
    mut forward: impl FnMut(&[f32], usize, &mut Workspace) -> Result<Vec<f32>>,
    n_in: usize,
    data: &Dataset,
    limit: usize,
) -> Result<Evaluation> {
    check_len("evaluate image width", data.dim(), n_in)?;
    let n = count(data, limit);
    let mut ws = Workspace::default();
    let mut x = vec![0.0; EVAL_BATCH * n_in];
    let mut y = vec![0u8; EVAL_BATCH];
    let (mut cells, mut losses) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let idx: Vec<u32> = (0..n as u32).collect();
    for chunk in idx.chunks(EVAL_BATCH) {
        let b = chunk.len();
        gather(data, chunk, &mut x[..b * n_in], &mut y[..b])?;
        let logits = forward(&x[..b * n_in], b, &mut ws)?;
        let classes = logits.len() / b.max(1);
        // The confusion matrix is 10×10 and the loss reads z[label]: a model with another
        // number of outputs is rejected, not clamped into the wrong cells.
        if classes != 10 || logits.len() != b * classes {
            return Err(Error::shape("evaluate logits per example", 10, classes));
        }
        for (z, &label) in logits.chunks_exact(10).zip(&y[..b]) {
            let (cell, loss) = score_row(z, label)?;
            cells.push(cell);
            losses.push(loss);
        }
    }
    Ok(tally(&cells, &losses))
}
