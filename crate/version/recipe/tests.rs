//! Round-trip and error tests of the recipe text.
#![allow(clippy::unwrap_used)]

use super::*;

#[test]
fn the_issue_example_parses_and_round_trips() {
    let text = "train:300,100,e10;prune:magnitude,0.9,ft2;quantize:int8";
    let r = Recipe::parse(text).unwrap();
    assert_eq!(r.steps.len(), 3);
    assert_eq!(r.to_string(), text);
    assert!(matches!(&r.steps[0], Step::Train(t) if t.hidden == [300, 100] && t.epochs == 10.0));
    assert!(matches!(
        &r.steps[2],
        Step::Quantize(QuantizeStep {
            format: QuantFormat::Int(8),
            ..
        })
    ));
}

#[test]
fn every_step_round_trips() {
    for text in [
        "train:300,100,e10,lr0.05,wd0.0001,b64,s7",
        "prune:gradient,0.92,0.91,0.74,global,ft2.5,lr0.02",
        "prune:magnitude,0.93,0.92,0.75,ft20,lr0.05,wd0.00005,rounds4",
        "prune:magnitude,0.0",
        "prune:magnitude,0.93,0.92,0.75,ft20,lr0.05,wd0.00005,rounds4,t4,a0.9",
        "neurons:0.5,ft5",
        "quantize:int4,qat1,act",
        "quantize:fp8e5m2",
        "quantize:bf16",
        "share:6,ft1",
        "share:5,ft2,lr0.0001",
        "quantize:int8,qat0.5,lr0.005",
        "distill:30,e10,t2,a0.5,lr0.02,wd0.0005",
        "neurons:0.5,ft1,lr0.02",
        "huffman",
        "lowrank:32,ft2",
        "lowrank:energy0.9",
        "distill:30,e10,t2,a0.5,lr0.02",
        "binarize:bnn,1024,1024,e6",
        "binarize:bc,e1",
        "finetune:e2,lr0.01",
        "finetune:e0.5,lr0.01,wd0.0001",
    ] {
        let s = Step::parse(text).unwrap();
        assert_eq!(s.to_string(), text, "{text}");
        assert_eq!(Step::parse(&s.to_string()).unwrap(), s);
    }
}

#[test]
fn bad_steps_are_named_in_words() {
    for (text, needle) in [
        ("shrink:1", "is not a step"),
        ("prune:magnitude,1.5", "below 0.999"),
        ("prune:magnitude", "sparsities"),
        ("quantize:int9", "not an option"),
        ("quantize:int8,fp16", "one format"),
        ("train:300,e0", "more than 0 epochs"),
        ("train:0,e1", "between 1 and 4096"),
        ("train:300,e1,lrNaN", "not an option"),
        ("train:300,e1,lr-1", "above 0"),
        ("distill:30,t0", "temperature"),
        ("lowrank:energy2", "energy0.9"),
        ("share:9", "between 1 and 8"),
        ("train:300,e1,zz5", "not an option"),
        ("prune:magnitude,0.9,rounds0", "from 1 to 20"),
        ("finetune:e0", "more than 0 epochs"),
        ("train:300,e1,wd2", "below 1"),
        ("prune:magnitude,0.9,ft1,t0", "temperature"),
        ("prune:magnitude,0.9,ft1,a2", "α must be"),
    ] {
        let e = Step::parse(text).unwrap_err().to_string();
        assert!(e.contains(needle), "{text}: {e}");
    }
    assert!(Recipe::parse("").is_err());
    assert!(Recipe::parse(&"huffman;".repeat(40)).is_err());
    assert!(Recipe::parse(&"x".repeat(3000)).is_err());
}

#[test]
fn prune_distils_only_when_asked_and_fills_the_missing_knob() {
    let plain = Step::parse("prune:magnitude,0.9,ft2").unwrap();
    assert!(matches!(
        plain,
        Step::Prune(PruneStep { distill: None, .. })
    ));
    let half = Step::parse("prune:magnitude,0.9,ft2,t4").unwrap();
    assert_eq!(half.to_string(), "prune:magnitude,0.9,ft2,t4,a0.5");
    assert_eq!(Step::parse(&half.to_string()).unwrap(), half);
}

#[test]
fn seeds_come_from_the_train_step() {
    assert_eq!(
        Recipe::parse("train:30,e1;prune:magnitude,0.5")
            .unwrap()
            .seed(),
        1
    );
    assert_eq!(
        Recipe::parse("train:30,e1,s7;quantize:int8")
            .unwrap()
            .seed(),
        7
    );
    let r = Recipe::parse("train:30,e1;prune:magnitude,0.5;huffman").unwrap();
    assert_eq!(r.prefix(2).to_string(), "train:30,e1;prune:magnitude,0.5");
    assert_eq!(r.prefix(1).then(Step::Huffman).steps.len(), 2);
}

#[test]
fn a_long_multibyte_token_is_an_error_not_a_panic() {
    let text = format!("train:300,{}", "é".repeat(30));
    assert!(Step::parse(&text).is_err());
}
