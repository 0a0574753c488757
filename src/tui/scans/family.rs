//! The family of a scanned customer, off the render loop: their relations, then for every relative
//! at once their record (birthday, card) and their check-in preview (their own verdict as if
//! scanned now, nothing written); and a family member's check-in by customer id.
//!
//! Family check-in needs the server: a member's check-in that cannot reach it is not queued (the
//! offline journal keeps barcode scans); the list says so and `Enter` sends it again, with the same
//! `Idempotency-Key`.

use futures_util::future::join_all;
use tokio::sync::mpsc::UnboundedSender;

use super::ScanLink;
use crate::client::{Client, SubCollection, SubRecords};
use crate::desk::IdempotencyKey;
use crate::model::subrecords::Relation;
use crate::tui::check_in::relative::Relative;
use crate::tui::msg::{Command, Msg, RequestId};

/// The order relatives are listed in, by relation (unknown codes last).
const RELATION_ORDER: [&str; 8] = ["CHI", "WAR", "SIB", "SPO", "PRT", "PRE", "GUA", "OTH"];

/// What a relative's verdict says when the server offers no preview (Capitan).
pub const NO_PREVIEW: &str = "No verdict: this server has no check-in preview";

impl ScanLink {
    /// Runs a family command: [`Command::LoadFamily`] or [`Command::CheckInMember`].
    pub async fn family(&self, command: Command, tx: UnboundedSender<Msg>) {
        match command {
            Command::LoadFamily { request, customer_id } => self.load_family(request, customer_id, tx).await,
            Command::CheckInMember { request, customer_id, key } => {
                self.check_in_member(request, customer_id, key, tx).await
            }
            _ => {}
        }
    }

    /// The customer's family, each relative with their verdict at the desk's location.
    async fn load_family(&self, request: RequestId, customer_id: i64, tx: UnboundedSender<Msg>) {
        let result = match self.client.records_of(customer_id, SubCollection::Relations).await {
            Ok(Some(SubRecords::Relations(relations))) => {
                let (client, location_id) = (&self.client, self.location_id);
                let mut family = join_all(relations.into_iter().map(|r| relative(client, r, location_id))).await;
                // Children first (those a guardian's scan brings in), then by name: the same order every scan.
                family.sort_by_cached_key(|r| (RELATION_ORDER.iter().position(|c| *c == r.relation), r.name.clone()));
                Ok(family)
            }
            Ok(_) => Ok(Vec::new()),
            Err(e) => Err(e.summary()),
        };
        let _ = tx.send(Msg::FamilyLoaded { request, result });
    }

    /// One family member's check-in, by customer id, at the desk's location.
    async fn check_in_member(
        &self,
        request: RequestId,
        customer_id: i64,
        key: IdempotencyKey,
        tx: UnboundedSender<Msg>,
    ) {
        let delivery = self.client.check_in_customer(customer_id, &key, self.location_id).await;
        let _ = tx.send(Msg::MemberCheckedIn { request, delivery });
    }
}

/// A relative's record and verdict, read together. Without their record the relation's names
/// stand in (no age shown).
async fn relative(client: &Client, relation: Relation, location_id: Option<i64>) -> Relative {
    let id = relation.related_customer_id;
    let (customer, preview) = tokio::join!(client.customer(id), client.check_in_preview(id, location_id));
    let relation_name = format!("{} {}", relation.related_customer_first_name, relation.related_customer_last_name);
    let (name, birthday, has_card) = match customer {
        Ok(c) => (format!("{} {}", c.first_name, c.last_name), c.birthday, !c.barcode.trim().is_empty()),
        Err(_) => (relation_name, None, false),
    };
    let preview = match preview {
        Ok(Some(preview)) => Ok(preview),
        Ok(None) => Err(NO_PREVIEW.to_string()),
        Err(e) => Err(format!("No verdict: {}", e.summary())),
    };
    Relative {
        customer_id: id,
        name: name.trim().to_string(),
        relation: relation.relation,
        birthday,
        has_card,
        preview,
    }
}
