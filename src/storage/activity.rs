//! The audit trail behind a customer's `activity-log/`: who changed what,
//! when, from what to what.

use sea_query::Query;
use serde::Serialize;
use serde_json::{Map, Value};

use super::sql::{self, Conn};
use super::{OrgScope, StoreResult};

/// Who made a change: a staff user through the API, or the system (import,
/// admin commands).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Staff(i64),
    System,
}

impl Actor {
    pub fn user_id(self) -> Option<i64> {
        match self {
            Actor::Staff(id) => Some(id),
            Actor::System => None,
        }
    }
}

/// One field's change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub field: String,
    pub from: Value,
    pub to: Value,
}

impl Change {
    pub fn new(field: &str, from: Value, to: Value) -> Change {
        // A government id is sensitive: the log says it changed, not to what.
        let (from, to) = if field == "government_id" { (mask(&from), mask(&to)) } else { (from, to) };
        Change { field: field.to_string(), from, to }
    }
}

fn mask(v: &Value) -> Value {
    match v {
        Value::String(s) if !s.is_empty() => Value::String("••••".into()),
        other => other.clone(),
    }
}

/// Records an action on a customer or one of its sub-records. An update that
/// changed nothing is not recorded.
#[allow(clippy::too_many_arguments)]
pub async fn record(
    org: &OrgScope,
    conn: &mut Conn,
    customer_id: i64,
    actor: Actor,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    changes: &[Change],
    now: i64,
) -> StoreResult<()> {
    if action == "update" && changes.is_empty() {
        return Ok(());
    }
    let mut map = Map::new();
    for c in changes {
        map.insert(c.field.clone(), serde_json::json!({"from": c.from, "to": c.to}));
    }
    let stmt = Query::insert()
        .into_table("activity_log")
        .columns(["org_id", "customer_id", "staff_user_id", "action", "entity", "entity_id", "changes", "created_at"])
        .values_panic([
            org.id.into(),
            customer_id.into(),
            actor.user_id().into(),
            action.into(),
            entity.into(),
            entity_id.into(),
            Value::Object(map).to_string().into(),
            now.into(),
        ])
        .to_owned();
    sql::execute(conn, &stmt).await?;
    Ok(())
}
