//! Which media files the database refers to, across every organization:
//! the server's orphan sweep needs the whole set, not one organization's.

use std::collections::HashSet;

use super::StoreResult;
use super::sql::Conn;

/// Every profile photo file name a customer row points at.
pub async fn referenced_files(conn: &mut Conn) -> StoreResult<HashSet<String>> {
    let rows: Vec<(Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT profile_image, profile_image_small FROM customers \
         WHERE profile_image IS NOT NULL OR profile_image_small IS NOT NULL",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().flat_map(|(a, b)| [a, b]).flatten().collect())
}
