//! `GET /api/customers/possible-duplicates/` (our extension, issue 16): the
//! organization's customers that may be the same person as one about to be
//! created, best match first, at most 20, in the customer list's page shape.
//! What counts as a match and how they rank: [`crate::model::duplicates`].

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::civil::Date;

use super::AppState;
use super::auth::Staff;
use super::customers::to_api;
use super::error::{ApiError, ApiResult, method_not_allowed};
use super::paging::ListRequest;
use crate::model::duplicates::MIN_PHONE_DIGITS;
use crate::model::validation::MSG_DATE;
use crate::model::{Customer, FieldErrors, Page};
use crate::storage::customers;
use crate::storage::duplicates::{self, DuplicateQuery};

pub const PATH: &str = "/api/customers/possible-duplicates/";

pub fn routes() -> Router<AppState> {
    Router::new().route(PATH, get(possible_duplicates).fallback(method_not_allowed))
}

async fn possible_duplicates(State(state): State<AppState>, staff: Staff, req: ListRequest) -> ApiResult<Response> {
    let query = parse(&req)?;
    let mut conn = state.db().acquire().await?;
    let ranked = duplicates::find(&staff.org, &mut conn, &query).await?;
    drop(conn);
    let ids: Vec<i64> = ranked.iter().map(|(id, _)| *id).collect();
    // The candidates as the customer index has them rendered (the list's
    // bytes), when it holds every one; else read and rendered here.
    if let Some(list) = super::customers::indexed(&state, &staff).await?
        && let Some(results) = ids.iter().map(|id| list.record(*id)).collect::<Option<Vec<Arc<str>>>>()
    {
        let count = results.len() as u64;
        return Ok(super::customers::rendered_page(Page { count, next: None, previous: None, results }));
    }
    let mut conn = state.db().acquire().await?;
    let mut records = customers::get_many(&staff.org, &mut conn, &ids).await?;
    records.sort_by_key(|c| ids.iter().position(|id| *id == c.id));
    let results: Vec<Customer> = records.into_iter().map(|c| to_api(&state, c)).collect();
    Ok(Json(Page { count: results.len() as u64, next: None, previous: None, results }).into_response())
}

/// The query, or `400` naming what is wrong: a birthday that is not a date,
/// or nothing that can be compared.
fn parse(req: &ListRequest) -> ApiResult<DuplicateQuery> {
    let text = |name: &str| req.get(name).map(str::trim).unwrap_or_default();
    let birthday = match text("birthday") {
        "" => None,
        raw => Some(raw.parse::<Date>().map_err(|_| ApiError::field("birthday", MSG_DATE))?),
    };
    let query = DuplicateQuery::new(text("first_name"), text("last_name"), birthday, text("email"), text("telephone"));
    if query.has_signal() {
        return Ok(query);
    }
    let mut why = String::from(
        "Nothing to compare: give email, telephone (at least 7 digits), or first_name, last_name and birthday together.",
    );
    if !text("telephone").is_empty() {
        why.push_str(&format!(" The telephone has fewer than {MIN_PHONE_DIGITS} digits."));
    }
    if query.name.is_some() && birthday.is_none() {
        why.push_str(" A name is compared only together with a birthday.");
    } else if birthday.is_some() && query.name.is_none() {
        why.push_str(" A birthday is compared only together with first_name and last_name.");
    }
    Err(ApiError::Validation(FieldErrors::single("non_field_errors", why)))
}
