//! Knowledge distillation (Hinton, Vinyals & Dean 2015): a small student learns from a teacher's
//! softened outputs. Per example, with p^T = softmax(z/T):
//!   L = α·T²·KL(p_t^T ‖ p_s^T) + (1 − α)·CE(y, softmax(z_s)),
//!   ∂L/∂z_s = α·T·(p_s^T − p_t^T) + (1 − α)·(softmax(z_s) − onehot(y)).
//! The T² keeps the soft gradient's scale independent of T. Teacher logits are computed once.

pub mod experiment;
pub mod student;

use crate::data::batch::gather;
use crate::data::Dataset;
use crate::error::{check_len, check_range, Error, Result};
use crate::error::{Reason, Setting};
use crate::model::loss::{log_sum_exp, softmax_in_place};
use crate::model::{Mlp, Workspace};
use serde::{Deserialize, Serialize};

/// Highest temperature accepted: beyond it every soft target is uniform to f32 precision.
pub const MAX_TEMPERATURE: f32 = 100.0;

/// The two knobs of the distillation loss.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DistillParams {
    /// Softmax temperature T > 0 (Hinton used 20 for MNIST; small students like 2–8).
    pub temperature: f32,
    /// Weight α ∈ [0, 1] of the soft (teacher) term; 1 − α weighs the hard labels.
    pub alpha: f32,
}

impl Default for DistillParams {
    fn default() -> Self {
        DistillParams {
            temperature: 4.0,
            alpha: 0.5,
        }
    }
}

impl DistillParams {
    /// Checks T ∈ (0, 100] and α ∈ [0, 1], both finite.
    ///
    /// # Errors
    /// `InvalidParam` naming the temperature or α.
    pub fn check(&self) -> Result<()> {
        if !self.temperature.is_finite() || self.temperature <= 0.0 {
            return Err(Error::param(
                Setting::Temperature,
                self.temperature,
                Reason::MustBeAFiniteNumberGreaterThanZero,
            ));
        }
        if self.temperature > MAX_TEMPERATURE {
            return Err(Error::param(
                Setting::Temperature,
                self.temperature,
                Reason::MustBeAtMost100,
            ));
        }
        check_range(Setting::Alpha, self.alpha, 0.0, 1.0)
    }
}

/// softmax(z / T) of one row.
pub fn soft_targets(z: &[f32], temperature: f32) -> Vec<f32> {
    let t = temperature.max(f32::MIN_POSITIVE);
    let mut p: Vec<f32> = z.iter().map(|v| v / t).collect();
    softmax_in_place(&mut p);
    p
}

/// The mean distillation loss over a batch; writes ∂L/∂z_s into `dlogits` and returns
/// (mean loss, correct argmax predictions of the student).
///
/// # Shapes
/// `student`, `teacher`, `dlogits`: `[batch, classes]`; `labels`: `[batch]`.
/// # Errors
/// `InvalidParam` for bad params; `ShapeMismatch` on wrong lengths; `BadData` for a label ≥
/// classes.
pub fn distill_loss(
    student: &[f32],
    teacher: &[f32],
    labels: &[u8],
    classes: usize,
    params: &DistillParams,
    dlogits: &mut [f32],
) -> Result<(f32, usize)> {
    params.check()?;
    let batch = labels.len();
    check_len(
        "distill_loss student logits",
        student.len(),
        batch * classes,
    )?;
    check_len(
        "distill_loss teacher logits",
        teacher.len(),
        batch * classes,
    )?;
    check_len("distill_loss dlogits", dlogits.len(), batch * classes)?;
    let (t, a) = (params.temperature, params.alpha);
    let inv_b = 1.0 / batch.max(1) as f32;
    let mut zs_t = vec![0.0f32; classes];
    let mut zt_t = vec![0.0f32; classes];
    let (mut loss, mut correct) = (0.0f64, 0usize);
    for (r, &y) in labels.iter().enumerate() {
        let y = usize::from(y);
        if y >= classes {
            return Err(Error::data(format!("label {y} is not below {classes}")));
        }
        let zs = &student[r * classes..(r + 1) * classes];
        let zt = &teacher[r * classes..(r + 1) * classes];
        correct += usize::from(crate::tensor::argmax(zs) == y);
        zs_t.iter_mut().zip(zs).for_each(|(o, v)| *o = v / t);
        zt_t.iter_mut().zip(zt).for_each(|(o, v)| *o = v / t);
        let (lse_s, lse_t) = (log_sum_exp(&zs_t), log_sum_exp(&zt_t));
        // KL(p_t ‖ p_s) = Σ p_t (log p_t − log p_s), with log p = z/T − lse.
        let mut kl = 0.0f64;
        for c in 0..classes {
            let log_pt = zt_t[c] - lse_t;
            let log_ps = zs_t[c] - lse_s;
            kl += f64::from(log_pt.exp() * (log_pt - log_ps));
        }
        let hard = log_sum_exp(zs) - zs[y];
        loss += f64::from(a) * f64::from(t * t) * kl + f64::from(1.0 - a) * f64::from(hard);
        let d = &mut dlogits[r * classes..(r + 1) * classes];
        d.copy_from_slice(zs);
        softmax_in_place(d);
        d[y] -= 1.0;
        for c in 0..classes {
            let soft = (zs_t[c] - lse_s).exp() - (zt_t[c] - lse_t).exp();
            d[c] = (a * t * soft + (1.0 - a) * d[c]) * inv_b;
        }
    }
    Ok(((loss * f64::from(inv_b)) as f32, correct))
}

/// The teacher's logits for every example of `data`, `[len, classes]`, computed once in
/// batches so distillation then costs little more than ordinary training (60000×10 f32 = 2.4 MB).
///
/// # Errors
/// `ShapeMismatch` if the data width is not the teacher's input width.
pub fn teacher_logits(teacher: &Mlp, data: &Dataset) -> Result<Vec<f32>> {
    teacher_logits_range(teacher, data, 0, data.len())
}

/// The teacher's logits for examples `start..end` of `data` (so the page can compute them in
/// chunks), `[end − start, classes]`.
///
/// # Errors
/// `ShapeMismatch` if the data width is not the teacher's; `InvalidParam` for a bad range.
pub fn teacher_logits_range(
    teacher: &Mlp,
    data: &Dataset,
    start: usize,
    end: usize,
) -> Result<Vec<f32>> {
    const BATCH: usize = 500;
    let d = teacher.n_in();
    check_len("teacher_logits image width", data.dim(), d)?;
    if start > end || end > data.len() {
        return Err(Error::param(
            Setting::ExampleRangeEnd,
            end,
            Reason::MustLieWithinTheData,
        ));
    }
    let classes = teacher.n_out();
    let mut out = Vec::with_capacity((end - start) * classes);
    let mut ws = Workspace::default();
    let mut x = vec![0.0; BATCH * d];
    let mut y = vec![0u8; BATCH];
    let idx: Vec<u32> = (start as u32..end as u32).collect();
    for chunk in idx.chunks(BATCH) {
        let b = chunk.len();
        gather(data, chunk, &mut x[..b * d], &mut y[..b])?;
        teacher.forward(&x[..b * d], b, &mut ws)?;
        out.extend_from_slice(ws.logits(b));
    }
    Ok(out)
}

/// The teacher's soft targets softmax(z/T) for example `index` of `data`: the "dark knowledge"
/// of which wrong classes it finds close.
///
/// # Errors
/// `InvalidParam` for a bad index or temperature; `ShapeMismatch` if the data do not fit.
pub fn dark_knowledge(
    teacher: &Mlp,
    data: &Dataset,
    index: usize,
    temperature: f32,
) -> Result<Vec<f32>> {
    DistillParams {
        temperature,
        alpha: 0.0,
    }
    .check()?;
    if index >= data.len() {
        return Err(Error::param(
            Setting::DigitIndex,
            index,
            Reason::IsBeyondTheTestSet,
        ));
    }
    let z = teacher_logits_range(teacher, data, index, index + 1)?;
    Ok(soft_targets(&z, temperature))
}

/// Mean ms of one forward pass of `mlp` on `batch` rows, measured with `clock`.
///
/// # Errors
/// `InvalidParam` for a batch of 0 or above 4096.
pub fn forward_ms(mlp: &Mlp, batch: usize, clock: &dyn Fn() -> f64) -> Result<f64> {
    if batch == 0 || batch > 4096 {
        return Err(Error::param(
            Setting::Batch,
            batch,
            Reason::MustBeBetween1And4096,
        ));
    }
    let x: Vec<f32> = (0..batch * mlp.n_in())
        .map(|i| ((i * 7) % 13) as f32 * 0.1 - 0.6)
        .collect();
    let mut ws = Workspace::default();
    let mut result = Ok(());
    let ms = crate::compress::speed::mean_ms(clock, 60.0, || {
        if let Err(e) = mlp.forward(&x, batch, &mut ws) {
            result = Err(e);
        }
    });
    result.map(|()| ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::loss::softmax_cross_entropy;

    const ZS: [f32; 6] = [0.3, -1.2, 2.0, 0.5, -0.1, 0.9];
    const ZT: [f32; 6] = [1.0, 0.2, 3.0, -0.4, 0.8, 2.5];
    const Y: [u8; 2] = [2, 0];

    fn loss(zs: &[f32], p: &DistillParams) -> f32 {
        let mut d = vec![0.0; 6];
        distill_loss(zs, &ZT, &Y, 3, p, &mut d).unwrap().0
    }

    #[test]
    fn gradient_matches_finite_differences() {
        for (t, a) in [(1.0, 0.5), (4.0, 0.9), (20.0, 1.0), (2.0, 0.0)] {
            let p = DistillParams {
                temperature: t,
                alpha: a,
            };
            let mut d = vec![0.0; 6];
            distill_loss(&ZS, &ZT, &Y, 3, &p, &mut d).unwrap();
            for i in 0..6 {
                let h = 1e-2;
                let (mut zp, mut zm) = (ZS, ZS);
                zp[i] += h;
                zm[i] -= h;
                let numeric = (loss(&zp, &p) - loss(&zm, &p)) / (2.0 * h);
                assert!(
                    (numeric - d[i]).abs() < 2e-3,
                    "T {t} α {a} dz[{i}]: {numeric} vs {}",
                    d[i]
                );
            }
        }
    }

    #[test]
    fn alpha_zero_is_cross_entropy() {
        let p = DistillParams {
            temperature: 3.0,
            alpha: 0.0,
        };
        let (mut d, mut dce) = (vec![0.0; 6], vec![0.0; 6]);
        let (l, c) = distill_loss(&ZS, &ZT, &Y, 3, &p, &mut d).unwrap();
        let (lce, cce) = softmax_cross_entropy(&ZS, &Y, 3, &mut dce).unwrap();
        assert!((l - lce).abs() < 1e-6 && c == cce);
        assert!(d.iter().zip(&dce).all(|(a, b)| (a - b).abs() < 1e-7));
    }

    #[test]
    fn kl_term_vanishes_when_logits_agree() {
        let p = DistillParams {
            temperature: 5.0,
            alpha: 1.0,
        };
        let mut d = vec![0.0; 6];
        let (l, _) = distill_loss(&ZT, &ZT, &Y, 3, &p, &mut d).unwrap();
        assert!(l.abs() < 1e-6, "loss {l}");
        assert!(d.iter().all(|g| g.abs() < 1e-6));
        assert!(loss(&ZS, &p) > 0.01);
    }

    #[test]
    fn bad_temperature_or_alpha_is_a_typed_error() {
        for (t, a) in [
            (0.0, 0.5),
            (-1.0, 0.5),
            (f32::NAN, 0.5),
            (f32::INFINITY, 0.5),
            (101.0, 0.5),
            (2.0, -0.1),
            (2.0, 1.1),
            (2.0, f32::NAN),
        ] {
            let p = DistillParams {
                temperature: t,
                alpha: a,
            };
            assert!(
                matches!(p.check(), Err(Error::InvalidParam { .. })),
                "{t} {a}"
            );
            let mut d = vec![0.0; 6];
            assert!(distill_loss(&ZS, &ZT, &Y, 3, &p, &mut d).is_err());
        }
    }

    #[test]
    fn soft_targets_flatten_with_temperature() {
        let cold = soft_targets(&[3.0, 1.0, 0.0], 1.0);
        let hot = soft_targets(&[3.0, 1.0, 0.0], 20.0);
        assert!(cold[0] > hot[0] && hot[2] > cold[2]);
        assert!((hot.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    }
}
