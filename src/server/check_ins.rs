//! `/api/check-ins/` and `/api/customers/{id}/check-ins/`: the check-ins
//! list (filters and ordering real clients use), reading one, and voiding a
//! mistaken one the same day (ours). Check-ins are made by barcode scans
//! (`gym_endpoints.rs`), and (ours) by `POST /api/customers/{id}/check-ins/`,
//! which `gym_endpoints.rs` answers too: the same check-in by customer id.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use jiff::civil::{Date, DateTime};

use super::AppState;
use super::auth::Staff;
use super::customers::parse_id;
use super::error::{ApiError, ApiResult, method_not_allowed};
use super::paging::ListRequest;
use crate::model::check_in::{CheckIn, EntryMethod, local_datetime_opt};
use crate::model::{FieldErrors, Page};
use crate::storage::check_ins::{self, CheckInFilter, CheckInRecord, Sort, SortKey};
use crate::storage::{StoreError, customers};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/check-ins/", get(list).fallback(method_not_allowed))
        .route("/api/check-ins/{id}/", get(read).delete(void).fallback(method_not_allowed))
        .route(
            "/api/customers/{id}/check-ins/",
            get(customer_list).post(super::gym_endpoints::customer_check_in).fallback(method_not_allowed),
        )
        .route("/api/customers/{id}/check-ins/{check_in_id}/", get(customer_read).fallback(method_not_allowed))
        .merge(super::gym_endpoints::routes())
        .merge(super::check_in_preview::routes())
}

/// The API shape of a stored check-in. Its `url` is the one `DELETE` voids,
/// wherever it is listed.
pub fn to_api(state: &AppState, r: CheckInRecord) -> CheckIn {
    let urls = state.urls();
    CheckIn {
        id: r.id,
        url: urls.resource("check-ins", Some(r.id)),
        customer_id: r.customer_id,
        customer_url: urls.customer(r.customer_id),
        customer_first_name: r.customer_first_name,
        customer_last_name: r.customer_last_name,
        customer_birthday: r.customer_birthday.parse().ok(),
        customer_email: r.customer_email,
        location_id: Some(r.location_id),
        location_name: r.location_name,
        check_in_datetime: local_datetime_opt::parse(&r.local_datetime),
        check_out_datetime: r.local_checkout_datetime.as_deref().and_then(local_datetime_opt::parse),
        entry_method: r.entry_method,
        entry_method_description: r.entry_method_description,
        free_entry_reason: r.free_entry_reason,
        check_in_count: r.check_in_count,
        created_at: Some(crate::model::time::from_micros(r.created_at)),
    }
}

pub const MSG_LOCAL_DATETIME: &str = "Enter a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM:SS) without an \
                                      offset: check-in times are the location's local time.";
const MSG_INTEGER: &str = "Enter a whole number.";

/// A bound on `check_in_datetime`: a whole local day, or a wall-clock time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LocalBound {
    Day(Date),
    At(DateTime),
}

fn parse_local_bound(raw: &str) -> Option<LocalBound> {
    let raw = raw.trim();
    if let Ok(day) = raw.parse::<Date>()
        && raw.len() == 10
    {
        return Some(LocalBound::Day(day));
    }
    // `T` or a space between date and time, as Django's datetime fields accept.
    let normalized = raw.replacen(' ', "T", 1);
    normalized.parse::<DateTime>().ok().map(LocalBound::At)
}

fn text(dt: DateTime) -> String {
    dt.strftime(local_datetime_opt::FORMAT).to_string()
}

/// Reads the list's query parameters: `check_in_datetime__gte`/`__lte`
/// (location-local dates or times, inclusive), `ordering`, and (ours)
/// `customer_id`, `location_id`, `entry_method`.
fn parse_list(req: &ListRequest) -> Result<(CheckInFilter, Vec<Sort>), FieldErrors> {
    let mut errors = FieldErrors::new();
    let raw = |name: &str| req.get(name).map(str::trim).filter(|v| !v.is_empty());
    let mut filter = CheckInFilter::default();
    if let Some(v) = raw("check_in_datetime__gte") {
        match parse_local_bound(v) {
            Some(LocalBound::Day(d)) => filter.local_from = Some(d.to_string()),
            Some(LocalBound::At(dt)) => filter.local_from = Some(text(dt)),
            None => errors.add("check_in_datetime__gte", MSG_LOCAL_DATETIME),
        }
    }
    if let Some(v) = raw("check_in_datetime__lte") {
        // Inclusive of the whole day, or of the whole second: stored times
        // have whole seconds, so "before the next one" is the same bound.
        match parse_local_bound(v) {
            Some(LocalBound::Day(d)) => filter.local_before = Some(d.tomorrow().unwrap_or(d).to_string()),
            Some(LocalBound::At(dt)) => {
                let next = dt
                    .with()
                    .subsec_nanosecond(0)
                    .build()
                    .ok()
                    .and_then(|d| d.checked_add(jiff::Span::new().seconds(1)).ok());
                filter.local_before = Some(next.map_or_else(|| text(dt), text));
            }
            None => errors.add("check_in_datetime__lte", MSG_LOCAL_DATETIME),
        }
    }
    for (name, slot) in [("customer_id", &mut filter.customer_id), ("location_id", &mut filter.location_id)] {
        if let Some(v) = raw(name) {
            match v.parse::<i64>() {
                Ok(id) => *slot = Some(id),
                Err(_) => errors.add(name, MSG_INTEGER),
            }
        }
    }
    if let Some(v) = raw("entry_method") {
        match EntryMethod::from_code(&v.to_ascii_uppercase()) {
            Some(m) => filter.entry_method = Some(m.code().to_string()),
            None => errors.add(
                "entry_method",
                format!("Select a valid choice. {v} is not one of the available choices (MEM, ENT, GUE, FRE, EVE)."),
            ),
        }
    }
    // As DRF's OrderingFilter: comma-separated, `-` for descending, unknown
    // fields ignored.
    let sort = raw("ordering")
        .map(|v| {
            v.split(',')
                .filter_map(|field| {
                    let field = field.trim();
                    let (descending, name) = match field.strip_prefix('-') {
                        Some(name) => (true, name),
                        None => (false, field),
                    };
                    let key = match name {
                        "check_in_datetime" => SortKey::CheckInDatetime,
                        "created_at" => SortKey::CreatedAt,
                        "id" => SortKey::Id,
                        _ => return None,
                    };
                    Some(Sort { key, descending })
                })
                .collect()
        })
        .unwrap_or_default();
    errors.into_result().map(|()| (filter, sort))
}

async fn list_page(
    state: &AppState,
    staff: &Staff,
    req: &ListRequest,
    filter: CheckInFilter,
    sort: &[Sort],
) -> ApiResult<Json<Page<CheckIn>>> {
    let page = req.page()?;
    let mut conn = state.db().acquire().await?;
    let offset = match page.offset_hint() {
        Some(offset) => offset,
        None => {
            // page=last: count first.
            let (count, _) = check_ins::list(&staff.org, &mut conn, &filter, sort, 0, 0).await?;
            page.resolve(count)?.offset()
        }
    };
    let (count, records) = check_ins::list(&staff.org, &mut conn, &filter, sort, offset, page.page_size).await?;
    let resolved = page.resolve(count)?;
    let results = records.into_iter().map(|r| to_api(state, r)).collect();
    Ok(Json(req.envelope(resolved, count, results)))
}

async fn list(State(state): State<AppState>, staff: Staff, req: ListRequest) -> ApiResult<Json<Page<CheckIn>>> {
    let (filter, sort) = parse_list(&req).map_err(ApiError::Validation)?;
    list_page(&state, &staff, &req, filter, &sort).await
}

async fn read(State(state): State<AppState>, staff: Staff, Path(id): Path<String>) -> ApiResult<Json<CheckIn>> {
    let id = parse_id(&id)?;
    let mut conn = state.db().acquire().await?;
    let record = check_ins::get(&staff.org, &mut conn, id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(to_api(&state, record)))
}

/// Voids a mistaken check-in made today: `204`, or `400` for an older one.
async fn void(State(state): State<AppState>, staff: Staff, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let id = parse_id(&id)?;
    let mut tx = state.db().begin_write().await?;
    check_ins::void(&staff.org, &mut tx, id, staff.actor(), state.clock().now()).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn customer_list(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    req: ListRequest,
) -> ApiResult<Json<Page<CheckIn>>> {
    let customer_id = parse_id(&id)?;
    let (mut filter, sort) = parse_list(&req).map_err(ApiError::Validation)?;
    let mut conn = state.db().acquire().await?;
    if !customers::exists(&staff.org, &mut conn, customer_id).await? {
        return Err(ApiError::NotFound);
    }
    drop(conn);
    filter.customer_id = Some(customer_id);
    list_page(&state, &staff, &req, filter, &sort).await
}

async fn customer_read(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, check_in_id)): Path<(String, String)>,
) -> ApiResult<Json<CheckIn>> {
    let (customer_id, check_in_id) = (parse_id(&id)?, parse_id(&check_in_id)?);
    let mut conn = state.db().acquire().await?;
    let record = check_ins::get(&staff.org, &mut conn, check_in_id)
        .await?
        .filter(|r| r.customer_id == customer_id)
        .ok_or(ApiError::NotFound)?;
    Ok(Json(to_api(&state, record)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &str) -> Result<(CheckInFilter, Vec<Sort>), FieldErrors> {
        let req =
            ListRequest { base: String::new(), params: form_urlencoded::parse(q.as_bytes()).into_owned().collect() };
        parse_list(&req)
    }

    #[test]
    fn datetime_bounds_are_local_and_inclusive() {
        let (f, _) = parse("check_in_datetime__gte=2026-03-01&check_in_datetime__lte=2026-03-31").unwrap();
        assert_eq!(f.local_from.as_deref(), Some("2026-03-01"));
        assert_eq!(f.local_before.as_deref(), Some("2026-04-01"));
        let (f, _) =
            parse("check_in_datetime__gte=2026-03-01T10:00&check_in_datetime__lte=2026-03-01%2018:30:59").unwrap();
        assert_eq!(f.local_from.as_deref(), Some("2026-03-01T10:00:00"));
        assert_eq!(f.local_before.as_deref(), Some("2026-03-01T18:31:00"));
    }

    #[test]
    fn bad_values_are_named_and_offsets_refused() {
        let err = parse("check_in_datetime__gte=2026-13-01&check_in_datetime__lte=2026-03-01T10:00:00Z&location_id=x&entry_method=ZZZ")
            .unwrap_err();
        for name in ["check_in_datetime__gte", "check_in_datetime__lte", "location_id", "entry_method"] {
            assert!(err.get(name).is_some(), "{name}: {err}");
        }
    }

    #[test]
    fn ordering_reads_like_drf_and_ignores_unknown_fields() {
        let (_, sort) = parse("ordering=-check_in_datetime").unwrap();
        assert_eq!(sort, [Sort { key: SortKey::CheckInDatetime, descending: true }]);
        let (_, sort) = parse("ordering=created_at,bogus,-id").unwrap();
        assert_eq!(
            sort,
            [Sort { key: SortKey::CreatedAt, descending: false }, Sort { key: SortKey::Id, descending: true }]
        );
        assert!(parse("ordering=bogus").unwrap().1.is_empty());
    }
}
