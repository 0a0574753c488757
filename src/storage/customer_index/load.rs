//! Reading customers for the index: the columns its filters test, the
//! related rows they look up, and the rendered answer, for a batch of ids.

use std::collections::HashMap;
use std::sync::Arc;

use sea_query::{Expr, ExprTrait, Query, SelectStatement};

use super::list::{Key, Loaded, flag};
use crate::model::Customer;
use crate::storage::sql::{self, Conn};
use crate::storage::{OrgScope, StoreResult, customers};

/// Turns a customer into its Read answer (the server's URLs filled in).
pub type Render = Arc<dyn Fn(Customer) -> Result<String, serde_json::Error> + Send + Sync>;

/// How a related row's id becomes the key a filter looks up.
type KeyOf = fn(i64) -> Key;

/// Ids per statement: well under SQLite's bound-parameter limit.
pub const BATCH: usize = 500;

/// The customers of `ids` as the index holds them; ids with no customer
/// (deleted, or another organization's) are absent.
pub async fn load(org: &OrgScope, conn: &mut Conn, ids: &[i64], render: &Render) -> StoreResult<Vec<Loaded>> {
    let mut out = Vec::with_capacity(ids.len());
    for batch in ids.chunks(BATCH) {
        out.extend(load_batch(org, conn, batch, render).await?);
    }
    Ok(out)
}

/// The organization's tags: (id, lower-cased name).
pub async fn tags(org: &OrgScope, conn: &mut Conn) -> StoreResult<Vec<(i64, String)>> {
    let stmt =
        Query::select().columns(["id", "name_key"]).from("tags").and_where(Expr::col("org_id").eq(org.id)).to_owned();
    Ok(sql::fetch_as(conn, &stmt).await?)
}

type Columns =
    (i64, String, String, String, String, i64, i64, Option<i64>, Option<String>, i64, String, Option<String>);

async fn load_batch(org: &OrgScope, conn: &mut Conn, ids: &[i64], render: &Render) -> StoreResult<Vec<Loaded>> {
    let flags = [
        ("has_opted_in_to_marketing", flag::OPTED_IN),
        ("has_active_membership", flag::ACTIVE),
        ("has_active_youth_membership", flag::YOUTH),
        ("has_active_adult_membership", flag::ADULT),
        ("has_future_membership", flag::FUTURE),
        ("has_frozen_membership", flag::FROZEN),
    ]
    .into_iter()
    .map(|(column, bit)| Expr::cust(format!("(CASE WHEN \"{column}\" <> 0 THEN {bit} ELSE 0 END)")))
    .reduce(|a, b| a.add(b))
    .unwrap_or_else(|| Expr::val(0));
    let stmt = Query::select()
        .columns([
            "id",
            "sort_last",
            "sort_first",
            "search_text",
            "birthday",
            "created_at",
            "check_in_count",
            "latest_check_in_at",
            "first_membership_date",
        ])
        .expr(Expr::cust("CAST(0 AS BIGINT)").add(flags))
        .columns(["address_postcode_key", "gender"])
        .from("customers")
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("id").is_in(ids.iter().copied()))
        .to_owned();
    let rows: Vec<Columns> = sql::fetch_as(conn, &stmt).await?;
    let mut keys: HashMap<i64, Vec<Key>> = HashMap::new();
    for (customer, key) in related_keys(org, conn, ids).await? {
        keys.entry(customer).or_default().push(key);
    }
    let mut rendered = HashMap::new();
    for customer in customers::get_many(org, conn, ids).await? {
        let id = customer.id;
        let json = render(customer).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        rendered.insert(id, json);
    }
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let (
            id,
            sort_last,
            sort_first,
            search_text,
            birthday,
            created_at,
            check_ins,
            latest,
            first,
            flags,
            postcode,
            gender,
        ) = row;
        // A customer written between the two reads: the next refresh reads it again.
        let Some(json) = rendered.remove(&id) else { continue };
        let mut keys = keys.remove(&id).unwrap_or_default();
        keys.push(Key::Postcode(postcode.into_boxed_str()));
        if let Some(gender) = gender {
            keys.push(Key::Gender(gender.into_boxed_str()));
        }
        keys.sort();
        keys.dedup();
        out.push(Loaded {
            id,
            sort_last: sort_last.into(),
            sort_first: sort_first.into(),
            search_text: search_text.into(),
            birthday: birthday.into(),
            created_at,
            check_in_count: check_ins,
            latest_check_in_at: latest,
            first_membership_date: first.map(String::into_boxed_str),
            flags: u8::try_from(flags).unwrap_or(0),
            keys,
            json: Arc::from(json),
        });
    }
    Ok(out)
}

/// (customer id, key) for every related row a filter looks up.
async fn related_keys(org: &OrgScope, conn: &mut Conn, ids: &[i64]) -> StoreResult<Vec<(i64, Key)>> {
    let rows = |table: &'static str, column: &'static str| -> SelectStatement {
        Query::select()
            .column("customer_id")
            .column(column)
            .from(table)
            .and_where(Expr::col("org_id").eq(org.id))
            .and_where(Expr::col("customer_id").is_in(ids.iter().copied()))
            .to_owned()
    };
    let kinds: [(SelectStatement, KeyOf); 6] = [
        (rows("customer_tags", "tag_id"), Key::Tag),
        (rows("reservations", "event_type_id").and_where(Expr::col("status").ne("CAN")).to_owned(), Key::EventType),
        (
            rows("customer_proficiencies", "proficiency_id").and_where(Expr::col("is_active").eq(true)).to_owned(),
            Key::Proficiency,
        ),
        (rows("association_members", "association_id"), Key::Association),
        (rows("customer_challenges", "challenge_id"), Key::Challenge),
        (rows("customer_active_membership_types", "membership_type_id"), Key::ActiveType),
    ];
    let mut out = Vec::new();
    for (stmt, key) in kinds {
        let pairs: Vec<(i64, i64)> = sql::fetch_as(conn, &stmt).await?;
        out.extend(pairs.into_iter().map(|(customer, id)| (customer, key(id))));
    }
    Ok(out)
}
