//! Evaluation on several threads: the examples cut into pieces of whole 4-row tiles that the
//! threads take first come, first served (`pieces.rs`), each piece gathered, run forward on
//! the packed panels and scored by whichever thread takes it.
//!
//! For each example r the piece records its confusion cell 10·label + argmax(z_r) and its loss
//! log Σ_c exp(z_rc) − z_r,label (`metrics::score_row`); the caller adds them up in example
//! order (`metrics::tally`, as the one-thread evaluation does), so
//! the sums are the one-thread evaluation's, bit for bit: a row's logits do not depend on which
//! piece or batch it is computed in (the kernels sum p = 0..k in the same order for a row of a
//! 4-row tile and a row alone, and pieces start at multiples of 4).
//!
//! Before this, evaluation forked once per batch of 1000 into two fixed halves, with the
//! gather, the scoring and the packing on one thread: on the page, at an epoch's end (when the
//! page's main thread redraws and takes a core), it ran 1.5–1.6× faster on 2 threads than on 1,
//! against 1.9× in a worker with no page around it.

use super::pieces::{cut_into, Pieces, MAX_PIECES};
use super::{on_threads, MAX_LAYERS};
use crate::data::batch::gather;
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::model::{Mlp, Workspace};
use crate::tensor::kernels::PackedBt;
use crate::train::metrics::score_row;

/// Rows per piece: 400 × 784 floats of input (1.25 MB) per thread; the 10,000 test digits are
/// 25 pieces, so a thread the system pauses costs the others at most one piece.
const PIECE_ROWS: usize = 400;

/// One piece: examples `start..start + cells.len()` and their slots in the per-example results.
struct Rows<'a> {
    start: usize,
    cells: &'a mut [u8],
    losses: &'a mut [f32],
}

impl<'a> Rows<'a> {
    fn len(&self) -> usize {
        self.cells.len()
    }

    fn split(self, at: usize) -> (Self, Self) {
        let (c0, c1) = self.cells.split_at_mut(at);
        let (l0, l1) = self.losses.split_at_mut(at);
        let rest = Rows {
            start: self.start + at,
            cells: c1,
            losses: l1,
        };
        let head = Rows {
            start: self.start,
            cells: c0,
            losses: l0,
        };
        (head, rest)
    }
}

/// One thread's scratch: a piece's input rows, labels and each layer's outputs.
struct Scratch {
    idx: Vec<u32>,
    x: Vec<f32>,
    y: Vec<u8>,
    acts: Vec<Vec<f32>>,
}

impl Scratch {
    fn new(mlp: &Mlp) -> Self {
        Scratch {
            idx: Vec::with_capacity(PIECE_ROWS),
            x: vec![0.0; PIECE_ROWS * mlp.n_in()],
            y: vec![0; PIECE_ROWS],
            acts: mlp
                .layers
                .iter()
                .map(|l| vec![0.0; PIECE_ROWS * l.n_out()])
                .collect(),
        }
    }
}

/// Gathers, runs forward and scores the examples of `rows`.
fn score(
    mlp: &Mlp,
    packed: &[PackedBt],
    data: &Dataset,
    s: &mut Scratch,
    rows: Rows<'_>,
) -> Result<()> {
    let n = rows.len();
    let d = mlp.n_in();
    s.idx.clear();
    s.idx.extend((rows.start..rows.start + n).map(|i| i as u32));
    gather(data, &s.idx, &mut s.x[..n * d], &mut s.y[..n])?;
    for (l, layer) in mlp.layers.iter().enumerate() {
        let (before, rest) = s.acts.split_at_mut(l);
        let input: &[f32] = if l == 0 {
            &s.x[..n * d]
        } else {
            &before[l - 1][..n * layer.n_in()]
        };
        layer.forward_packed(&packed[l], input, n, &mut rest[0][..n * layer.n_out()])?;
    }
    let logits = s.acts.last().map_or(&[][..], Vec::as_slice);
    let scored = logits.chunks_exact(10).zip(&s.y[..n]);
    for ((z, &label), (cell, loss)) in scored.zip(rows.cells.iter_mut().zip(rows.losses.iter_mut()))
    {
        (*cell, *loss) = score_row(z, label)?;
    }
    Ok(())
}

/// Scores the first `cells.len()` examples of `data` with `shards` threads: `cells[r]` gets
/// 10·label + prediction, `losses[r]` the example's cross-entropy.
///
/// # Errors
/// `ShapeMismatch` if the network is not 784 → … → 10 over `data`'s width or the result
/// buffers differ in length; `BadData` for a label above 9 or an index outside `data`.
pub fn score_examples(
    mlp: &Mlp,
    data: &Dataset,
    shards: usize,
    cells: &mut [u8],
    losses: &mut [f32],
) -> Result<()> {
    let n_layers = mlp.layers.len();
    if n_layers == 0 || n_layers > MAX_LAYERS {
        return Err(Error::shape("evaluated network layers", "1 to 9", n_layers));
    }
    if mlp.n_out() != 10 {
        return Err(Error::shape("evaluate logits per example", 10, mlp.n_out()));
    }
    crate::error::check_len("evaluate image width", data.dim(), mlp.n_in())?;
    crate::error::check_len("evaluation losses", losses.len(), cells.len())?;
    let mut ws = Workspace::default();
    ws.pack(mlp)?;
    let packed = &ws.packed;
    // Rounds of at most MAX_PIECES pieces (the training set is 150 pieces).
    let round = MAX_PIECES * PIECE_ROWS;
    let mut start = 0;
    let rounds = cells.chunks_mut(round).zip(losses.chunks_mut(round));
    for (cells, losses) in rounds {
        let whole = Rows {
            start,
            cells,
            losses,
        };
        start += whole.len();
        let pieces = Pieces::new(cut_into(whole, PIECE_ROWS, Rows::len, Rows::split))?;
        let work = || {
            let mut scratch = Scratch::new(mlp);
            while let Some(rows) = pieces.take() {
                score(mlp, packed, data, &mut scratch, rows)?;
            }
            Ok(())
        };
        on_threads(shards, &work, |(), ()| ())?;
    }
    Ok(())
}
