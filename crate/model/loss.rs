//! Softmax cross-entropy, computed stably by subtracting each row's max before exp.
//!
//! L = −(1/B) Σ_b log softmax(z_b)[y_b];  ∂L/∂z_b = (softmax(z_b) − onehot(y_b)) / B.

use crate::error::{check_len, Error, Result};

/// Numerically stable softmax of one row, in place.
pub fn softmax_in_place(row: &mut [f32]) {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for x in row.iter_mut() {
        *x = (*x - max).exp();
        sum += *x;
    }
    if sum > 0.0 {
        for x in row.iter_mut() {
            *x /= sum;
        }
    }
}

/// log Σ exp(row), stably.
pub fn log_sum_exp(row: &[f32]) -> f32 {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    max + row.iter().map(|x| (x - max).exp()).sum::<f32>().ln()
}

/// Mean cross-entropy of `logits` `[batch, classes]` against `labels`; writes ∂L/∂logits into
/// `dlogits` and returns (mean loss, number of correct argmax predictions).
///
/// # Errors
/// `ShapeMismatch` on wrong lengths; `BadData` for a label ≥ classes.
pub fn softmax_cross_entropy(
    logits: &[f32],
    labels: &[u8],
    classes: usize,
    dlogits: &mut [f32],
) -> Result<(f32, usize)> {
    let batch = labels.len();
    check_len(
        "softmax_cross_entropy logits",
        logits.len(),
        batch * classes,
    )?;
    check_len(
        "softmax_cross_entropy dlogits",
        dlogits.len(),
        batch * classes,
    )?;
    let inv_b = 1.0 / batch.max(1) as f32;
    let mut loss = 0.0f64;
    let mut correct = 0;
    for (b, &y) in labels.iter().enumerate() {
        let y = y as usize;
        if y >= classes {
            return Err(Error::data(format!("label {y} is not below {classes}")));
        }
        let z = &logits[b * classes..(b + 1) * classes];
        if crate::tensor::argmax(z) == y {
            correct += 1;
        }
        loss += (log_sum_exp(z) - z[y]) as f64;
        let d = &mut dlogits[b * classes..(b + 1) * classes];
        d.copy_from_slice(z);
        softmax_in_place(d);
        d[y] -= 1.0;
        for v in d.iter_mut() {
            *v *= inv_b;
        }
    }
    Ok(((loss * inv_b as f64) as f32, correct))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_logits_give_log_classes() {
        let mut d = vec![0.0; 10];
        let (l, _) = softmax_cross_entropy(&[0.0; 10], &[3], 10, &mut d).unwrap();
        assert!((l - 10f32.ln()).abs() < 1e-6);
        assert!((d[3] - (0.1 - 1.0)).abs() < 1e-6 && (d[0] - 0.1).abs() < 1e-6);
    }

    #[test]
    fn huge_logits_stay_finite() {
        let mut d = vec![0.0; 3];
        let (l, c) = softmax_cross_entropy(&[1000.0, -1000.0, 0.0], &[0], 3, &mut d).unwrap();
        assert!(l.is_finite() && l.abs() < 1e-6);
        assert_eq!(c, 1);
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let z = vec![0.3f32, -1.2, 2.0, 0.5, -0.1, 0.9];
        let labels = [2u8, 0];
        let mut d = vec![0.0; 6];
        softmax_cross_entropy(&z, &labels, 3, &mut d).unwrap();
        let mut scratch = vec![0.0; 6];
        for i in 0..6 {
            let h = 1e-3;
            let mut zp = z.clone();
            zp[i] += h;
            let mut zm = z.clone();
            zm[i] -= h;
            let lp = softmax_cross_entropy(&zp, &labels, 3, &mut scratch)
                .unwrap()
                .0;
            let lm = softmax_cross_entropy(&zm, &labels, 3, &mut scratch)
                .unwrap()
                .0;
            let numeric = (lp - lm) / (2.0 * h);
            assert!(
                (numeric - d[i]).abs() < 2e-3,
                "dz[{i}]: {numeric} vs {}",
                d[i]
            );
        }
    }

    #[test]
    fn bad_label_is_an_error() {
        let mut d = vec![0.0; 10];
        assert!(matches!(
            softmax_cross_entropy(&[0.0; 10], &[10], 10, &mut d),
            Err(Error::BadData { .. })
        ));
    }
}
