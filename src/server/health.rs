//! Health checks for a load balancer: `GET /healthz` says the process is up
//! and answering; `GET /readyz` says it can serve, with the database and the
//! photo store both reachable (`503` naming what is not, otherwise).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::{Value, json};

use super::AppState;
use super::error::method_not_allowed;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz).fallback(method_not_allowed))
        .route("/readyz", get(readyz).fallback(method_not_allowed))
}

async fn healthz() -> axum::Json<Value> {
    axum::Json(json!({"status": "ok"}))
}

async fn readyz(State(state): State<AppState>) -> (StatusCode, axum::Json<Value>) {
    let database = match state.db().ping().await {
        Ok(()) => "ok".to_string(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: the database is unreachable");
            format!("unreachable: {e}")
        }
    };
    let store = match state.photo_store().check().await {
        Ok(()) => "ok".to_string(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: the photo store is unreachable");
            format!("unreachable: {e}")
        }
    };
    let ready = database == "ok" && store == "ok";
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (
        status,
        axum::Json(
            json!({"status": if ready { "ok" } else { "unavailable" }, "database": database, "media_store": store}),
        ),
    )
}
