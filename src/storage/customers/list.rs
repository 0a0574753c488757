//! The customer list: one page of a filter's matches in list order (last
//! name, first name, id) and the count of all of them, each page found the
//! cheaper of two ways.

use sea_query::{Asterisk, Expr, ExprTrait, Func, Order, Query, SelectStatement};

use super::read;
use crate::model::Customer;
use crate::storage::customer_filters::{CustomerFilter, Terms};
use crate::storage::sql::{self, Conn, Dialect};
use crate::storage::{OrgScope, StoreResult};

/// One page of the filtered list, ordered by last name, first name and id,
/// and the total count of matches.
pub async fn list(
    org: &OrgScope,
    conn: &mut Conn,
    filter: &CustomerFilter,
    offset: u64,
    limit: u64,
) -> StoreResult<(u64, Vec<Customer>)> {
    let mut filter = filter.clone();
    crate::storage::customer_filters::resolve(org, conn, &mut filter).await?;
    let dialect = conn.dialect();
    let terms = filter.terms(org, dialect);
    if terms.is_narrow_search() && limit > 0 {
        // A search of several words, or narrowed by other filters: its
        // matches are few, so finding all of them (the full-text query runs
        // once), counting and sorting them is one pass, cheaper than counting
        // and then walking the list.
        let stmt = sorted_page_with_count(org, &terms, offset, limit);
        let rows = read::fetch_records_with(org, conn, &stmt, "list_total").await?;
        if let Some(count) = rows.first().map(|row| row.1) {
            let mut records: Vec<Customer> = rows.into_iter().map(|row| row.0).collect();
            read::load_related(org, conn, &mut records).await?;
            return Ok((count as u64, records));
        }
        // No row on this page: only a count tells whether there are matches.
    }
    let condition = terms.all();
    // Counting is usually the costliest part of a list. A filter made only
    // of related rows (tags, proficiencies, membership names...) counts the
    // ids those rows select; probing the customers for each costs several
    // times more.
    let count_stmt = match (terms.single_count(), terms.only_related_ids()) {
        (Some(count), _) => count,
        (None, Some(ids)) => Query::select().expr(Expr::col(Asterisk).count()).from_subquery(ids, "ids").to_owned(),
        // The same number either way (`id` is never NULL). SQLite's filter
        // indexes hold the rowid, which is `id`, so it counts from them
        // alone; PostgreSQL's do not hold `id`, and `COUNT(*)` lets it count
        // from an index alone (an index-only scan) instead of reading rows.
        (None, None) => Query::select()
            .expr(match dialect {
                Dialect::Sqlite => Expr::col(("c", "id")).count(),
                Dialect::Postgres => Expr::col(Asterisk).count(),
            })
            .from_as("customers", "c")
            .and_where(Expr::col(("c", "org_id")).eq(org.id))
            .cond_where(condition)
            .to_owned(),
    };
    // With the count, in the same statement, the range of ids the walk's
    // estimate needs (see `page_query`).
    let mut stmt = Query::select().expr(sql::scalar(count_stmt)).to_owned();
    for bound in [Func::min, Func::max] {
        let bound = Query::select()
            .expr(bound(Expr::col("id")))
            .from("customers")
            .and_where(Expr::col("org_id").eq(org.id))
            .to_owned();
        stmt.expr(sql::scalar(bound));
    }
    let (count, min, max): (i64, Option<i64>, Option<i64>) =
        sql::fetch_optional_as(conn, &stmt).await?.unwrap_or((0, None, None));
    let count = count as u64;
    if offset >= count || limit == 0 {
        return Ok((count, Vec::new()));
    }
    let span = match (min, max) {
        (Some(min), Some(max)) => (max - min + 1) as u64,
        _ => 0,
    };
    let page = page_query(org, terms, count, span, offset, limit, dialect);
    let stmt = records_of_page(org, page);
    let mut records = read::fetch_records(org, conn, &stmt).await?;
    read::load_related(org, conn, &mut records).await?;
    Ok((count, records))
}

/// The records of one page of the filter's matches in list order, each with
/// the number of all matches as `list_total`, in one statement: the matches
/// are found once (a materialized `WITH`), then counted and the page's few
/// sorted (no row when the page is past the last match).
fn sorted_page_with_count(org: &OrgScope, terms: &Terms, offset: u64, limit: u64) -> sea_query::WithQuery {
    let matches = Query::select()
        .columns([("c", "id"), ("c", "sort_last"), ("c", "sort_first")])
        .from_as("customers", "c")
        .and_where(Expr::col(("c", "org_id")).eq(org.id))
        .cond_where(terms.all())
        .to_owned();
    let total = Query::select().expr(Expr::col(Asterisk).count()).from("matches").to_owned();
    let mut page = Query::select()
        .columns(["id", "sort_last", "sort_first"])
        .expr_as(sql::scalar(total), "list_total")
        .from("matches")
        .limit(limit)
        .offset(offset)
        .to_owned();
    for column in ["sort_last", "sort_first", "id"] {
        page.order_by(column, Order::Asc);
    }
    let mut stmt = records_of_page(org, page);
    stmt.column(("p", "list_total"));
    let matches =
        sea_query::CommonTableExpression::new().query(matches).table_name("matches").materialized(true).to_owned();
    stmt.with(sea_query::WithClause::new().cte(matches).to_owned())
}

/// The records of a page query's customers (`p`: their ids and sort keys),
/// in its order: the page is found and its rows read in one statement.
fn records_of_page(org: &OrgScope, page: SelectStatement) -> SelectStatement {
    let mut stmt = read::record_columns()
        .from_subquery(page, "p")
        .inner_join(
            sea_query::TableRef::Table("customers".into(), Some("c".into())),
            Expr::col(("c", "id")).equals(("p", "id")),
        )
        .to_owned();
    read::join_home_location(&mut stmt);
    stmt.and_where(Expr::col(("c", "org_id")).eq(org.id));
    for column in ["sort_last", "sort_first", "id"] {
        stmt.order_by(("p", column), Order::Asc);
    }
    stmt
}

/// A walk in list order reads about this many rows whatever the count.
const WALK_ALWAYS_ROWS: u64 = 1_000;

/// The query of one page of `count` matches, in list order: their ids and
/// sort keys (`span` is the range of the organization's customer ids).
///
/// There are two ways to find them, and the count (already known) chooses
/// rather than the planner's guess: walk the customers in list order testing
/// each against the filter, which reads about `(offset + limit) × customers /
/// count` rows, or find every match through the filter's own indexes and sort
/// them, which reads `count` rows. A dense filter (active members) walks a
/// few dozen rows instead of sorting fifty thousand; a sparse one (frozen
/// members, page 100) sorts a few thousand instead of walking the table.
/// Search matches bunch together in list order (a surname prefix is one
/// stretch of it), which the estimate ignores; but the walk tests a search's
/// ids on the list-order index itself, before reading any row, so reaching
/// the stretch costs an index scan at most.
fn page_query(
    org: &OrgScope,
    terms: Terms,
    count: u64,
    span: u64,
    offset: u64,
    limit: u64,
    dialect: Dialect,
) -> SelectStatement {
    let wanted = offset.saturating_add(limit);
    let walk = terms.0.is_empty() || walk_is_cheaper(count, wanted, span);
    let mut stmt = Query::select()
        .columns([("c", "id"), ("c", "sort_last"), ("c", "sort_first")])
        .from_as("customers", "c")
        .and_where(Expr::col(("c", "org_id")).eq(org.id))
        .limit(limit)
        .offset(offset)
        .to_owned();
    // SQLite's unary `+` keeps a term from being answered through an index:
    // on the filter it forces the walk along the list-order index, on the
    // ordering it forces the filter's indexes and a sort. Each term is kept
    // apart so that SQLite tests those the index can answer (a search's ids)
    // before reading the row for the others, and a filter on related rows
    // looks up the few walked customers' rows rather than collecting all.
    if dialect == Dialect::Postgres {
        // PostgreSQL's planner weighs the walk against the sort itself.
        stmt.cond_where(terms.all());
        for column in ["sort_last", "sort_first", "id"] {
            stmt.order_by(("c", column), Order::Asc);
        }
    } else if walk {
        for term in terms.0 {
            stmt.and_where(Expr::cust_with_expr("+(?)", term.per_customer.unwrap_or(term.cond)));
        }
        for column in ["sort_last", "sort_first", "id"] {
            stmt.order_by(("c", column), Order::Asc);
        }
    } else {
        stmt.cond_where(terms.all());
        for column in ["sort_last", "sort_first", "id"] {
            stmt.order_by_expr(Expr::cust(format!("+\"c\".\"{column}\"")), Order::Asc);
        }
    }
    stmt
}

/// Whether walking `span` customers in list order for `wanted` of `count`
/// evenly spread matches reads fewer rows than sorting all of them.
fn walk_is_cheaper(count: u64, wanted: u64, span: u64) -> bool {
    let walked = wanted.saturating_mul(span) / std::cmp::max(count, 1);
    walked <= std::cmp::max(count, WALK_ALWAYS_ROWS)
}

#[cfg(test)]
mod tests {
    use super::walk_is_cheaper;

    #[test]
    fn dense_filters_walk_the_list_and_sparse_ones_sort_their_matches() {
        // Active members: half of 100,000; page 1 meets ten of them in ~20 rows.
        assert!(walk_is_cheaper(55_000, 10, 100_000));
        // Frozen members, page 100: walking would read ~330,000 rows for 3,000 matches.
        assert!(!walk_is_cheaper(3_000, 1_000, 100_000));
        // One match among 100,000 customers.
        assert!(!walk_is_cheaper(1, 10, 100_000));
        // A small gym: any walk is short.
        assert!(walk_is_cheaper(5, 10, 300));
    }
}
