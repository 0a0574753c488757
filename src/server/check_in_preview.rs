//! (ours) `GET /api/customers/{id}/check-in-preview/?location_id=N`: what a check-in of the
//! customer would answer now, judged by the same facts and rules as a scan
//! (`storage::check_ins::preview`), with nothing written: no check-in, no debit, no activity.
//! The desk shows it for each member of a scanned customer's family.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;

use super::AppState;
use super::auth::Staff;
use super::customers::parse_id;
use super::error::{ApiError, ApiResult, method_not_allowed};
use super::gym_endpoints::resolve_location;
use super::listing::require_customer;
use super::paging::ListRequest;
use crate::model::check_in_preview::{CheckInPreview, PreviewVerdict};
use crate::model::check_in_rules::{Decision, Refusal};
use crate::storage::check_ins::{self, Scan, Who};

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/customers/{id}/check-in-preview/", get(preview).fallback(method_not_allowed))
}

const MSG_LOCATION: &str = "Enter a location's id (a whole number).";

async fn preview(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    req: ListRequest,
) -> ApiResult<Json<CheckInPreview>> {
    let customer_id = parse_id(&id)?;
    let requested = match req.get("location_id").map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => Some(v.parse::<i64>().map_err(|_| ApiError::field("location_id", MSG_LOCATION))?),
        None => None,
    };
    let mut conn = state.db().acquire().await?;
    require_customer(&mut conn, &staff.org, customer_id).await?;
    let location = resolve_location(&staff.org, &mut conn, requested, staff.location_id).await?;
    let now = state.clock().now();
    let scan = Scan {
        who: Who::Customer(customer_id),
        location: &location,
        actor: staff.actor(),
        automatic: false,
        now,
        recorded_at: now,
        override_reason: None,
    };
    let decision = check_ins::preview(&staff.org, &mut conn, &scan).await?;
    let mut body = CheckInPreview {
        customer_id,
        location_id: Some(location.id),
        location_name: location.name.clone(),
        ..CheckInPreview::default()
    };
    match decision {
        Decision::Admit(admission) => {
            body.verdict = PreviewVerdict::In;
            body.status = 200;
            body.entry_method = admission.entry.method.code().to_string();
            body.entry_method_description = admission.entry.description;
        }
        Decision::Combine { .. } => {
            body.verdict = PreviewVerdict::AlreadyIn;
            body.status = 200;
        }
        Decision::Refuse(refusal) => {
            body.verdict = PreviewVerdict::Refused;
            body.status = if refusal == Refusal::UnknownAccount { 404 } else { 400 };
            body.reason = refusal.text();
        }
    }
    Ok(Json(body))
}
