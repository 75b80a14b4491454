//! Preallocated buffers for forward and backward passes, so a training step allocates nothing
//! once the first batch has sized them. Buffers are sized for the largest batch seen and used
//! through prefix slices, so a short last batch reuses them too.

use super::mlp::Mlp;
use crate::error::Result;
use crate::tensor::{as_slice, kernels::PackedBt};
use ndarray::{Array1, Array2};

/// Activations and deltas per layer, sized for `capacity` rows.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    pub(crate) capacity: usize,
    /// Output of each layer, `[capacity, n_out_l]` (the last one holds the logits).
    pub(crate) acts: Vec<Vec<f32>>,
    /// ∂L/∂z for each layer's pre-activation, `[capacity, n_out_l]`.
    pub(crate) deltas: Vec<Vec<f32>>,
    /// Each layer's Wᵀ in 8-wide panels (`kernels::packed`), filled by [`Workspace::pack`].
    pub(crate) packed: Vec<PackedBt>,
}

impl Workspace {
    /// Makes sure the buffers fit `batch` rows of `mlp`; reallocates only when they do not.
    pub fn ensure(&mut self, mlp: &Mlp, batch: usize) {
        let fits = self.capacity >= batch
            && self.acts.len() == mlp.layers.len()
            && self
                .acts
                .iter()
                .zip(&mlp.layers)
                .all(|(a, l)| a.len() == self.capacity * l.n_out());
        if fits {
            return;
        }
        let cap = batch.max(self.capacity);
        self.capacity = cap;
        self.acts = mlp
            .layers
            .iter()
            .map(|l| vec![0.0; cap * l.n_out()])
            .collect();
        self.deltas = mlp
            .layers
            .iter()
            .map(|l| vec![0.0; cap * l.n_out()])
            .collect();
    }

    /// Packs every layer's Wᵀ of `mlp` into this workspace's panels, reusing their memory.
    /// [`Mlp::forward`] does it on each call (training runs one forward per optimizer step, so
    /// that is once per step); evaluation packs once and runs every batch on the same panels.
    ///
    /// # Errors
    /// `BadData` if a weight matrix is not contiguous.
    pub fn pack(&mut self, mlp: &Mlp) -> Result<()> {
        self.packed.resize_with(mlp.layers.len(), PackedBt::default);
        for (bt, layer) in self.packed.iter_mut().zip(&mlp.layers) {
            bt.pack(layer.n_out(), layer.n_in(), as_slice(&layer.w)?)?;
        }
        Ok(())
    }

    /// Output of layer `l` for the first `batch` rows.
    pub fn output(&self, l: usize, batch: usize) -> &[f32] {
        let w = self.acts[l].len() / self.capacity.max(1);
        &self.acts[l][..batch * w]
    }

    /// The logits of the last forward pass.
    pub fn logits(&self, batch: usize) -> &[f32] {
        self.output(self.acts.len().saturating_sub(1), batch)
    }

    /// Mutable ∂L/∂logits for the first `batch` rows; the loss writes here before `backward`.
    pub fn dlogits_mut(&mut self, batch: usize) -> &mut [f32] {
        let l = self.deltas.len().saturating_sub(1);
        let w = self.deltas[l].len() / self.capacity.max(1);
        &mut self.deltas[l][..batch * w]
    }

    /// Logits and ∂L/∂logits together (the loss reads one and writes the other).
    pub fn logits_and_dlogits(&mut self, batch: usize) -> (&[f32], &mut [f32]) {
        let l = self.acts.len().saturating_sub(1);
        let w = self.acts[l].len() / self.capacity.max(1);
        (&self.acts[l][..batch * w], &mut self.deltas[l][..batch * w])
    }
}

/// Gradients of the loss with respect to every weight and bias.
#[derive(Debug, Clone, PartialEq)]
pub struct Grads {
    /// ∂L/∂W per layer, `[n_out, n_in]`.
    pub w: Vec<Array2<f32>>,
    /// ∂L/∂b per layer.
    pub b: Vec<Array1<f32>>,
}

impl Grads {
    /// Zero gradients shaped like `mlp`.
    pub fn zeros_like(mlp: &Mlp) -> Self {
        Grads {
            w: mlp
                .layers
                .iter()
                .map(|l| Array2::zeros(l.w.dim()))
                .collect(),
            b: mlp
                .layers
                .iter()
                .map(|l| Array1::zeros(l.b.len()))
                .collect(),
        }
    }

    /// True when the shapes match `mlp`.
    pub fn matches(&self, mlp: &Mlp) -> bool {
        self.w.len() == mlp.layers.len()
            && self
                .w
                .iter()
                .zip(&mlp.layers)
                .all(|(g, l)| g.dim() == l.w.dim())
    }
}
