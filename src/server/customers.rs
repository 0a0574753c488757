//! `/api/customers/`: list (with every filter), create, read, replace and
//! update, answering the seed's Read shape.

use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::AppState;
use super::auth::Staff;
use super::body::{JsonObject, media_type};
use super::error::{ApiError, ApiResult, method_not_allowed};
use super::filters::customer_filter;
use super::paging::ListRequest;
use super::photos;
use crate::model::customer::CustomerLinks;
use crate::model::customer_write::CustomerWrite;
use crate::model::fields::WriteMode;
use crate::model::{Customer, Page};
use crate::service::{self, customers::CustomerChange, customers::PhotoChange};
use std::sync::Arc;

use crate::storage::StoreError;
use crate::storage::customer_filters::ActiveMembership;
use crate::storage::customer_index::OrgIndex;
use crate::storage::customers::{self, WriteContext};

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
pub fn to_api(state: &AppState, mut customer: Customer) -> Customer {
    customer.resolve_links(&state.urls());
    customer
}

impl CustomerLinks for super::Urls<'_> {
    fn customer(&self, id: i64) -> String {
        super::Urls::customer(self, id)
    }

    fn customer_sub(&self, id: i64, segment: &str) -> String {
        super::Urls::customer_sub(self, id, segment)
    }

    fn location(&self, id: i64) -> String {
        super::Urls::location(self, id)
    }

    fn media(&self, file_name: &str) -> String {
        super::Urls::media(self, file_name)
    }
}

async fn list(State(state): State<AppState>, staff: Staff, req: ListRequest) -> ApiResult<Response> {
    let page = req.page()?;
    let mut filter = customer_filter(&req, state.today(&staff.org)).map_err(ApiError::Validation)?;
    if let Some(list) = indexed(&state, &staff).await? {
        if matches!(filter.has_active_membership, Some(ActiveMembership::Name(_))) {
            let mut conn = state.db().acquire().await?;
            crate::storage::customer_filters::resolve(&staff.org, &mut conn, &mut filter).await?;
        }
        let found = match page.offset_hint() {
            Some(offset) => list.page(&staff.org, &filter, offset, page.page_size),
            None => {
                // page=last: count first, then read the last page.
                let count = list.page(&staff.org, &filter, u64::MAX, 0).count;
                let last = page.resolve(count)?;
                list.page(&staff.org, &filter, last.offset(), last.size)
            }
        };
        let resolved = page.resolve(found.count)?;
        return Ok(rendered_page(req.envelope(resolved, found.count, found.records)));
    }
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
    let results = records.into_iter().map(|r| to_api(&state, r)).collect();
    Ok(Json(req.envelope(resolved, count, results)).into_response())
}

async fn read(State(state): State<AppState>, staff: Staff, Path(id): Path<String>) -> ApiResult<Response> {
    let id = parse_id(&id)?;
    if let Some(list) = indexed(&state, &staff).await? {
        return list.record(id).map(|json| json_response(json.to_string())).ok_or(ApiError::NotFound);
    }
    let mut conn = state.db().acquire().await?;
    let record = customers::get(&staff.org, &mut conn, id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(to_api(&state, record)).into_response())
}

/// The organization's customer index when it can answer: current as of the
/// change number read with the token (no statement), or brought up to date
/// now; `None` when it is off or rebuilding (answer by SQL).
pub(super) async fn indexed(state: &AppState, staff: &Staff) -> ApiResult<Option<Arc<OrgIndex>>> {
    let Some(index) = state.customer_index() else { return Ok(None) };
    if let Some(list) = index.current(&staff.org, staff.list_seq) {
        return Ok(Some(list));
    }
    let mut conn = state.db().acquire().await?;
    Ok(index.fresh(&staff.org, &mut conn).await?)
}

/// An answer of already-rendered JSON, as `Json` would send it.
fn json_response(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// A page of already-rendered records, byte for byte what `Json(Page)` sends.
pub(super) fn rendered_page(page: Page<Arc<str>>) -> Response {
    let text = |value: &Option<String>| serde_json::to_string(value).unwrap_or_else(|_| "null".to_string());
    let size: usize = page.results.iter().map(|r| r.len() + 1).sum();
    let mut body = String::with_capacity(size + 256);
    body.push_str("{\"count\":");
    body.push_str(&page.count.to_string());
    body.push_str(",\"next\":");
    body.push_str(&text(&page.next));
    body.push_str(",\"previous\":");
    body.push_str(&text(&page.previous));
    body.push_str(",\"results\":[");
    for (i, record) in page.results.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(record);
    }
    body.push_str("]}");
    json_response(body)
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
    Ok((StatusCode::CREATED, Json(to_api(&state, record))))
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
    let record = service::customers::update(state.db(), state.photo_store(), &staff.org, change, ctx).await?;
    Ok(Json(to_api(state, record)))
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

#[cfg(test)]
mod tests {
    use super::super::filters::customer_filter;
    use super::super::paging::ListRequest;
    use crate::model::customer::filter_parameters;

    fn request(params: &[(&str, &str)]) -> ListRequest {
        ListRequest {
            base: String::new(),
            params: params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        }
    }

    #[test]
    fn every_filter_parameter_a_field_declares_is_one_the_list_parses() {
        let today = jiff::civil::date(2026, 11, 25);
        let unfiltered = customer_filter(&request(&[]), today).unwrap();
        let mut declared = 0;
        for (param, field) in filter_parameters() {
            declared += 1;
            assert!(
                crate::model::filters::CUSTOMER_FILTERS.iter().any(|f| f.name == param),
                "{param} (on {field}) is not in the filter table, model::filters::CUSTOMER_FILTERS"
            );
            let parses = ["true", "2020-01-02", "3", "F", "x"]
                .into_iter()
                .any(|value| customer_filter(&request(&[(param, value)]), today).is_ok_and(|f| f != unfiltered));
            assert!(parses, "{param} (on {field}) is not a parameter the customer list filters by");
        }
        assert!(declared >= 20, "{declared} parameters");
    }
}
