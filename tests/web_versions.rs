//! Browser tests of the version store through the wasm facade (`VersionsLab`): save the
//! session's model, make one by a chunked `train` job, pick a version as the panels' input,
//! predict with several versions, draw a heatmap, rename and delete — and every bad id or name
//! rejected in words while the instance keeps working.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod web_util;
use shrink::wasm::VersionsLab;
use web_util::*;

fn ids(list: &JsValue) -> Vec<u32> {
    js_sys::Array::from(list)
        .iter()
        .map(|v| num(&v, "id") as u32)
        .collect()
}

fn digit(k: usize) -> Vec<f32> {
    let mut px = vec![0.0f32; 784];
    for r in 2 * k..2 * k + 3 {
        for c in 4..24 {
            px[r * 28 + c] = 0.9;
        }
    }
    px
}

#[wasm_bindgen_test]
fn store_adds_picks_deletes_and_rejects_bad_ids_in_words() {
    let mut s = loaded_session();
    s.train_steps(40).unwrap();
    let mut lab = VersionsLab::new();

    // Add: the session's own model, measured on all 30 test digits.
    let a = lab.save_current(&mut s, "trained here").unwrap();
    assert_eq!(num(&a, "id"), 1.0);
    assert_eq!(get(&a, "method").as_string().unwrap(), "train");
    let fa = get(&a, "figures");
    assert_eq!(num(&fa, "testCount"), 30.0);
    assert!(
        num(&fa, "accuracy") > 0.5,
        "the banded digits are learnable: {}",
        num(&fa, "accuracy")
    );
    assert!(num(&fa, "msBatch1") > 0.0 && num(&fa, "ratio") == 1.0);

    // Add: a fresh network made by a chunked train job (5 mini-batches of 8 on 80 digits).
    let p = lab.start(&mut s, None, "train:16,e0.5,b8,s3").unwrap();
    assert_eq!(get(&p, "done"), JsValue::FALSE);
    assert_eq!(get(&p, "step").as_string().unwrap(), "train:16,e0.5,b8,s3");
    let e = lab.finish(&mut s, "too early").map(|_| ()).unwrap_err();
    assert!(message(e).contains("not done"));
    let mut rounds = 0;
    while lab.progress().map(|p| get(&p, "done")).unwrap() != JsValue::TRUE {
        lab.advance(&mut s, 2).unwrap();
        rounds += 1;
    }
    assert!(
        (2..=10).contains(&rounds),
        "5 mini-batches in slices of 2 took {rounds} calls"
    );
    let b = lab.finish(&mut s, "fresh").unwrap();
    assert_eq!(num(&b, "id"), 2.0);
    assert_eq!(
        get(&b, "recipe").as_string().unwrap(),
        "train:16,e0.5,b8,s3"
    );
    assert_eq!(ids(&lab.list(&s).unwrap()), vec![1, 2]);
    // The same chain is found again instead of being trained twice.
    assert_eq!(
        lab.existing(&s, None, "train:16,e0.5,b8,s3").unwrap(),
        Some(2)
    );

    // Pick as input: the session now predicts exactly as version #2 does.
    let input = lab.use_as_input(&mut s, 2).unwrap();
    assert_eq!(num(&input, "id"), 2.0);
    assert_eq!(get(&input, "dense"), JsValue::TRUE);
    let px = digit(4);
    let from_session = s.predict(&px).unwrap();
    let preds = lab.predict(&s, vec![2, 1], &px).unwrap();
    let first = js_sys::Array::from(&preds).get(0);
    let probs: Vec<f32> = js_sys::Array::from(&get(&first, "probabilities"))
        .iter()
        .map(|v| v.as_f64().unwrap() as f32)
        .collect();
    close(&probs, &from_session, "version #2 vs session");
    assert_eq!(js_sys::Array::from(&preds).length(), 2);

    // Heatmap: one 28×28 tile per first-layer neuron (16 → 4×4 tiles, 1-pixel gaps).
    let img = lab.heatmap(&s, 1, 4).unwrap();
    assert_eq!(
        (num(&img, "width"), num(&img, "height")),
        (4.0 * 28.0 + 3.0, 4.0 * 28.0 + 3.0)
    );

    // Rename, then delete the input: the model stays, no longer said to be #2.
    lab.rename(&mut s, 1, "dense parent").unwrap();
    let e = lab.rename(&mut s, 1, "   ").map(|_| ()).unwrap_err();
    assert!(message(e).contains("must not be empty"));
    lab.delete(&mut s, 2).unwrap();
    assert_eq!(ids(&lab.list(&s).unwrap()), vec![1]);
    assert_eq!(get(&lab.input(&s).unwrap(), "id"), JsValue::NULL);

    // Bad ids, in words, for every method that takes one; ids are never reused.
    let words = |e: JsError, id: u32| {
        let m = message(e);
        assert!(m.contains(&format!("there is no version #{id}")), "{m}");
    };
    words(lab.delete(&mut s, 2).map(|_| ()).unwrap_err(), 2);
    words(lab.use_as_input(&mut s, 7).map(|_| ()).unwrap_err(), 7);
    words(lab.rename(&mut s, 7, "x").map(|_| ()).unwrap_err(), 7);
    words(lab.heatmap(&s, 7, 4).map(|_| ()).unwrap_err(), 7);
    words(lab.predict(&s, vec![1, 7], &px).map(|_| ()).unwrap_err(), 7);
    words(
        lab.start(&mut s, Some(7), "finetune:e1")
            .map(|_| ())
            .unwrap_err(),
        7,
    );
    let e = lab.predict(&s, vec![], &px).map(|_| ()).unwrap_err();
    assert!(message(e).contains("selected versions"));
    let e = lab
        .start(&mut s, None, "prune:magnitude,0.9")
        .map(|_| ())
        .unwrap_err();
    let m = message(e);
    assert!(
        m.contains("version"),
        "a step without a parent is explained: {m}"
    );
    let e = lab.start(&mut s, None, "bogus:1").map(|_| ()).unwrap_err();
    assert!(message(e).contains("is not a step"));
    let a2 = lab.save_current(&mut s, "after delete").unwrap();
    assert_eq!(num(&a2, "id"), 3.0);

    // Clear, and the instance still works.
    assert_eq!(ids(&lab.clear(&mut s).unwrap()), Vec::<u32>::new());
    words(lab.use_as_input(&mut s, 1).map(|_| ()).unwrap_err(), 1);
    assert!(num(&s.evaluate(0).unwrap(), "accuracy") >= 0.0);
}
