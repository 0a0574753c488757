//! The one way the binary builds its tokio runtime (the server, the app, the
//! demo and the admin commands all run on one like it), how long it gets to
//! stop, and where the process logs.

/// The runtime could not be started (threads or the I/O driver refused).
#[derive(Debug, thiserror::Error)]
#[error("cannot start the async runtime: {0}")]
pub struct RuntimeError(#[from] std::io::Error);

/// A multi-threaded runtime with I/O and timers.
pub fn build() -> Result<tokio::runtime::Runtime, RuntimeError> {
    Ok(tokio::runtime::Builder::new_multi_thread().enable_all().build()?)
}

/// How long requests in flight get to finish after Ctrl-C or SIGTERM; then the server stops anyway.
pub const STOP_GRACE: std::time::Duration = std::time::Duration::from_secs(1);
/// How long the runtime waits for its tasks once the server has stopped.
pub const RUNTIME_STOP: std::time::Duration = std::time::Duration::from_millis(500);

/// Logs to stderr at `default` level, or as `FRONTDESK_LOG` says.
pub fn init_logging(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("FRONTDESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}
