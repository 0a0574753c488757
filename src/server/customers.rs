//! `/api/customers/`: list (with every filter), create, read, replace and
//! update, answering the seed's Read shape.

use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::StatusCode;
use axum::routing::get;

use super::AppState;
use super::auth::Staff;
use super::body::{JsonObject, media_type};
use super::error::{ApiError, ApiResult, method_not_allowed};
use super::filters::customer_filter;
use super::paging::ListRequest;
use super::photos;
use crate::model::customer::SUB_COLLECTIONS;
use crate::model::fields::{CustomerWrite, WriteMode};
use crate::model::{Customer, Gender, Page};
use crate::service::{self, customers::CustomerChange, customers::PhotoChange};
use crate::storage::customers::{self, CustomerRecord, WriteContext};
use crate::storage::{OrgScope, StoreError};

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/customers/", get(list).post(create).fallback(method_not_allowed)).route(
        "/api/customers/{id}/",
        get(read)
            .put(replace)
            .patch(update)
            .fallback(method_not_allowed)
            // A photo upload is larger than axum's default 2 MB (JSON bodies keep their own limit).
            .layer(DefaultBodyLimit::max(photos::MULTIPART_LIMIT)),
    )
}

/// A path id that is not an integer names no customer.
pub fn parse_id(raw: &str) -> ApiResult<i64> {
    raw.parse::<i64>().map_err(|_| ApiError::NotFound)
}

/// The seed's Read shape of a stored customer, with absolute URLs.
pub fn to_api(state: &AppState, org: &OrgScope, r: CustomerRecord) -> Customer {
    let urls = state.urls();
    let ts = |micros: Option<i64>| micros.map(crate::model::time::from_micros);
    let mut c = Customer {
        id: r.id,
        url: urls.customer(r.id),
        email: r.email,
        first_name: r.first_name,
        last_name: r.last_name,
        preferred_name: r.preferred_name,
        birthday: r.birthday.parse().ok(),
        address_postcode: r.address_postcode,
        address_street_1: r.address_street_1,
        address_street_2: r.address_street_2,
        address_city: r.address_city,
        address_state: r.address_state,
        address_country: r.address_country,
        government_id: r.government_id,
        telephone: r.telephone,
        gender: r.gender.as_deref().and_then(Gender::from_code),
        pronouns: r.pronouns,
        has_opted_in_to_marketing: r.has_opted_in_to_marketing,
        barcode: r.barcode.unwrap_or_default(),
        profile_image: r.profile_image.as_deref().map(|f| urls.media(f)),
        profile_image_small: r.profile_image_small.as_deref().map(|f| urls.media(f)),
        home_location_id: r.home_location_id,
        home_location_url: r.home_location_id.map(|id| urls.location(id)),
        home_location_name: r.home_location_name,
        capitan_invite_sent: r.capitan_invite_sent,
        has_capitan_login: r.has_capitan_login,
        check_in_count: r.check_in_count,
        has_active_membership: r.has_active_membership,
        has_active_youth_programming_membership: r.has_active_youth_membership,
        has_active_non_youth_programming_membership: r.has_active_adult_membership,
        has_membership_with_future_start: r.has_future_membership,
        has_frozen_membership: r.has_frozen_membership,
        number_of_available_entry_passes: r.available_entry_passes,
        active_waiver_exists: r.active_waiver_exists,
        latest_waiver_expiration_date: r.latest_waiver_expiration.as_deref().and_then(|d| d.parse().ok()),
        active_proficiency_names: r.active_proficiency_names,
        tags: r.tags,
        custom_field_values: r.custom_field_values,
        has_medical_notes: r.has_medical_notes,
        first_check_in_timestamp: ts(r.first_check_in_at),
        latest_check_in_timestamp: ts(r.latest_check_in_at),
        first_membership_timestamp: r
            .first_membership_date
            .as_deref()
            .and_then(|d| d.parse().ok())
            .map(|d| org.start_of_day(d)),
        created_at: ts(Some(r.created_at)),
        updated_at: ts(Some(r.updated_at)),
        ..Customer::default()
    };
    for (field, segment) in SUB_COLLECTIONS {
        let url = urls.customer_sub(c.id, segment);
        *sub_collection_field(&mut c, field) = url;
    }
    c
}

fn sub_collection_field<'a>(c: &'a mut Customer, field: &str) -> &'a mut String {
    match field {
        "event_vouchers_url" => &mut c.event_vouchers_url,
        "credits_url" => &mut c.credits_url,
        "emergency_contacts_url" => &mut c.emergency_contacts_url,
        "medical_notes_url" => &mut c.medical_notes_url,
        "notes_url" => &mut c.notes_url,
        "alerts_url" => &mut c.alerts_url,
        "documents_url" => &mut c.documents_url,
        "relations_url" => &mut c.relations_url,
        "check_ins_url" => &mut c.check_ins_url,
        "guest_pass_usages" => &mut c.guest_pass_usages,
        "shared_passes_url" => &mut c.shared_passes_url,
        "memberships_url" => &mut c.memberships_url,
        "entry_passes_url" => &mut c.entry_passes_url,
        "challenges_url" => &mut c.challenges_url,
        "payments_url" => &mut c.payments_url,
        "proficiencies_url" => &mut c.proficiencies_url,
        "reservations_url" => &mut c.reservations_url,
        "reservation_parts_url" => &mut c.reservation_parts_url,
        "pending_relations_url" => &mut c.pending_relations_url,
        "incoming_pending_relations_url" => &mut c.incoming_pending_relations_url,
        "activity_log_url" => &mut c.activity_log_url,
        other => unreachable!("no sub-collection field {other}"),
    }
}

async fn list(State(state): State<AppState>, staff: Staff, req: ListRequest) -> ApiResult<Json<Page<Customer>>> {
    let page = req.page()?;
    let filter = customer_filter(&req, state.today(&staff.org)).map_err(ApiError::Validation)?;
    let mut conn = state.db().acquire().await?;
    let (count, records) = match page.offset_hint() {
        Some(offset) => customers::list(&staff.org, &mut conn, &filter, offset, page.page_size).await?,
        None => {
            // page=last: count first, then read the last page.
            let (count, _) = customers::list(&staff.org, &mut conn, &filter, u64::MAX, 0).await?;
            let last = page.resolve(count)?;
            customers::list(&staff.org, &mut conn, &filter, last.offset(), last.size).await?
        }
    };
    let resolved = page.resolve(count)?;
    let results = records.into_iter().map(|r| to_api(&state, &staff.org, r)).collect();
    Ok(Json(req.envelope(resolved, count, results)))
}

async fn read(State(state): State<AppState>, staff: Staff, Path(id): Path<String>) -> ApiResult<Json<Customer>> {
    let id = parse_id(&id)?;
    let mut conn = state.db().acquire().await?;
    let record = customers::get(&staff.org, &mut conn, id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(to_api(&state, &staff.org, record)))
}

/// Parses a write and, when it has errors, adds those the database finds in
/// its valid part, so one answer names every problem.
async fn parse_write(
    state: &AppState,
    staff: &Staff,
    id: Option<i64>,
    body: &serde_json::Map<String, serde_json::Value>,
    mode: WriteMode,
) -> ApiResult<CustomerWrite> {
    let (write, mut errors) = CustomerWrite::parse_json(body, mode);
    if errors.is_empty() {
        return Ok(write);
    }
    let mut conn = state.db().acquire().await?;
    if let Some(id) = id
        && !customers::exists(&staff.org, &mut conn, id).await?
    {
        return Err(ApiError::NotFound);
    }
    match customers::check_against_db(&staff.org, &mut conn, id, &write).await {
        Ok(()) => {}
        Err(StoreError::Invalid(db_errors)) => errors.merge(db_errors),
        Err(e) => return Err(e.into()),
    }
    Err(ApiError::Validation(errors))
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    JsonObject(body): JsonObject,
) -> ApiResult<(StatusCode, Json<Customer>)> {
    let write = parse_write(&state, &staff, None, &body, WriteMode::Full).await?;
    let ctx = WriteContext { actor: staff.actor(), now: state.now_micros() };
    let record = service::customers::create(state.db(), &staff.org, &write, ctx).await?;
    Ok((StatusCode::CREATED, Json(to_api(&state, &staff.org, record))))
}

async fn write_json(state: &AppState, staff: &Staff, id: i64, write: CustomerWrite) -> ApiResult<Json<Customer>> {
    let photo = if write.remove_profile_image { PhotoChange::Remove } else { PhotoChange::Keep };
    write_customer(state, staff, CustomerChange { id, fields: Some(&write), photo }).await
}

/// A form with a photo: the fields are written only when it has some, so a
/// photo alone leaves them (and their activity log) untouched.
async fn write_multipart(state: &AppState, staff: &Staff, id: i64, req: Request) -> ApiResult<Json<Customer>> {
    let form = photos::read_multipart(state, req).await?;
    let fields = parse_write(state, staff, Some(id), &form.body, WriteMode::Partial).await;
    let (write, photo) = form.into_change(state, &staff.org, id, fields).await?;
    let fields = (!write.fields.is_empty() || write.custom_field_values.is_some()).then_some(&write);
    write_customer(state, staff, CustomerChange { id, fields, photo }).await
}

/// Writes the customer and its photo (`service::customers`), answering it as committed.
async fn write_customer(state: &AppState, staff: &Staff, change: CustomerChange<'_>) -> ApiResult<Json<Customer>> {
    let ctx = WriteContext { actor: staff.actor(), now: state.now_micros() };
    let record = service::customers::update(state.db(), &state.photo_store(), &staff.org, change, ctx).await?;
    Ok(Json(to_api(state, &staff.org, record)))
}

async fn replace(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<Customer>> {
    let id = parse_id(&id)?;
    let write = parse_write(&state, &staff, Some(id), &body, WriteMode::Full).await?;
    write_json(&state, &staff, id, write).await
}

async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    req: Request,
) -> ApiResult<Json<Customer>> {
    let id = parse_id(&id)?;
    if media_type(&req).as_deref() == Some("multipart/form-data") {
        return write_multipart(&state, &staff, id, req).await;
    }
    let JsonObject(body) = <JsonObject as axum::extract::FromRequest<AppState>>::from_request(req, &state).await?;
    let write = parse_write(&state, &staff, Some(id), &body, WriteMode::Partial).await?;
    write_json(&state, &staff, id, write).await
}
