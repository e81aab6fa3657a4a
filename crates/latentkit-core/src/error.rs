//! One error type for the core. Each variant has a stable `code` that the JS SDK exposes
//! as `LatentkitError.code`; messages say what the caller should do.

use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// Data or codes whose shape does not fit the model or the stated row count.
    ShapeMismatch(String),
    /// NaN or ±Infinity in data given to the model.
    NonFiniteInput(String),
    /// Zero rows (or zero columns) where data is needed.
    EmptyData(String),
    /// A config or training option that is missing, malformed or out of range.
    InvalidOption(String),
    /// A size so large it is refused before any allocation.
    TooLarge(String),
    /// Bytes that are not a valid latentkit model file.
    CorruptModel(String),
    /// A model file written by a format version this build cannot read.
    UnsupportedVersion(String),
    /// Training produced a non-finite loss or weights; the last good weights were restored.
    Diverged(String),
    /// A call made in the wrong state (e.g. a training step with no session).
    InvalidState(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// The stable machine-readable code (SCREAMING_SNAKE_CASE) of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::ShapeMismatch(_) => "SHAPE_MISMATCH",
            Error::NonFiniteInput(_) => "NON_FINITE_INPUT",
            Error::EmptyData(_) => "EMPTY_DATA",
            Error::InvalidOption(_) => "INVALID_OPTION",
            Error::TooLarge(_) => "TOO_LARGE",
            Error::CorruptModel(_) => "CORRUPT_MODEL",
            Error::UnsupportedVersion(_) => "UNSUPPORTED_VERSION",
            Error::Diverged(_) => "DIVERGED",
            Error::InvalidState(_) => "INVALID_STATE",
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Error::ShapeMismatch(m)
            | Error::NonFiniteInput(m)
            | Error::EmptyData(m)
            | Error::InvalidOption(m)
            | Error::TooLarge(m)
            | Error::CorruptModel(m)
            | Error::UnsupportedVersion(m)
            | Error::Diverged(m)
            | Error::InvalidState(m) => m,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for Error {}
