//! `GET /media/{file}`: the stored profile photos, the files the customers'
//! `profile_image` and `profile_image_small` URLs point at.
//!
//! Only names the photo store generates are served (no path ever reaches the
//! filesystem from a request). The names are 128 random bits and never
//! reused, so the URLs are unguessable, public like Capitan's, and cacheable
//! forever.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::AppState;
use super::error::{ApiError, ApiResult, method_not_allowed};

pub fn routes() -> Router<AppState> {
    Router::new().route("/media/{file}", get(serve).fallback(method_not_allowed))
}

async fn serve(State(state): State<AppState>, Path(file): Path<String>) -> ApiResult<Response> {
    let path = state.photo_store().path_of(&file).ok_or(ApiError::NotFound)?;
    let bytes = match tokio::fs::read(&path).await {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ApiError::NotFound),
        Err(e) => return Err(ApiError::Internal(format!("reading {}: {e}", path.display()))),
    };
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg")),
        (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable")),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
    ];
    Ok((headers, bytes).into_response())
}
