//! Turning importance scores into 0/1 masks at an exact sparsity.
//!
//! Layer-wise: layer l loses k_l = round(s_l·n_l) weights, the lowest scores first (Han et al.
//! 2015 use 92/91/74 % on LeNet-300-100). Global: one threshold across the chosen layers, k =
//! round(s·Σn_l). Ties break by position (layer, then row-major index), so masks are
//! deterministic; weights that were already pruned stay pruned and count towards k.

use crate::error::{Error, Result};
use crate::error::{Reason, Setting};
use ndarray::Array2;
use serde::{Deserialize, Serialize};

/// Where the threshold is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum Scope {
    /// Each layer to its own sparsity.
    #[default]
    Layer,
    /// One threshold shared by all chosen layers.
    Global,
}

/// A weight's position: (layer, flat index), the tie-breaker.
type Key = (f32, usize, usize);

fn order(a: &Key, b: &Key) -> std::cmp::Ordering {
    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
}

/// Number of weights to prune for a fraction `s` of `n`, rounded to the nearest weight.
pub fn target_count(s: f32, n: usize) -> usize {
    ((s as f64) * n as f64).round().clamp(0.0, n as f64) as usize
}

/// Masks for the layers in `targets` (pairs of layer index and sparsity) under `scope`.
/// `existing[l]` is the layer's current mask; entries already 0 stay 0. Layers not in
/// `targets` get `None` (left unchanged by the caller).
///
/// # Errors
/// `ShapeMismatch` if a score or mask shape disagrees; `InvalidParam` if a layer index is out
/// of range or a global scope gets different sparsities.
pub fn build(
    scores: &[Array2<f32>],
    existing: &[Option<&Array2<f32>>],
    targets: &[(usize, f32)],
    scope: Scope,
) -> Result<Vec<Option<Array2<f32>>>> {
    if existing.len() != scores.len() {
        return Err(Error::shape("mask::build", scores.len(), existing.len()));
    }
    for (l, m) in existing.iter().enumerate() {
        if let Some(m) = m {
            if m.dim() != scores[l].dim() {
                return Err(Error::shape(
                    "mask::build existing mask",
                    scores[l].dim(),
                    m.dim(),
                ));
            }
        }
    }
    let mut out: Vec<Option<Array2<f32>>> = vec![None; scores.len()];
    let groups: Vec<Vec<(usize, f32)>> = match scope {
        Scope::Layer => targets.iter().map(|&t| vec![t]).collect(),
        Scope::Global => {
            if let Some(&(_, s0)) = targets.first() {
                if targets.iter().any(|&(_, s)| s != s0) {
                    return Err(Error::param(
                        Setting::Sparsity,
                        "several values",
                        Reason::AGlobalThresholdTakesOneSparsity,
                    ));
                }
            }
            vec![targets.to_vec()]
        }
    };
    for group in groups {
        let mut keys: Vec<Key> = Vec::new();
        let mut total = 0;
        let mut s_group = 0.0;
        for &(l, s) in &group {
            let sc = scores
                .get(l)
                .ok_or_else(|| Error::no_layer(l, scores.len()))?;
            s_group = s;
            total += sc.len();
            let old = existing[l];
            for (i, &v) in sc.iter().enumerate() {
                // Already-pruned weights rank below everything so they stay pruned.
                let already = old.is_some_and(|m| m.as_slice().is_some_and(|m| m[i] == 0.0));
                let v = if already || v.is_nan() {
                    f32::NEG_INFINITY
                } else {
                    v
                };
                keys.push((v, l, i));
            }
        }
        let already: usize = group
            .iter()
            .filter_map(|&(l, _)| existing[l])
            .map(|m| m.iter().filter(|&&k| k == 0.0).count())
            .sum();
        let k = target_count(s_group, total).max(already);
        for &(l, _) in &group {
            out[l] = Some(Array2::ones(scores[l].dim()));
        }
        if k > 0 {
            if k < keys.len() {
                keys.select_nth_unstable_by(k - 1, order);
            }
            for &(_, l, i) in keys.iter().take(k) {
                if let Some(m) = out[l].as_mut().and_then(|m| m.as_slice_mut()) {
                    m[i] = 0.0;
                }
            }
        }
    }
    Ok(out)
}

/// Number of zeros in a mask.
pub fn pruned_count(mask: &Array2<f32>) -> usize {
    mask.iter().filter(|&&k| k == 0.0).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arr(r: usize, c: usize, v: &[f32]) -> Array2<f32> {
        Array2::from_shape_vec((r, c), v.to_vec()).unwrap()
    }

    #[test]
    fn layer_scope_prunes_exactly_k_with_positional_ties() {
        let s = vec![arr(2, 3, &[1.0, 1.0, 1.0, 1.0, 0.5, 2.0])];
        let m = build(&s, &[None], &[(0, 0.5)], Scope::Layer).unwrap();
        // k = 3: 0.5 first, then the first two 1.0s by position.
        assert_eq!(
            m[0].as_ref().unwrap(),
            &arr(2, 3, &[0.0, 0.0, 1.0, 1.0, 0.0, 1.0])
        );
    }

    #[test]
    fn global_threshold_spans_layers() {
        let s = vec![arr(1, 4, &[0.1, 0.9, 0.2, 0.8]), arr(1, 2, &[0.05, 0.15])];
        let m = build(&s, &[None, None], &[(0, 0.5), (1, 0.5)], Scope::Global).unwrap();
        // 3 smallest of all six: 0.05 (L1), 0.1 (L0), 0.15 (L1).
        assert_eq!(m[0].as_ref().unwrap(), &arr(1, 4, &[0.0, 1.0, 1.0, 1.0]));
        assert_eq!(m[1].as_ref().unwrap(), &arr(1, 2, &[0.0, 0.0]));
        assert!(build(&s, &[None, None], &[(0, 0.5), (1, 0.4)], Scope::Global).is_err());
    }

    #[test]
    fn pruned_weights_stay_pruned_and_bad_layers_are_errors() {
        let s = vec![arr(1, 4, &[0.1, 0.9, 0.2, 0.8])];
        let old = arr(1, 4, &[1.0, 0.0, 1.0, 1.0]);
        let m = build(&s, &[Some(&old)], &[(0, 0.5)], Scope::Layer).unwrap();
        assert_eq!(m[0].as_ref().unwrap(), &arr(1, 4, &[0.0, 0.0, 1.0, 1.0]));
        assert!(matches!(
            build(&s, &[None], &[(3, 0.5)], Scope::Layer),
            Err(Error::NoLayer { index: 3, count: 1 })
        ));
        assert_eq!(target_count(0.92, 235_200), 216_384);
    }
}
