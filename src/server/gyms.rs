//! `/api/gyms/`: the organization's locations, read-only.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use serde::Serialize;

use super::AppState;
use super::auth::Staff;
use super::error::{ApiError, ApiResult, method_not_allowed};
use super::paging::ListRequest;
use crate::model::Page;
use crate::storage::orgs::{self, Location};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/gyms/", get(list).fallback(method_not_allowed))
        .route("/api/gyms/{id}/", get(read).fallback(method_not_allowed))
}

#[derive(Debug, Serialize)]
pub struct Gym {
    pub id: i64,
    pub url: String,
    pub name: String,
    pub time_zone: String,
    pub combine_same_day_check_ins: bool,
}

fn to_api(state: &AppState, l: Location) -> Gym {
    Gym {
        id: l.id,
        url: state.urls().location(l.id),
        name: l.name,
        time_zone: l.time_zone,
        combine_same_day_check_ins: l.combine_same_day_check_ins,
    }
}

async fn list(State(state): State<AppState>, staff: Staff, req: ListRequest) -> ApiResult<Json<Page<Gym>>> {
    let page = req.page()?;
    let mut conn = state.db().acquire().await?;
    let all = orgs::locations(&staff.org, &mut conn).await?;
    let count = all.len() as u64;
    let resolved = page.resolve(count)?;
    let results = all
        .into_iter()
        .skip(resolved.offset() as usize)
        .take(resolved.size as usize)
        .map(|l| to_api(&state, l))
        .collect::<Vec<_>>();
    Ok(Json(req.envelope(resolved, count, results)))
}

async fn read(State(state): State<AppState>, staff: Staff, Path(id): Path<String>) -> ApiResult<Json<Gym>> {
    let id = id.parse::<i64>().map_err(|_| ApiError::NotFound)?;
    let mut conn = state.db().acquire().await?;
    let location = orgs::location(&staff.org, &mut conn, id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(to_api(&state, location)))
}
