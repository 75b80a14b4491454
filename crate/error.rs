//! The crate's error type: every fallible core function returns `Result<T>`.
//!
//! Variants carry enough context to be shown to a learner in words. `Display` is the English
//! sentence (logs, the CLI, tests); the page instead receives the variant as a code with its
//! fields (crate/wasm/dto.rs) and says it again from its catalogues (www/i18n/errors.*.js) in
//! the page's language. So the words are ids, not free text: an [`InvalidParam`](Error::InvalidParam)
//! names a [`Setting`] and a [`Reason`], a [`NotReady`](Error::NotReady) a [`Missing`], a
//! [`BadData`](Error::BadData) a [`Fault`], a [`Refused`](Error::Refused) a [`Refusal`] and an
//! [`Unsupported`](Error::Unsupported) a [`ChainRefusal`], with named arguments. Each id table holds its
//! English; tests/error_catalogue.rs checks every id has an English and a Chinese entry.
//! Nothing reachable from user input panics; invalid input becomes one of these.

mod chain;
mod fault;
mod ids;
mod missing;
mod note;
mod reason;
mod refusal;
mod setting;
mod wire;

pub use chain::{Action, ChainArgs, ChainRefusal, StepName, Storage, Stores, VersionName};
pub use fault::Fault;
pub use missing::Missing;
pub use note::{Arg, ChartText, ChartWords, NoteText, Said, Table};
pub use reason::Reason;
pub use refusal::Refusal;
pub use setting::Setting;

use std::fmt;

/// Named arguments of a [`Fault`]'s sentence: `("name", "layers.0.weight")` fills `{name}`.
pub type Args = Vec<(&'static str, String)>;

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
        name: Setting,
        value: String,
        reason: Reason,
    },
    /// A data or model file is corrupt, truncated or inconsistent: which check failed, and
    /// the values its sentence names.
    BadData { fault: Fault, args: Args },
    /// The loss became NaN or infinite; the last good weights were restored.
    Diverged { step: u64, loss: f32 },
    /// An operation needs state that is not there yet (e.g. no data loaded).
    NotReady { what: Missing },
    /// The page asked for something this state cannot do: the sentence says what to do instead.
    Refused { refusal: Refusal, args: Args },
    /// A recipe step cannot take this input (e.g. pruning int8 codes): which check refused,
    /// and the step, version, storage and suggested action its sentence names.
    Unsupported {
        check: ChainRefusal,
        args: ChainArgs,
    },
}

/// `Result` with the crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Why training diverged, as [`Error::Diverged`] says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DivergedWhy {
    /// The loss became NaN.
    Nan,
    /// The loss was finite but the weights overflowed.
    Large,
    /// The loss became ±∞.
    Inf,
}

impl DivergedWhy {
    /// From the loss that stopped training.
    pub fn of(loss: f32) -> Self {
        if loss.is_nan() {
            DivergedWhy::Nan
        } else if loss.is_finite() {
            DivergedWhy::Large
        } else {
            DivergedWhy::Inf
        }
    }

    /// The stable id (catalogue key `rust.why.<id>`).
    pub fn id(self) -> &'static str {
        match self {
            DivergedWhy::Nan => "nan",
            DivergedWhy::Large => "large",
            DivergedWhy::Inf => "inf",
        }
    }

    /// The English words.
    pub fn en(self) -> &'static str {
        match self {
            DivergedWhy::Nan => "the loss became not a number",
            DivergedWhy::Large => "the weights grew too large to represent",
            DivergedWhy::Inf => "the loss became infinite",
        }
    }
}

/// `template` with each `{name}` replaced by its value in `args` (unknown names stay).
pub fn fill(template: &str, args: &[(&'static str, String)]) -> String {
    let mut out = template.to_string();
    for (k, v) in args {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::ShapeMismatch { op, expected, got } => {
                write!(f, "shape mismatch in {op}: expected {expected}, got {got}")
            }
            Error::InvalidParam { name, value, reason } => {
                write!(f, "invalid {name} = {value}: {reason}")
            }
            Error::BadData { fault, args } => write!(f, "bad data: {}", fill(fault.en(), args)),
            Error::Diverged { step, loss } => write!(
                f,
                "training diverged at step {step}: {}, so training stopped and the last good weights were restored — try a smaller learning rate",
                DivergedWhy::of(*loss).en()
            ),
            Error::NotReady { what } => write!(f, "not ready: {what}"),
            Error::Refused { refusal, args } => f.write_str(&fill(refusal.en(), args)),
            Error::NoLayer { index, count } => write!(
                f,
                "there is no layer {}: this model has {count} layer{} (numbered 1 to {count})",
                index.saturating_add(1),
                if *count == 1 { "" } else { "s" }
            ),
            Error::Unsupported { check, args } => f.write_str(&fill(check.en(), &args.en())),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// Shorthand for an [`Error::InvalidParam`].
    pub fn param(name: Setting, value: impl fmt::Display, reason: Reason) -> Self {
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

    /// A [`Error::BadData`] with its sentence's arguments; see the `bad_data!` macro.
    pub fn bad(fault: Fault, args: Args) -> Self {
        Error::BadData { fault, args }
    }

    /// A [`Error::BadData`] in free English text ([`Fault::Other`]): for failures a learner
    /// cannot cause from the page (the page shows the English as it is).
    pub fn data(what: impl Into<String>) -> Self {
        Error::BadData {
            fault: Fault::Other,
            args: vec![("what", what.into())],
        }
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

/// `bad_data!(TensorMissing, name = name)`: an [`Error::BadData`] for that [`Fault`], each
/// `key = value` filling `{key}` of its sentence (values through `Display`).
macro_rules! bad_data {
    ($fault:ident $(, $key:ident = $value:expr)* $(,)?) => {
        $crate::error::Error::bad(
            $crate::error::Fault::$fault,
            vec![$((stringify!($key), ($value).to_string()),)*],
        )
    };
}

pub(crate) use bad_data;

/// Checks that `value` is finite and strictly positive.
pub fn check_positive(name: Setting, value: f32) -> Result<()> {
    if !value.is_finite() {
        return Err(Error::param(name, value, Reason::MustBeAFiniteNumber));
    }
    if value <= 0.0 {
        return Err(Error::param(name, value, Reason::MustBeGreaterThanZero));
    }
    Ok(())
}

/// Checks that `value` is finite and within `[lo, hi]`.
pub fn check_range(name: Setting, value: f32, lo: f32, hi: f32) -> Result<()> {
    if !value.is_finite() {
        return Err(Error::param(name, value, Reason::MustBeAFiniteNumber));
    }
    if value < lo || value > hi {
        return Err(Error::param(name, value, Reason::IsOutOfRange));
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
