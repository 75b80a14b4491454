//! `shrink`: the native command line on the same core as the page.
//!
//!   shrink train --hidden 300,100 --epochs 10 [--lr 0.05 --batch 64 --optimizer sgd|adam ...]
//!   shrink bench
//! Each subcommand lives in its own file; `args.rs` parses `--key value` flags.

mod args;
mod bench;
mod distill;
mod low_rank;
mod train;

use std::process::ExitCode;

const USAGE: &str = "usage: shrink <command> [--flag value ...]
commands:
  train    train an MLP on MNIST and print per-epoch accuracy and samples/s
  bench    time the kernels and a LeNet-300-100 training step natively
  low-rank factor the first layer at --rank 8,16,... and fine-tune (--finetune-epochs N)
  distill  --teacher 1200,1200 --student 30[/10] --temperature T[,T2] --alpha A --seeds 3 [--student-lr η]
common flags: --data DIR (default $SHRINK_DATA or www/data)";

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let Some((cmd, rest)) = argv.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
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
        "low-rank" => low_rank::run(&parsed),
        "distill" => distill::run(&parsed),
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
