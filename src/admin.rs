//! The administrative operations behind `frontdesk admin ...`: creating
//! organizations, locations and staff users, and staff PINs. Used by the
//! command line, the demo and tests.

use crate::storage::{Clock, Db, DbLocation, Durability, StoreError, auth, orgs};

/// Opens the database at `location` (creating a SQLite file if needed) and
/// applies migrations.
pub async fn open(location: &DbLocation) -> Result<Db, StoreError> {
    Db::connect(location, Durability::Full).await
}

pub async fn create_org(db: &Db, name: &str, time_zone: &str) -> Result<i64, StoreError> {
    let mut tx = db.begin_write().await?;
    let id = orgs::create_org(&mut tx, name, time_zone, Clock::System.now_micros()).await?;
    tx.commit().await?;
    Ok(id)
}

/// Creates a location; its time zone defaults to the organization's.
pub async fn create_location(db: &Db, org: &str, name: &str, time_zone: Option<&str>) -> Result<i64, StoreError> {
    let mut tx = db.begin_write().await?;
    let org = orgs::org_by_name(&mut tx, org).await?;
    let tz = time_zone.unwrap_or(&org.time_zone_name).to_string();
    let id = orgs::create_location(&org, &mut tx, name, &tz, false, Clock::System.now_micros()).await?;
    tx.commit().await?;
    Ok(id)
}

/// Creates a staff user with an argon2-hashed password.
pub async fn create_user(
    db: &Db,
    org: &str,
    username: &str,
    password: &str,
    location: Option<&str>,
) -> Result<i64, StoreError> {
    if password.is_empty() {
        return Err(StoreError::Conflict("the password must not be empty".into()));
    }
    let password = password.to_string();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|e| StoreError::Conflict(e.to_string()))?
        .map_err(|e| StoreError::Conflict(format!("cannot hash the password: {e}")))?;
    let mut tx = db.begin_write().await?;
    let org = orgs::org_by_name(&mut tx, org).await?;
    let location_id = match location {
        Some(name) => Some(orgs::location_by_name(&org, &mut tx, name).await?.id),
        None => None,
    };
    let id = orgs::create_user(&org, &mut tx, username, &hash, location_id, Clock::System.now_micros()).await?;
    tx.commit().await?;
    Ok(id)
}

/// Sets a staff user's PIN (`frontdesk admin set-pin`): 4 to 8 digits
/// ([`crate::model::pin`]), kept as an argon2 hash like the password. The
/// user's id. A PIN that breaks the rule, or an unknown username, is an error
/// that says so.
pub async fn set_pin(db: &Db, org: &str, username: &str, pin: &str) -> Result<i64, StoreError> {
    if let Some(problem) = crate::model::pin::pin_problem(pin) {
        return Err(StoreError::Conflict(problem));
    }
    let pin = pin.to_string();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&pin))
        .await
        .map_err(|e| StoreError::Conflict(e.to_string()))?
        .map_err(|e| StoreError::Conflict(format!("cannot hash the PIN: {e}")))?;
    let mut tx = db.begin_write().await?;
    let org_scope = orgs::org_by_name(&mut tx, org).await?;
    let id = match auth::set_pin_hash(&org_scope, &mut tx, username, Some(&hash)).await {
        Err(StoreError::NotFound) => {
            return Err(StoreError::Conflict(format!("no staff user named {username:?} in {org:?}")));
        }
        other => other?,
    };
    tx.commit().await?;
    Ok(id)
}

/// Every API token, oldest first (`frontdesk admin list-tokens`).
pub async fn list_tokens(db: &Db) -> Result<Vec<auth::TokenInfo>, StoreError> {
    let mut conn = db.acquire().await?;
    auth::list_tokens(&mut conn).await
}

/// Revokes every token of a staff user; how many there were.
pub async fn revoke_tokens(db: &Db, username: &str) -> Result<u64, StoreError> {
    let mut tx = db.begin_write().await?;
    let revoked = auth::revoke_user_tokens(&mut tx, username).await?;
    tx.commit().await?;
    Ok(revoked)
}
