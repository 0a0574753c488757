//! The duplicate check's storage (issue 16): the keys each customer is stored
//! with (`dup_name`, `dup_phone`, beside the existing `email_key`), filled in
//! for rows older than them when the database opens, and the search: one
//! index lookup per signal, ranked in Rust (see [`crate::model::duplicates`]).

use jiff::civil::Date;
use sea_query::{Expr, ExprTrait, Query};

use super::sql::{self, BulkValue};
use super::{Db, OrgScope, StoreResult};
use crate::model::Customer;
use crate::model::duplicates::{self, Signals};

/// How many rows one signal may bring back before ranking: a common name
/// with a common birthday or a shared family phone brings a handful, never
/// thousands; the cap keeps a pathological key cheap.
const PER_SIGNAL: u64 = 200;
/// Rows filled in per transaction when older rows get their keys.
const BACKFILL_BATCH: u64 = 1000;

/// `dup_name` and `dup_phone` of a customer as written (`dup_name` is `''`,
/// never NULL, when there is no name to compare: NULL means "not filled in yet").
pub fn key_values(c: &Customer) -> [BulkValue; 2] {
    [
        duplicates::name_key(&c.first_name, &c.last_name).unwrap_or_default().into(),
        duplicates::phone_key(&c.telephone).into(),
    ]
}

/// What a customer being created is checked by; each signal is used only when
/// complete (the name only with both names and the birthday).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DuplicateQuery {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub name: Option<String>,
    pub birthday: Option<Date>,
}

impl DuplicateQuery {
    pub fn new(first_name: &str, last_name: &str, birthday: Option<Date>, email: &str, telephone: &str) -> Self {
        DuplicateQuery {
            email: duplicates::email_key(email),
            phone: duplicates::phone_key(telephone),
            name: duplicates::name_key(first_name, last_name),
            birthday,
        }
    }

    /// Whether any signal can be compared.
    pub fn has_signal(&self) -> bool {
        self.email.is_some() || self.phone.is_some() || (self.name.is_some() && self.birthday.is_some())
    }
}

/// A candidate as read for ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Candidate {
    id: i64,
    email_key: String,
    dup_phone: Option<String>,
    dup_name: Option<String>,
    birthday: String,
}

impl Candidate {
    fn signals(&self, q: &DuplicateQuery) -> Signals {
        let birthday = q.birthday.map(|d| d.to_string());
        let same_name = q.name.is_some() && self.dup_name == q.name;
        Signals {
            email: q.email.as_deref() == Some(self.email_key.as_str()),
            phone: q.phone.is_some() && self.dup_phone == q.phone,
            name_and_birthday: same_name && birthday.as_deref() == Some(self.birthday.as_str()),
            name_only: same_name,
        }
    }
}

/// The organization's possible duplicates of `q`, best first, at most
/// [`duplicates::MAX_MATCHES`]: ids with the signals each shares.
pub async fn find(org: &OrgScope, conn: &mut sql::Conn, q: &DuplicateQuery) -> StoreResult<Vec<(i64, Signals)>> {
    let mut found: Vec<Candidate> = Vec::new();
    let mut lookups = Vec::new();
    if let Some(email) = &q.email {
        lookups.push(Expr::col("email_key").eq(email.as_str()));
    }
    if let Some(phone) = &q.phone {
        lookups.push(Expr::col("dup_phone").eq(phone.as_str()));
    }
    if let (Some(name), Some(birthday)) = (&q.name, q.birthday) {
        lookups.push(Expr::col("dup_name").eq(name.as_str()).and(Expr::col("birthday").eq(birthday.to_string())));
    }
    // One statement per signal, so that each is plainly its own index's lookup.
    for lookup in lookups {
        let stmt = Query::select()
            .columns(["id", "email_key", "dup_phone", "dup_name", "birthday"])
            .from("customers")
            .and_where(Expr::col("org_id").eq(org.id))
            .and_where(lookup)
            .order_by("id", sea_query::Order::Asc)
            .limit(PER_SIGNAL)
            .to_owned();
        for row in sql::fetch_rows(conn, &stmt).await? {
            let id: i64 = row.try_get("id")?;
            if found.iter().any(|c| c.id == id) {
                continue;
            }
            found.push(Candidate {
                id,
                email_key: row.try_get("email_key")?,
                dup_phone: row.try_get("dup_phone")?,
                dup_name: row.try_get("dup_name")?,
                birthday: row.try_get("birthday")?,
            });
        }
    }
    Ok(ranked(found, q))
}

/// Best first (more signals, then the same name, then the oldest customer), at most
/// [`duplicates::MAX_MATCHES`].
fn ranked(found: Vec<Candidate>, q: &DuplicateQuery) -> Vec<(i64, Signals)> {
    let mut scored: Vec<(i64, Signals)> =
        found.iter().map(|c| (c.id, c.signals(q))).filter(|(_, s)| s.count() > 0).collect();
    scored.sort_by_key(|(id, s)| (s.rank(), *id));
    scored.truncate(duplicates::MAX_MATCHES);
    scored
}

/// Fills in the keys of customers written before they existed (migration
/// 0620), a batch per transaction; a no-op (one index probe) once done.
pub async fn backfill(db: &Db) -> StoreResult<()> {
    loop {
        let mut tx = db.begin_write().await?;
        let stmt = Query::select()
            .columns(["id", "first_name", "last_name", "telephone"])
            .from("customers")
            .and_where(Expr::col("dup_name").is_null())
            .order_by("id", sea_query::Order::Asc)
            .limit(BACKFILL_BATCH)
            .to_owned();
        let rows = sql::fetch_rows(&mut tx, &stmt).await?;
        if rows.is_empty() {
            tx.rollback().await?;
            return Ok(());
        }
        // One UPDATE per batch: each column a CASE over the batch's ids.
        let mut keyed = Vec::with_capacity(rows.len());
        for row in rows {
            let (first, last): (String, String) = (row.try_get("first_name")?, row.try_get("last_name")?);
            let telephone: String = row.try_get("telephone")?;
            let name = duplicates::name_key(&first, &last).unwrap_or_default();
            keyed.push((row.try_get::<i64>("id")?, name, duplicates::phone_key(&telephone)));
        }
        let (mut names, mut phones) = (sea_query::CaseStatement::new(), sea_query::CaseStatement::new());
        for (id, name, phone) in &keyed {
            names = names.case(Expr::col("id").eq(*id), name.clone());
            phones = phones.case(Expr::col("id").eq(*id), phone.clone());
        }
        let update = Query::update()
            .table("customers")
            .value("dup_name", names)
            .value("dup_phone", phones)
            .and_where(Expr::col("id").is_in(keyed.iter().map(|(id, _, _)| *id)))
            .to_owned();
        sql::execute(&mut tx, &update).await?;
        tx.commit().await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows written before migration 0620 (here: its keys set back to NULL by
    /// another connection) get their keys when the database opens, in
    /// batches, however many there are.
    #[tokio::test]
    async fn the_backfill_fills_in_every_old_rows_keys_in_batches() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let db = Db::open(&path).await.unwrap();
        let rows = BACKFILL_BATCH as usize * 2 + 7;
        let old = rusqlite::Connection::open(&path).unwrap();
        old.execute_batch("BEGIN; INSERT INTO organizations (name, time_zone, created_at) VALUES ('Gym', 'UTC', 1)")
            .unwrap();
        for i in 0..rows {
            let phone = if i % 2 == 0 { format!("(555) 010-{i:04}") } else { String::new() };
            old.execute(
                "INSERT INTO customers (org_id, email, email_key, first_name, last_name, birthday, telephone, \
                 sort_last, sort_first, search_text, created_at, updated_at) \
                 VALUES (1, ?1, ?1, 'José', ?2, '1990-01-01', ?3, '', '', '', 1, 1)",
                rusqlite::params![format!("p{i}@example.com"), format!("Núñez{i}"), phone],
            )
            .unwrap();
        }
        old.execute_batch("UPDATE customers SET dup_name = NULL, dup_phone = NULL; COMMIT").unwrap();

        backfill(&db).await.unwrap();
        let mut found =
            old.prepare("SELECT first_name, last_name, telephone, dup_name, dup_phone FROM customers").unwrap();
        let keys = found
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect::<Vec<(String, String, String, Option<String>, Option<String>)>>();
        assert_eq!(keys.len(), rows);
        for (first, last, telephone, name, phone) in keys {
            assert_eq!(name, duplicates::name_key(&first, &last), "{last}");
            assert_eq!(phone, duplicates::phone_key(&telephone), "{last}");
        }
    }

    fn candidate(id: i64, email: &str, phone: &str, first: &str, last: &str, birthday: &str) -> Candidate {
        Candidate {
            id,
            email_key: email.to_string(),
            dup_phone: duplicates::phone_key(phone),
            dup_name: duplicates::name_key(first, last),
            birthday: birthday.to_string(),
        }
    }

    #[test]
    fn candidates_rank_by_signals_then_name_then_age() {
        let q = DuplicateQuery::new("José", "Núñez", "1990-05-01".parse().ok(), "jose@x.org", "(555) 123-4567");
        let found = vec![
            candidate(1, "other@x.org", "555 123 4567", "Ann", "Lee", "1980-01-01"),
            candidate(2, "jose@x.org", "", "Pepe", "Nunez", "1990-05-01"),
            candidate(3, "jn@x.org", "+1 555-123-4567", "jose", "NUNEZ", "1990-05-01"),
            candidate(4, "j@x.org", "555 123 4567", "Jose", "Nunez", "1991-05-01"),
            candidate(5, "z@x.org", "", "Zed", "Nunez", "1990-05-01"),
        ];
        let ids: Vec<i64> = ranked(found, &q).into_iter().map(|(id, _)| id).collect();
        assert_eq!(ids, [3, 4, 1, 2]);
    }

    #[test]
    fn a_name_without_a_birthday_is_no_signal() {
        assert!(!DuplicateQuery::new("Ann", "Lee", None, "", "").has_signal());
        assert!(!DuplicateQuery::new("", "", None, "", "12-34").has_signal());
        assert!(DuplicateQuery::new("Ann", "Lee", "2000-01-01".parse().ok(), "", "").has_signal());
        assert!(DuplicateQuery::new("", "", None, " A@B.org ", "").has_signal());
    }
}
