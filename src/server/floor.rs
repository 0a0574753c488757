//! The throughput benchmark's floor (issue 14): a trivial handler in the
//! same server stack (the same outer layers, path normalisation and
//! `axum::serve`) that answers every `GET /api/floor/` with a body rendered
//! beforehand. What it serves per second is the best any endpoint could do on
//! the machine; each real case is reported as a fraction of it.

use std::future::Future;

use axum::Router;
use axum::http::header;
use axum::routing::get;
use bytes::Bytes;
use tower::ServiceExt;

/// Serves `body` (JSON) at `/api/floor/` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    body: Bytes,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let router = Router::new().route(
        "/api/floor/",
        get(move || {
            let body = body.clone();
            async move { ([(header::CONTENT_TYPE, "application/json")], body) }
        }),
    );
    let service =
        tower::ServiceBuilder::new().map_request(super::append_trailing_slash).service(super::layered(router));
    let service = service.map_err(|never| match never {});
    axum::serve(listener, tower::make::Shared::new(service)).with_graceful_shutdown(shutdown).await?;
    Ok(())
}
