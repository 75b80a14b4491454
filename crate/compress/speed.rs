//! Measured speed: repeats a closure until a minimum wall time has passed and reports the mean.
//!
//! The clock is passed in (`Instant` natively, `performance.now()` in the browser via the wasm
//! facade) so the core stays free of platform code. Speed is measured, never estimated.

/// Mean milliseconds per call of `f`, after one warm-up call, over at least `min_ms` and at
/// least 3 calls. `now_ms` is a monotonic clock in milliseconds.
pub fn mean_ms(now_ms: &dyn Fn() -> f64, min_ms: f64, mut f: impl FnMut()) -> f64 {
    f();
    let start = now_ms();
    let mut n = 0u32;
    loop {
        f();
        n += 1;
        let elapsed = now_ms() - start;
        if n >= 3 && elapsed >= min_ms {
            return elapsed / n as f64;
        }
        if n >= 1_000_000 {
            return elapsed / n as f64;
        }
    }
}

/// As [`mean_ms`] for a kernel that can fail: the first error stops the timing and is returned,
/// so a failing kernel is reported as failing instead of being timed as a fast one.
///
/// # Errors
/// The first error `f` returns.
pub fn try_mean_ms(
    now_ms: &dyn Fn() -> f64,
    min_ms: f64,
    mut f: impl FnMut() -> crate::error::Result<()>,
) -> crate::error::Result<f64> {
    let mut first: crate::error::Result<()> = Ok(());
    let ms = mean_ms(now_ms, min_ms, || {
        if first.is_ok() {
            first = f();
        }
    });
    first.map(|()| ms)
}

/// A native monotonic clock in milliseconds.
#[cfg(not(target_arch = "wasm32"))]
pub fn native_clock() -> impl Fn() -> f64 {
    let t0 = std::time::Instant::now();
    move || t0.elapsed().as_secs_f64() * 1e3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_calls_against_a_fake_clock() {
        let t = std::cell::Cell::new(0.0);
        let clock = || t.get();
        let ms = mean_ms(&clock, 10.0, || t.set(t.get() + 2.0));
        assert!((ms - 2.0).abs() < 1e-9);
    }

    #[test]
    fn a_failing_kernel_is_an_error_not_a_time() {
        let t = std::cell::Cell::new(0.0);
        let clock = || t.get();
        let calls = std::cell::Cell::new(0);
        let r = try_mean_ms(&clock, 10.0, || {
            t.set(t.get() + 1.0);
            calls.set(calls.get() + 1);
            if calls.get() > 2 {
                Err(crate::Error::param(
                    crate::error::Setting::K,
                    1,
                    crate::error::Reason::FailsOnTheThirdCall,
                ))
            } else {
                Ok(())
            }
        });
        assert!(r.is_err());
        let ok = try_mean_ms(&clock, 10.0, || {
            t.set(t.get() + 2.0);
            Ok(())
        });
        assert!((ok.unwrap() - 2.0).abs() < 1e-9);
    }
}
