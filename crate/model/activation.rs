//! Element-wise activations and their derivatives, written in terms of the output y = f(z)
//! so the backward pass needs no stored pre-activations:
//! ReLU f' = [y > 0], tanh f' = 1 − y², sigmoid f' = y(1 − y), identity f' = 1.

use serde::{Deserialize, Serialize};

/// Which non-linearity a layer applies after its affine map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    #[default]
    Relu,
    Tanh,
    Sigmoid,
    /// No non-linearity: the output layer's logits, and the inner layer of a low-rank factor.
    Identity,
}

impl Activation {
    /// f(z). ReLU maps NaN to 0, exactly as the SIMD kernel does.
    #[inline]
    pub fn apply(self, z: f32) -> f32 {
        match self {
            Activation::Relu => {
                if z > 0.0 {
                    z
                } else {
                    0.0
                }
            }
            Activation::Tanh => z.tanh(),
            Activation::Sigmoid => 1.0 / (1.0 + (-z).exp()),
            Activation::Identity => z,
        }
    }

    /// f'(z) expressed through y = f(z).
    #[inline]
    pub fn derivative_from_output(self, y: f32) -> f32 {
        match self {
            Activation::Relu => {
                if y > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::Tanh => 1.0 - y * y,
            Activation::Sigmoid => y * (1.0 - y),
            Activation::Identity => 1.0,
        }
    }

    /// Multiplies an upstream gradient by f'(z), in place: `grad[i] *= f'(y[i])`.
    pub fn backprop(self, y: &[f32], grad: &mut [f32]) {
        match self {
            Activation::Identity => {}
            Activation::Relu => {
                // A select, not a conditional store, so the loop vectorises (f32x4 compare
                // and bitselect); the branchy form was ~3 % of a training step in the browser.
                for (g, &yi) in grad.iter_mut().zip(y) {
                    *g = if yi <= 0.0 { 0.0 } else { *g };
                }
            }
            _ => {
                for (g, &yi) in grad.iter_mut().zip(y) {
                    *g *= self.derivative_from_output(yi);
                }
            }
        }
    }

    /// Parses the names used in settings and URLs.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "relu" => Some(Activation::Relu),
            "tanh" => Some(Activation::Tanh),
            "sigmoid" => Some(Activation::Sigmoid),
            "identity" => Some(Activation::Identity),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivatives_match_finite_differences() {
        for act in [
            Activation::Relu,
            Activation::Tanh,
            Activation::Sigmoid,
            Activation::Identity,
        ] {
            for &z in &[-2.0f32, -0.7, 0.3, 1.9] {
                let h = 1e-3;
                let numeric = (act.apply(z + h) - act.apply(z - h)) / (2.0 * h);
                let analytic = act.derivative_from_output(act.apply(z));
                assert!(
                    (numeric - analytic).abs() < 1e-3,
                    "{act:?} at {z}: {numeric} vs {analytic}"
                );
            }
        }
    }

    #[test]
    fn relu_of_nan_is_zero() {
        assert_eq!(Activation::Relu.apply(f32::NAN), 0.0);
    }
}
