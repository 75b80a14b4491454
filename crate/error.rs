//! The crate's error type: every fallible core function returns `Result<T>`.
//!
//! Variants carry enough context to be shown to a learner in words (the page prints `Display`).
//! Nothing reachable from user input panics; invalid input becomes one of these.

use std::fmt;

/// Everything that can go wrong in the core, with context.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A layer index (0-based inside the core) that the model does not have; shown 1-based,
    /// as the page numbers layers.
    NoLayer {
        /// 0-based index asked for.
        index: usize,
        /// Layers the model has.
        count: usize,
    },
    /// Two shapes that had to agree did not.
    ShapeMismatch {
        op: &'static str,
        expected: String,
        got: String,
    },
    /// A setting is out of its allowed range or not finite.
    InvalidParam {
        name: &'static str,
        value: String,
        reason: &'static str,
    },
    /// A data or model file is corrupt, truncated or inconsistent.
    BadData { what: String },
    /// The loss became NaN or infinite; the last good weights were restored.
    Diverged { step: u64, loss: f32 },
    /// An operation needs state that is not there yet (e.g. no data loaded).
    NotReady { what: &'static str },
    /// A step cannot take this input (e.g. pruning int8 codes); the text says why, in words,
    /// and what to do instead.
    Unsupported { what: String },
}

/// `Result` with the crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::ShapeMismatch { op, expected, got } => {
                write!(f, "shape mismatch in {op}: expected {expected}, got {got}")
            }
            Error::InvalidParam { name, value, reason } => {
                write!(f, "invalid {name} = {value}: {reason}")
            }
            Error::BadData { what } => write!(f, "bad data: {what}"),
            Error::Diverged { step, loss } => write!(
                f,
                "training diverged at step {step}: {}, so training stopped and the last good weights were restored — try a smaller learning rate",
                if loss.is_nan() {
                    "the loss became not a number"
                } else if loss.is_finite() {
                    "the weights grew too large to represent"
                } else {
                    "the loss became infinite"
                }
            ),
            Error::NotReady { what } => write!(f, "not ready: {what}"),
            Error::NoLayer { index, count } => write!(
                f,
                "there is no layer {}: this model has {count} layer{} (numbered 1 to {count})",
                index.saturating_add(1),
                if *count == 1 { "" } else { "s" }
            ),
            Error::Unsupported { what } => f.write_str(what),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// Shorthand for an [`Error::InvalidParam`].
    pub fn param(name: &'static str, value: impl fmt::Display, reason: &'static str) -> Self {
        Error::InvalidParam {
            name,
            value: value.to_string(),
            reason,
        }
    }

    /// Shorthand for an [`Error::NoLayer`]: `index` is 0-based, `count` the model's layers.
    pub fn no_layer(index: usize, count: usize) -> Self {
        Error::NoLayer { index, count }
    }

    /// Shorthand for an [`Error::BadData`].
    pub fn data(what: impl Into<String>) -> Self {
        Error::BadData { what: what.into() }
    }

    /// Shorthand for an [`Error::ShapeMismatch`].
    pub fn shape(op: &'static str, expected: impl fmt::Debug, got: impl fmt::Debug) -> Self {
        Error::ShapeMismatch {
            op,
            expected: format!("{expected:?}"),
            got: format!("{got:?}"),
        }
    }
}

/// Checks that `value` is finite and strictly positive.
pub fn check_positive(name: &'static str, value: f32) -> Result<()> {
    if !value.is_finite() {
        return Err(Error::param(name, value, "must be a finite number"));
    }
    if value <= 0.0 {
        return Err(Error::param(name, value, "must be greater than zero"));
    }
    Ok(())
}

/// Checks that `value` is finite and within `[lo, hi]`.
pub fn check_range(name: &'static str, value: f32, lo: f32, hi: f32) -> Result<()> {
    if !value.is_finite() {
        return Err(Error::param(name, value, "must be a finite number"));
    }
    if value < lo || value > hi {
        return Err(Error::param(name, value, "is out of range"));
    }
    Ok(())
}

/// Checks that a buffer has the length its shape implies.
pub fn check_len(op: &'static str, len: usize, expected: usize) -> Result<()> {
    if len != expected {
        return Err(Error::shape(op, expected, len));
    }
    Ok(())
}
