//! Target `recipe`: `version::Recipe::parse`, fed mutated and spliced recipe text; what parses
//! must print back to text that parses again.

use super::outcome;

pub fn seeds() -> Vec<Vec<u8>> {
    [
        "train:30,e1;prune:magnitude,0.5",
        "train:30,e1,s7;quantize:int8",
        "train:30,e1;prune:magnitude,0.5;huffman",
        "prune:gradient,0.92,0.91,0.74,global,ft2.5,lr0.02",
        "distill:30,e10,t2,a0.5,lr0.02,wd0.0005",
        "binarize:bnn,1024,1024,e6",
        "lowrank:energy0.9;finetune:e0.5,lr0.01,wd0.0001",
        "neurons:0.5,ft1,lr0.02;quantize:bf16",
    ]
    .iter()
    .map(|t| t.as_bytes().to_vec())
    .collect()
}

pub fn run(input: &[u8]) -> String {
    let text = String::from_utf8_lossy(input);
    let parsed = shrink::version::Recipe::parse(&text);
    if let Ok(r) = &parsed {
        // What parses prints back to text that parses again.
        let again = r.to_string();
        assert!(
            shrink::version::Recipe::parse(&again).is_ok(),
            "{text:?} -> {again:?}"
        );
    }
    outcome(&parsed)
}
