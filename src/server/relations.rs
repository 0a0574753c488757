//! `/api/customers/{id}/relations/`: list, read, create and delete, kept
//! symmetric by storage; and the wire shape of pending relations.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::AppState;
use super::auth::Staff;
use super::body::JsonObject;
use super::customers::parse_id;
use super::error::{ApiError, ApiResult};
use super::listing::{Mount, Place, Shown, listed, mounted, read_one, require_customer, write_context};
use crate::model::subrecords::{PendingRelation, Relation, RelationWrite};
use crate::storage::StoreError;
use crate::storage::listing::Scope;
use crate::storage::relations::{self, IncomingPendingRelations, PendingRelationRow, PendingRelations, Relations};

const SEGMENT: &str = "relations";

pub fn routes() -> Router<AppState> {
    let (list, read) = listed::<Relations>(SEGMENT);
    mounted(SEGMENT, list.post(create), read.delete(delete))
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Path(customer_id): Path<String>,
    JsonObject(body): JsonObject,
) -> ApiResult<(StatusCode, Json<Relation>)> {
    let customer_id = parse_id(&customer_id)?;
    let org = &staff.org;
    let mut tx = state.db().begin_write().await?;
    require_customer(&mut tx, org, customer_id).await?;
    let write = match RelationWrite::parse_json(&body) {
        (Ok(write), _) => write,
        (Err(mut errors), related_id) => {
            // Name every problem at once, the database's too.
            if let Some(related_id) = related_id
                && let Some(problem) =
                    relations::related_customer_problem(org, &mut tx, customer_id, related_id).await?
            {
                errors.add("related_customer_id", problem);
            }
            return Err(ApiError::Validation(errors));
        }
    };
    let id = relations::create(org, &mut tx, customer_id, &write, write_context(&state, &staff)).await?;
    let place = Place::new(&state, org, Mount::Customer { customer_id, segment: SEGMENT });
    let created = read_one::<Relations>(&mut tx, org, Scope::Customer(customer_id), id, &place).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn delete(
    State(state): State<AppState>,
    staff: Staff,
    Path((customer_id, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let (customer_id, id) = (parse_id(&customer_id)?, parse_id(&id)?);
    let mut tx = state.db().begin_write().await?;
    relations::delete(&staff.org, &mut tx, customer_id, id, write_context(&state, &staff)).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(StatusCode::NO_CONTENT)
}

impl Shown for Relations {
    type Wire = Relation;

    fn show(r: relations::RelationRow, place: &Place) -> Relation {
        let url = place.record_url(r.id);
        let mut relation = r.into_wire(url);
        relation.related_customer_url = place.urls.customer(relation.related_customer_id);
        relation
    }
}

fn pending_relation(r: PendingRelationRow, place: &Place) -> PendingRelation {
    let url = place.record_url(r.id);
    let mut pending = r.into_wire(url);
    pending.customer_url = place.urls.customer(pending.customer_id);
    pending.related_customer_url = place.urls.customer(pending.related_customer_id);
    pending
}

impl Shown for PendingRelations {
    type Wire = PendingRelation;

    fn show(r: PendingRelationRow, place: &Place) -> PendingRelation {
        pending_relation(r, place)
    }
}

impl Shown for IncomingPendingRelations {
    type Wire = PendingRelation;

    fn show(r: PendingRelationRow, place: &Place) -> PendingRelation {
        pending_relation(r, place)
    }
}
