//! Browser tests of pruning: the CSR kernel's simd128 path equals its scalar twin and the dense
//! GEMM, and the PruneLab boundary round-trips and rejects bad input in words.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod web_util;
use shrink::tensor::kernels::scalar;
use web_util::*;

/// CSR kernel: simd128 equals its scalar twin, and both equal the dense GEMM on the same
/// masked weights, at odd shapes and batches (batch 1 takes the gather path).
#[wasm_bindgen_test]
fn csr_kernel_matches_scalar_and_dense() {
    use shrink::tensor::kernels::sparse;
    use shrink::tensor::sparse::{transpose, Csr};
    for &(n, k) in &[(1usize, 1usize), (3, 17), (13, 29), (16, 15), (300, 784)] {
        for b in LENGTHS.into_iter().filter(|&b| b > 0).chain([64]) {
            let mut w = data(n * k, 9);
            w.iter_mut().enumerate().for_each(|(i, v)| {
                if (i * 7) % 10 < 7 {
                    *v = 0.0
                }
            });
            let wa = ndarray::Array2::from_shape_vec((n, k), w.clone()).unwrap();
            let csr = Csr::from_dense(&wa).unwrap();
            let (rp, col, val) = csr.parts();
            let x = data(b * k, 10);
            let mut xt = vec![0.0; b * k];
            transpose(b, k, &x, &mut xt).unwrap();
            let (mut y1, mut y2) = (vec![9.0; n * b], vec![9.0; n * b]);
            sparse::simd128::csr_mm_t(n, b, rp, col, val, &xt, &mut y1);
            sparse::scalar::csr_mm_t(n, b, rp, col, val, &xt, &mut y2);
            close(&y1, &y2, &format!("csr {n}x{k} b{b}"));
            let mut dense = vec![0.0; b * n];
            scalar::gemm_nt(b, n, k, &x, &w, &mut dense);
            let mut y = vec![0.0; b * n];
            transpose(n, b, &y1, &mut y).unwrap();
            close(&y, &dense, &format!("csr vs dense {n}x{k} b{b}"));
        }
    }
}

// ---------- PruneLab (crate/wasm/prune.rs) ----------

/// The Prune lab through the boundary: exact sparsity, masks held by fineTune, heatmaps and
/// timings come back; bad settings throw in words and the session keeps working.
#[wasm_bindgen_test]
fn prune_lab_round_trip_and_bad_input() {
    use shrink::wasm::prune::PruneLab;
    let mut s = loaded_session();
    s.train_steps(20).unwrap();
    let mut lab = PruneLab::new();
    let r = lab
        .apply(
            &mut s,
            json(r#"{"weights":{"sparsity":[0.5]},"evalLimit":0}"#),
        )
        .unwrap();
    assert!((num(&r, "totalSparsity") - 0.5).abs() < 1e-3);
    let r = lab.fine_tune(&mut s, 10, 0.05, 0).unwrap();
    assert!((num(&r, "totalSparsity") - 0.5).abs() < 1e-3, "mask held");
    let img = lab
        .heatmap(&s, 0, "mask".into(), "magnitude".into(), 4)
        .unwrap();
    assert_eq!(num(&img, "width"), 4.0 * 29.0 - 1.0);
    let t = lab.timings(&s, 1.0).unwrap();
    assert!(get(&t, "modelSparseMs").is_object());
    let r = lab
        .apply(
            &mut s,
            json(r#"{"level":"neurons","neurons":{"fraction":[0.5]}}"#),
        )
        .unwrap();
    assert_eq!(num(&r, "removedNeurons"), 8.0);
    for (what, e, expect) in [
        (
            "sparsity 1.5",
            lab.apply(&mut s, json(r#"{"weights":{"sparsity":[1.5]}}"#))
                .err(),
            "sparsity",
        ),
        (
            "unknown layer",
            lab.apply(&mut s, json(r#"{"weights":{"layers":[9]}}"#))
                .err(),
            "layer",
        ),
        (
            "all neurons",
            lab.apply(
                &mut s,
                json(r#"{"level":"neurons","neurons":{"fraction":[0.99]}}"#),
            )
            .err(),
            "every neuron",
        ),
        (
            "bad criterion",
            lab.apply(&mut s, json(r#"{"weights":{"criterion":"biggest"}}"#))
                .err(),
            "pruning settings",
        ),
        (
            "zero steps",
            lab.fine_tune(&mut s, 0, 0.01, 0).err(),
            "steps",
        ),
        ("NaN lr", lab.fine_tune(&mut s, 5, f32::NAN, 0).err(), "lr"),
        (
            "bad view",
            lab.heatmap(&s, 0, "colour".into(), "magnitude".into(), 4)
                .err(),
            "heatmap view",
        ),
        (
            "bad layer",
            lab.heatmap(&s, 7, "mask".into(), "magnitude".into(), 4)
                .err(),
            "layer",
        ),
    ] {
        let m = message(e.unwrap_or_else(|| panic!("{what} must fail")));
        assert!(m.contains(expect), "{what}: {m}");
    }
    lab.restore(&mut s, 0).unwrap();
    still_works(&mut s, "prune lab calls");
}
