//! Chains of methods (issue 10) on real MNIST with fixed seeds: a pruned → int8 chain keeps its
//! true size (int8 codes in sparse storage, below both the pruned float CSR and dense int8) and
//! its accuracy; the same recipe gives the same figures; prune → share → Huffman as a recipe is
//! today's Deep Compression pipeline exactly; every chain the issue lists runs; and chains that
//! make no sense are refused in words. Runs use fractions of an epoch to stay quick.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use shrink::compress::quantize::{deep, LayerCodes};
use shrink::compress::speed::native_clock;
use shrink::data::Dataset;
use shrink::error::{ChainRefusal, Error};
use shrink::version::{run_recipe, Figures, Job, Model, Outcome, Recipe, Step, Store, Version};

/// Runs `text` into `store` on `train`, returning the chain's versions.
fn run(store: &mut Store, text: &str, train: &Dataset) -> Vec<Version> {
    let (_, test) = common::mnist();
    let clock = native_clock();
    let r = Recipe::parse(text).unwrap();
    let ids = run_recipe(store, &r, train, test, &clock, &mut |_, _| {}).unwrap();
    ids.iter()
        .map(|&id| store.get(id).unwrap().clone())
        .collect()
}

/// The figures without the measured times (which vary from run to run).
fn untimed(f: &Figures) -> Figures {
    Figures {
        ms_batch1: 0.0,
        ms_batch64: 0.0,
        ..f.clone()
    }
}

#[test]
fn pruned_then_int8_keeps_its_true_size_and_accuracy() {
    let (train, _) = common::mnist();
    let mut store = Store::new();
    let v = run(
        &mut store,
        "train:300,100,e1;prune:magnitude,0.9,ft0.5;quantize:int8",
        train,
    );
    let (dense, pruned, int8) = (&v[0].figures, &v[1].figures, &v[2].figures);
    let Model::Quantized(q) = &v[2].model else {
        panic!("quantize made {:?}", v[2].model.kernel())
    };
    assert!(q
        .layers
        .iter()
        .all(|l| l.mask.is_some() && matches!(l.codes, LayerCodes::Int { .. })));
    assert!((v[1].model.kept_fraction() - 0.1).abs() < 1e-3);
    // int8 values in sparse storage: smaller than the pruned f32 CSR and than dense int8 codes.
    assert!(
        int8.size.packed_bytes < pruned.size.packed_bytes,
        "{int8:?} vs {pruned:?}"
    );
    assert!(
        int8.size.packed_bytes < int8.size.dense_with_zeros_bytes,
        "{int8:?}"
    );
    assert!(int8.ratio >= 12.0, "{}", int8.ratio);
    assert_eq!(int8.root_dense_bytes, dense.size.dense_fp32_bytes);
    // int8 costs almost nothing on top of pruning, and pruning 90 % with half an epoch of
    // fine-tuning stays close to the one-epoch dense model.
    assert!(
        int8.accuracy >= pruned.accuracy - 0.003,
        "{} vs {}",
        int8.accuracy,
        pruned.accuracy
    );
    assert!(
        pruned.accuracy >= dense.accuracy - 0.015,
        "{} vs {}",
        pruned.accuracy,
        dense.accuracy
    );
    assert!(int8.accuracy > 0.95, "{}", int8.accuracy);
}

#[test]
fn the_same_recipe_gives_the_same_numbers_and_prefixes_are_reused() {
    let (train, _) = common::mnist();
    let text = "train:100,e0.2,s3;prune:magnitude,0.8,ft0.1;share:4,ft0.05;huffman";
    let (mut a, mut b) = (Store::new(), Store::new());
    let va = run(&mut a, text, train);
    let vb = run(&mut b, text, train);
    for (x, y) in va.iter().zip(&vb) {
        assert_eq!(x.model, y.model, "{}", x.name);
        assert_eq!(untimed(&x.figures), untimed(&y.figures), "{}", x.name);
        assert_eq!(x.seed, 3);
    }
    // A second chain sharing the first two steps trains only its new step.
    let clock = native_clock();
    let (_, test) = common::mnist();
    let r = Recipe::parse("train:100,e0.2,s3;prune:magnitude,0.8,ft0.1;quantize:int4").unwrap();
    let mut outcomes = Vec::new();
    run_recipe(&mut a, &r, train, test, &clock, &mut |_, o| {
        outcomes.push(o)
    })
    .unwrap();
    assert_eq!(outcomes, [Outcome::Reused, Outcome::Reused, Outcome::Made]);
    assert_eq!(a.len(), 5);
}

#[test]
fn deep_compression_as_a_recipe_equals_the_special_case() {
    let (full, test) = common::mnist();
    let train = full.head(3000);
    let mut store = Store::new();
    let v = run(
        &mut store,
        "train:300,100,e1;prune:magnitude,0.93,0.92,0.75,ft4,lr0.05,wd0.00005,rounds4;share:6,ft1;huffman",
        &train,
    );
    let Model::Float(dense) = &v[0].model else {
        panic!("train made a float model")
    };
    let per_epoch = train.len().div_ceil(64);
    let p = deep::DeepParams {
        retrain_steps: 4 * per_epoch,
        finetune_steps: per_epoch,
        ..deep::DeepParams::default()
    };
    let special = deep::run(dense, &train, test, &p, &mut |_| {}).unwrap();
    assert_eq!(v[3].model, Model::Quantized(special));
    let f = &v[3].figures;
    assert!(f.size.packed_bytes < v[2].figures.size.packed_bytes);
}

/// The refusal `step` gets on `parent`: which check, and its English sentence (every
/// placeholder filled).
fn refusal(step: &str, parent: Option<&Version>) -> (ChainRefusal, String) {
    let (train, _) = common::mnist();
    match Job::start(&Step::parse(step).unwrap(), parent, train, 1) {
        Err(e @ Error::Unsupported { check, .. }) => {
            let text = e.to_string();
            assert!(
                !text.contains('{'),
                "{step}: a placeholder is left in '{text}'"
            );
            (check, text)
        }
        Err(e) => panic!("{step}: expected a refusal in words, got {e}"),
        Ok(_) => panic!("{step}: expected a refusal"),
    }
}

fn start_err(step: &str, parent: Option<&Version>) -> String {
    refusal(step, parent).1
}

#[test]
fn chains_that_make_no_sense_are_refused_in_words() {
    let (full, _) = common::mnist();
    let train = full.head(2000);
    let mut s = Store::new();
    let v = run(&mut s, "train:32,e0.1;quantize:int8", &train);
    let (dense, int8) = (&v[0], &v[1]);
    let e = start_err("prune:magnitude,0.5", Some(int8));
    assert_eq!(
        e,
        format!(
            "Prune needs float weights; version #{} '{}' stores int8 codes — prune its parent instead",
            int8.id, int8.name
        )
    );
    assert!(start_err("share:4", Some(int8)).contains("share its parent"));
    assert!(start_err("huffman", Some(dense)).contains("quantize it first"));
    assert!(start_err("huffman", Some(int8)).contains("prune before"));
    assert!(start_err("train:30,e1", Some(dense)).contains("first step"));
    assert!(start_err("prune:magnitude,0.5", None).contains("needs an input version"));
    let p = run(&mut s, "train:32,e0.1;prune:magnitude,0.5", &train);
    assert!(start_err("lowrank:8", Some(&p[1])).contains("is pruned"));
    let lr = run(&mut s, "train:32,e0.1;lowrank:8", &train);
    assert!(start_err("neurons:0.5", Some(&lr[1])).contains("factored"));
    assert!(start_err("lowrank:4", Some(&lr[1])).contains("already factored"));
    let b = run(&mut s, "binarize:bc,16,e0.05", &train);
    assert!(start_err("finetune:e1", Some(&b[0])).contains("shadow weights"));
    assert!(start_err("quantize:int8", Some(&b[0])).contains("bit-packed"));
    let k = run(
        &mut s,
        "train:32,e0.1;prune:magnitude,0.5;share:3;huffman",
        &train,
    );
    assert!(start_err("huffman", Some(&k[3])).contains("Huffman-coded"));
    assert!(start_err("quantize:int8", Some(&k[3])).contains("Huffman-coded 3-bit k-means codes"));
    assert!(start_err("binarize:bc", Some(int8)).contains("give widths"));
    // A quantized version whose recipe does not say how (an imported file).
    let imported = Version {
        recipe: Recipe { steps: vec![] },
        ..int8.clone()
    };
    assert!(start_err("finetune:e1", Some(&imported)).contains("no quantize step"));
    // The refused steps left the store and its versions as they were (the Huffman chain reused
    // the pruned version: 5 + share + huffman).
    assert_eq!(s.len(), 7);
    // Every check the chain has was met above.
    let met: std::collections::BTreeSet<&str> = [
        refusal("prune:magnitude,0.5", Some(int8)),
        refusal("prune:magnitude,0.5", None),
        refusal("lowrank:8", Some(&p[1])),
        refusal("lowrank:4", Some(&lr[1])),
        refusal("neurons:0.5", Some(&lr[1])),
        refusal("huffman", Some(&k[3])),
        refusal("huffman", Some(int8)),
        refusal("huffman", Some(dense)),
        refusal("finetune:e1", Some(&b[0])),
        refusal("finetune:e1", Some(&imported)),
        refusal("train:30,e1", Some(dense)),
        refusal("binarize:bc", Some(int8)),
    ]
    .iter()
    .map(|(c, _)| c.id())
    .collect();
    let all: std::collections::BTreeSet<&str> = ChainRefusal::ALL.iter().map(|c| c.id()).collect();
    assert_eq!(met, all);
}

#[test]
fn every_chain_the_issue_lists_runs_with_its_format_held() {
    let (full, _) = common::mnist();
    let train = full.head(6000);
    let mut s = Store::new();
    // Structured-pruned → quantized, shared, factored.
    let n = run(
        &mut s,
        "train:64,32,e0.5;neurons:0.5,ft0.2;quantize:int4",
        &train,
    );
    assert_eq!(n[1].figures.sizes, vec![784, 32, 16, 10]);
    assert!(n[2].figures.size.packed_bytes < n[1].figures.size.packed_bytes);
    run(
        &mut s,
        "train:64,32,e0.5;neurons:0.5,ft0.2;share:4,ft0.1",
        &train,
    );
    run(
        &mut s,
        "train:64,32,e0.5;neurons:0.5,ft0.2;lowrank:8,ft0.1",
        &train,
    );
    // Low-rank → quantized; distilled student → pruned → quantized.
    let l = run(
        &mut s,
        "train:64,32,e0.5;lowrank:8,ft0.1;quantize:int8",
        &train,
    );
    assert_eq!(l[2].figures.sizes, vec![784, 8, 64, 32, 10]);
    let d = run(
        &mut s,
        "train:64,32,e0.5;distill:32,e1,t4,a0.5;prune:magnitude,0.6,ft0.3;quantize:int8",
        &train,
    );
    assert_eq!(d[1].figures.sizes, vec![784, 32, 10]);
    assert_eq!(
        d[3].figures.root_dense_bytes,
        d[0].figures.size.dense_fp32_bytes
    );
    for v in [&n[2], &l[2], &d[3]] {
        assert!(
            v.figures.accuracy > 0.8,
            "{}: {}",
            v.recipe,
            v.figures.accuracy
        );
    }
    // Fine-tuning holds the mask (float), the centroids' assignments (shared) and the grid (int).
    let p = run(
        &mut s,
        "train:64,32,e0.5;prune:magnitude,0.8;finetune:e0.2",
        &train,
    );
    for (a, b) in p[1]
        .model
        .as_float()
        .unwrap()
        .layers
        .iter()
        .zip(&p[2].model.as_float().unwrap().layers)
    {
        assert_eq!(a.mask, b.mask);
        b.w.iter()
            .zip(b.mask.as_ref().unwrap())
            .for_each(|(w, m)| assert!(*m != 0.0 || *w == 0.0));
    }
    assert!(p[2].figures.accuracy > p[1].figures.accuracy);
    let k = run(
        &mut s,
        "train:64,32,e0.5;prune:magnitude,0.8;share:3;huffman;finetune:e0.2",
        &train,
    );
    let q = run(
        &mut s,
        "train:64,32,e0.5;prune:magnitude,0.8;quantize:int4;finetune:e0.2",
        &train,
    );
    for (before, after) in [(&k[3], &k[4]), (&q[2], &q[3])] {
        let (Model::Quantized(a), Model::Quantized(b)) = (&before.model, &after.model) else {
            panic!("fine-tuning changed the format of {}", before.name)
        };
        assert_eq!(a.huffman, b.huffman);
        for (la, lb) in a.layers.iter().zip(&b.layers) {
            assert_eq!(la.mask, lb.mask);
            assert_eq!(la.bits, lb.bits);
            assert_eq!(
                std::mem::discriminant(&la.codes),
                std::mem::discriminant(&lb.codes)
            );
        }
        assert!(
            after.figures.accuracy >= before.figures.accuracy - 0.01,
            "{}",
            after.name
        );
    }
}

#[test]
fn a_job_advances_in_slices_and_reports_its_phase() {
    let (full, test) = common::mnist();
    let train = full.head(3000);
    let step = Step::parse("train:32,e1").unwrap();
    let mut job = Job::start(&step, None, &train, 1).unwrap();
    let mut slices = 0;
    loop {
        let p = job.advance(&train, 10).unwrap();
        assert!((0.0..=1.0).contains(&p.fraction) && !p.phase.is_empty());
        slices += 1;
        if p.done {
            break;
        }
    }
    assert_eq!(slices, 5); // 47 steps in slices of 10
    let clock = native_clock();
    let (model, figures) = job.finish(test, &clock).unwrap();
    assert_eq!(figures.ratio, 1.0);
    assert_eq!(figures.test_count, 10_000);
    assert!(matches!(model, Model::Float(_)));
}

/// The argmax class of `model` for each of the first `n` examples of `data`.
fn classes(model: &Model, data: &Dataset, n: usize) -> Vec<usize> {
    use shrink::compress::Compressed;
    let d = data.dim();
    let (mut x, mut y) = (vec![0.0; n * d], vec![0u8; n]);
    let idx: Vec<u32> = (0..n as u32).collect();
    shrink::data::batch::gather(data, &idx, &mut x, &mut y).unwrap();
    let z = model
        .forward(&x, n, &mut shrink::model::Workspace::default())
        .unwrap();
    z.chunks(10).map(shrink::tensor::argmax).collect()
}

#[test]
fn pruning_with_t_and_a_retrains_towards_the_parents_answers() {
    let (full, test) = common::mnist();
    let train = full.head(3000);
    let mut store = Store::new();
    let base = "train:100,e1;prune:magnitude,0.95,ft1";
    let plain = run(&mut store, base, &train);
    let taught = run(&mut store, &format!("{base},t4,a1"), &train);
    let (parent, plain, taught) = (&plain[0].model, &plain[1].model, &taught[1].model);
    assert!((taught.kept_fraction() - 0.05).abs() < 1e-3);
    assert_ne!(plain, taught);
    // Only the parent's logits train the taught child (α = 1), so it agrees with the parent on
    // more test digits than the child retrained on the labels.
    let n = 2000;
    let p = classes(parent, test, n);
    let agree = |m: &Model| {
        classes(m, test, n)
            .iter()
            .zip(&p)
            .filter(|(a, b)| a == b)
            .count()
    };
    let (a_plain, a_taught) = (agree(plain), agree(taught));
    assert!(a_taught >= a_plain, "{a_taught} vs {a_plain} of {n}");
}
