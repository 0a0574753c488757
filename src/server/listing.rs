//! The generic handlers behind every listed kind of record: a customer
//! sub-collection or a top-level collection is a paged list and a record
//! read, and a kind only says how its stored row looks on the wire.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{MethodRouter, get};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use super::auth::Staff;
use super::customers::parse_id;
use super::error::{ApiError, ApiResult, method_not_allowed};
use super::paging::ListRequest;
use super::{AppState, Urls};
use crate::model::Page;
use crate::model::time::from_micros;
use crate::storage::customers::{self, WriteContext};
use crate::storage::listing::{self, Listing, Scope};
use crate::storage::{Conn, OrgScope};

/// Where a listing is served, which decides its records' URLs.
#[derive(Debug, Clone, Copy)]
pub enum Mount {
    /// `/api/customers/{customer_id}/{segment}/`
    Customer { customer_id: i64, segment: &'static str },
    /// `/api/{collection}/`
    TopLevel(&'static str),
}

/// What turning a stored row into its wire shape needs.
pub struct Place<'a> {
    pub urls: Urls<'a>,
    /// The organization's local date: what "expired" and "active" mean.
    pub today: Date,
    pub mount: Mount,
}

impl Place<'_> {
    pub fn new<'a>(state: &'a AppState, org: &OrgScope, mount: Mount) -> Place<'a> {
        Place { urls: state.urls(), today: state.today(org), mount }
    }

    /// The URL of a record listed here.
    pub fn record_url(&self, id: i64) -> String {
        match self.mount {
            Mount::Customer { customer_id, segment } => self.urls.customer_sub_record(customer_id, segment, id),
            Mount::TopLevel(collection) => self.urls.resource(collection, Some(id)),
        }
    }

    /// The URL of a record of another collection mounted beside this one.
    pub fn sibling_url(&self, collection: &'static str, id: i64) -> String {
        let mount = match self.mount {
            Mount::Customer { customer_id, .. } => Mount::Customer { customer_id, segment: collection },
            Mount::TopLevel(_) => Mount::TopLevel(collection),
        };
        Place { urls: self.urls, today: self.today, mount }.record_url(id)
    }
}

/// A listed kind's wire shape.
pub trait Shown: Listing + 'static {
    type Wire: Serialize + Send;

    fn show(row: Self::Row, place: &Place) -> Self::Wire;
}

/// [`Shown`] for kinds whose wire shape is their stored row's, with nothing
/// filled in when shown but the record's URL (`Kind => Wire`).
macro_rules! shown_as_stored {
    ($($kind:ty => $wire:ty),* $(,)?) => {$(
        impl Shown for $kind {
            type Wire = $wire;

            fn show(row: <$kind as $crate::storage::listing::Listing>::Row, place: &Place) -> $wire {
                let url = place.record_url(row.id);
                row.into_wire(url)
            }
        }
    )*};
}
pub(crate) use shown_as_stored;

/// A stored instant on the wire.
pub fn instant(micros: i64) -> Option<Timestamp> {
    Some(from_micros(micros))
}

/// A stored `YYYY-MM-DD` on the wire.
pub fn date(text: Option<&str>) -> Option<Date> {
    text.and_then(|t| t.parse().ok())
}

/// One page of a scope's records in their wire shape.
pub async fn list_page<K: Shown>(
    conn: &mut Conn,
    org: &OrgScope,
    req: &ListRequest,
    scope: Scope,
    place: &Place<'_>,
) -> ApiResult<Page<K::Wire>> {
    let page = req.page()?;
    let count = listing::count::<K>(org, conn, scope).await?;
    let resolved = page.resolve(count)?;
    let rows = listing::page::<K>(org, conn, scope, resolved.offset(), resolved.size).await?;
    Ok(req.envelope(resolved, count, rows.into_iter().map(|row| K::show(row, place)).collect()))
}

async fn list_sub<K: Shown>(
    state: AppState,
    staff: Staff,
    customer_id: String,
    req: ListRequest,
    segment: &'static str,
) -> ApiResult<Json<Page<K::Wire>>> {
    let customer_id = parse_id(&customer_id)?;
    let mut conn = state.db().acquire().await?;
    if !customers::exists(&staff.org, &mut conn, customer_id).await? {
        return Err(ApiError::NotFound);
    }
    let place = Place::new(&state, &staff.org, Mount::Customer { customer_id, segment });
    Ok(Json(list_page::<K>(&mut conn, &staff.org, &req, Scope::Customer(customer_id), &place).await?))
}

/// Reads one record of a scope in its wire shape.
pub async fn read_one<K: Shown>(
    conn: &mut Conn,
    org: &OrgScope,
    scope: Scope,
    id: i64,
    place: &Place<'_>,
) -> ApiResult<K::Wire> {
    let row = listing::one::<K>(org, conn, scope, id).await?.ok_or(ApiError::NotFound)?;
    Ok(K::show(row, place))
}

async fn read_sub<K: Shown>(
    state: AppState,
    staff: Staff,
    (customer_id, id): (String, String),
    segment: &'static str,
) -> ApiResult<Json<K::Wire>> {
    let (customer_id, id) = (parse_id(&customer_id)?, parse_id(&id)?);
    let mut conn = state.db().acquire().await?;
    let place = Place::new(&state, &staff.org, Mount::Customer { customer_id, segment });
    Ok(Json(read_one::<K>(&mut conn, &staff.org, Scope::Customer(customer_id), id, &place).await?))
}

/// The list and record handlers of a customer sub-collection, to which a
/// kind with writes adds its methods.
pub fn listed<K: Shown>(segment: &'static str) -> (MethodRouter<AppState>, MethodRouter<AppState>) {
    let list = get(move |State(state): State<AppState>, staff: Staff, Path(id): Path<String>, req: ListRequest| {
        list_sub::<K>(state, staff, id, req, segment)
    });
    let read = get(move |State(state): State<AppState>, staff: Staff, Path(ids): Path<(String, String)>| {
        read_sub::<K>(state, staff, ids, segment)
    });
    (list, read)
}

/// Mounts a sub-collection's handlers; other methods answer 405.
pub fn mounted(segment: &str, collection: MethodRouter<AppState>, record: MethodRouter<AppState>) -> Router<AppState> {
    Router::new()
        .route(&format!("/api/customers/{{id}}/{segment}/"), collection.fallback(method_not_allowed))
        .route(&format!("/api/customers/{{id}}/{segment}/{{record_id}}/"), record.fallback(method_not_allowed))
}

pub fn read_only<K: Shown>(segment: &'static str) -> Router<AppState> {
    let (list, read) = listed::<K>(segment);
    mounted(segment, list, read)
}

/// A read-only top-level collection, `/api/{collection}/`, across the
/// organization; other methods answer 405.
pub fn top_level<K: Shown>(collection: &'static str) -> Router<AppState> {
    let list = get(move |State(state): State<AppState>, staff: Staff, req: ListRequest| {
        list_top::<K>(state, staff, req, collection)
    });
    let read = get(move |State(state): State<AppState>, staff: Staff, Path(id): Path<String>| {
        read_top::<K>(state, staff, id, collection)
    });
    Router::new()
        .route(&format!("/api/{collection}/"), list.fallback(method_not_allowed))
        .route(&format!("/api/{collection}/{{id}}/"), read.fallback(method_not_allowed))
}

async fn list_top<K: Shown>(
    state: AppState,
    staff: Staff,
    req: ListRequest,
    collection: &'static str,
) -> ApiResult<Json<Page<K::Wire>>> {
    let mut conn = state.db().acquire().await?;
    let place = Place::new(&state, &staff.org, Mount::TopLevel(collection));
    Ok(Json(list_page::<K>(&mut conn, &staff.org, &req, Scope::Organization, &place).await?))
}

async fn read_top<K: Shown>(
    state: AppState,
    staff: Staff,
    id: String,
    collection: &'static str,
) -> ApiResult<Json<K::Wire>> {
    let id = parse_id(&id)?;
    let mut conn = state.db().acquire().await?;
    let place = Place::new(&state, &staff.org, Mount::TopLevel(collection));
    Ok(Json(read_one::<K>(&mut conn, &staff.org, Scope::Organization, id, &place).await?))
}

/// Who writes and when.
pub fn write_context(state: &AppState, staff: &Staff) -> WriteContext {
    WriteContext { actor: staff.actor(), now: state.now_micros() }
}

/// Answers 404 for a customer the organization does not have, before any
/// complaint about the body.
pub async fn require_customer(conn: &mut Conn, org: &OrgScope, customer_id: i64) -> ApiResult<()> {
    if customers::exists(org, conn, customer_id).await? { Ok(()) } else { Err(ApiError::NotFound) }
}
