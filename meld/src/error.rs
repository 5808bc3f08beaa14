//! The four ways a fusion fails, as the library returns them and the
//! command line reports them ([`Error`]).
//!
//! Each kind's message starts with its own words, so a user (or a script)
//! tells them apart from the first line: `not WebAssembly:`, `invalid
//! component:`, `unsupported:`, `internal error:`. Stages below this one
//! return `anyhow` errors; [`crate::Fuser::fuse`] sorts them into kinds by
//! where they arose (validation of the input, the stages, validation of the
//! output).

use std::fmt;

/// Why [`crate::Fuser::fuse`] (or [`crate::inspect`]) failed.
#[derive(Debug)]
pub enum Error {
    /// The input is neither a WebAssembly binary nor the text format.
    NotWasm(String),
    /// The input is WebAssembly but not a valid component: the validator's
    /// complaint and where in the input it is.
    Invalid(String),
    /// A valid component that uses something meld does not support yet;
    /// the message names it.
    Unsupported(anyhow::Error),
    /// meld's own output failed validation for a valid input: a bug in
    /// meld. Carries the input's SHA-256 for the report.
    Internal {
        /// The input's SHA-256, hex.
        input_sha256: String,
        /// What failed.
        source: anyhow::Error,
    },
}

impl Error {
    /// The command line's exit code for this kind: 1 for a problem with
    /// the input (not WebAssembly, invalid, unsupported), 3 for a bug in
    /// meld (2 is clap's, for usage errors).
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::NotWasm(_) | Error::Invalid(_) | Error::Unsupported(_) => 1,
            Error::Internal { .. } => 3,
        }
    }

    /// An internal error about `input`.
    pub fn internal(input: &[u8], source: anyhow::Error) -> Self {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(input);
        let input_sha256 = digest.iter().map(|b| format!("{b:02x}")).collect();
        Error::Internal {
            input_sha256,
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotWasm(m) => write!(f, "not WebAssembly: {m}"),
            Error::Invalid(m) => write!(f, "invalid component: {m}"),
            Error::Unsupported(e) if f.alternate() => write!(f, "unsupported: {e:#}"),
            Error::Unsupported(e) => write!(f, "unsupported: {e}"),
            Error::Internal {
                input_sha256,
                source,
            } => write!(
                f,
                "internal error: {source:#}\nthis is a bug in meld; please report it with the \
                 input (sha256 {input_sha256})"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // The message shows the outermost context; the rest follows.
            Error::Unsupported(e) => AsRef::<dyn std::error::Error>::as_ref(e).source(),
            // The message includes the whole chain, then the request.
            Error::NotWasm(_) | Error::Invalid(_) | Error::Internal { .. } => None,
        }
    }
}

/// The marker of an output that failed validation (see [`crate::encode`]):
/// turned into [`Error::Internal`].
#[derive(Debug)]
pub struct InvalidOutput(pub String);

impl fmt::Display for InvalidOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidOutput {}
