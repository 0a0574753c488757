//! The accept loop: HTTP/1 connections with limits. `axum::serve` keeps every
//! connection for as long as the client likes; here a connection that does
//! not finish its request head in time, sits idle, or stops sending a body
//! is closed, and no more than [`ConnectionLimits::max_connections`] are open
//! at once (one more is answered `503` and closed), so slow clients cannot
//! take the file descriptors the server needs to answer everyone else.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, HttpBody};
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, Response, header};
use hyper_util::rt::{TokioIo, TokioTimer};
use tower::ServiceExt as _;

/// Per-connection limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Time to receive a whole request head once its first byte arrived.
    pub header_timeout: Duration,
    /// How long a connection may send nothing while no request is under
    /// way: a keep-alive connection between requests, or a new one.
    pub idle_timeout: Duration,
    /// Longest pause between two pieces of a request body.
    pub body_stall_timeout: Duration,
    /// Open connections at most; `None` picks one below the file limit.
    pub max_connections: Option<usize>,
    /// At the cap, a connection that has waited at least this long with no
    /// request under way (silent, idle between requests, or a head still
    /// arriving) is closed to make room for a new one, so slow clients cannot
    /// hold every slot; a new one is refused with `503` only when none has.
    pub evict_waiting_after: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            body_stall_timeout: Duration::from_secs(30),
            max_connections: None,
            evict_waiting_after: Duration::from_secs(1),
        }
    }
}

/// File descriptors kept back from connections: the database's pooled
/// connections (each a database, WAL and shared-memory file), photo files
/// being written or read, the listener and the process's own.
const RESERVED_FDS: u64 = 256;

/// Default cap when the file limit allows more: each idle connection costs
/// some 20 KiB of buffers, so 10,000 cost about 200 MiB.
const DEFAULT_MAX_CONNECTIONS: u64 = 10_000;

/// Raises this process's soft open-file limit to its hard limit (a
/// `setrlimit` call; it costs nothing until the descriptors are used, and
/// each open connection then costs its kernel socket buffers) and returns
/// the connection cap that leaves [`RESERVED_FDS`] for everything else.
pub fn connection_cap() -> usize {
    let limit = match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => limit,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read or raise the open-file limit; assuming 1024");
            1024
        }
    };
    let cap = limit.saturating_sub(RESERVED_FDS).clamp(16, DEFAULT_MAX_CONNECTIONS);
    usize::try_from(cap).unwrap_or(16)
}

/// The answer to a connection beyond the cap, written before it is closed.
const OVER_CAPACITY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\n\
content-type: application/json\r\n\
retry-after: 1\r\n\
connection: close\r\n\
content-length: 66\r\n\
\r\n\
{\"detail\": \"The server has too many open connections. Try again.\"}";

/// Serves `service` on `listener` until `shutdown` resolves, then lets open
/// connections finish their request and waits for them.
pub async fn serve<S>(
    listener: tokio::net::TcpListener,
    service: S,
    limits: ConnectionLimits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) where
    S: tower::Service<Request<Body>, Response = Response<Body>, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    let cap = limits.max_connections.unwrap_or_else(connection_cap).max(1);
    tracing::info!(max_connections = cap, "accepting connections");
    let slots = Arc::new(tokio::sync::Semaphore::new(cap));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let shared = Shared { service, limits, stop: stop_rx, open: Arc::new(OpenConnections::default()) };
    let lingering = Arc::new(tokio::sync::Semaphore::new(LINGERING));
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors or a connection reset before
                    // accept: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accept error");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        if let Ok(slot) = Arc::clone(&slots).try_acquire_owned() {
            tokio::spawn(shared.clone().connection(stream, peer, slot));
        } else if shared.open.evict_longest_waiting(limits.evict_waiting_after) {
            // The evicted connection gives its slot back as it closes.
            let (slots, shared, lingering) = (Arc::clone(&slots), shared.clone(), Arc::clone(&lingering));
            tokio::spawn(async move {
                match tokio::time::timeout(Duration::from_secs(1), slots.acquire_owned()).await {
                    Ok(Ok(slot)) => shared.connection(stream, peer, slot).await,
                    _ => refuse(stream, peer, &lingering),
                }
            });
        } else {
            refuse(stream, peer, &lingering);
        }
    }
    let _ = stop_tx.send(true);
    // Every connection holds a slot until it ends: all slots back means all done.
    let all = u32::try_from(cap).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(Duration::from_secs(30), slots.acquire_many(all)).await;
}

/// Answers a connection beyond the cap with `503` and closes it.
///
/// Closing a socket whose client has already sent its request (unread bytes
/// in our receive buffer), or sends it just after, makes the kernel answer
/// with a reset, which can reach the client before it reads the `503`: it
/// would see "connection reset" instead of "try again". So the refusal ends
/// its side (`FIN`), reads and drops what the client sends for up to a
/// second, then closes. At most [`LINGERING`] refusals linger at once (each
/// holds its descriptor meanwhile); beyond that one closes at once.
fn refuse(stream: tokio::net::TcpStream, peer: SocketAddr, lingering: &Arc<tokio::sync::Semaphore>) {
    // A fresh socket's send buffer is empty: this write completes at once
    // or not at all, and the accept loop never waits on it.
    let _ = stream.try_write(OVER_CAPACITY);
    tracing::warn!(%peer, "connection refused: at the connection cap");
    let Ok(permit) = Arc::clone(lingering).try_acquire_owned() else {
        return;
    };
    tokio::spawn(async move {
        let _permit = permit;
        let mut stream = stream;
        let _ = tokio::io::AsyncWriteExt::shutdown(&mut stream).await;
        let _ = tokio::time::timeout(Duration::from_secs(1), async {
            let mut sink = [0u8; 4096];
            let mut left: usize = 64 * 1024;
            while left > 0 {
                match tokio::io::AsyncReadExt::read(&mut stream, &mut sink).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => left = left.saturating_sub(n),
                }
            }
        })
        .await;
    });
}

/// Refused connections that may linger at once (see [`refuse`]); within
/// the descriptors kept back from the cap.
const LINGERING: usize = 64;

/// What every connection's task needs.
#[derive(Clone)]
struct Shared<S> {
    service: S,
    limits: ConnectionLimits,
    stop: tokio::sync::watch::Receiver<bool>,
    open: Arc<OpenConnections>,
}

impl<S> Shared<S>
where
    S: tower::Service<Request<Body>, Response = Response<Body>, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    /// Serves one connection until it ends, the server stops, or it is
    /// evicted to make room (see [`ConnectionLimits::evict_waiting_after`]).
    async fn connection(
        self,
        stream: tokio::net::TcpStream,
        peer: SocketAddr,
        slot: tokio::sync::OwnedSemaphorePermit,
    ) {
        let _slot = slot;
        let _ = stream.set_nodelay(true);
        let Shared { service, limits, mut stop, open } = self;
        let heads = Arc::new(HeadClock::new());
        let _registered = open.register(Arc::clone(&heads));
        let io = HeadTimedIo { inner: stream, heads: Arc::clone(&heads), limit: limits.header_timeout, timer: None };
        let clock = Arc::clone(&heads);
        let handler = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
            clock.request_started();
            let answer = handle(service.clone(), req, peer, limits.body_stall_timeout);
            let clock = Arc::clone(&clock);
            async move {
                let answer = answer.await;
                clock.request_answered();
                answer
            }
        });
        // hyper's header clock starts when it begins waiting for a
        // request, so it is the idle timeout; the head's own limit,
        // from its first byte, is `HeadTimedIo`'s.
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder.timer(TokioTimer::new()).header_read_timeout(limits.idle_timeout);
        let conn = builder.serve_connection(TokioIo::new(io), handler);
        tokio::pin!(conn);
        tokio::select! {
            _ = conn.as_mut() => {}
            _ = async { stop.wait_for(|stop| *stop).await.map(|_| ()) } => {
                conn.as_mut().graceful_shutdown();
                let _ = conn.await;
            }
            () = heads.evicted.notified() => {
                tracing::debug!(%peer, "connection closed to make room: it had no request under way");
                // A request that began meanwhile is answered first.
                if heads.in_request.load(Ordering::Acquire) {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        }
    }
}

/// Every open connection's clock, so that at the cap the one waiting
/// longest with no request under way can be closed.
#[derive(Default)]
struct OpenConnections {
    next_id: std::sync::atomic::AtomicU64,
    all: std::sync::Mutex<std::collections::HashMap<u64, Arc<HeadClock>>>,
}

impl OpenConnections {
    fn all(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<u64, Arc<HeadClock>>> {
        // A panic while holding the lock leaves a map that is still a map.
        self.all.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn register(self: &Arc<Self>, clock: Arc<HeadClock>) -> Registered {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.all().insert(id, clock);
        Registered { open: Arc::clone(self), id }
    }

    /// Closes the connection that has waited longest, at least `min`, with
    /// no request under way; false when there is none.
    fn evict_longest_waiting(&self, min: Duration) -> bool {
        let now = tokio::time::Instant::now();
        let all = self.all();
        let longest = all
            .values()
            .filter_map(|clock| {
                clock.waiting_since().filter(|since| now.duration_since(*since) >= min).map(|s| (s, clock))
            })
            .min_by_key(|(since, _)| *since);
        match longest {
            Some((_, clock)) => {
                clock.evict();
                true
            }
            None => false,
        }
    }
}

/// Removes a connection from [`OpenConnections`] when its task ends.
struct Registered {
    open: Arc<OpenConnections>,
    id: u64,
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.open.all().remove(&self.id);
    }
}

/// Runs one request: notes the client's address, watches the body for
/// stalls and for being read to its end, and says `Connection: close` when
/// the answer leaves part of the body unread (an early refusal), so the
/// client does not send its next request on a connection about to close.
async fn handle<S>(
    service: S,
    req: Request<hyper::body::Incoming>,
    peer: SocketAddr,
    stall: Duration,
) -> Result<Response<Body>, Infallible>
where
    S: tower::Service<Request<Body>, Response = Response<Body>, Error = Infallible> + Send + 'static,
    S::Future: Send + 'static,
{
    let (mut parts, body) = req.into_parts();
    parts.extensions.insert(ConnectInfo(peer));
    let announced = body.size_hint().upper() != Some(0);
    let finished = Arc::new(AtomicBool::new(!announced));
    let body = Body::new(WatchedBody { inner: Body::new(body), finished: Arc::clone(&finished), stall, timer: None });
    let mut response = service.oneshot(Request::from_parts(parts, body)).await?;
    if !finished.load(Ordering::Acquire) {
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    Ok(response)
}

/// A request body that notes when it has been read to its end and fails
/// when no data arrives for `stall`.
struct WatchedBody {
    inner: Body,
    finished: Arc<AtomicBool>,
    stall: Duration,
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
}

/// The body stopped arriving.
#[derive(Debug, thiserror::Error)]
#[error("the request body stopped arriving for {0:?}")]
pub struct BodyStalled(Duration);

impl HttpBody for WatchedBody {
    type Data = bytes::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                this.timer = None;
                if frame.is_none() || this.inner.is_end_stream() {
                    this.finished.store(true, Ordering::Release);
                }
                Poll::Ready(frame)
            }
            Poll::Pending => {
                let stall = this.stall;
                let timer = this.timer.get_or_insert_with(|| Box::pin(tokio::time::sleep(stall)));
                match timer.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Some(Err(axum::Error::new(BodyStalled(stall))))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

/// Whether a request head is arriving on a connection, and since when; and
/// since when it has been waiting with no request under way.
struct HeadClock {
    in_request: AtomicBool,
    /// When the first byte of the head now arriving was read.
    head_started: std::sync::Mutex<Option<tokio::time::Instant>>,
    /// Since when no request has been under way (`None` while one is, or
    /// once the connection is chosen for eviction).
    waiting: std::sync::Mutex<Option<tokio::time::Instant>>,
    /// Told when the connection is to close to make room.
    evicted: tokio::sync::Notify,
}

impl HeadClock {
    fn new() -> HeadClock {
        HeadClock {
            in_request: AtomicBool::new(false),
            head_started: std::sync::Mutex::new(None),
            waiting: std::sync::Mutex::new(Some(tokio::time::Instant::now())),
            evicted: tokio::sync::Notify::new(),
        }
    }

    fn started(&self) -> std::sync::MutexGuard<'_, Option<tokio::time::Instant>> {
        self.head_started.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn waiting(&self) -> std::sync::MutexGuard<'_, Option<tokio::time::Instant>> {
        self.waiting.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn waiting_since(&self) -> Option<tokio::time::Instant> {
        *self.waiting()
    }

    fn request_started(&self) {
        self.in_request.store(true, Ordering::Release);
        *self.started() = None;
        *self.waiting() = None;
    }

    fn request_answered(&self) {
        self.in_request.store(false, Ordering::Release);
        *self.waiting() = Some(tokio::time::Instant::now());
    }

    /// Chooses this connection to close; it is not chosen twice.
    fn evict(&self) {
        *self.waiting() = None;
        self.evicted.notify_one();
    }
}

/// The connection's socket, failing a read with `TimedOut` when a request
/// head that has begun to arrive is not complete within `limit`.
struct HeadTimedIo {
    inner: tokio::net::TcpStream,
    heads: Arc<HeadClock>,
    limit: Duration,
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl tokio::io::AsyncRead for HeadTimedIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(result) => {
                if buf.filled().len() > before && !this.heads.in_request.load(Ordering::Acquire) {
                    let mut started = this.heads.started();
                    if started.is_none() {
                        let now = tokio::time::Instant::now();
                        *started = Some(now);
                        this.timer = Some(Box::pin(tokio::time::sleep_until(now + this.limit)));
                    }
                }
                Poll::Ready(result)
            }
            Poll::Pending => {
                if this.heads.started().is_none() {
                    this.timer = None;
                    return Poll::Pending;
                }
                match this.timer.as_mut().map(|t| t.as_mut().poll(cx)) {
                    Some(Poll::Ready(())) => Poll::Ready(Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "the request head did not arrive in time",
                    ))),
                    _ => Poll::Pending,
                }
            }
        }
    }
}

impl tokio::io::AsyncWrite for HeadTimedIo {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The refusal is written by hand: its `content-length` must be its body's.
    #[test]
    fn the_over_capacity_answer_says_its_own_length() {
        let text = std::str::from_utf8(OVER_CAPACITY).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let length = head.lines().find_map(|l| l.strip_prefix("content-length: ")).unwrap();
        assert_eq!(length.parse::<usize>().unwrap(), body.len());
        assert!(serde_json::from_str::<serde_json::Value>(body).is_ok());
    }
}
