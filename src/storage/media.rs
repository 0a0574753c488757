//! Which media files the database refers to, across every organization:
//! the server's orphan sweep needs the whole set, not one organization's.

use std::collections::HashSet;

use super::StoreResult;
use sea_query::{Cond, Expr, ExprTrait, Query};

use super::sql::{self, Conn};

/// Every profile photo file name a customer row points at.
pub async fn referenced_files(conn: &mut Conn) -> StoreResult<HashSet<String>> {
    let stmt = Query::select()
        .columns(["profile_image", "profile_image_small"])
        .from("customers")
        .cond_where(
            Cond::any()
                .add(Expr::col("profile_image").is_not_null())
                .add(Expr::col("profile_image_small").is_not_null()),
        )
        .to_owned();
    let rows: Vec<(Option<String>, Option<String>)> = sql::fetch_as(conn, &stmt).await?;
    Ok(rows.into_iter().flat_map(|(a, b)| [a, b]).flatten().collect())
}
