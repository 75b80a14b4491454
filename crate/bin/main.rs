//! `shrink`: the native command line on the same core as the page.
//!
//!   shrink train --hidden 300,100 --epochs 10 [--lr 0.05 --batch 64 --optimizer sgd|adam ...]
//!   shrink bench
//! Each subcommand lives in its own file; `args.rs` parses `--key value` flags.

mod args;
mod bench;
mod binarize;
mod deep_compress;
mod distill;
mod files;
mod low_rank;
mod prune;
mod quantize;
mod recipe;
mod train;

use std::process::ExitCode;

const USAGE: &str = "usage: shrink <command> [--flag value ...]
commands:
  train    train an MLP on MNIST and print per-epoch accuracy and samples/s
  prune    prune LeNet-300-100 (--method --scope --sparsity --prune-schedule --sweep --pitfall
           --sensitivity --structured) and print accuracy, sparsity, sizes and timings
  bench    time the kernels and a LeNet-300-100 training step natively (makes no model: no --save/--load)
  quantize       train, then int8/int4/int2 (PTQ, QAT), fp8/fp16/bf16, k-means: accuracy, sizes, int8 speed
  deep-compress  train, prune + retrain, k-means share + fine-tune, Huffman: accuracy and size per stage
  low-rank factor the first layer at --rank 8,16,... and fine-tune (--finetune-epochs N)
  distill  --teacher 1200,1200 --student 30[/10] --temperature T[,T2] --alpha A --seeds 3 [--student-lr η]
           (--load FILE is the teacher; --save FILE the last student distilled at the first T and seed)
  binarize train a binary net (--method binaryconnect|bnn --hidden 1024,1024 ...); --bench: XNOR vs f32
  recipe   \"train:300,100,e10;prune:magnitude,0.9,ft2;quantize:int8\" — one row per step (accuracy,
           three sizes, ratio, batch-1/64 ms, kernel); chains separated by | share their prefixes;
           --seeds 1,2,3 runs each chain per seed and prints the mean and spread of the final error
  eval     --load FILE [--scaling unit|mean-std]: accuracy and sizes of a model file (Shrink, PyTorch safetensors or ONNX)
  export   --onnx OUT --load FILE: write the model as ONNX (opset 13)
common flags: --data DIR (default $SHRINK_DATA or www/data); --load FILE starts from a saved or imported model,
  --save FILE writes the command's result in the Shrink model format (safetensors)";

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let Some((cmd, rest)) = argv.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    // `recipe` takes its text as the first, positional argument.
    let (positional, rest) = match rest.split_first() {
        Some((p, tail)) if cmd == "recipe" && !p.starts_with("--") => (Some(p.as_str()), tail),
        _ => (None, rest),
    };
    let parsed = match args::Args::parse(rest) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match cmd.as_str() {
        "train" => train::run(&parsed),
        "bench" => bench::run(&parsed),
        "quantize" => quantize::run(&parsed),
        "deep-compress" => deep_compress::run(&parsed),
        "prune" => prune::run(&parsed),
        "low-rank" => low_rank::run(&parsed),
        "distill" => distill::run(&parsed),
        "binarize" => binarize::run(&parsed),
        "recipe" => recipe::run(&parsed, positional),
        "eval" => files::eval(&parsed),
        "export" => files::export(&parsed),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command '{other}'")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
