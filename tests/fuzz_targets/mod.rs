//! The fuzz targets of tests/fuzz.rs (issue 13): a seeded SplitMix64 drives byte mutations and
//! JSON/recipe grammars over every parser that takes untrusted input. Each target runs one input
//! and returns its *outcome*: `ok`, or the error it gave with numbers blanked out. The runner
//! keeps an input in the corpus when its outcome is new, a coarse stand-in for coverage feedback
//! (a stable toolchain has no sanitizer coverage): inputs that reach a new check in a parser
//! become seeds for later mutations.
#![allow(dead_code)]

pub mod files;
pub mod fixtures;
pub mod idx;
pub mod params;
pub mod recipe;
pub mod snapshot;

// ---------- random source ----------

/// SplitMix64: tiny, seedable, good enough to drive mutations.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// Byte-level mutations: flips, interesting values (counts, magics), inserts, deletes,
/// duplications and truncation, 1–4 of them per input.
pub fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = v.len();
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                v[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                v[i] = [0, 1, 0x7f, 0x80, 0xff, 9, 10, 28][rng.below(8)];
            }
            2 if len >= 4 => {
                // A 32-bit big-endian field (IDX counts, sizes, magics) set to an edge value.
                let i = rng.below(len.min(24) - 3);
                let x: u32 = [
                    0,
                    1,
                    27,
                    28,
                    29,
                    60_000,
                    0x0000_0803,
                    0x0000_0801,
                    u32::MAX,
                    1 << 31,
                ][rng.below(10)];
                v[i..i + 4].copy_from_slice(&x.to_be_bytes());
            }
            3 => {
                let i = rng.below(len + 1);
                let n = 1 + rng.below(16);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                v.splice(i..i, bytes);
            }
            4 if len > 0 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(64)).min(len);
                v.drain(a..b);
            }
            5 if len > 0 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(64)).min(len);
                let chunk = v[a..b].to_vec();
                let at = rng.below(v.len() + 1);
                v.splice(at..at, chunk);
            }
            6 => v.truncate(rng.below(len + 1)),
            7 if !other.is_empty() => {
                let a = rng.below(other.len());
                let b = (a + 1 + rng.below(256)).min(other.len());
                let at = rng.below(len + 1);
                v.splice(at..at, other[a..b].iter().copied());
            }
            _ => {}
        }
    }
    v
}

/// A target's outcome for one input: `ok`, or which check refused it, named by the error's ids
/// (an `InvalidParam`'s setting and reason, a `BadData`'s fault); other errors by their code and
/// message with the echoed input blanked ([`blank`]). The same check failing on different
/// inputs is one outcome.
pub fn outcome<T>(r: &shrink::Result<T>) -> String {
    use shrink::Error;
    match r {
        Ok(_) => "ok".into(),
        Err(Error::InvalidParam { name, reason, .. }) => format!("param {name:?} {reason:?}"),
        Err(Error::BadData { fault, .. }) => format!("data {fault:?}"),
        Err(e) => format!("{} {}", e.code(), blank(&e.to_string())),
    }
}

/// A message with digit runs as `#` and quoted text as `…`, cut at 48 characters.
pub fn blank(message: &str) -> String {
    let mut s = String::new();
    let (mut last_digit, mut quote) = (false, None);
    for c in message.chars().take(160) {
        if let Some(q) = quote {
            quote = (c != q).then_some(q);
            continue;
        }
        if matches!(c, '\'' | '`' | '"') {
            quote = Some(c);
            s.push('…');
            continue;
        }
        let digit = c.is_ascii_digit();
        if !(digit && last_digit) {
            s.push(if digit { '#' } else { c });
        }
        last_digit = digit;
        if s.chars().count() >= 48 {
            break;
        }
    }
    s
}

/// One fuzz target: its name (the folder under tests/fuzz/), how to run an input, its seeds and
/// how to make the next input from the pool (seeds + corpus + regressions).
pub struct Target {
    pub name: &'static str,
    pub run: fn(&[u8]) -> String,
    pub seeds: fn() -> Vec<Vec<u8>>,
    pub generate: fn(&mut Rng, &[Vec<u8>]) -> Vec<u8>,
}

/// Byte mutation of a pool entry, spliced with another.
pub fn mutate_pool(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let seed = &seeds[rng.below(seeds.len())];
    let other = &seeds[rng.below(seeds.len())];
    mutate(rng, seed, other)
}

pub const TARGETS: &[Target] = &[
    Target {
        name: "idx",
        run: idx::run,
        seeds: idx::seeds,
        generate: mutate_pool,
    },
    Target {
        name: "params",
        run: params::run,
        seeds: params::seeds,
        generate: params::generate,
    },
    Target {
        name: "model_file",
        run: files::model_file,
        seeds: files::model_file_seeds,
        generate: mutate_pool,
    },
    Target {
        name: "onnx",
        run: files::onnx,
        seeds: files::onnx_seeds,
        generate: mutate_pool,
    },
    Target {
        name: "pytorch",
        run: files::pytorch,
        seeds: files::pytorch_seeds,
        generate: mutate_pool,
    },
    Target {
        name: "recipe",
        run: recipe::run,
        seeds: recipe::seeds,
        generate: mutate_pool,
    },
    Target {
        name: "snapshot",
        run: snapshot::run,
        seeds: snapshot::seeds,
        generate: snapshot::generate,
    },
];
