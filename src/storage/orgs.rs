//! Organizations, their locations and staff users.

use sea_query::{Expr, ExprTrait, Order, Query};
use serde::Serialize;

use super::sql::{self, Conn};
use super::{OrgScope, StoreError, StoreResult, parse_time_zone};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Location {
    pub id: i64,
    pub name: String,
    pub time_zone: String,
    #[sqlx(try_from = "crate::storage::sql::IntFlag")]
    pub combine_same_day_check_ins: bool,
}

#[derive(sqlx::FromRow)]
pub(super) struct OrgRow {
    pub(super) id: i64,
    pub(super) name: String,
    pub(super) time_zone: String,
}

impl OrgRow {
    pub(super) fn into_scope(self) -> StoreResult<OrgScope> {
        let time_zone = parse_time_zone(&self.time_zone).map_err(StoreError::Conflict)?;
        Ok(OrgScope { id: self.id, name: self.name, time_zone, time_zone_name: self.time_zone })
    }
}

fn org_select() -> sea_query::SelectStatement {
    Query::select().columns(["id", "name", "time_zone"]).from("organizations").to_owned()
}

/// Creates an organization; its name must be new.
pub async fn create_org(conn: &mut Conn, name: &str, time_zone: &str, now: i64) -> StoreResult<i64> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::Conflict("organization name must not be blank".into()));
    }
    parse_time_zone(time_zone).map_err(StoreError::Conflict)?;
    let stmt = Query::insert()
        .into_table("organizations")
        .columns(["name", "time_zone", "created_at"])
        .values_panic([name.into(), time_zone.into(), now.into()])
        .returning_col("id")
        .to_owned();
    sql::insert_returning_id(conn, &stmt).await.map_err(|e| {
        if sql::is_unique_violation(&e) {
            StoreError::Conflict(format!("an organization named {name:?} already exists"))
        } else {
            e.into()
        }
    })
}

pub async fn org_by_name(conn: &mut Conn, name: &str) -> StoreResult<OrgScope> {
    let stmt = org_select().and_where(Expr::col("name").eq(name)).to_owned();
    match sql::fetch_optional_as::<OrgRow, _>(conn, &stmt).await? {
        Some(row) => row.into_scope(),
        None => Err(StoreError::Conflict(format!("no organization named {name:?}"))),
    }
}

pub async fn org_by_id(conn: &mut Conn, id: i64) -> StoreResult<OrgScope> {
    let stmt = org_select().and_where(Expr::col("id").eq(id)).to_owned();
    sql::fetch_optional_as::<OrgRow, _>(conn, &stmt).await?.ok_or(StoreError::NotFound)?.into_scope()
}

/// Creates a location of the organization; names are unique within it.
pub async fn create_location(
    org: &OrgScope,
    conn: &mut Conn,
    name: &str,
    time_zone: &str,
    combine_same_day_check_ins: bool,
    now: i64,
) -> StoreResult<i64> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::Conflict("location name must not be blank".into()));
    }
    parse_time_zone(time_zone).map_err(StoreError::Conflict)?;
    let stmt = Query::insert()
        .into_table("locations")
        .columns(["org_id", "name", "time_zone", "combine_same_day_check_ins", "created_at"])
        .values_panic([org.id.into(), name.into(), time_zone.into(), combine_same_day_check_ins.into(), now.into()])
        .returning_col("id")
        .to_owned();
    sql::insert_returning_id(conn, &stmt).await.map_err(|e| {
        if sql::is_unique_violation(&e) {
            StoreError::Conflict(format!("{} already has a location named {name:?}", org.name))
        } else {
            e.into()
        }
    })
}

fn location_select(org: &OrgScope) -> sea_query::SelectStatement {
    Query::select()
        .columns(["id", "name", "time_zone", "combine_same_day_check_ins"])
        .from("locations")
        .and_where(Expr::col("org_id").eq(org.id))
        .to_owned()
}

pub async fn locations(org: &OrgScope, conn: &mut Conn) -> StoreResult<Vec<Location>> {
    let stmt = location_select(org).order_by("id", Order::Asc).to_owned();
    Ok(sql::fetch_as(conn, &stmt).await?)
}

pub async fn location(org: &OrgScope, conn: &mut Conn, id: i64) -> StoreResult<Option<Location>> {
    let stmt = location_select(org).and_where(Expr::col("id").eq(id)).to_owned();
    Ok(sql::fetch_optional_as(conn, &stmt).await?)
}

pub async fn location_by_name(org: &OrgScope, conn: &mut Conn, name: &str) -> StoreResult<Location> {
    let stmt = location_select(org).and_where(Expr::col("name").eq(name)).to_owned();
    sql::fetch_optional_as(conn, &stmt)
        .await?
        .ok_or_else(|| StoreError::Conflict(format!("{} has no location named {name:?}", org.name)))
}

/// Creates a staff user; usernames are unique across the whole server
/// because `get-token` takes only a username and password.
pub async fn create_user(
    org: &OrgScope,
    conn: &mut Conn,
    username: &str,
    password_hash: &str,
    location_id: Option<i64>,
    now: i64,
) -> StoreResult<i64> {
    let username = username.trim();
    if username.is_empty() {
        return Err(StoreError::Conflict("username must not be blank".into()));
    }
    let stmt = Query::insert()
        .into_table("staff_users")
        .columns(["org_id", "username", "password_hash", "location_id", "created_at"])
        .values_panic([org.id.into(), username.into(), password_hash.into(), location_id.into(), now.into()])
        .returning_col("id")
        .to_owned();
    sql::insert_returning_id(conn, &stmt).await.map_err(|e| {
        if sql::is_unique_violation(&e) {
            StoreError::Conflict(format!("a user named {username:?} already exists"))
        } else {
            e.into()
        }
    })
}

/// Every organization, oldest first.
pub async fn all(conn: &mut Conn) -> StoreResult<Vec<OrgScope>> {
    let stmt = org_select().order_by("id", Order::Asc).to_owned();
    sql::fetch_as::<OrgRow, _>(conn, &stmt).await?.into_iter().map(OrgRow::into_scope).collect()
}

/// Every organization's name, oldest first.
pub async fn org_names(conn: &mut Conn) -> StoreResult<Vec<String>> {
    let stmt = Query::select().column("name").from("organizations").order_by("id", Order::Asc).to_owned();
    Ok(sql::fetch_as::<(String,), _>(conn, &stmt).await?.into_iter().map(|(name,)| name).collect())
}

/// The demo's own note in its database: the address it was last served on,
/// so that `demo --db` comes back where apps (and their queued scans) expect
/// it. Not part of the API's schema: the table is made on first use.
pub mod demo_address {
    use sea_query::{Expr, ExprTrait, OnConflict, Query};

    use crate::storage::StoreResult;
    use crate::storage::sql::{self, Conn, Dialect};

    fn create_table(dialect: Dialect) -> &'static str {
        match dialect {
            Dialect::Sqlite => {
                "CREATE TABLE IF NOT EXISTS demo_server (id INTEGER PRIMARY KEY CHECK (id = 1), listen TEXT NOT NULL)"
            }
            Dialect::Postgres => {
                "CREATE TABLE IF NOT EXISTS demo_server (id BIGINT PRIMARY KEY CHECK (id = 1), listen TEXT NOT NULL)"
            }
        }
    }

    /// The address last remembered, if any.
    pub async fn last(conn: &mut Conn) -> StoreResult<Option<String>> {
        sql::execute_schema(conn, create_table(conn.dialect())).await?;
        let stmt = Query::select().column("listen").from("demo_server").and_where(Expr::col("id").eq(1)).to_owned();
        Ok(sql::fetch_optional_scalar(conn, &stmt).await?)
    }

    /// Remembers `listen` as the demo's address.
    pub async fn remember(conn: &mut Conn, listen: &str) -> StoreResult<()> {
        sql::execute_schema(conn, create_table(conn.dialect())).await?;
        let stmt = Query::insert()
            .into_table("demo_server")
            .columns(["id", "listen"])
            .values_panic([1i64.into(), listen.into()])
            .on_conflict(OnConflict::column("id").update_column("listen").to_owned())
            .to_owned();
        sql::execute(conn, &stmt).await?;
        Ok(())
    }
}
