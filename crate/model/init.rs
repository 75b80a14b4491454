//! Weight initialisation from the seed.
//!
//! He (Kaiming) normal, σ = √(2 / n_in), suits ReLU (He et al. 2015); Xavier (Glorot) uniform,
//! U(±√(6 / (n_in + n_out))), suits tanh and sigmoid (Glorot & Bengio 2010). Biases start at 0.

use crate::rng::SeededRng;
use serde::{Deserialize, Serialize};

/// Initialisation scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Init {
    /// He normal (default for ReLU).
    #[default]
    He,
    /// Xavier/Glorot uniform.
    Xavier,
}

impl Init {
    /// The natural choice for an activation.
    pub fn for_activation(act: super::Activation) -> Self {
        match act {
            super::Activation::Relu => Init::He,
            _ => Init::Xavier,
        }
    }

    /// Fills `w` (shape `[n_out, n_in]`, flat) from `rng`.
    pub fn fill(self, w: &mut [f32], n_in: usize, n_out: usize, rng: &mut SeededRng) {
        match self {
            Init::He => {
                let sigma = (2.0 / n_in.max(1) as f32).sqrt();
                w.iter_mut().for_each(|x| *x = sigma * rng.normal());
            }
            Init::Xavier => {
                let limit = (6.0 / (n_in + n_out).max(1) as f32).sqrt();
                w.iter_mut()
                    .for_each(|x| *x = limit * (2.0 * rng.uniform() - 1.0));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn he_has_the_right_spread() {
        let mut w = vec![0.0; 784 * 300];
        Init::He.fill(&mut w, 784, 300, &mut SeededRng::new(1, 0));
        let var = w.iter().map(|x| x * x).sum::<f32>() / w.len() as f32;
        assert!((var - 2.0 / 784.0).abs() < 0.05 * 2.0 / 784.0, "var {var}");
    }

    #[test]
    fn xavier_stays_in_its_limit() {
        let mut w = vec![0.0; 1000];
        Init::Xavier.fill(&mut w, 100, 10, &mut SeededRng::new(1, 0));
        let limit = (6.0f32 / 110.0).sqrt();
        assert!(w.iter().all(|x| x.abs() <= limit));
        assert!(w.iter().any(|x| x.abs() > 0.9 * limit));
    }
}
