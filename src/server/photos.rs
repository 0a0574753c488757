//! Writing profile photos: `PATCH /api/customers/{id}/` as `multipart/form-data`
//! with a `profile_image` file part and, optionally, other customer fields.
//!
//! The photo is prepared off the async runtime and written under new names
//! before the transaction; the transaction points the customer at them; the
//! replaced files go only after the commit. A refused file or a failed write
//! leaves the previous photo exactly as it was, and no file behind.

use axum::Json;
use axum::extract::multipart::{Field, Multipart, MultipartRejection};
use axum::extract::{FromRequest, Request};
use serde_json::{Map, Value};

use super::AppState;
use super::auth::Staff;
use super::customers::{parse_write, reread};
use super::error::{ApiError, ApiResult};
use crate::model::fields::WriteMode;
use crate::model::{Customer, FieldErrors};
use crate::photo::{self, PendingPhoto, PhotoStore};
use crate::storage::StoreError;
use crate::storage::customers::{self, WriteContext};

/// Largest multipart body accepted: room for a phone photo and the form.
pub const MULTIPART_LIMIT: usize = 20 * 1024 * 1024;

const FIELD: &str = "profile_image";
const BUSY: &str = "Too many photos are being processed right now; try again in a moment.";
const NOT_A_FILE: &str = "The submitted data was not a file. Check the encoding type on the form.";

/// What a form says about the photo.
enum PhotoPart {
    Upload(bytes::Bytes),
    Remove,
}

/// `PATCH` with a multipart body.
pub async fn update_multipart(state: &AppState, staff: &Staff, id: i64, req: Request) -> ApiResult<Json<Customer>> {
    let multipart = Multipart::from_request(req, state).await.map_err(rejection)?;
    let (mut body, photo_part) = read_form(multipart).await?;
    if matches!(photo_part, Some(PhotoPart::Remove)) {
        body.insert(FIELD.into(), Value::Null);
    }
    // Every problem in one answer: the fields' and the photo's.
    let fields = parse_write(state, staff, Some(id), &body, WriteMode::Partial).await;
    let prepared = match photo_part {
        Some(PhotoPart::Upload(bytes)) => {
            let mut conn = state.db().acquire().await?;
            if !customers::exists(&staff.org, &mut conn, id).await? {
                return Err(ApiError::NotFound);
            }
            drop(conn);
            Some(prepare(bytes).await)
        }
        _ => None,
    };
    let (write, prepared) = match (fields, prepared) {
        (Ok(write), None) => (write, None),
        (Ok(write), Some(Ok(prepared))) => (write, Some(prepared)),
        (Ok(_), Some(Err(photo_error))) => return Err(photo_error),
        (Err(ApiError::Validation(mut errors)), Some(Err(ApiError::Validation(photo_errors)))) => {
            errors.merge(photo_errors);
            return Err(ApiError::Validation(errors));
        }
        (Err(e), _) => return Err(e),
    };
    let pending = match prepared {
        Some(prepared) => Some(save(state.photo_store(), prepared).await?),
        None => None,
    };

    // From here a pending photo dropped by an early return deletes its files.
    let ctx = WriteContext { actor: staff.actor(), now: state.now_micros() };
    let mut tx = state.db().begin_write().await?;
    if !write.fields.is_empty() || write.custom_field_values.is_some() {
        customers::update(&staff.org, &mut tx, id, &write, ctx).await?;
    }
    let replaced = match &pending {
        Some(p) => Some(customers::set_profile_image(&staff.org, &mut tx, id, Some(p.names().as_pair()), ctx).await?),
        None if write.remove_profile_image => {
            Some(customers::set_profile_image(&staff.org, &mut tx, id, None, ctx).await?)
        }
        None => None,
    };
    let customer = reread(state, &staff.org, &mut tx, id).await?;
    tx.commit().await.map_err(StoreError::from)?;
    if let Some(pending) = pending {
        pending.keep();
    }
    if let Some((full, small)) = replaced {
        remove_files(state, [full, small].into_iter().flatten().collect()).await;
    }
    Ok(Json(customer))
}

/// Reads the form: customer fields as strings (as a JSON body would carry
/// them) and the photo part.
async fn read_form(mut multipart: Multipart) -> ApiResult<(Map<String, Value>, Option<PhotoPart>)> {
    let mut body = Map::new();
    let mut photo_part = None;
    let mut errors = FieldErrors::new();
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        let Some(name) = field.name().map(str::to_string) else { continue };
        let is_file = field.file_name().is_some();
        if name == FIELD {
            let bytes = read_field(field).await?;
            photo_part = match (is_file, bytes.is_empty()) {
                (true, _) => Some(PhotoPart::Upload(bytes)),
                // An empty form value removes the photo, as `null` does in JSON.
                (false, true) => Some(PhotoPart::Remove),
                (false, false) => {
                    errors.add(FIELD, NOT_A_FILE);
                    None
                }
            };
            continue;
        }
        let bytes = read_field(field).await?;
        let Ok(text) = String::from_utf8(bytes.to_vec()) else {
            errors.add(&name, "Not valid UTF-8 text.");
            continue;
        };
        // A list field carries its JSON text in a form.
        let value = if name == "custom_field_values" {
            match serde_json::from_str(&text) {
                Ok(value) => value,
                Err(_) => {
                    errors.add(&name, "Expected a JSON list of {\"field_id\", \"value\"} objects.");
                    continue;
                }
            }
        } else {
            Value::String(text)
        };
        body.insert(name, value);
    }
    errors.into_result().map_err(ApiError::Validation)?;
    Ok((body, photo_part))
}

async fn read_field(field: Field<'_>) -> ApiResult<bytes::Bytes> {
    field.bytes().await.map_err(multipart_error)
}

/// Decodes, crops, resamples and encodes on a blocking thread. A refused
/// image is a field error on `profile_image`; no room in the process's image
/// budget (every decode slot taken for a while) is `503` with `Retry-After`.
async fn prepare(bytes: bytes::Bytes) -> ApiResult<photo::PreparedPhoto> {
    tokio::task::spawn_blocking(move || photo::prepare(&bytes))
        .await
        .map_err(|e| ApiError::Internal(format!("photo task failed: {e}")))?
        .map_err(|refused| match refused {
            photo::PhotoError::Busy => ApiError::Busy(photo::budget::RETRY_AFTER_SECS, BUSY),
            refused => ApiError::field(FIELD, refused.to_string()),
        })
}

/// Writes the files under new names (blocking I/O, off the runtime).
async fn save(store: PhotoStore, prepared: photo::PreparedPhoto) -> ApiResult<PendingPhoto> {
    tokio::task::spawn_blocking(move || store.save(&prepared))
        .await
        .map_err(|e| ApiError::Internal(format!("photo task failed: {e}")))?
        .map_err(|e| ApiError::Internal(format!("could not write a photo: {e}")))
}

/// Deletes replaced photo files once no committed row points at them.
pub async fn remove_files(state: &AppState, names: Vec<String>) {
    if names.is_empty() {
        return;
    }
    let store = state.photo_store();
    let removed = tokio::task::spawn_blocking(move || store.remove(names.iter().map(String::as_str))).await;
    if let Err(e) = removed {
        tracing::warn!(error = %e, "removing replaced photos failed");
    }
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge(MULTIPART_LIMIT)
    } else {
        ApiError::BadRequest(format!("Multipart form parse error - {}", e.body_text()))
    }
}

fn rejection(e: MultipartRejection) -> ApiError {
    ApiError::BadRequest(format!("Multipart form parse error - {}", e.body_text()))
}
