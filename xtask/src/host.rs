//! How fast each of two busy cores runs against one alone, on this machine, now: the ceiling of
//! any 2-thread speed-up measured here.
//!
//! These machines are virtual, with two cores shared with the host's other guests: with both
//! busy, each may run slower than one alone (a lower shared clock, a busy sibling hyperthread).
//! A pinned Python loop measured 5,650 rounds/s per core alone and 4,840–5,280 with both busy
//! (2026-11-30), and a second core slower by 10–40 % for seconds at a time. `cargo xtask bench`
//! prints this factor before and after the browser part, so a reader of its 2 ÷ 1 figures knows
//! what the host allowed while they ran: with factor f, compute-bound work on 2 threads can
//! reach at most 2f of 1 thread.

use std::time::Instant;

/// A dependent chain of integer operations (no memory traffic, no vector units to share).
fn spin(rounds: u64) -> u64 {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    for i in 0..rounds {
        x = (x.rotate_left(5) ^ i).wrapping_mul(0x2545_F491_4F6C_DD1D);
    }
    std::hint::black_box(x)
}

fn seconds(rounds: u64) -> f64 {
    let t = Instant::now();
    spin(rounds);
    t.elapsed().as_secs_f64()
}

/// Each core's speed with both busy, as a fraction of one core's alone (best of three each).
pub fn two_core_factor() -> f64 {
    // About 0.2 s a run.
    let mut rounds = 1u64 << 20;
    while seconds(rounds) < 0.05 {
        rounds *= 2;
    }
    rounds *= 4;
    let alone = (0..3)
        .map(|_| seconds(rounds))
        .fold(f64::INFINITY, f64::min);
    let both = (0..3)
        .map(|_| {
            let other = std::thread::spawn(move || seconds(rounds));
            let mine = seconds(rounds);
            let theirs = other.join().unwrap_or(mine);
            (mine + theirs) / 2.0
        })
        .fold(f64::INFINITY, f64::min);
    alone / both
}

/// The factor as a line for the bench's output.
pub fn say(when: &str) -> String {
    format!(
        "host, {when}: two busy cores each ran at {:.2}× the speed of one alone (an integer loop; \
         2 threads can reach at most twice that of 1)",
        two_core_factor()
    )
}
