//! A fork-join whose second half runs on a pool worker that spins between forks instead of
//! sleeping (threaded build only): the data-parallel training step forks twice per step,
//! ~600 times a second, and a rayon worker that found no work for a few rounds parks on a
//! futex (`Atomics.wait` in a browser), so nearly every `rayon::join` paid a wake-up of the
//! other core (~28 µs measured in the bench page, two per ~0.9 ms step, plus the waiting half
//! parking in turn).
//!
//! [`with_helper`] runs `f` on one pool worker while a second one serves [`join`] requests by
//! spinning on one atomic state word, and stops when `f` returns (a chunk of training steps,
//! ~60 ms in the page). The protocol, on `state`:
//!
//!   IDLE → POSTED (the forking thread published a task) → TAKEN (the helper claimed it)
//!        → DONE (the helper ran it) → IDLE (the forking thread saw it done)
//!   POSTED → IDLE (the forking thread finished its own half first and took the task back)
//!
//! so each task runs exactly once, on whichever side claims it, and the forking thread never
//! returns while the helper may still touch its stack. Results are the same as `rayon::join`'s:
//! both halves run whole, in any interleaving, and the callers only fork disjoint work.

use crate::error::{Error, Result};
use std::cell::Cell;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU8, Ordering};
use std::sync::Mutex;

const IDLE: u8 = 0;
const POSTED: u8 = 1;
const TAKEN: u8 = 2;
const DONE: u8 = 3;

/// A task published to the helper: the forking thread's `dyn FnMut()`, lifetime erased.
struct Task(*mut (dyn FnMut() + 'static));

// SAFETY: the pointee is a closure over `Send` data (see `join`'s bounds), and the protocol
// above lets only one thread call it, while the forking thread waits for it.
unsafe impl Send for Task {}

/// The state the two threads share for the length of one [`with_helper`].
struct Helper {
    state: AtomicU8,
    stop: AtomicBool,
    task: Mutex<Option<Task>>,
    panic: Mutex<Option<Box<dyn std::any::Any + Send>>>,
    /// Each side's thread and whether it is (about to be) parked: a side spins only its
    /// budget of rounds, then parks, so a busy machine (where the other side may be descheduled
    /// for milliseconds) does not lose a core to spinning. The side that changes `state`
    /// unparks the other if its flag is set; a parking side sets its flag, then re-checks
    /// `state` (both SeqCst), so no wake-up is lost.
    helper_thread: Mutex<Option<std::thread::Thread>>,
    helper_parked: AtomicBool,
    forker_thread: std::thread::Thread,
    forker_parked: AtomicBool,
    /// Each side's spin budget, adapted as in an adaptive mutex: doubled when a wait ended
    /// while spinning, halved when it had to park. On a quiet machine the sides meet while
    /// spinning and the budget stays high; on a busy one (the other side descheduled for
    /// milliseconds; measured: fixed 2^16 spins made 2 threads 1.5× slower than rayon's
    /// sleeping workers at a load of 13 on 2 cores) it falls to `MIN_SPINS` and the sides park.
    helper_budget: AtomicU32,
    forker_budget: AtomicU32,
}

/// Most rounds a side spins before it parks: ~0.1–0.5 ms, longer than the gaps of a training
/// step on a quiet machine and far shorter than a chunk.
const MAX_SPINS: u32 = 1 << 16;
/// Fewest rounds (~10–20 µs). The budget grows only after a wait that ended while spinning, so
/// a floor below the shortest real wait never grows back: with 2^8 rounds (under a µs) one
/// descheduling left the forker parking at every join for the rest of the chunk (the bench's
/// spinning fork-join measured 58–61 µs a join then, against 4–14 µs with this floor, in
/// alternating runs of the same build on a busy host).
const MIN_SPINS: u32 = 1 << 13;

/// Unparks the helper if it said it parks.
fn wake_helper(helper: &Helper) {
    if helper.helper_parked.load(Ordering::SeqCst) {
        if let Some(t) = helper
            .helper_thread
            .lock()
            .ok()
            .as_deref()
            .and_then(Option::as_ref)
        {
            t.unpark();
        }
    }
}

/// Spins up to `budget` rounds, then parks, until `ready()`: the waiting half of the protocol.
fn wait_until(parked: &AtomicBool, budget: &AtomicU32, ready: impl Fn() -> bool) {
    let limit = budget.load(Ordering::Relaxed);
    let mut spins = 0u32;
    let mut slept = false;
    while !ready() {
        if spins < limit {
            spins += 1;
            std::hint::spin_loop();
            continue;
        }
        slept = true;
        parked.store(true, Ordering::SeqCst);
        if !ready() {
            std::thread::park();
        }
        parked.store(false, Ordering::SeqCst);
    }
    let next = if slept {
        (limit / 2).max(MIN_SPINS)
    } else if spins > 0 {
        limit.saturating_mul(2).min(MAX_SPINS)
    } else {
        limit
    };
    budget.store(next, Ordering::Relaxed);
}

thread_local! {
    /// The helper serving this thread's joins (null outside `with_helper`, and while a join
    /// is already using it: nested joins go to rayon).
    static CURRENT: Cell<*const Helper> = const { Cell::new(std::ptr::null()) };
}

/// Spins (then parks) on `helper` until told to stop, running each posted task.
fn serve(helper: &Helper) {
    if let Ok(mut t) = helper.helper_thread.lock() {
        *t = Some(std::thread::current());
    }
    loop {
        wait_until(&helper.helper_parked, &helper.helper_budget, || {
            helper.stop.load(Ordering::SeqCst) || helper.state.load(Ordering::SeqCst) == POSTED
        });
        let claimed = helper
            .state
            .compare_exchange(POSTED, TAKEN, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok();
        if claimed {
            let task = helper.task.lock().ok().and_then(|mut t| t.take());
            if let Some(Task(f)) = task {
                // SAFETY: `join` published `f` and waits (see `settle`) until DONE before its
                // frame, which owns the closure, can end; nobody else calls it.
                let run = catch_unwind(AssertUnwindSafe(|| unsafe { (*f)() }));
                if let (Err(payload), Ok(mut slot)) = (run, helper.panic.lock()) {
                    *slot = Some(payload);
                }
            }
            helper.state.store(DONE, Ordering::SeqCst);
            if helper.forker_parked.load(Ordering::SeqCst) {
                helper.forker_thread.unpark();
            }
        } else if helper.stop.load(Ordering::SeqCst) {
            return;
        }
    }
}

/// Runs `f` on a pool worker with a second worker spinning to serve its [`join`]s; without
/// a pool of two or more threads (or from inside the pool), just runs `f`.
pub fn with_helper<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if rayon::current_thread_index().is_some() || rayon::current_num_threads() < 2 {
        return f();
    }
    /// Uninstalls the helper and stops it, even if `f` unwinds.
    struct Installed<'h>(&'h Helper);
    impl Drop for Installed<'_> {
        fn drop(&mut self) {
            CURRENT.with(|c| c.set(std::ptr::null()));
            self.0.stop.store(true, Ordering::SeqCst);
            wake_helper(self.0);
        }
    }
    // `f` runs inside the pool (on the worker that runs the scope), which forks: its handle
    // is taken there.
    rayon::scope(|_| {
        let helper = Helper {
            state: AtomicU8::new(IDLE),
            stop: AtomicBool::new(false),
            task: Mutex::new(None),
            panic: Mutex::new(None),
            helper_thread: Mutex::new(None),
            helper_parked: AtomicBool::new(false),
            forker_thread: std::thread::current(),
            forker_parked: AtomicBool::new(false),
            helper_budget: AtomicU32::new(MAX_SPINS),
            forker_budget: AtomicU32::new(MAX_SPINS),
        };
        let (r, ()) = rayon::join(
            || {
                let _installed = Installed(&helper);
                CURRENT.with(|c| c.set(&helper));
                f()
            },
            || serve(&helper),
        );
        r
    })
}

/// Waits until the task published in `helper` is not running: takes it back if still
/// posted, else spins until the helper is done. True if the helper ran it.
fn settle(helper: &Helper) -> bool {
    if helper
        .state
        .compare_exchange(POSTED, IDLE, Ordering::SeqCst, Ordering::SeqCst)
        .is_ok()
    {
        if let Ok(mut t) = helper.task.lock() {
            t.take();
        }
        return false;
    }
    wait_until(&helper.forker_parked, &helper.forker_budget, || {
        helper.state.load(Ordering::SeqCst) == DONE
    });
    helper.state.store(IDLE, Ordering::SeqCst);
    true
}

/// Runs `a` here and `b` on the spinning helper of the enclosing [`with_helper`] (or both
/// through `rayon::join` when there is none, or it is busy with an outer join).
///
/// # Errors
/// Whatever `a` and `b` return.
pub fn join<T: Send>(
    a: impl FnOnce() -> Result<T> + Send,
    b: impl FnOnce() -> Result<T> + Send,
) -> (Result<T>, Result<T>) {
    let current = CURRENT.with(|c| c.replace(std::ptr::null()));
    if current.is_null() {
        return rayon::join(a, b);
    }
    // SAFETY: `with_helper` set this pointer to its `Helper` and clears it before that frame
    // ends; this thread is inside that frame.
    let helper = unsafe { &*current };
    let mut b = Some(b);
    let mut rb: Option<Result<T>> = None;
    let mut task = || {
        if let Some(b) = b.take() {
            rb = Some(b());
        }
    };
    let erased: *mut (dyn FnMut() + '_) = &mut task;
    // SAFETY: only the lifetime changes; `Settle` below does not let this frame end (return
    // or unwind) until the helper has finished with the task or it was taken back.
    let erased: *mut (dyn FnMut() + 'static) = unsafe { std::mem::transmute(erased) };
    /// Settles the published task when the join ends, unwinding included.
    struct Settle<'h>(&'h Helper, *const Helper, bool);
    impl Drop for Settle<'_> {
        fn drop(&mut self) {
            self.2 = settle(self.0);
            CURRENT.with(|c| c.set(self.1));
        }
    }
    let published = match helper.task.lock() {
        Ok(mut t) => {
            *t = Some(Task(erased));
            true
        }
        Err(_) => false,
    };
    if published {
        helper.state.store(POSTED, Ordering::SeqCst);
        wake_helper(helper);
    }
    let ra = {
        let _settle = Settle(helper, current, false);
        a()
    };
    if let Some(payload) = helper.panic.lock().ok().and_then(|mut p| p.take()) {
        resume_unwind(payload);
    }
    // Not claimed by the helper (or not published): run it here.
    task();
    let rb = rb.unwrap_or_else(|| {
        Err(Error::NotReady {
            what: crate::error::Missing::AParallelHalfDidNotRun,
        })
    });
    (ra, rb)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(lo: u64, hi: u64) -> Result<u64> {
        Ok((lo..hi).sum())
    }

    /// Each half runs exactly once and returns its own result: outside a pool, inside
    /// `with_helper` (the global pool has a thread per core), and for nested joins.
    #[test]
    fn every_half_runs_once_with_and_without_the_helper() {
        let (a, b) = join(|| sum(0, 1000), || sum(1000, 5000));
        assert_eq!((a.unwrap(), b.unwrap()), (499_500, 11_998_000));
        let got = with_helper(|| {
            (0..300u64)
                .map(|i| {
                    let (a, b) = join(
                        || sum(0, i),
                        || {
                            let (c, d) = join(|| sum(i, i + 7), || sum(i + 7, 2 * i + 7));
                            Ok(c? + d?)
                        },
                    );
                    a.unwrap() + b.unwrap()
                })
                .sum::<u64>()
        });
        assert_eq!(
            got,
            (0..300u64)
                .map(|i| (0..2 * i + 7).sum::<u64>())
                .sum::<u64>()
        );
    }
}
