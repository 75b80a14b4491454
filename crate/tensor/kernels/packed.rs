//! The forward GEMM on a packed Wᵀ: B (`[n, k]`, PyTorch's weight layout) is packed once into
//! column panels of `PANEL` = 8, and every later C = A·Bᵀ streams the panels with no transpose.
//!
//!   panel q, row p, lane s  =  B[8q + s, p]     (0 where 8q + s ≥ n)
//!   C[i, 8q + s]            =  Σ_p A[i, p] · panel_q[p, s]
//!
//! A panel is k × 8 contiguous floats (25 KB for k = 784), so it stays in L1 while every row of A
//! streams past it; the register tile splats one A value against two f32x4 of the panel. This is
//! the packed-B scheme of Goto & van de Geijn, "Anatomy of high-performance matrix
//! multiplication" (ACM TOMS 2008). The model packs each layer once per optimizer step (one
//! forward per step) and once per evaluation, so inference pays the packing once per call.

use super::active;
use crate::error::{check_len, Result};

/// Width of one packed column panel (two f32x4 registers).
pub const PANEL: usize = 8;

/// Bᵀ for an `[n, k]` matrix B, packed in `PANEL`-wide column panels (zero-padded past `n`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PackedBt {
    n: usize,
    k: usize,
    data: Vec<f32>,
}

/// Number of floats the panels of an `[n, k]` matrix take.
pub fn packed_len(n: usize, k: usize) -> usize {
    n.div_ceil(PANEL) * PANEL * k
}

impl PackedBt {
    /// Packs B (`[n, k]`, row-major) into the panels, reusing this buffer's allocation.
    ///
    /// # Errors
    /// `ShapeMismatch` if `b.len() != n·k`.
    pub fn pack(&mut self, n: usize, k: usize, b: &[f32]) -> Result<()> {
        check_len("PackedBt::pack", b.len(), n * k)?;
        self.n = n;
        self.k = k;
        self.data.clear();
        self.data.resize(packed_len(n, k), 0.0);
        pack_block(k, b, &mut self.data)
    }

    /// Shapes the panels for an `[n, k]` B without filling them (reuses the allocation): the
    /// data-parallel step then fills disjoint blocks of them with [`pack_block`] from several
    /// threads, each right after it updated those rows of B.
    pub fn reshape(&mut self, n: usize, k: usize) {
        self.n = n;
        self.k = k;
        self.data.resize(packed_len(n, k), 0.0);
    }

    /// The panels, mutable (see [`PackedBt::reshape`]).
    pub fn panels_mut(&mut self) -> &mut [f32] {
        &mut self.data
    }

    /// Rows of B (columns of C).
    pub fn n(&self) -> usize {
        self.n
    }

    /// Columns of B (the shared dimension).
    pub fn k(&self) -> usize {
        self.k
    }

    /// The raw panels, `packed_len(n, k)` floats.
    pub fn panels(&self) -> &[f32] {
        &self.data
    }
}

/// Packs `rows` (a block of whole rows of B, `[r, k]`, starting at a row that is a multiple of
/// `PANEL`) into `panels`, the `⌈r/8⌉` panels that hold them (the tail of the last panel is
/// zeroed): the same layout [`PackedBt::pack`] writes for those rows.
///
/// # Errors
/// `ShapeMismatch` if the lengths do not agree.
pub fn pack_block(k: usize, rows: &[f32], panels: &mut [f32]) -> Result<()> {
    let r = rows.len() / k.max(1);
    check_len("pack_block rows", rows.len(), r * k)?;
    check_len("pack_block panels", panels.len(), packed_len(r, k))?;
    if r < panels.len() / (PANEL * k).max(1) * PANEL {
        panels[(r / PANEL) * PANEL * k..].fill(0.0);
    }
    // Whole panels by the kernel's transposes; a last partial panel lane by lane.
    let whole = r / PANEL;
    let span = PANEL * k.max(1);
    for (block, panel) in rows.chunks_exact(span).zip(panels.chunks_exact_mut(span)) {
        active::pack_panel(k, block, panel);
    }
    let tail = &rows[whole * PANEL * k..];
    if !tail.is_empty() {
        let panel = &mut panels[whole * PANEL * k..(whole + 1) * PANEL * k];
        for (lane, row) in tail.chunks_exact(k.max(1)).enumerate() {
            for (p, &v) in row.iter().enumerate() {
                panel[p * PANEL + lane] = v;
            }
        }
    }
    Ok(())
}

/// Checks the buffers of a packed GEMM: A `[m, k]`, panels of an `[n, k]` B, C `[m, n]`.
pub(crate) fn check_packed(
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    panels: &[f32],
    c: &[f32],
) -> Result<()> {
    check_len("gemm_packed A", a.len(), m * k)?;
    check_len("gemm_packed panels", panels.len(), packed_len(n, k))?;
    check_len("gemm_packed C", c.len(), m * n)
}

/// C[m×n] = A[m×k] · Bᵀ with B given packed (overwrites C).
///
/// # Shapes
/// `a`: `[m, bt.k()]`, `c`: `[m, bt.n()]`.
/// # Errors
/// `ShapeMismatch` if `a` or `c` do not match.
pub fn gemm_packed(m: usize, a: &[f32], bt: &PackedBt, c: &mut [f32]) -> Result<()> {
    active::gemm_packed(m, bt.n, bt.k, a, &bt.data, c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::kernels::scalar;

    fn fill(len: usize, seed: usize) -> Vec<f32> {
        (0..len)
            .map(|i| (((i * 37 + seed * 11) % 23) as f32 - 11.0) * 0.07)
            .collect()
    }

    /// The packed GEMM (scalar twin and, natively, the dispatched kernel) equals the plain
    /// dot-product definition of A·Bᵀ, on odd and edge shapes.
    #[test]
    fn packed_gemm_matches_the_definition() {
        let lens = [0usize, 1, 3, 4, 15, 16, 17];
        for &m in &[0usize, 1, 3, 4, 5, 9, 17] {
            for &n in &lens {
                for &k in &lens {
                    let a = fill(m * k, 1);
                    let b = fill(n * k, 2);
                    let mut want = vec![0.0; m * n];
                    scalar::gemm_nt(m, n, k, &a, &b, &mut want);
                    let mut bt = PackedBt::default();
                    bt.pack(n, k, &b).unwrap();
                    let mut got = vec![f32::NAN; m * n];
                    scalar::gemm_packed(m, n, k, &a, bt.panels(), &mut got).unwrap();
                    let mut act = vec![f32::NAN; m * n];
                    gemm_packed(m, &a, &bt, &mut act).unwrap();
                    for i in 0..m * n {
                        assert!(
                            (got[i] - want[i]).abs() <= 1e-4,
                            "scalar {m}×{n}×{k} at {i}"
                        );
                        assert!(
                            (act[i] - want[i]).abs() <= 1e-4,
                            "active {m}×{n}×{k} at {i}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn wrong_shapes_are_errors() {
        let mut bt = PackedBt::default();
        assert!(bt.pack(3, 4, &[0.0; 11]).is_err());
        bt.pack(3, 4, &[0.0; 12]).unwrap();
        assert_eq!(bt.panels().len(), 32);
        let mut c = vec![0.0; 6];
        assert!(gemm_packed(2, &[0.0; 7], &bt, &mut c).is_err());
        assert!(gemm_packed(2, &[0.0; 8], &bt, &mut c[..5]).is_err());
        assert!(gemm_packed(2, &[0.0; 8], &bt, &mut c).is_ok());
    }
}
