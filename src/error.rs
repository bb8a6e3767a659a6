//! The library's errors: each names the input that is wrong and, where there is one, the fix.

use std::path::PathBuf;

/// A `Result` with newssearch's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in newssearch.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// There is no index where one was expected.
    #[error("no index at {}: create one with `newssearch index FOLDER`", dir.display())]
    NoIndex {
        /// Where the index was looked for.
        dir: PathBuf,
    },
    /// A folder that should hold an index holds something else, and is left alone.
    #[error("{} is not a newssearch index and is not empty: choose another folder with --index", dir.display())]
    NotAnIndex {
        /// The folder.
        dir: PathBuf,
    },
    /// Another process holds the index's writer lock.
    #[error("index {} is locked by another process (is another `newssearch index` running?)", dir.display())]
    Locked {
        /// The index folder.
        dir: PathBuf,
    },
    /// The index files are damaged or from an incompatible version.
    #[error("index {} cannot be read ({reason}): rebuild it with `newssearch index --rebuild FOLDER`", dir.display())]
    Damaged {
        /// The index folder.
        dir: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The query cannot be understood.
    #[error("query {query:?}: {reason}")]
    Query {
        /// The query, or the part of it that is wrong.
        query: String,
        /// What is wrong, and how to write it.
        reason: String,
    },
    /// An option has a value that cannot be used.
    #[error("{option} {value:?}: {reason}")]
    Option {
        /// The option, as typed (`--from`).
        option: String,
        /// Its value.
        value: String,
        /// What is wrong.
        reason: String,
    },
    /// A user dictionary cannot be read.
    #[error("user dictionary {}: {source}", path.display())]
    Dictionary {
        /// The dictionary file.
        path: PathBuf,
        /// The line that is wrong.
        source: crate::analysis::DictError,
    },
    /// Any other failure inside tantivy.
    #[error(
        "index error: {0} (if the index is damaged, rebuild it with `newssearch index --rebuild FOLDER`)"
    )]
    Tantivy(#[from] tantivy::TantivyError),
}

impl Error {
    /// An I/O error on `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A query error.
    pub(crate) fn query(query: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::Query {
            query: query.into(),
            reason: reason.into(),
        }
    }
}
