//! The read-only top-level `/api/reservations/` and `/api/events/`, in
//! Capitan's shapes (`../shared/spec/capitan-api.md`): what a gym's data
//! pipeline pages through with `page_size=1000`.

use axum::Router;
use jiff::tz::TimeZone;
use jiff::{Timestamp, civil::Date};
use serde::Serialize;

use super::AppState;
use super::listing::{Place, Shown, top_level};
use crate::model::time::{format_timestamp, from_micros};
use crate::storage::events::{EventRow, Events, ReservationRecordRow, ReservationRecords};

pub fn routes() -> Router<AppState> {
    Router::new().merge(top_level::<ReservationRecords>("reservations")).merge(top_level::<Events>("events"))
}

/// One reservation of the organization. Every stored reservation is its own
/// booking, made by the customer it is for **(ours: the import holds no
/// bookings)**: `booking_id` is the reservation's id and the booking
/// customer is its customer.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReservationRecord {
    pub id: i64,
    pub url: String,
    pub customer_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub birthday: Option<Date>,
    pub email: String,
    pub booking_id: i64,
    pub booking_customer_id: i64,
    pub booking_customer_first_name: String,
    pub booking_customer_last_name: String,
    pub booking_customer_email: String,
    pub event_id: Option<i64>,
    pub event_type_id: i64,
    pub event_type_name: String,
    /// The event's start date on its location's clock (the organization's
    /// without a location).
    pub event_start_date_local: Date,
    pub is_cancelled: bool,
    pub created_at: String,
}

/// One session of an event.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EventPart {
    pub start_datetime_isoformat: String,
    pub end_datetime_isoformat: String,
    pub start_local_date: Date,
    pub start_local_time: String,
    pub end_local_date: Date,
    pub end_local_time: String,
}

/// One event. Every stored event is a single session, so it has one part.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Event {
    pub id: i64,
    pub url: String,
    pub event_type_id: i64,
    pub event_type_name: String,
    pub event_parts: Vec<EventPart>,
    /// Null: not known (an import gives none).
    pub capacity: Option<i64>,
    /// Reservations not cancelled.
    pub num_reservations: i64,
    pub rolling_days: Option<i64>,
    pub booking_open_time: Option<String>,
    /// Every reservation of it was cancelled.
    pub is_cancelled: bool,
    pub location_id: Option<i64>,
    pub location_name: Option<String>,
    pub location_area_id: Option<i64>,
    pub location_area_name: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// A stored time zone name, or UTC for one no longer known.
fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap_or(TimeZone::UTC)
}

fn instant(micros: i64) -> String {
    format_timestamp(from_micros(micros))
}

fn local(ts: Timestamp, tz: &TimeZone) -> (Date, String) {
    let at = tz.to_datetime(ts);
    (at.date(), at.time().strftime("%H:%M:%S").to_string())
}

impl Shown for ReservationRecords {
    type Wire = ReservationRecord;

    fn show(r: ReservationRecordRow, place: &Place) -> ReservationRecord {
        let (start_date, _) = local(from_micros(r.starts_at), &zone(&r.time_zone));
        ReservationRecord {
            id: r.id,
            url: place.record_url(r.id),
            customer_id: r.customer_id,
            birthday: r.birthday.parse().ok(),
            booking_id: r.id,
            booking_customer_id: r.customer_id,
            booking_customer_first_name: r.first_name.clone(),
            booking_customer_last_name: r.last_name.clone(),
            booking_customer_email: r.email.clone(),
            first_name: r.first_name,
            last_name: r.last_name,
            email: r.email,
            event_id: r.event_id,
            event_type_id: r.event_type_id,
            event_type_name: r.event_type_name,
            event_start_date_local: start_date,
            is_cancelled: r.status == "CAN",
            created_at: instant(r.created_at),
        }
    }
}

impl Shown for Events {
    type Wire = Event;

    fn show(r: EventRow, place: &Place) -> Event {
        let tz = zone(&r.time_zone);
        let (starts, ends) = (from_micros(r.starts_at), from_micros(r.ends_at));
        let ((start_local_date, start_local_time), (end_local_date, end_local_time)) =
            (local(starts, &tz), local(ends, &tz));
        Event {
            id: r.id,
            url: place.record_url(r.id),
            event_type_id: r.event_type_id,
            event_type_name: r.event_type_name,
            event_parts: vec![EventPart {
                start_datetime_isoformat: format_timestamp(starts),
                end_datetime_isoformat: format_timestamp(ends),
                start_local_date,
                start_local_time,
                end_local_date,
                end_local_time,
            }],
            capacity: r.capacity,
            num_reservations: r.confirmed,
            rolling_days: None,
            booking_open_time: None,
            is_cancelled: r.booked > 0 && r.confirmed == 0,
            location_id: r.location_id,
            location_name: r.location_name,
            location_area_id: None,
            location_area_name: None,
            created_at: instant(r.created_at),
            updated_at: instant(r.updated_at),
        }
    }
}
