//! A customer's sub-collections under `/api/customers/{id}/`: which kind is
//! mounted where, the writes of the editable ones, and each kind's wire shape.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::AppState;
use super::auth::Staff;
use super::body::JsonObject;
use super::customers::parse_id;
use super::error::{ApiError, ApiResult};
use super::listing::{
    Mount, Place, Shown, listed, mounted, read_one, read_only, require_customer, shown_as_stored, write_context,
};
use crate::model::fields::WriteMode;
use crate::model::subrecords::{
    ActivityEntry, Alert, CustomerChallenge, CustomerProficiency, Document, EmergencyContact, EventVoucher,
    GuestPassUsage, LedgerEntry, MedicalNote, Note, Reservation, ReservationPart,
};
use crate::storage::StoreError;
use crate::storage::listing::Scope;
use crate::storage::memberships::{CustomerMemberships, EntryPasses, SharedPasses};
use crate::storage::relations::{IncomingPendingRelations, PendingRelations};
use crate::storage::subrecords::{
    self as stored, ActivityLog, ActivityRow, Alerts, Credits, CustomerChallenges, CustomerProficiencies, DocumentRow,
    Documents, Editable, EmergencyContacts, EventVouchers, GuestPassUsages, MedicalNotes, Notes, Payments,
    ReservationPartRow, ReservationParts, Reservations,
};

/// Every customer sub-collection but `relations/` (its own module) and
/// `check-ins/` (the check-in module's).
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(editable::<EmergencyContacts>("emergency-contacts"))
        .merge(editable::<MedicalNotes>("medical-notes"))
        .merge(editable::<Notes>("notes"))
        .merge(editable::<Alerts>("alerts"))
        .merge(read_only::<Documents>("documents"))
        .merge(read_only::<EventVouchers>("event-vouchers"))
        .merge(read_only::<Credits>("credits"))
        .merge(read_only::<Payments>("payments"))
        .merge(read_only::<GuestPassUsages>("guest-pass-usages"))
        .merge(read_only::<SharedPasses>("shared-passes"))
        .merge(read_only::<CustomerMemberships>("memberships"))
        .merge(read_only::<EntryPasses>("entry-passes"))
        .merge(read_only::<CustomerChallenges>("challenges"))
        .merge(read_only::<CustomerProficiencies>("proficiencies"))
        .merge(read_only::<Reservations>("reservations"))
        .merge(read_only::<ReservationParts>("reservation-parts"))
        .merge(read_only::<PendingRelations>("pending-relations"))
        .merge(read_only::<IncomingPendingRelations>("incoming-pending-relations"))
        .merge(read_only::<ActivityLog>("activity-log"))
}

fn editable<K: Shown + Editable>(segment: &'static str) -> Router<AppState> {
    let (list, read) = listed::<K>(segment);
    let create = move |State(state): State<AppState>, staff: Staff, Path(id): Path<String>, body: JsonObject| {
        create_sub::<K>(state, staff, id, body, segment)
    };
    let write = |mode: WriteMode| {
        move |State(state): State<AppState>, staff: Staff, Path(ids): Path<(String, String)>, body: JsonObject| {
            update_sub::<K>(state, staff, ids, body, segment, mode)
        }
    };
    let delete = |State(state): State<AppState>, staff: Staff, Path(ids): Path<(String, String)>| {
        delete_sub::<K>(state, staff, ids)
    };
    mounted(
        segment,
        list.post(create),
        read.put(write(WriteMode::Full)).patch(write(WriteMode::Partial)).delete(delete),
    )
}

async fn create_sub<K: Shown + Editable>(
    state: AppState,
    staff: Staff,
    customer_id: String,
    JsonObject(body): JsonObject,
    segment: &'static str,
) -> ApiResult<(StatusCode, Json<K::Wire>)> {
    let customer_id = parse_id(&customer_id)?;
    let org = &staff.org;
    let mut tx = state.db().begin_write().await?;
    require_customer(&mut tx, org, customer_id).await?;
    let write = K::FORM.parse_json(&body, WriteMode::Full).map_err(ApiError::Validation)?;
    let id =
        stored::create::<K>(org, &mut tx, customer_id, &write, write_context(&state, &staff), state.today(org)).await?;
    let place = Place::new(&state, org, Mount::Customer { customer_id, segment });
    let created = read_one::<K>(&mut tx, org, Scope::Customer(customer_id), id, &place).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn update_sub<K: Shown + Editable>(
    state: AppState,
    staff: Staff,
    (customer_id, id): (String, String),
    JsonObject(body): JsonObject,
    segment: &'static str,
    mode: WriteMode,
) -> ApiResult<Json<K::Wire>> {
    let (customer_id, id) = (parse_id(&customer_id)?, parse_id(&id)?);
    let org = &staff.org;
    let mut tx = state.db().begin_write().await?;
    let place = Place::new(&state, org, Mount::Customer { customer_id, segment });
    // A record that is not there is 404 whatever the body says.
    read_one::<K>(&mut tx, org, Scope::Customer(customer_id), id, &place).await?;
    let write = K::FORM.parse_json(&body, mode).map_err(ApiError::Validation)?;
    stored::update::<K>(org, &mut tx, customer_id, id, &write, write_context(&state, &staff)).await?;
    let updated = read_one::<K>(&mut tx, org, Scope::Customer(customer_id), id, &place).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(Json(updated))
}

async fn delete_sub<K: Shown + Editable>(
    state: AppState,
    staff: Staff,
    (customer_id, id): (String, String),
) -> ApiResult<StatusCode> {
    let (customer_id, id) = (parse_id(&customer_id)?, parse_id(&id)?);
    let org = &staff.org;
    let mut tx = state.db().begin_write().await?;
    stored::delete::<K>(org, &mut tx, customer_id, id, write_context(&state, &staff), state.today(org)).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(StatusCode::NO_CONTENT)
}

impl Shown for Documents {
    type Wire = Document;

    fn show(r: DocumentRow, place: &Place) -> Document {
        let url = place.record_url(r.id);
        let mut document = r.into_wire(url);
        document.is_expired = document.expiration_date.is_some_and(|d| d < place.today);
        // A stored file name is served from the media folder; a URL is
        // where the document lives already.
        document.pdf = document
            .pdf
            .filter(|p| !p.is_empty())
            .map(|p| if p.starts_with("http://") || p.starts_with("https://") { p } else { place.urls.media(&p) });
        document
    }
}

shown_as_stored! {
    EmergencyContacts => EmergencyContact,
    MedicalNotes => MedicalNote,
    Notes => Note,
    Alerts => Alert,
    GuestPassUsages => GuestPassUsage,
    EventVouchers => EventVoucher,
    Credits => LedgerEntry,
    Payments => LedgerEntry,
    CustomerChallenges => CustomerChallenge,
    CustomerProficiencies => CustomerProficiency,
}

shown_as_stored! {
    Reservations => Reservation,
}

impl Shown for ReservationParts {
    type Wire = ReservationPart;

    fn show(r: ReservationPartRow, place: &Place) -> ReservationPart {
        let id = r.id;
        let mut part = r.into_wire(place.record_url(id));
        part.reservation_id = id;
        part.reservation_url = place.sibling_url("reservations", id);
        part
    }
}

impl Shown for ActivityLog {
    type Wire = ActivityEntry;

    fn show(r: ActivityRow, place: &Place) -> ActivityEntry {
        // Stored by activity::record as {field: {"from", "to"}}.
        let changes = serde_json::from_str(&r.changes).unwrap_or_else(|e| {
            tracing::warn!(entry = r.id, error = %e, "unreadable activity changes");
            Default::default()
        });
        let url = place.record_url(r.id);
        ActivityEntry { changes, ..r.into_wire(url) }
    }
}
