//! Remembered answers to POSTs that carried an `Idempotency-Key` header, so
//! that a retried request is applied once and answered the same way again.
//!
//! The answer is stored in the transaction that applied the request: either
//! both are kept or neither is. Keys are per organization.

use sea_query::{Expr, ExprTrait, OnConflict, Query};

use super::sql::{self, Conn};
use super::{OrgScope, StoreResult};

/// How long a key is remembered: long enough for a front desk that was
/// offline for a day or two to send its queued scans again.
pub const RETENTION_MICROS: i64 = 30 * 24 * 3600 * 1_000_000;

/// What a request answered, and what it was (its fingerprint), so a reused
/// key with a different request can be told apart from a retry.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredAnswer {
    pub request_fingerprint: String,
    pub status: i64,
    pub content_type: String,
    pub body: String,
}

/// The answer remembered for `key`, unless it is older than the retention.
pub async fn find(org: &OrgScope, conn: &mut Conn, key: &str, now: i64) -> StoreResult<Option<StoredAnswer>> {
    let stmt = Query::select()
        .columns(["request_fingerprint", "status", "content_type", "body"])
        .from("idempotency_keys")
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("key").eq(key))
        .and_where(Expr::col("created_at").gte(now - RETENTION_MICROS))
        .to_owned();
    Ok(sql::fetch_optional_as(conn, &stmt).await?)
}

/// Remembers the answer for `key` (replacing an expired one) and forgets
/// the organization's keys past their retention.
pub async fn store(org: &OrgScope, conn: &mut Conn, key: &str, answer: &StoredAnswer, now: i64) -> StoreResult<()> {
    let purge = Query::delete()
        .from_table("idempotency_keys")
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("created_at").lt(now - RETENTION_MICROS))
        .to_owned();
    sql::execute(conn, &purge).await?;
    let columns = ["org_id", "key", "request_fingerprint", "status", "content_type", "body", "created_at"];
    let insert = Query::insert()
        .into_table("idempotency_keys")
        .columns(columns)
        .values_panic([
            org.id.into(),
            key.into(),
            answer.request_fingerprint.as_str().into(),
            answer.status.into(),
            answer.content_type.as_str().into(),
            answer.body.as_str().into(),
            now.into(),
        ])
        .on_conflict(
            OnConflict::columns(["org_id", "key"])
                .update_columns(["request_fingerprint", "status", "content_type", "body", "created_at"])
                .to_owned(),
        )
        .to_owned();
    sql::execute(conn, &insert).await?;
    Ok(())
}

/// The id of the check-in a remembered success answer admitted, when that
/// check-in is gone (voided since), so a replay can say so instead of
/// answering a dead id as success.
pub async fn voided_check_in(org: &OrgScope, conn: &mut Conn, answer: &StoredAnswer) -> StoreResult<Option<i64>> {
    if answer.status != 200 {
        return Ok(None);
    }
    let id = serde_json::from_str::<serde_json::Value>(&answer.body).ok().and_then(|v| v.get("id")?.as_i64());
    let Some(id) = id else {
        return Ok(None);
    };
    let stmt = Query::select()
        .expr(Expr::val(1))
        .from("check_ins")
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    let exists = sql::fetch_optional_scalar::<i64, _>(conn, &stmt).await?.is_some();
    Ok((!exists).then_some(id))
}
