//! The customer list in memory: every organization's customers in list
//! order, with what each filter tests and each customer's Read answer
//! already rendered, so a list page or a record is answered without a query
//! beyond one freshness check (issue 14).
//!
//! **Kept in step by the database, not by the writers.** Triggers on every
//! table a listed customer is made of (`migrations/*/0600_list_changes.sql`)
//! bump the organization's change number (`list_versions`) and note the
//! customer (`list_changes`, one row per customer, holding the number of its
//! last change; customer 0 means "everyone", for a renamed tag, location,
//! proficiency or custom field). Each request reads the change number in one
//! indexed lookup; when it moved, the customers noted since are read again
//! before the request is answered. So every write by any path (the API, an
//! import in another process, a check-in, the calendar catch-up, another
//! server on the same PostgreSQL database) is seen by the next read.
//!
//! A first load reads the organization's customers in batches (the
//! requests arriving meanwhile wait for it; `frontdesk serve` warms every
//! organization at start). A change too large to apply customer by customer
//! (a full import, a renamed tag) rebuilds the list beside the old one while
//! requests are answered by SQL, then swaps it in.

mod bits;
mod eval;
mod list;
mod load;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use sea_query::{Expr, ExprTrait, Query};

pub use self::list::OrgList;
pub use self::load::Render;
use super::customer_filters::CustomerFilter;
use super::sql::{self, Conn};
use super::{Db, OrgScope, StoreResult};

/// Customers noted at once beyond which a refresh rebuilds the list rather
/// than applying each (the larger of this and a tenth of the list).
const INCREMENTAL_UP_TO: usize = 2_000;

/// One page of a filtered list: the number of matches and the page's
/// rendered records, in list order.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPage {
    pub count: u64,
    pub records: Vec<Arc<str>>,
}

/// Every organization's in-memory customer list.
pub struct CustomerIndex {
    db: Db,
    render: Render,
    orgs: Mutex<HashMap<i64, Arc<OrgIndex>>>,
}

/// One organization's list and how far it has followed the changes.
pub struct OrgIndex {
    list: RwLock<OrgList>,
    /// The change number the list reflects; -1 before its first load.
    seq: AtomicI64,
    /// Held while the list is brought up to date.
    refresh: tokio::sync::Mutex<()>,
    /// A rebuild is running: requests are answered by SQL meanwhile.
    rebuilding: AtomicBool,
}

impl OrgIndex {
    fn seq(&self) -> i64 {
        self.seq.load(Ordering::Acquire)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, OrgList> {
        self.list.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, OrgList> {
        self.list.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// A page of the customers the filter selects.
    pub fn page(&self, org: &OrgScope, filter: &CustomerFilter, offset: u64, limit: u64) -> ListPage {
        let list = self.read();
        let (count, ranks) = match eval::evaluate(&list, org, filter) {
            Some(bits) => (bits.count(), bits.page(offset, limit)),
            None => {
                let len = list.len() as u64;
                let start = Ord::min(offset, len);
                let end = Ord::min(offset.saturating_add(limit), len);
                (len, (start as usize..end as usize).collect())
            }
        };
        let records = ranks.into_iter().map(|rank| list.entry(list.order[rank]).json.clone()).collect();
        ListPage { count, records }
    }

    /// One customer's rendered record.
    pub fn record(&self, id: i64) -> Option<Arc<str>> {
        let list = self.read();
        list.slot_of(id).map(|slot| list.entry(slot).json.clone())
    }
}

impl CustomerIndex {
    pub fn new(db: Db, render: Render) -> CustomerIndex {
        CustomerIndex { db, render, orgs: Mutex::new(HashMap::new()) }
    }

    fn org(&self, org_id: i64) -> Arc<OrgIndex> {
        let mut orgs = self.orgs.lock().unwrap_or_else(PoisonError::into_inner);
        orgs.entry(org_id)
            .or_insert_with(|| {
                Arc::new(OrgIndex {
                    list: RwLock::new(OrgList::default()),
                    seq: AtomicI64::new(-1),
                    refresh: tokio::sync::Mutex::new(()),
                    rebuilding: AtomicBool::new(false),
                })
            })
            .clone()
    }

    /// The organization's list when it already reflects change number
    /// `seq` (read with the request's token): no statement at all.
    pub fn current(&self, org: &OrgScope, seq: Option<i64>) -> Option<Arc<OrgIndex>> {
        let index = self.org(org.id);
        (seq.is_some_and(|seq| index.seq() >= seq)).then_some(index)
    }

    /// The organization's list, brought up to every change committed before
    /// this call; `None` while a rebuild runs (answer from SQL meanwhile).
    pub async fn fresh(&self, org: &OrgScope, conn: &mut Conn) -> StoreResult<Option<Arc<OrgIndex>>> {
        let seq = current_seq(org, conn).await?;
        let index = self.org(org.id);
        if index.seq() >= seq {
            return Ok(Some(index));
        }
        if index.rebuilding.load(Ordering::Acquire) {
            return Ok(None);
        }
        let holder = index.clone();
        let _refreshing = holder.refresh.lock().await;
        if index.seq() >= seq {
            return Ok(Some(index));
        }
        if index.rebuilding.load(Ordering::Acquire) {
            return Ok(None);
        }
        if index.seq() < 0 {
            // The first load: the requests arriving meanwhile wait for it.
            let (list, seq) = build(org, conn, &self.render).await?;
            *index.write() = list;
            index.seq.store(seq, Ordering::Release);
            return Ok(Some(index));
        }
        let since = index.seq();
        let changed = changed_since(org, conn, since).await?;
        let limit = INCREMENTAL_UP_TO.max(index.read().len() / 10);
        if changed.contains(&0) || changed.len() > limit {
            self.rebuild_in_background(org.clone(), index);
            return Ok(None);
        }
        let loaded = load::load(org, conn, &changed, &self.render).await?;
        let tags = load::tags(org, conn).await?;
        let mut list = index.write();
        let found: std::collections::HashSet<i64> = loaded.iter().map(|l| l.id).collect();
        for id in changed.iter().filter(|id| !found.contains(id)) {
            list.remove(*id);
        }
        for entry in loaded {
            list.upsert(entry);
        }
        list.set_tags(tags);
        list.settle();
        drop(list);
        index.seq.store(seq, Ordering::Release);
        Ok(Some(index))
    }

    fn rebuild_in_background(&self, org: OrgScope, index: Arc<OrgIndex>) {
        index.rebuilding.store(true, Ordering::Release);
        let db = self.db.clone();
        let render = self.render.clone();
        tokio::spawn(async move {
            let built = async {
                let mut conn = db.acquire().await?;
                build(&org, &mut conn, &render).await
            }
            .await;
            match built {
                Ok((list, seq)) => {
                    *index.write() = list;
                    index.seq.store(seq, Ordering::Release);
                }
                // Left as it was: the next request tries again.
                Err(e) => tracing::warn!(org = org.id, error = %e, "rebuilding the customer index failed"),
            }
            index.rebuilding.store(false, Ordering::Release);
        });
    }

    /// Loads every organization's list (`frontdesk serve` at start).
    pub async fn warm(&self, orgs: &[OrgScope]) -> StoreResult<()> {
        for org in orgs {
            let mut conn = self.db.acquire().await?;
            let started = std::time::Instant::now();
            if let Some(index) = self.fresh(org, &mut conn).await? {
                let customers = index.read().len();
                tracing::info!(
                    org = org.id,
                    customers,
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "customer index loaded"
                );
            }
        }
        Ok(())
    }
}

/// Reads the whole organization: the list and the change number it reflects
/// (read first, so a change made during the load is applied again after).
async fn build(org: &OrgScope, conn: &mut Conn, render: &Render) -> StoreResult<(OrgList, i64)> {
    let seq = current_seq(org, conn).await?;
    let mut list = OrgList::default();
    let mut after = i64::MIN;
    loop {
        let ids = super::customers::ids_after(org, conn, after, load::BATCH as u64).await?;
        let Some(&last) = ids.last() else { break };
        after = last;
        for entry in load::load(org, conn, &ids, render).await? {
            list.upsert(entry);
        }
    }
    list.set_tags(load::tags(org, conn).await?);
    list.settle();
    Ok((list, seq))
}

/// The organization's change number (0 before its first change).
async fn current_seq(org: &OrgScope, conn: &mut Conn) -> StoreResult<i64> {
    let stmt = Query::select().column("seq").from("list_versions").and_where(Expr::col("org_id").eq(org.id)).to_owned();
    Ok(sql::fetch_optional_scalar::<i64, _>(conn, &stmt).await?.unwrap_or(0))
}

/// The customers changed after change number `since` (0: everyone).
async fn changed_since(org: &OrgScope, conn: &mut Conn, since: i64) -> StoreResult<Vec<i64>> {
    let stmt = Query::select()
        .column("customer_id")
        .from("list_changes")
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("seq").gt(since))
        .to_owned();
    Ok(sql::fetch_as::<(i64,), _>(conn, &stmt).await?.into_iter().map(|(id,)| id).collect())
}
