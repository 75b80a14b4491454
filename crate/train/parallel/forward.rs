//! Inference on the packed panels in parallel (evaluation): the rows of a batch cut into shards,
//! each row's logits computed exactly as by one thread.

use super::{cut, MAX_LAYERS};
use crate::error::Result;
use crate::model::{Mlp, Workspace};
use crate::tensor::kernels::{par, PackedBt};

/// One shard of rows for [`forward_packed`]: its input rows and its rows of every layer.
#[derive(Default)]
struct Forward<'a> {
    n: usize,
    x: &'a [f32],
    acts: [&'a mut [f32]; MAX_LAYERS],
}

fn run_forward(mlp: &Mlp, packed: &[PackedBt], f: Forward<'_>, shards: usize) -> Result<()> {
    let Forward { n, x, mut acts } = f;
    let d = mlp.n_in();
    if shards <= 1 {
        for (l, layer) in mlp.layers.iter().enumerate() {
            let (before, rest) = acts.split_at_mut(l);
            let input: &[f32] = if l == 0 { x } else { before[l - 1] };
            layer.forward_packed(&packed[l], input, n, rest[0])?;
        }
        return Ok(());
    }
    let left = shards / 2;
    let at = (n * left / shards).next_multiple_of(4).min(n);
    let (x_lo, x_hi) = x.split_at((at * d).min(x.len()));
    let mut hi = Forward {
        n: n - at,
        x: x_hi,
        ..Default::default()
    };
    for (l, layer) in mlp.layers.iter().enumerate() {
        hi.acts[l] = cut(&mut acts[l], at * layer.n_out());
    }
    let lo = Forward {
        n: at,
        x: x_lo,
        acts,
    };
    let (a, b) = par::join(
        || run_forward(mlp, packed, lo, left),
        || run_forward(mlp, packed, hi, shards - left),
    );
    a.and(b)
}

/// [`Mlp::forward_packed`] with the `b` rows cut into `shards` shards run in parallel (the
/// inference of evaluation): each row's logits are computed exactly as by one thread.
///
/// # Errors
/// As [`Mlp::forward_packed`].
pub fn forward_packed(
    mlp: &Mlp,
    x: &[f32],
    b: usize,
    ws: &mut Workspace,
    shards: usize,
) -> Result<()> {
    let n_layers = mlp.layers.len();
    if shards <= 1 || n_layers > MAX_LAYERS {
        return mlp.forward_packed(x, b, ws);
    }
    let packed_ok = ws.packed.len() == n_layers
        && ws
            .packed
            .iter()
            .zip(&mlp.layers)
            .all(|(bt, l)| (bt.n(), bt.k()) == (l.n_out(), l.n_in()));
    if !packed_ok || x.len() != b * mlp.n_in() {
        // The serial path reports the mismatch in its own words.
        return mlp.forward_packed(x, b, ws);
    }
    ws.ensure(mlp, b);
    let Workspace { acts, packed, .. } = ws;
    let mut f = Forward {
        n: b,
        x,
        ..Default::default()
    };
    for ((slot, a), layer) in f.acts.iter_mut().zip(acts.iter_mut()).zip(&mlp.layers) {
        *slot = &mut a[..b * layer.n_out()];
    }
    run_forward(mlp, packed, f, shards)
}
