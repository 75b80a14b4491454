//! Uniform fixed-point quantization (Jacob et al. 2018, "Quantization and Training of Neural
//! Networks for Efficient Integer-Arithmetic-Only Inference"): r = S·(q − Z), with
//! q = clamp(round_half_even(r/S) + Z, q_min, q_max) on the signed b-bit grid [−2^(b−1), 2^(b−1)−1].
//! Symmetric: Z = 0, S = max|r| / (2^(b−1) − 1). Affine: the range is widened to contain 0 and
//! Z is an integer, so 0.0 is exactly representable (zero padding and pruned weights stay 0).

use super::float::round_half_even;
use crate::error::{Error, Result};
use crate::error::{Reason, Setting};
use serde::{Deserialize, Serialize};

/// Symmetric (Z = 0) or affine (asymmetric, integer zero point).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Symmetry {
    /// Z = 0, range ±max|r|.
    #[default]
    Symmetric,
    /// Range [min(r, 0), max(r, 0)] mapped onto all 2^b levels.
    Affine,
}

/// One scale for the whole tensor, or one per output row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum Granularity {
    /// A single (S, Z).
    PerTensor,
    /// One (S, Z) per output channel (row of W).
    #[default]
    PerChannel,
}

/// The affine map of one quantized tensor (or channel): r = scale·(q − zero).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QParams {
    /// S > 0.
    pub scale: f32,
    /// Z, inside [q_min, q_max].
    pub zero: i32,
    /// Smallest code.
    pub q_min: i32,
    /// Largest code.
    pub q_max: i32,
}

/// The signed grid for `bits`: [−2^(b−1), 2^(b−1) − 1].
pub fn grid(bits: u32) -> (i32, i32) {
    let half = 1i32 << (bits.clamp(1, 8) - 1);
    (-half, half - 1)
}

impl QParams {
    /// Parameters covering the real range [lo, hi] with `bits` bits.
    ///
    /// # Errors
    /// `InvalidParam` if bits is not in 1..=8 or the range is not finite.
    pub fn from_range(lo: f32, hi: f32, bits: u32, symmetry: Symmetry) -> Result<Self> {
        if !(1..=8).contains(&bits) {
            return Err(Error::param(
                Setting::Bits,
                bits,
                Reason::MustBeBetween1And8,
            ));
        }
        if !lo.is_finite() || !hi.is_finite() {
            return Err(Error::param(
                Setting::Range,
                format!("[{lo}, {hi}]"),
                Reason::MustBeFinite,
            ));
        }
        let (q_min, q_max) = grid(bits);
        // A tiny floor keeps S > 0 for an all-zero tensor.
        let tiny = f32::MIN_POSITIVE * 1e6;
        match symmetry {
            Symmetry::Symmetric => {
                let amax = lo.abs().max(hi.abs());
                let scale = (amax / q_max.max(1) as f32).max(tiny);
                Ok(QParams {
                    scale,
                    zero: 0,
                    q_min,
                    q_max,
                })
            }
            Symmetry::Affine => {
                let (lo, hi) = (lo.min(0.0), hi.max(0.0));
                let scale = ((hi - lo) / (q_max - q_min) as f32).max(tiny);
                let zero = (q_min as f64 - round_half_even(f64::from(lo / scale))) as i32;
                Ok(QParams {
                    scale,
                    zero: zero.clamp(q_min, q_max),
                    q_min,
                    q_max,
                })
            }
        }
    }

    /// Parameters from an explicit scale and zero point.
    ///
    /// # Errors
    /// `InvalidParam` if the scale is not finite and positive, bits are out of 1..=8, or the
    /// zero point is off the grid.
    pub fn new(scale: f32, zero: i32, bits: u32) -> Result<Self> {
        crate::error::check_positive(Setting::Scale, scale)?;
        if !(1..=8).contains(&bits) {
            return Err(Error::param(
                Setting::Bits,
                bits,
                Reason::MustBeBetween1And8,
            ));
        }
        let (q_min, q_max) = grid(bits);
        if zero < q_min || zero > q_max {
            return Err(Error::param(
                Setting::ZeroPoint,
                zero,
                Reason::MustLieOnTheIntegerGrid,
            ));
        }
        Ok(QParams {
            scale,
            zero,
            q_min,
            q_max,
        })
    }

    /// q = clamp(round_half_even(r/S) + Z). NaN maps to Z (zero).
    #[inline]
    pub fn quantize(&self, r: f32) -> i8 {
        let q = (r / self.scale).round_ties_even();
        let q = if q.is_nan() { 0.0 } else { q } + self.zero as f32;
        q.clamp(self.q_min as f32, self.q_max as f32) as i8
    }

    /// Quantizes a whole slice (the hot path of integer inference): one multiply by 1/S, a
    /// clamp to the grid (integers, so clamping before rounding is the same) and
    /// round-half-even by the 1.5·2^23 trick, exact for |x| < 2^22 in the default rounding mode.
    pub fn quantize_slice(&self, r: &[f32], out: &mut [i8]) {
        let inv = 1.0 / self.scale;
        let (lo, hi) = (
            (self.q_min - self.zero) as f32,
            (self.q_max - self.zero) as f32,
        );
        const MAGIC: f32 = 12_582_912.0;
        for (o, &v) in out.iter_mut().zip(r) {
            let x = (v * inv).clamp(lo, hi);
            *o = (((x + MAGIC) - MAGIC) as i32 + self.zero) as i8;
        }
    }

    /// r = S·(q − Z).
    #[inline]
    pub fn dequantize(&self, q: i8) -> f32 {
        self.scale * (i32::from(q) - self.zero) as f32
    }

    /// The value stored for `r`: dequantize(quantize(r)).
    #[inline]
    pub fn fake(&self, r: f32) -> f32 {
        self.dequantize(self.quantize(r))
    }

    /// The real interval that is not clipped: [S(q_min − Z), S(q_max − Z)].
    pub fn clip_range(&self) -> (f32, f32) {
        (
            self.scale * (self.q_min - self.zero) as f32,
            self.scale * (self.q_max - self.zero) as f32,
        )
    }

    /// Every representable value, smallest first.
    pub fn levels(&self) -> Vec<f32> {
        (self.q_min..=self.q_max)
            .map(|q| self.scale * (q - self.zero) as f32)
            .collect()
    }
}

/// (min, max) of finite values; (0, 0) if there are none.
pub fn min_max(values: impl Iterator<Item = f32>) -> (f32, f32) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(l, h), v| {
            (l.min(v), h.max(v))
        });
    if lo > hi {
        (0.0, 0.0)
    } else {
        (lo, hi)
    }
}

/// The `p`-th and (100 − p)-th percentiles of `values` (p in [50, 100]): a clipping range
/// that ignores rare outliers, so the common values get a finer scale.
pub fn percentile_range(values: &[f32], p: f32) -> (f32, f32) {
    let mut v: Vec<f32> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return (0.0, 0.0);
    }
    v.sort_unstable_by(f32::total_cmp);
    let n = v.len() - 1;
    let at = |q: f32| v[((q / 100.0) * n as f32).round().clamp(0.0, n as f32) as usize];
    (at(100.0 - p), at(p))
}

/// Quantization parameters for a `[rows, cols]` weight matrix, one per row or one in all.
///
/// # Errors
/// As [`QParams::from_range`].
pub fn weight_params(
    w: &[f32],
    cols: usize,
    bits: u32,
    symmetry: Symmetry,
    granularity: Granularity,
) -> Result<Vec<QParams>> {
    match granularity {
        Granularity::PerTensor => {
            let (lo, hi) = min_max(w.iter().copied());
            Ok(vec![QParams::from_range(lo, hi, bits, symmetry)?])
        }
        Granularity::PerChannel => w
            .chunks(cols.max(1))
            .map(|row| {
                let (lo, hi) = min_max(row.iter().copied());
                QParams::from_range(lo, hi, bits, symmetry)
            })
            .collect(),
    }
}

/// The parameters that apply to row `r` (the shared one when per-tensor).
pub fn row_params(qp: &[QParams], r: usize) -> Option<&QParams> {
    qp.get(r).or_else(|| qp.first())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_error_is_at_most_half_a_scale_and_zero_is_exact() {
        for bits in 1..=8 {
            for sym in [Symmetry::Symmetric, Symmetry::Affine] {
                let qp = QParams::from_range(-0.37, 1.21, bits, sym).unwrap();
                assert_eq!(qp.fake(0.0), 0.0, "bits {bits} {sym:?}");
                let (lo, hi) = qp.clip_range();
                for i in 0..=1000 {
                    let r = -0.37 + 1.58 * i as f32 / 1000.0;
                    if r >= lo && r <= hi {
                        let e = (qp.fake(r) - r).abs();
                        assert!(
                            e <= qp.scale / 2.0 * 1.0001,
                            "bits {bits} {sym:?} r {r} e {e}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn hand_computed_affine_and_ties_to_even() {
        // [−1, 3] on 2 bits: S = 4/3, Z = −2 − round(−0.75) = −1.
        let qp = QParams::from_range(-1.0, 3.0, 2, Symmetry::Affine).unwrap();
        assert!((qp.scale - 4.0 / 3.0).abs() < 1e-6);
        assert_eq!(qp.zero, -1);
        assert_eq!(qp.levels().len(), 4);
        let s = QParams::new(1.0, 0, 8).unwrap();
        assert_eq!(s.quantize(2.5), 2);
        assert_eq!(s.quantize(3.5), 4);
        assert_eq!(s.quantize(-2.5), -2);
        assert_eq!(s.quantize(1000.0), 127);
        assert_eq!(s.quantize(-1000.0), -128);
        assert_eq!(s.quantize(f32::NAN), 0);
    }

    #[test]
    fn per_channel_scales_follow_each_row() {
        let w = [0.5, -1.0, 0.25, 0.0, 4.0, -2.0];
        let qp = weight_params(&w, 3, 8, Symmetry::Symmetric, Granularity::PerChannel).unwrap();
        assert_eq!(qp.len(), 2);
        assert!((qp[0].scale - 1.0 / 127.0).abs() < 1e-9);
        assert!((qp[1].scale - 4.0 / 127.0).abs() < 1e-9);
        let t = weight_params(&w, 3, 8, Symmetry::Symmetric, Granularity::PerTensor).unwrap();
        assert_eq!(t.len(), 1);
        assert!((t[0].scale - 4.0 / 127.0).abs() < 1e-9);
    }

    #[test]
    fn bad_params_are_typed_errors() {
        for bits in [0, 9] {
            assert!(matches!(
                QParams::from_range(-1.0, 1.0, bits, Symmetry::Symmetric),
                Err(Error::InvalidParam { .. })
            ));
        }
        for s in [f32::NAN, f32::INFINITY, 0.0, -1.0] {
            assert!(matches!(
                QParams::new(s, 0, 8),
                Err(Error::InvalidParam { .. })
            ));
        }
        assert!(QParams::new(1.0, 200, 8).is_err());
    }

    #[test]
    fn percentile_clips_outliers() {
        let mut v: Vec<f32> = (0..1000).map(|i| i as f32 / 1000.0).collect();
        v.push(100.0);
        let (lo, hi) = percentile_range(&v, 99.0);
        assert!(lo < 0.02 && hi < 1.0 && hi > 0.97);
    }
}

#[cfg(test)]
mod slice_tests {
    use super::*;

    #[test]
    fn quantize_slice_equals_quantize() {
        for (lo, hi, bits, sym) in [
            (-1.0, 3.0, 8, Symmetry::Affine),
            (-0.3, 0.2, 4, Symmetry::Symmetric),
        ] {
            let qp = QParams::from_range(lo, hi, bits, sym).unwrap();
            let r: Vec<f32> = (0..4001)
                .map(|i| -5.0 + i as f32 * 0.0025)
                .chain([f32::NAN])
                .collect();
            let mut out = vec![0i8; r.len()];
            qp.quantize_slice(&r, &mut out);
            for (v, o) in r.iter().zip(&out) {
                assert_eq!(*o, qp.quantize(*v), "{v}");
            }
        }
    }
}
