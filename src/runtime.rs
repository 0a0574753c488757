//! The one way the binary builds its tokio runtime (the server, the app, the
//! demo and the admin commands all run on one like it).

/// The runtime could not be started (threads or the I/O driver refused).
#[derive(Debug, thiserror::Error)]
#[error("cannot start the async runtime: {0}")]
pub struct RuntimeError(#[from] std::io::Error);

/// A multi-threaded runtime with I/O and timers.
pub fn build() -> Result<tokio::runtime::Runtime, RuntimeError> {
    Ok(tokio::runtime::Builder::new_multi_thread().enable_all().build()?)
}
