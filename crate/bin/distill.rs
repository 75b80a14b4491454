//! `shrink distill`: trains a teacher, stores its training-set logits once, then trains the same
//! student from scratch and distilled (same seed, same epochs) for each seed, and prints test
//! errors per seed with their means ± standard deviation (Hinton, Vinyals & Dean 2015).
//! `--load FILE` is the teacher; `--save FILE` writes the distilled student of the last
//! `--student` widths, first temperature and first seed (the run's first distilled model).

use crate::args::Args;
use crate::train::config;
use shrink::compress::distill::student::{Student, TeacherLogits};
use shrink::compress::distill::{teacher_logits, DistillParams};
use shrink::train::{evaluate, TrainConfig};
use std::sync::Arc;
use std::time::Instant;

fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len().max(1) as f64;
    let m = xs.iter().sum::<f64>() / n;
    let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0).max(1.0);
    (m, v.sqrt())
}

pub fn run(a: &Args) -> Result<(), String> {
    let base = config(a)?;
    let teacher_cfg = TrainConfig {
        hidden: a.list("teacher", &[1200, 1200])?,
        epochs: a.get("teacher-epochs", 10)?,
        ..base.clone()
    };
    // `--student 30/10` runs two students, 784-30-10 and 784-10-10.
    let students: Vec<Vec<usize>> = a
        .str("student")
        .unwrap_or("30")
        .split('/')
        .map(|s| {
            s.split(',')
                .map(|p| {
                    p.trim()
                        .parse()
                        .map_err(|_| format!("--student: cannot parse '{p}'"))
                })
                .collect::<Result<Vec<usize>, String>>()
        })
        .collect::<Result<_, _>>()?;
    // `--temperature 4,20` compares several temperatures against the same scratch runs.
    let temps: Vec<f32> = a.list("temperature", &[DistillParams::default().temperature])?;
    let alpha: f32 = a.get("alpha", DistillParams::default().alpha)?;
    let all: Vec<DistillParams> = temps
        .iter()
        .map(|&temperature| DistillParams { temperature, alpha })
        .collect();
    for p in &all {
        p.check().map_err(|e| e.to_string())?;
    }
    let seeds: u64 = a.get("seeds", 3)?;
    let (train, test) = a.mnist()?;
    println!(
        "teacher 784-{:?}-10, {} epochs",
        teacher_cfg.hidden, teacher_cfg.epochs
    );
    let teacher = crate::files::start_model(a, &teacher_cfg, &train, &test)?;
    let tev = evaluate(&teacher, &test, 0).map_err(|e| e.to_string())?;
    let t0 = Instant::now();
    let logits = TeacherLogits {
        logits: Arc::new(teacher_logits(&teacher, &train).map_err(|e| e.to_string())?),
        classes: teacher.n_out(),
    };
    println!(
        "teacher: {} params, test accuracy {:.2}% ({} errors); training-set logits stored in {:.2} s",
        teacher.param_count(),
        100.0 * tev.accuracy,
        tev.errors(),
        t0.elapsed().as_secs_f64()
    );
    // The student `--save` writes: (name, model) of the last widths' first seed and temperature.
    let mut to_save: Option<(String, shrink::model::Mlp)> = None;
    for hidden in students {
        // Both students share this rate. The soft term's gradient α·T·(p_s − p_t) can be up to
        // α·T times the hard one's when the teacher is confident, so distillation often wants
        // a smaller step than the teacher's.
        let cfg = TrainConfig {
            hidden: hidden.clone(),
            lr: a.get("student-lr", base.lr)?,
            ..base.clone()
        };
        cfg.check().map_err(|e| e.to_string())?;
        println!(
            "\nstudent 784-{hidden:?}-10, {} epochs, lr {}, α = {alpha}; test errors of 10000",
            cfg.epochs, cfg.lr
        );
        let mut head = format!("{:>6} {:>9}", "seed", "scratch");
        for p in &all {
            head += &format!(" {:>10}", format!("T={}", p.temperature));
        }
        println!("{head}");
        let mut cols: Vec<Vec<f64>> = vec![Vec::new(); all.len() + 1];
        for seed in base.seed..base.seed + seeds {
            let c = TrainConfig {
                seed,
                ..cfg.clone()
            };
            let mut s = Student::scratch(c.clone(), train.len()).map_err(|e| e.to_string())?;
            s.run_to_end(&train).map_err(|e| e.to_string())?;
            let es = evaluate(&s.tuner.mlp, &test, 0)
                .map_err(|e| e.to_string())?
                .errors();
            cols[0].push(es as f64);
            let mut line = format!("{seed:>6} {es:>9}");
            for (i, p) in all.iter().enumerate() {
                let mut d = Student::distilled(c.clone(), train.len(), logits.clone(), *p)
                    .map_err(|e| e.to_string())?;
                d.run_to_end(&train).map_err(|e| e.to_string())?;
                let ed = evaluate(&d.tuner.mlp, &test, 0)
                    .map_err(|e| e.to_string())?
                    .errors();
                cols[i + 1].push(ed as f64);
                line += &format!(" {ed:>10}");
                if seed == base.seed && i == 0 {
                    let name = format!(
                        "distilled 784-{}-10, T={}, α={alpha}, seed {seed}",
                        join(&hidden),
                        p.temperature
                    );
                    to_save = Some((name, d.tuner.mlp.clone()));
                }
            }
            println!("{line}");
        }
        let mut line = format!("{:>6}", "mean");
        for c in &cols {
            let (m, sd) = mean_sd(c);
            line += &format!(" {:>10}", format!("{m:.1}±{sd:.1}"));
        }
        println!("{line}");
    }
    match to_save {
        Some((name, mlp)) => {
            crate::files::save_if_asked(a, shrink::version::Model::Float(mlp), &name, "", base.seed)
        }
        None => Ok(()),
    }
}

fn join(widths: &[usize]) -> String {
    widths
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("-")
}
