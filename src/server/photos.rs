//! Writing profile photos: `PATCH /api/customers/{id}/` as `multipart/form-data`
//! with a `profile_image` file part and, optionally, other customer fields.
//!
//! The photo is prepared off the async runtime and written under new names
//! before the transaction; `service::customers` points the customer at them
//! and deletes the replaced files only after the commit. A refused file or a
//! failed write leaves the previous photo exactly as it was, and no file behind.

use axum::extract::multipart::{Field, Multipart, MultipartRejection};
use axum::extract::{FromRequest, Request};
use serde_json::{Map, Value};

use super::AppState;
use super::error::{ApiError, ApiResult};
use crate::model::FieldErrors;
use crate::model::customer_write::CustomerWrite;
use crate::photo::{self, PendingPhoto, PhotoStore};
use crate::service::customers::PhotoChange;
use crate::storage::OrgScope;
use crate::storage::customers;

/// Largest multipart body accepted: room for a phone photo and the form.
pub const MULTIPART_LIMIT: usize = 20 * 1024 * 1024;

const FIELD: &str = "profile_image";
const BUSY: &str = "Too many photos are being processed right now; try again in a moment.";
const NOT_STORED: &str =
    "The photo could not be stored: the photo store did not accept it. The customer was not changed; try again.";
const NOT_A_FILE: &str = "The submitted data was not a file. Check the encoding type on the form.";

/// What a form says about the photo.
enum PhotoPart {
    Upload(bytes::Bytes),
    Remove,
}

/// A multipart `PATCH` body: the customer fields as a JSON body would carry
/// them (an empty photo value is `"profile_image": null`), and the photo.
pub struct Form {
    pub body: Map<String, Value>,
    photo: Option<PhotoPart>,
}

/// Reads a multipart body.
pub async fn read_multipart(state: &AppState, req: Request) -> ApiResult<Form> {
    let multipart = Multipart::from_request(req, state).await.map_err(rejection)?;
    let (mut body, photo) = read_form(multipart).await?;
    if matches!(photo, Some(PhotoPart::Remove)) {
        body.insert(FIELD.into(), Value::Null);
    }
    Ok(Form { body, photo })
}

impl Form {
    /// The write and what it does to the photo, given the fields as the caller
    /// parsed them from [`Form::body`]: every problem in one answer, the
    /// fields' and the photo's. An uploaded photo is prepared and written
    /// under new names (deleted again if the write does not commit).
    pub async fn into_change(
        self,
        state: &AppState,
        org: &OrgScope,
        id: i64,
        fields: ApiResult<CustomerWrite>,
    ) -> ApiResult<(CustomerWrite, PhotoChange)> {
        let prepared = match self.photo {
            Some(PhotoPart::Upload(bytes)) => {
                let mut conn = state.db().acquire().await?;
                if !customers::exists(org, &mut conn, id).await? {
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
        let photo = match prepared {
            Some(prepared) => PhotoChange::Replace(save(state.photo_store(), prepared).await?),
            None if write.remove_profile_image => PhotoChange::Remove,
            None => PhotoChange::Keep,
        };
        Ok((write, photo))
    }
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

/// Writes the files under new names, to the folder or the bucket. A store
/// that refuses or fails the write (having removed what it wrote) is `503`
/// saying the photo could not be stored; the request changes nothing.
async fn save(store: &PhotoStore, prepared: photo::PreparedPhoto) -> ApiResult<PendingPhoto> {
    store
        .save(&prepared)
        .await
        .map_err(|e| ApiError::Unavailable { message: NOT_STORED, cause: format!("could not write a photo: {e}") })
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
