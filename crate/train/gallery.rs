//! A gallery of test digits with the model's predictions: the first `n` examples, or the first
//! `n` the model gets wrong. Pixels stay raw bytes (0–255) so the page can draw them directly;
//! predictions go through the same batched forward pass as evaluation.

use crate::data::batch::gather;
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::error::{Reason, Setting};
use crate::model::loss::softmax_in_place;
use crate::model::{Mlp, Workspace};
use crate::tensor::argmax;
use serde::Serialize;

/// Largest gallery we build (the page shows a few dozen).
pub const MAX_GALLERY: usize = 500;
const BATCH: usize = 250;

/// Digits with their true and predicted labels.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Gallery {
    /// Index of each digit in the dataset.
    pub indices: Vec<u32>,
    /// Raw pixels, `[len, rows·cols]`, 0–255.
    pub images: Vec<u8>,
    /// True labels.
    pub labels: Vec<u8>,
    /// Predicted labels.
    pub predictions: Vec<u8>,
    /// Probability the model gives its prediction.
    pub confidence: Vec<f32>,
}

/// Up to `n` digits of `data` with `mlp`'s predictions, scanning from the start; with
/// `mistakes_only`, only misclassified digits are kept.
///
/// # Errors
/// `InvalidParam` if `n` is 0 or above [`MAX_GALLERY`]; `ShapeMismatch` if the data width is
/// not the network's input width.
pub fn gallery(mlp: &Mlp, data: &Dataset, n: usize, mistakes_only: bool) -> Result<Gallery> {
    if n == 0 || n > MAX_GALLERY {
        return Err(Error::param(
            Setting::GallerySize,
            n,
            Reason::MustBeBetween1And500,
        ));
    }
    let d = data.dim();
    crate::error::check_len("gallery image width", d, mlp.n_in())?;
    let classes = mlp.n_out().max(1);
    let mut out = Gallery::default();
    let mut ws = Workspace::default();
    let mut x = vec![0.0; BATCH * d];
    let mut y = vec![0u8; BATCH];
    let all: Vec<u32> = (0..data.len() as u32).collect();
    for chunk in all.chunks(BATCH) {
        let b = chunk.len();
        gather(data, chunk, &mut x[..b * d], &mut y[..b])?;
        mlp.forward(&x[..b * d], b, &mut ws)?;
        let mut probs = ws.logits(b).to_vec();
        for (r, row) in probs.chunks_exact_mut(classes).enumerate() {
            softmax_in_place(row);
            let p = argmax(row);
            let (Some(&i), Some(&label)) = (chunk.get(r), y.get(r)) else {
                continue;
            };
            if mistakes_only && p == label as usize {
                continue;
            }
            let i = i as usize;
            out.indices.push(i as u32);
            out.images
                .extend_from_slice(data.images.get(i * d..(i + 1) * d).unwrap_or(&[]));
            out.labels.push(label);
            out.predictions.push(p as u8);
            out.confidence.push(row.get(p).copied().unwrap_or(0.0));
            if out.labels.len() == n {
                return Ok(out);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activation, MlpSpec};

    fn data() -> Dataset {
        Dataset {
            images: (0..6 * 4).map(|i| (i * 10) as u8).collect(),
            labels: vec![0, 1, 2, 0, 1, 2],
            rows: 2,
            cols: 2,
        }
    }

    fn mlp() -> Mlp {
        let spec = MlpSpec {
            hidden: vec![3],
            n_in: 4,
            n_out: 3,
            ..MlpSpec::mnist(&[3], Activation::Relu)
        };
        Mlp::new(&spec, 3).unwrap()
    }

    #[test]
    fn first_n_and_mistakes_only() {
        let (m, d) = (mlp(), data());
        let g = gallery(&m, &d, 4, false).unwrap();
        assert_eq!(g.indices, vec![0, 1, 2, 3]);
        assert_eq!(g.images.len(), 16);
        assert_eq!(&g.images[4..8], &d.images[4..8]);
        assert_eq!(g.labels, vec![0, 1, 2, 0]);
        assert!(g.confidence.iter().all(|&c| c > 0.0 && c <= 1.0));
        let wrong = gallery(&m, &d, 6, true).unwrap();
        for k in 0..wrong.labels.len() {
            assert_ne!(wrong.labels[k], wrong.predictions[k]);
        }
        let all = gallery(&m, &d, 6, false).unwrap();
        let errors = (0..6)
            .filter(|&k| all.labels[k] != all.predictions[k])
            .count();
        assert_eq!(wrong.labels.len(), errors);
    }

    #[test]
    fn rejects_bad_sizes() {
        let (m, d) = (mlp(), data());
        assert!(gallery(&m, &d, 0, false).is_err());
        assert!(gallery(&m, &d, 501, false).is_err());
    }
}
