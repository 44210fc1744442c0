//! Typed errors of the library. Every error names the file it concerns and,
//! where one applies, the line and column; the binary maps them to one-line
//! messages and exit codes.

use std::path::PathBuf;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: no such file or directory")]
    NotFound { path: PathBuf },
    #[error("{path}: the file is empty")]
    Empty { path: PathBuf },
    #[error("{path}: binary file (NUL byte at offset {offset}), not a text or HTML document")]
    Binary { path: PathBuf, offset: usize },
    #[error("{path}: not valid UTF-8 (invalid byte at offset {offset})")]
    NotUtf8 { path: PathBuf, offset: usize },
    #[error("{path}: unsupported file type (expected .txt or .html)")]
    Unsupported { path: PathBuf },
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        path: PathBuf,
        line: u64,
        column: u64,
        message: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("{0}")]
    Other(String),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        let path = path.into();
        if source.kind() == std::io::ErrorKind::NotFound {
            Error::NotFound { path }
        } else {
            Error::Io { path, source }
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
