//! Phase 2 of the data-parallel step (see `train::parallel`), by output neurons: for the rows
//! n0..n1 of every W_l, the weight gradient ∂L/∂W_l[n0..n1] = δ_l[:, n0..n1]ᵀ·a_{l−1} over the
//! whole batch, the bias gradient, the optimizer update and mask of those rows, and their packed
//! Wᵀ panels for the next forward, all per panel of 8 rows while it is in L1.

use super::pieces::{cut_into, Pieces, MAX_PIECES};
use super::{cut, on_threads, MAX_LAYERS, PIECES_PER_SHARD};
use crate::error::Result;
use crate::tensor::kernels::{self, packed::pack_block, packed::PANEL};
use crate::train::optimizer::{Hyper, Rows};

/// One layer's share of phase 2: output rows `first..first + n` of W and everything per row.
#[derive(Default)]
pub(super) struct Neurons<'a> {
    pub(super) first: usize,
    pub(super) n: usize,
    pub(super) g_b: &'a mut [f32],
    pub(super) rows: [&'a mut [f32]; 6],
    pub(super) mask: Option<&'a [f32]>,
    pub(super) panels: &'a mut [f32],
}

impl<'a> Neurons<'a> {
    /// Splits off rows `at..` (`at` a multiple of the panel width 8, so panels split whole).
    fn split(&mut self, at: usize, n_in: usize) -> Self {
        let at = at.min(self.n);
        let mut rest = Neurons {
            first: self.first + at,
            n: self.n - at,
            g_b: cut(&mut self.g_b, at),
            mask: self.mask.map(|m| &m[(at * n_in).min(m.len())..]),
            panels: cut(&mut self.panels, at * n_in),
            ..Default::default()
        };
        self.mask = self.mask.map(|m| &m[..(at * n_in).min(m.len())]);
        // w, m_w, v_w are [n, n_in]; b, m_b, v_b are [n] (v_* empty for SGD).
        for (i, r) in self.rows.iter_mut().enumerate() {
            let width = if i % 2 == 0 { n_in } else { 1 };
            rest.rows[i] = cut(r, at * width);
        }
        self.n = at;
        rest
    }
}

/// What every shard of phase 2 reads.
pub(super) struct Batch<'a> {
    /// Per layer: (δ_l `[B, n_out]`, the layer's input `[B, n_in]`).
    pub(super) operands: [(&'a [f32], &'a [f32]); MAX_LAYERS],
    pub(super) b: usize,
    pub(super) hyper: Hyper,
}

thread_local! {
    /// One panel's weight gradient (`PANEL` × n_in floats), per thread: grows once, then reused.
    static PANEL_GRAD: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Phase 2 on one shard's neurons of every layer, one panel of `PANEL` output rows at a time:
/// that panel's weight and bias gradients, its optimizer update and its packed Wᵀ, while its
/// rows (8 × n_in floats: 25 KB for LeNet's first layer) are in L1. The weight gradient lives
/// only in a per-thread panel buffer: layer-wide passes wrote the whole 940 KB gradient out and
/// read it back, then streamed W through the cache twice more (update, packing). Returns
/// whether every updated weight is finite.
fn neurons(batch: &Batch<'_>, shard: &mut [Neurons<'_>], sizes: &[usize]) -> Result<bool> {
    let mut finite = true;
    for (l, nb) in shard.iter_mut().enumerate() {
        finite &= neurons_of_layer(batch, l, nb, sizes)?;
    }
    Ok(finite)
}

/// [`neurons`] on one layer's rows `nb` (a piece of phase 2).
fn neurons_of_layer(
    batch: &Batch<'_>,
    l: usize,
    nb: &mut Neurons<'_>,
    sizes: &[usize],
) -> Result<bool> {
    PANEL_GRAD.with(|cell| {
        let mut g_w = cell.borrow_mut();
        g_w.resize(PANEL * sizes[l], 0.0);
        neuron_panels(batch, l, nb, (sizes[l], sizes[l + 1]), &mut g_w)
    })
}

/// [`neurons`] on layer `l`'s rows, with `g_w` (`PANEL` × n_in) as the gradient scratch.
fn neuron_panels(
    batch: &Batch<'_>,
    l: usize,
    nb: &mut Neurons<'_>,
    (n_in, n_out): (usize, usize),
    g_w: &mut [f32],
) -> Result<bool> {
    let (delta, input) = batch.operands[l];
    let [w, b, m_w, m_b, v_w, v_b] = &mut nb.rows;
    let adam = !v_w.is_empty();
    let mut finite = true;
    for g0 in (0..nb.n).step_by(PANEL) {
        let r = PANEL.min(nb.n - g0);
        let (rows, cols) = (g0 * n_in..(g0 + r) * n_in, g0..g0 + r);
        let first = nb.first + g0;
        let g_w = &mut g_w[..r * n_in];
        kernels::gemm_tn_block((n_out, n_in, batch.b), delta, input, (first, r), g_w)?;
        let g_b = &mut nb.g_b[cols.clone()];
        g_b.fill(0.0);
        for row in delta.chunks_exact(n_out).take(batch.b) {
            g_b.iter_mut()
                .zip(&row[first..first + r])
                .for_each(|(g, d)| *g += d);
        }
        let w = &mut w[rows.clone()];
        finite &= batch.hyper.update(
            Rows {
                w,
                b: &mut b[cols.clone()],
                m_w: &mut m_w[rows.clone()],
                m_b: &mut m_b[cols.clone()],
                v_w: if adam {
                    &mut v_w[rows.clone()]
                } else {
                    &mut []
                },
                v_b: if adam { &mut v_b[cols] } else { &mut [] },
            },
            g_w,
            g_b,
            nb.mask.map(|m| &m[rows]),
        );
        pack_block(n_in, w, &mut nb.panels[g0 * n_in..(g0 + PANEL) * n_in])?;
    }
    Ok(finite)
}

/// Runs phase 2 on the neurons in `parts` (one entry per layer) with `shards` threads, in
/// pieces of whole panels, layer by layer (the small last layers end the phase).
pub(super) fn run_neurons(
    batch: &Batch<'_>,
    parts: &mut [Neurons<'_>],
    shards: usize,
    sizes: &[usize],
) -> Result<bool> {
    if shards <= 1 {
        return neurons(batch, parts, sizes);
    }
    let per_layer = (shards * PIECES_PER_SHARD).min(MAX_PIECES / parts.len().max(1));
    let list = parts.iter_mut().enumerate().flat_map(|(l, nb)| {
        let panels = nb.n.div_ceil(PANEL);
        let each = panels.div_ceil(per_layer.clamp(1, panels.max(1))) * PANEL;
        cut_into(
            std::mem::take(nb),
            each,
            |nb| nb.n,
            move |mut nb, at| {
                let tail = nb.split(at, sizes[l]);
                (nb, tail)
            },
        )
        .map(move |piece| (l, piece))
    });
    let pieces = Pieces::new(list)?;
    let work = || {
        let mut finite = true;
        while let Some((l, mut piece)) = pieces.take() {
            finite &= neurons_of_layer(batch, l, &mut piece, sizes)?;
        }
        Ok(finite)
    };
    on_threads(shards, &work, |a, b| a & b)
}
