//! The data-parallel training step: one optimizer step in two fork-joins, whatever the depth.
//!
//! Phase 1, by examples (a shard takes rows r0..r1 of the batch): gather, forward through every
//! layer, softmax cross-entropy, and the backward deltas δ_{l−1} = (δ_l·W_l) ⊙ f'(a_{l−1}). All of
//! it is per example, so a shard reads only its own rows (and the shared packed Wᵀ).
//!
//! Phase 2, by output neurons (a shard takes rows n0..n1 of every W_l): the weight gradient
//! ∂L/∂W_l[n0..n1] = δ_l[:, n0..n1]ᵀ·a_{l−1} over the whole batch, the bias gradient, the
//! optimizer update and mask of those rows, and their packed Wᵀ panels for the next forward,
//! all four per panel of 8 rows while it is in L1 (the gradient never reaches memory).
//!
//! With several threads each phase is cut into pieces that the threads take first come, first
//! served (`pieces.rs`), so a thread the system pauses does not hold the other at the join.
//! Phase 2 is in `neurons.rs`; evaluation on several threads in `evaluate.rs`.
//!
//! One thread runs this step too (one shard, no fork): the serial step in `trainer.rs` remains
//! for custom losses and frozen layers, and is the oracle the tests compare against.
//!
//! This is data parallelism (Dean et al., "Large scale distributed deep networks", NIPS 2012)
//! with the gradient reduction replaced by a split over neurons: no shard sums a partial
//! gradient that another must add, so there is no all-reduce pass over the 266,000 gradients,
//! and every number is the same sum in the same order as in the one-thread step (batch sums run
//! p = 0..B inside one shard). Any shard count gives bit-identical weights, losses and
//! predictions; `tests` checks it against the serial step.

use crate::data::batch::gather;
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::model::loss::{log_sum_exp, softmax_in_place};
use crate::model::mlp::MAX_HIDDEN_LAYERS;
use crate::model::{Mlp, Workspace};
use crate::tensor::kernels::{self, par, PackedBt};
use crate::tensor::{argmax, as_slice};
use pieces::{cut_into, Pieces, MAX_PIECES};

mod evaluate;
mod neurons;
mod pieces;

pub use evaluate::score_examples;
use neurons::{run_neurons, Batch, Neurons};

/// Most layers a network has (hidden layers plus the output layer).
const MAX_LAYERS: usize = MAX_HIDDEN_LAYERS + 1;

/// Most shards a step is cut into (more threads than this idle).
pub const MAX_SHARDS: usize = 16;

/// How many shards a batch of `b` rows is cut into with `threads` threads: at least 8 rows each
/// (smaller GEMMs run below the kernels' efficient size).
pub fn shard_count(threads: usize, b: usize) -> usize {
    threads.min(b / 8).clamp(1, MAX_SHARDS)
}

/// One shard of the batch: its rows of every per-example buffer.
#[derive(Default)]
struct Examples<'a> {
    n: usize,
    idx: &'a [u32],
    x: &'a mut [f32],
    y: &'a mut [u8],
    acts: [&'a mut [f32]; MAX_LAYERS],
    deltas: [&'a mut [f32]; MAX_LAYERS],
    losses: &'a mut [f32],
    correct: &'a mut [u8],
}

/// Cuts `s` at `at` (clamped to its length): `s` keeps the front, the back is returned.
fn cut<'a, T>(s: &mut &'a mut [T], at: usize) -> &'a mut [T] {
    let at = at.min(s.len());
    let (lo, hi) = std::mem::take(s).split_at_mut(at);
    *s = lo;
    hi
}

impl<'a> Examples<'a> {
    /// Splits off rows `at..` (widths: input, then each layer's output).
    fn split(mut self, at: usize, d: usize, widths: &[usize]) -> (Self, Self) {
        let at = at.min(self.n);
        let (lo, hi) = self.idx.split_at(at);
        self.idx = lo;
        let mut rest = Examples {
            n: self.n - at,
            idx: hi,
            x: cut(&mut self.x, at * d),
            y: cut(&mut self.y, at),
            losses: cut(&mut self.losses, at),
            correct: cut(&mut self.correct, at),
            ..Default::default()
        };
        for (l, &w) in widths.iter().enumerate() {
            rest.acts[l] = cut(&mut self.acts[l], at * w);
            rest.deltas[l] = cut(&mut self.deltas[l], at * w);
        }
        self.n = at;
        (self, rest)
    }
}

/// What every shard of phase 1 reads.
struct Net<'a> {
    mlp: &'a Mlp,
    packed: &'a [PackedBt],
    data: &'a Dataset,
    /// 1/B of the whole batch: each row's ∂L/∂z is scaled by it, as in the serial loss.
    inv_b: f32,
}

/// Phase 1 on one shard's rows.
fn examples(net: &Net<'_>, e: Examples<'_>) -> Result<()> {
    let Examples {
        n,
        idx,
        x,
        y,
        mut acts,
        mut deltas,
        losses,
        correct,
    } = e;
    gather(net.data, idx, x, y)?;
    let layers = &net.mlp.layers;
    for (l, layer) in layers.iter().enumerate() {
        let (before, rest) = acts.split_at_mut(l);
        let input: &[f32] = if l == 0 { x } else { before[l - 1] };
        layer.forward_packed(&net.packed[l], input, n, rest[0])?;
    }
    let last = layers.len() - 1;
    let classes = net.mlp.n_out();
    for r in 0..n {
        let z = &acts[last][r * classes..(r + 1) * classes];
        let d = &mut deltas[last][r * classes..(r + 1) * classes];
        let (loss, ok) = cross_entropy_row(z, y[r], net.inv_b, d)?;
        losses[r] = loss;
        correct[r] = u8::from(ok);
    }
    for l in (1..layers.len()).rev() {
        let (lo, hi) = deltas.split_at_mut(l);
        let (n_in, n_out) = (layers[l].n_in(), layers[l].n_out());
        kernels::gemm_nn(n, n_in, n_out, hi[0], as_slice(&layers[l].w)?, lo[l - 1])?;
        layers[l - 1].act.backprop(acts[l - 1], lo[l - 1]);
    }
    Ok(())
}

/// One row of `model::loss::softmax_cross_entropy`, operation for operation (the serial step
/// sums the rows' losses in f64 in the same order afterwards): returns (this row's loss, whether
/// its argmax is the label) and writes (softmax(z) − onehot(y)) / B into `d`.
fn cross_entropy_row(z: &[f32], y: u8, inv_b: f32, d: &mut [f32]) -> Result<(f32, bool)> {
    let y = y as usize;
    if y >= z.len() {
        return Err(Error::data(format!("label {y} is not below {}", z.len())));
    }
    let ok = argmax(z) == y;
    let loss = log_sum_exp(z) - z[y];
    d.copy_from_slice(z);
    softmax_in_place(d);
    d[y] -= 1.0;
    for v in d.iter_mut() {
        *v *= inv_b;
    }
    Ok((loss, ok))
}

/// Pieces per thread in each phase: enough that a thread the system pauses costs the step
/// only its current piece, few enough that each piece's GEMMs stay efficient (16 rows of a
/// batch of 64 at 2 threads).
const PIECES_PER_SHARD: usize = 2;

/// Runs `work` on `shards` threads at once (each taking pieces until none are left) and
/// combines their results.
fn on_threads<T: Send>(
    shards: usize,
    work: &(impl Fn() -> Result<T> + Sync),
    combine: fn(T, T) -> T,
) -> Result<T> {
    if shards <= 1 {
        return work();
    }
    let left = shards / 2;
    let (a, b) = par::join_spinning(
        || on_threads(left, work, combine),
        || on_threads(shards - left, work, combine),
    );
    Ok(combine(a?, b?))
}

/// Runs phase 1 on `e` with `shards` threads, in pieces of whole row tiles (see [`Pieces`]).
fn run_examples(net: &Net<'_>, e: Examples<'_>, shards: usize, widths: &[usize]) -> Result<()> {
    if shards <= 1 {
        return examples(net, e);
    }
    let count = (shards * PIECES_PER_SHARD)
        .min(e.n / 4)
        .clamp(1, MAX_PIECES);
    let rows = e.n.div_ceil(count).next_multiple_of(4);
    let d = net.mlp.n_in();
    let pieces = Pieces::new(cut_into(e, rows, |e| e.n, |e, at| e.split(at, d, widths)))?;
    let work = || {
        while let Some(piece) = pieces.take() {
            examples(net, piece)?;
        }
        Ok(())
    };
    on_threads(shards, &work, |(), ()| ())
}

/// The trainer's buffers one step works on.
pub(crate) struct Step<'a> {
    pub mlp: &'a mut Mlp,
    pub opt: &'a mut super::Optimizer,
    pub grads: &'a mut crate::model::Grads,
    pub ws: &'a mut Workspace,
    pub x: &'a mut [f32],
    pub y: &'a mut [u8],
    pub losses: &'a mut [f32],
    pub correct: &'a mut [u8],
}

/// One step on the batch `idx` in `shards` shards. `ws.packed` must hold the current weights'
/// panels; on return it holds the updated weights' panels. Returns (mean loss, correct, whether
/// every updated weight is finite); with a non-finite loss nothing is updated, as in the serial
/// step.
///
/// # Errors
/// `ShapeMismatch` if a buffer does not match the network; `BadData` for a bad label or index.
pub(crate) fn step(
    s: Step<'_>,
    data: &Dataset,
    idx: &[u32],
    shards: usize,
) -> Result<(f32, usize, bool)> {
    let Step {
        mlp,
        opt,
        grads,
        ws,
        x,
        y,
        losses,
        correct,
    } = s;
    let b = idx.len();
    let d = mlp.n_in();
    let n_layers = mlp.layers.len();
    if n_layers == 0 || n_layers > MAX_LAYERS || ws.packed.len() != n_layers {
        return Err(Error::shape(
            "parallel step",
            "a packed network of 1 to 9 layers",
            n_layers,
        ));
    }
    // Widths, input first, without allocating (the step allocates nothing after the first).
    let mut widths = [d; MAX_LAYERS + 1];
    for (w, layer) in widths[1..].iter_mut().zip(&mlp.layers) {
        *w = layer.n_out();
    }
    let sizes = &widths[..=n_layers];
    let room = x
        .len()
        .min(y.len() * d)
        .min(losses.len().min(correct.len()) * d);
    if room < b * d {
        return Err(Error::shape("parallel step buffers", b * d, room));
    }
    opt.check(mlp, grads)?;
    ws.ensure(mlp, b);
    let Workspace {
        acts,
        deltas,
        packed,
        ..
    } = ws;
    let mut e = Examples {
        n: b,
        idx,
        x: &mut x[..b * d],
        y: &mut y[..b],
        losses: &mut losses[..b],
        correct: &mut correct[..b],
        ..Default::default()
    };
    let per_layer = acts.iter_mut().zip(deltas.iter_mut()).zip(&sizes[1..]);
    for (l, ((a, dl), &w)) in per_layer.enumerate().take(n_layers) {
        e.acts[l] = &mut a[..b * w];
        e.deltas[l] = &mut dl[..b * w];
    }
    let inv_b = 1.0 / b.max(1) as f32;
    let net = Net {
        mlp,
        packed,
        data,
        inv_b,
    };
    run_examples(&net, e, shards, &sizes[1..])?;
    let loss_sum = losses[..b].iter().fold(0.0f64, |s, &l| s + l as f64);
    let loss = (loss_sum * inv_b as f64) as f32;
    let n_correct = correct[..b].iter().map(|&c| c as usize).sum();
    if !loss.is_finite() {
        return Ok((loss, n_correct, true));
    }

    let mut operands: [(&[f32], &[f32]); MAX_LAYERS] = Default::default();
    for (l, op) in operands.iter_mut().enumerate().take(n_layers) {
        let input: &[f32] = if l == 0 {
            &x[..b * d]
        } else {
            &acts[l - 1][..b * sizes[l]]
        };
        *op = (&deltas[l][..b * sizes[l + 1]], input);
    }
    let batch = Batch {
        operands,
        b,
        hyper: opt.begin_step(),
    };
    let mut parts: [Neurons<'_>; MAX_LAYERS] = Default::default();
    let state = opt.state_mut();
    let per_layer = mlp
        .layers
        .iter_mut()
        .zip(grads.b.iter_mut())
        .zip(state)
        .zip(packed.iter_mut());
    for (nb, (((layer, g_b), (m_w, m_b, v_w, v_b)), bt)) in parts.iter_mut().zip(per_layer) {
        let (n, k) = (layer.n_out(), layer.n_in());
        bt.reshape(n, k);
        let crate::model::Dense { w, b, mask, .. } = layer;
        *nb = Neurons {
            first: 0,
            n,
            g_b: g_b.as_slice_mut().unwrap_or_default(),
            rows: [
                w.as_slice_mut().unwrap_or_default(),
                b.as_slice_mut().unwrap_or_default(),
                m_w,
                m_b,
                v_w,
                v_b,
            ],
            mask: mask.as_ref().and_then(|m| m.as_slice()),
            panels: bt.panels_mut(),
        };
    }
    let finite = run_neurons(&batch, &mut parts[..n_layers], shards, sizes)?;
    Ok((loss, n_correct, finite))
}

#[cfg(test)]
mod tests;
