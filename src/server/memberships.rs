//! The read-only top-level collections `/api/memberships/`,
//! `/api/customer-memberships/` and `/api/customer-entry-passes/`, and the
//! wire shapes they share with a customer's `memberships/`, `entry-passes/`
//! and `shared-passes/`.

use axum::Router;

use super::AppState;
use super::listing::{Place, Shown, shown_as_stored, top_level};
use crate::model::subrecords::{
    CustomerMembership, EntryPass, MembershipType, SharedPass, membership_status, upcoming_bill_dates,
};
use crate::model::terms::RECURRING;
use crate::storage::memberships::{
    CustomerMembershipRow, CustomerMemberships, EntryPasses, MembershipTypes, SharedPasses,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(top_level::<MembershipTypes>("memberships"))
        .merge(top_level::<CustomerMemberships>("customer-memberships"))
        .merge(top_level::<EntryPasses>("customer-entry-passes"))
}

impl Shown for CustomerMemberships {
    type Wire = CustomerMembership;

    fn show(r: CustomerMembershipRow, place: &Place) -> CustomerMembership {
        let recurring = r.purchase_type == RECURRING;
        let url = place.record_url(r.id);
        let mut m = r.into_wire(url);
        if let Some(start) = m.start_date {
            m.status = membership_status(&m.status, start, m.end_date, place.today).to_string();
            if recurring {
                m.upcoming_bill_dates =
                    upcoming_bill_dates(&m.status, &m.interval, start, m.membership_unfreeze_date, place.today);
            }
        }
        m
    }
}

shown_as_stored! {
    MembershipTypes => MembershipType,
    EntryPasses => EntryPass,
    SharedPasses => SharedPass,
}
