//! The training step allocates nothing once the first batch has sized the buffers: a counting
//! global allocator watches steps 2..N (including the short last batch of an epoch).
// Tests may unwrap and panic: a failure here is the test failing, not a user-facing panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use shrink::data::Dataset;
use shrink::train::{TrainConfig, Trainer};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator, which upholds the
// GlobalAlloc contract; the counter is only an atomic side effect.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: the caller's layout is passed on as received (GlobalAlloc::alloc contract).
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // SAFETY: `p` came from `alloc` above with this layout, i.e. from System.
        unsafe { System.dealloc(p, l) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn training_steps_do_not_allocate_after_the_first_batch() {
    let n = 100; // batch 32 ⇒ the 4th batch of each epoch is short (4 examples)
    let data = Dataset {
        images: (0..n * 784).map(|i| (i % 251) as u8).collect(),
        labels: (0..n).map(|i| (i % 10) as u8).collect(),
        rows: 28,
        cols: 28,
    };
    for optimizer in [
        shrink::train::OptimizerKind::Sgd,
        shrink::train::OptimizerKind::Adam,
    ] {
        let cfg = TrainConfig {
            hidden: vec![30, 20],
            batch_size: 32,
            epochs: 100,
            optimizer,
            lr: 0.01,
            ..Default::default()
        };
        // 1 shard: the serial step; 2 shards: the data-parallel step (run in order here, as
        // this build has no thread pool).
        for shards in [1, 2] {
            let mut t = Trainer::new(cfg.clone(), n).unwrap();
            t.set_shards(shards);
            t.step(&data).unwrap();
            let before = ALLOCS.load(Ordering::SeqCst);
            for _ in 0..10 {
                t.step(&data).unwrap();
            }
            let after = ALLOCS.load(Ordering::SeqCst);
            assert_eq!(
                after - before,
                0,
                "{optimizer:?}, {shards} shards: {} allocations in 10 steps",
                after - before
            );
        }
    }
}
