//! The multilayer perceptron: a chain of dense layers, logits out.
//!
//! Forward: a_0 = x, a_l = f_l(a_{l−1}·W_lᵀ + b_l). Backward (Rumelhart et al. 1986):
//! δ_L = ∂L/∂z_L, ∂L/∂W_l = δ_lᵀ·a_{l−1}, ∂L/∂b_l = Σ_rows δ_l, δ_{l−1} = (δ_l·W_l) ⊙ f'_{l−1}.

use super::activation::Activation;
use super::dense::Dense;
use super::init::Init;
use super::workspace::{Grads, Workspace};
use crate::error::Missing;
use crate::error::{check_len, Error, Result};
use crate::error::{Reason, Setting};
use crate::rng::SeededRng;
use crate::tensor::{as_slice, as_slice_mut, kernels};
use serde::{Deserialize, Serialize};

/// Largest width we accept for any layer: keeps memory bounded (784 × 4096 × 4 B ≈ 12.8 MB).
pub const MAX_WIDTH: usize = 4096;
/// Largest number of hidden layers we accept.
pub const MAX_HIDDEN_LAYERS: usize = 8;
/// Largest parameter count we accept: training keeps ~5 copies (weights, gradients, optimizer
/// moments, the last good weights), so 12 M parameters is already ~240 MB of wasm memory, and
/// more could exhaust it and abort the instance instead of failing with an error.
pub const MAX_PARAMS: usize = 12_000_000;

/// The architecture of an MLP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MlpSpec {
    /// Input width (784 for MNIST).
    pub n_in: usize,
    /// Hidden widths, e.g. `[300, 100]` for LeNet-300-100.
    pub hidden: Vec<usize>,
    /// Number of classes.
    pub n_out: usize,
    /// Hidden activation.
    pub activation: Activation,
    /// Initialisation.
    pub init: Init,
}

impl MlpSpec {
    /// A spec for MNIST (784 in, 10 out) with He init for ReLU, Xavier otherwise.
    pub fn mnist(hidden: &[usize], activation: Activation) -> Self {
        MlpSpec {
            n_in: 784,
            hidden: hidden.to_vec(),
            n_out: 10,
            activation,
            init: Init::for_activation(activation),
        }
    }

    /// Checks widths are in 1..=MAX_WIDTH and the depth is sane.
    ///
    /// # Errors
    /// `InvalidParam` naming the offending width.
    pub fn check(&self) -> Result<()> {
        if self.hidden.is_empty() {
            return Err(Error::param(
                Setting::Hidden,
                "[]",
                Reason::NeedsAtLeastOneHiddenLayer,
            ));
        }
        if self.hidden.len() > MAX_HIDDEN_LAYERS {
            return Err(Error::param(
                Setting::Hidden,
                self.hidden.len(),
                Reason::AtMost8HiddenLayers,
            ));
        }
        for &w in self.hidden.iter().chain([&self.n_in, &self.n_out]) {
            if w == 0 {
                return Err(Error::param(Setting::LayerWidth, w, Reason::MustBeAtLeast1));
            }
            if w > MAX_WIDTH {
                return Err(Error::param(
                    Setting::LayerWidth,
                    w,
                    Reason::MustBeAtMost4096,
                ));
            }
        }
        // Widths ≤ 4096 and ≤ 10 layers: this sum cannot overflow.
        let params: usize = self
            .sizes()
            .windows(2)
            .map(|p| p.iter().product::<usize>() + p.last().copied().unwrap_or(0))
            .sum();
        if params > MAX_PARAMS {
            return Err(Error::param(
                Setting::HiddenLayerWidths,
                format!("{params} weights and biases in all"),
                Reason::WidthsOf1To4096ThatGiveAt,
            ));
        }
        Ok(())
    }

    /// All widths, input first: `[784, 300, 100, 10]`.
    pub fn sizes(&self) -> Vec<usize> {
        let mut s = vec![self.n_in];
        s.extend(&self.hidden);
        s.push(self.n_out);
        s
    }
}

/// A multilayer perceptron.
#[derive(Debug, Clone, PartialEq)]
pub struct Mlp {
    /// Layers in order; the last one has `Activation::Identity` (logits).
    pub layers: Vec<Dense>,
}

impl Mlp {
    /// A freshly initialised network.
    ///
    /// # Errors
    /// `InvalidParam` if the spec fails [`MlpSpec::check`].
    pub fn new(spec: &MlpSpec, seed: u64) -> Result<Self> {
        spec.check()?;
        let sizes = spec.sizes();
        let mut rng = SeededRng::new(seed, 1);
        let mut layers = Vec::with_capacity(sizes.len() - 1);
        for (l, pair) in sizes.windows(2).enumerate() {
            let last = l + 2 == sizes.len();
            let act = if last {
                Activation::Identity
            } else {
                spec.activation
            };
            let mut d = Dense::zeros(pair[0], pair[1], act);
            spec.init
                .fill(as_slice_mut(&mut d.w)?, pair[0], pair[1], &mut rng);
            layers.push(d);
        }
        Ok(Mlp { layers })
    }

    /// Input width.
    pub fn n_in(&self) -> usize {
        self.layers.first().map_or(0, |l| l.n_in())
    }

    /// Output width.
    pub fn n_out(&self) -> usize {
        self.layers.last().map_or(0, |l| l.n_out())
    }

    /// Widths, input first.
    pub fn sizes(&self) -> Vec<usize> {
        let mut s = vec![self.n_in()];
        s.extend(self.layers.iter().map(|l| l.n_out()));
        s
    }

    /// Weights plus biases.
    pub fn param_count(&self) -> usize {
        self.layers.iter().map(|l| l.param_count()).sum()
    }

    /// Runs `batch` rows of `x` through the net; the logits are then `ws.logits(batch)`.
    /// Packs Wᵀ into `ws` first (one pass over the weights); callers that run many batches on
    /// unchanged weights pack once and call [`Mlp::forward_packed`].
    ///
    /// # Shapes
    /// `x`: `[batch, n_in]`.
    /// # Errors
    /// `ShapeMismatch` if `x` has the wrong length.
    pub fn forward(&self, x: &[f32], batch: usize, ws: &mut Workspace) -> Result<()> {
        ws.pack(self)?;
        self.forward_packed(x, batch, ws)
    }

    /// [`Mlp::forward`] on the panels already in `ws`, which must come from
    /// `ws.pack(self)` with these very weights (evaluation holds `&self` across its batches,
    /// so nothing can change them in between).
    ///
    /// # Errors
    /// `ShapeMismatch` if `x` has the wrong length or `ws` holds no panels of this shape.
    pub fn forward_packed(&self, x: &[f32], batch: usize, ws: &mut Workspace) -> Result<()> {
        check_len("Mlp::forward input", x.len(), batch * self.n_in())?;
        if self.layers.is_empty() {
            return Err(Error::NotReady {
                what: Missing::TheNetworkHasNoLayers,
            });
        }
        let packed_ok = ws.packed.len() == self.layers.len()
            && ws
                .packed
                .iter()
                .zip(&self.layers)
                .all(|(bt, l)| (bt.n(), bt.k()) == (l.n_out(), l.n_in()));
        if !packed_ok {
            return Err(Error::shape(
                "Mlp::forward_packed",
                "panels packed from this network",
                "other shapes (call Workspace::pack)",
            ));
        }
        ws.ensure(self, batch);
        for l in 0..self.layers.len() {
            let n_out = self.layers[l].n_out();
            let (before, rest) = ws.acts.split_at_mut(l);
            let input: &[f32] = if l == 0 {
                x
            } else {
                &before[l - 1][..batch * self.layers[l - 1].n_out()]
            };
            self.layers[l].forward_packed(
                &ws.packed[l],
                input,
                batch,
                &mut rest[0][..batch * n_out],
            )?;
        }
        Ok(())
    }

    /// Backpropagates the ∂L/∂logits already written into `ws` (see `Workspace::dlogits_mut`)
    /// through the activations of the last `forward`, filling `grads`.
    ///
    /// # Errors
    /// `ShapeMismatch` if `grads` or `x` do not match the network.
    pub fn backward(
        &self,
        x: &[f32],
        batch: usize,
        ws: &mut Workspace,
        grads: &mut Grads,
    ) -> Result<()> {
        check_len("Mlp::backward input", x.len(), batch * self.n_in())?;
        if !grads.matches(self) || ws.acts.len() != self.layers.len() || ws.capacity < batch {
            return Err(Error::shape(
                "Mlp::backward",
                "gradients and workspace shaped like the net",
                "other shapes",
            ));
        }
        for l in (0..self.layers.len()).rev() {
            let layer = &self.layers[l];
            let (n_in, n_out) = (layer.n_in(), layer.n_out());
            let (deltas_before, deltas_rest) = ws.deltas.split_at_mut(l);
            let delta = &deltas_rest[0][..batch * n_out];
            let input: &[f32] = if l == 0 {
                x
            } else {
                &ws.acts[l - 1][..batch * n_in]
            };
            kernels::gemm_tn(
                n_out,
                n_in,
                batch,
                delta,
                input,
                as_slice_mut(&mut grads.w[l])?,
            )?;
            let gb = grads.b[l]
                .as_slice_mut()
                .ok_or_else(|| Error::data("bias gradient is not contiguous"))?;
            gb.fill(0.0);
            for row in delta.chunks_exact(n_out) {
                gb.iter_mut().zip(row).for_each(|(g, d)| *g += d);
            }
            if l > 0 {
                let prev = &mut deltas_before[l - 1][..batch * n_in];
                kernels::gemm_nn(batch, n_in, n_out, delta, as_slice(&layer.w)?, prev)?;
                self.layers[l - 1]
                    .act
                    .backprop(&ws.acts[l - 1][..batch * n_in], prev);
            }
        }
        Ok(())
    }

    /// Class probabilities for `batch` rows (allocates; for evaluation and the drawing pad).
    ///
    /// # Errors
    /// `ShapeMismatch` if `x` has the wrong length.
    pub fn predict_proba(&self, x: &[f32], batch: usize) -> Result<Vec<f32>> {
        let mut ws = Workspace::default();
        self.forward(x, batch, &mut ws)?;
        let mut p = ws.logits(batch).to_vec();
        for row in p.chunks_exact_mut(self.n_out().max(1)) {
            super::loss::softmax_in_place(row);
        }
        Ok(p)
    }

    /// Re-applies every layer's mask to its weights.
    pub fn apply_masks(&mut self) {
        self.layers.iter_mut().for_each(Dense::apply_mask);
    }

    /// True if every weight and bias is finite.
    pub fn is_finite(&self) -> bool {
        self.layers
            .iter()
            .all(|l| l.w.iter().chain(l.b.iter()).all(|v| v.is_finite()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::loss::softmax_cross_entropy;

    fn loss_of(mlp: &Mlp, x: &[f32], y: &[u8]) -> f32 {
        let mut ws = Workspace::default();
        mlp.forward(x, y.len(), &mut ws).unwrap();
        let mut d = vec![0.0; y.len() * mlp.n_out()];
        softmax_cross_entropy(ws.logits(y.len()), y, mlp.n_out(), &mut d)
            .unwrap()
            .0
    }

    /// Finite-difference check of every weight and bias gradient, for each activation.
    #[test]
    fn gradients_match_finite_differences() {
        for act in [
            Activation::Relu,
            Activation::Tanh,
            Activation::Sigmoid,
            Activation::Identity,
        ] {
            let spec = MlpSpec {
                n_in: 5,
                hidden: vec![4, 3],
                n_out: 3,
                activation: act,
                init: Init::Xavier,
            };
            let mut mlp = Mlp::new(&spec, 11).unwrap();
            for l in &mut mlp.layers {
                l.b.iter_mut()
                    .enumerate()
                    .for_each(|(i, b)| *b = 0.1 * i as f32 - 0.05);
            }
            let mut rng = SeededRng::new(5, 0);
            let x: Vec<f32> = (0..2 * 5).map(|_| rng.normal()).collect();
            let y = [1u8, 2];
            let mut ws = Workspace::default();
            mlp.forward(&x, 2, &mut ws).unwrap();
            let (logits, d) = ws.logits_and_dlogits(2);
            softmax_cross_entropy(logits, &y, 3, d).unwrap();
            let mut g = Grads::zeros_like(&mlp);
            mlp.backward(&x, 2, &mut ws, &mut g).unwrap();
            let h = 1e-2f32;
            for l in 0..mlp.layers.len() {
                for idx in 0..mlp.layers[l].w.len() {
                    let (r, c) = (idx / mlp.layers[l].n_in(), idx % mlp.layers[l].n_in());
                    let orig = mlp.layers[l].w[[r, c]];
                    mlp.layers[l].w[[r, c]] = orig + h;
                    let lp = loss_of(&mlp, &x, &y);
                    mlp.layers[l].w[[r, c]] = orig - h;
                    let lm = loss_of(&mlp, &x, &y);
                    mlp.layers[l].w[[r, c]] = orig;
                    let numeric = (lp - lm) / (2.0 * h);
                    let analytic = g.w[l][[r, c]];
                    assert!(
                        (numeric - analytic).abs() < 2e-3,
                        "{act:?} W{l}[{r},{c}]: {numeric} vs {analytic}"
                    );
                }
                for i in 0..mlp.layers[l].b.len() {
                    let orig = mlp.layers[l].b[i];
                    mlp.layers[l].b[i] = orig + h;
                    let lp = loss_of(&mlp, &x, &y);
                    mlp.layers[l].b[i] = orig - h;
                    let lm = loss_of(&mlp, &x, &y);
                    mlp.layers[l].b[i] = orig;
                    let numeric = (lp - lm) / (2.0 * h);
                    assert!(
                        (numeric - g.b[l][i]).abs() < 2e-3,
                        "{act:?} b{l}[{i}]: {numeric} vs {}",
                        g.b[l][i]
                    );
                }
            }
        }
    }

    #[test]
    fn bad_specs_are_rejected() {
        let ok = MlpSpec::mnist(&[300, 100], Activation::Relu);
        assert!(ok.check().is_ok());
        for hidden in [vec![], vec![0], vec![5000], vec![1; 9]] {
            let s = MlpSpec {
                hidden,
                ..ok.clone()
            };
            assert!(matches!(Mlp::new(&s, 0), Err(Error::InvalidParam { .. })));
        }
    }

    #[test]
    fn forward_rejects_wrong_input_length() {
        let mlp = Mlp::new(&MlpSpec::mnist(&[8], Activation::Relu), 0).unwrap();
        let mut ws = Workspace::default();
        assert!(matches!(
            mlp.forward(&[0.0; 783], 1, &mut ws),
            Err(Error::ShapeMismatch { .. })
        ));
    }
}
