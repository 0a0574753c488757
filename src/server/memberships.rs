//! The read-only top-level collections `/api/memberships/`,
//! `/api/customer-memberships/` and `/api/customer-entry-passes/`, and the
//! wire shapes they share with a customer's `memberships/`, `entry-passes/`
//! and `shared-passes/`.

use axum::Router;

use super::AppState;
use super::listing::{Place, Shown, date, instant, shown_as_stored, top_level};
use crate::model::subrecords::{
    CustomerMembership, EntryPass, MembershipMember, MembershipType, SharedPass, membership_status, upcoming_bill_dates,
};
use crate::storage::memberships::{
    CustomerMembershipRow, CustomerMemberships, EntryPasses, MembershipTypeRow, MembershipTypes, SharedPasses,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(top_level::<MembershipTypes>("memberships"))
        .merge(top_level::<CustomerMemberships>("customer-memberships"))
        .merge(top_level::<EntryPasses>("customer-entry-passes"))
}

impl Shown for MembershipTypes {
    type Wire = MembershipType;

    fn show(r: MembershipTypeRow, place: &Place) -> MembershipType {
        MembershipType {
            id: r.id,
            url: place.record_url(r.id),
            name: r.name,
            description: r.description,
            status: r.status,
            purchase_type: r.purchase_type,
            interval: r.interval,
            is_group: r.is_group,
            is_youth_programming: r.is_youth_programming,
            valid_location_ids: r.valid_locations.iter().map(|(id, _)| *id).collect(),
            valid_location_names: r.valid_locations.into_iter().map(|(_, name)| name).collect(),
        }
    }
}

/// Purchase type of memberships billed every interval.
const RECURRING: &str = "REC";

impl Shown for CustomerMemberships {
    type Wire = CustomerMembership;

    fn show(r: CustomerMembershipRow, place: &Place) -> CustomerMembership {
        let start_date = date(Some(&r.start_date));
        let end_date = date(r.end_date.as_deref());
        let unfreeze_date = date(r.unfreeze_date.as_deref());
        let status = match start_date {
            Some(start) => membership_status(&r.status, start, end_date, place.today).to_string(),
            None => r.status.clone(),
        };
        let bill_dates = match start_date {
            Some(start) if r.purchase_type == RECURRING => {
                upcoming_bill_dates(&status, &r.interval, start, end_date, unfreeze_date, place.today)
            }
            _ => Vec::new(),
        };
        CustomerMembership {
            id: r.id,
            url: place.record_url(r.id),
            membership_id: r.membership_type_id,
            name: r.name,
            status,
            start_date,
            end_date,
            interval: r.interval,
            billing_amount: r.billing_amount,
            owner_id: r.owner_id,
            owner_first_name: r.owner_first_name,
            owner_last_name: r.owner_last_name,
            owner_email: r.owner_email,
            owner_birthday: date(Some(&r.owner_birthday)),
            membership_unfreeze_date: unfreeze_date,
            all_customers: r
                .members
                .into_iter()
                .map(|m| MembershipMember {
                    id: m.customer_id,
                    member_id: m.member_id,
                    first_name: m.first_name,
                    last_name: m.last_name,
                    is_individually_frozen: m.is_individually_frozen,
                })
                .collect(),
            upcoming_bill_dates: bill_dates,
            valid_location_ids: r.valid_locations.iter().map(|(id, _)| *id).collect(),
            valid_location_names: r.valid_locations.into_iter().map(|(_, name)| name).collect(),
            created_at: instant(r.created_at),
            updated_at: instant(r.updated_at),
        }
    }
}

shown_as_stored! {
    EntryPasses => EntryPass,
    SharedPasses => SharedPass,
}
