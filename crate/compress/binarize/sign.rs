//! Binarization and its straight-through estimator (Courbariaux et al. 2015; Bengio et al. 2013).
//!
//! Forward: w_b = α·sign(w) with sign(0) = +1 and α = mean |w| over the neuron's row (XNOR-Net,
//! Rastegari et al. 2016) or α = 1. Backward: sign has zero gradient almost everywhere, so the STE
//! passes g through where |w| ≤ 1 and cuts it where |w| > 1 (the "hard tanh" gradient, 1_{|w|≤1}).

/// sign(x) with sign(0) = +1; NaN maps to −1 (it is not ≥ 0), as the bit packing does.
#[inline]
pub fn sign(x: f32) -> f32 {
    if x >= 0.0 {
        1.0
    } else {
        -1.0
    }
}

/// The STE factor 1_{|x| ≤ 1}.
#[inline]
pub fn ste(x: f32) -> f32 {
    if x.abs() <= 1.0 {
        1.0
    } else {
        0.0
    }
}

/// Writes sign(w) (`[n_out, n_in]`, flat) into `signs` and each row's α into `alpha`
/// (mean |w| with `scaling`, else 1). The layer computes z = α ⊙ (x·signsᵀ): the ±1 products are
/// summed first, exactly as the popcount kernel sums them.
pub fn binarize_rows(w: &[f32], n_in: usize, scaling: bool, signs: &mut [f32], alpha: &mut [f32]) {
    for (x, s) in w.iter().zip(signs.iter_mut()) {
        *s = sign(*x);
    }
    for (row, a) in w.chunks_exact(n_in.max(1)).zip(alpha.iter_mut()) {
        *a = if scaling {
            row.iter().map(|v| v.abs()).sum::<f32>() / n_in.max(1) as f32
        } else {
            1.0
        };
    }
}

/// g ← g·1_{|w| ≤ 1}: the straight-through gradient of the shadow weights.
pub fn ste_backward(w: &[f32], g: &mut [f32]) {
    for (gi, wi) in g.iter_mut().zip(w) {
        *gi *= ste(*wi);
    }
}

/// Clips shadow weights to [−1, 1] (BinaryConnect): beyond ±1 a weight's sign can no longer
/// change quickly, and its STE gradient would be cut anyway.
pub fn clip(w: &mut [f32]) {
    for v in w.iter_mut() {
        *v = v.clamp(-1.0, 1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_rows_are_plus_minus_alpha() {
        let w = [0.5, -0.25, 0.0, -1.0, 2.0, -2.0];
        let (mut s, mut a) = ([0.0; 6], [0.0; 2]);
        binarize_rows(&w, 3, true, &mut s, &mut a);
        assert_eq!(s, [1.0, -1.0, 1.0, -1.0, 1.0, -1.0]);
        assert_eq!(a, [0.25, 5.0 / 3.0]);
        binarize_rows(&w, 3, false, &mut s, &mut a);
        assert_eq!(a, [1.0, 1.0]);
    }

    #[test]
    fn ste_gradient_is_zero_beyond_one() {
        let w = [0.3, -1.0, 1.5, -7.0, 1.0];
        let mut g = [2.0; 5];
        ste_backward(&w, &mut g);
        assert_eq!(g, [2.0, 2.0, 0.0, 0.0, 2.0]);
        let mut c = [1.5, -3.0, 0.2];
        clip(&mut c);
        assert_eq!(c, [1.0, -1.0, 0.2]);
        assert_eq!((sign(0.0), sign(-0.0), sign(f32::NAN)), (1.0, 1.0, -1.0));
    }
}
