//! `GET /media/{file}`: the stored profile photos, the files the customers'
//! `profile_image` and `profile_image_small` URLs point at.
//!
//! Read from whichever store is configured (a folder, or a bucket that other
//! servers write too), so any server serves any photo. Only names the photo
//! store generates are served (no path ever reaches the filesystem or the
//! bucket from a request). The names are 128 random bits and never reused,
//! so the URLs are unguessable, public like Capitan's, and cacheable forever.

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
    let bytes = match state.photo_store().read(&file).await {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Err(ApiError::NotFound),
        Err(e) => return Err(ApiError::Internal(format!("reading photo {file}: {e}"))),
    };
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg")),
        (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable")),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
    ];
    Ok((headers, bytes).into_response())
}
