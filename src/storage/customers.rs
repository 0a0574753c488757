//! Customers: reading them with every Automatic field, listing with filters,
//! and writing them with the rules that need the database.

use std::collections::HashMap;

use sea_query::{Asterisk, Cond, Expr, ExprTrait, Func, Order, Query, SelectStatement, SimpleExpr, Value};

use super::activity::{self, Actor, Change};
use super::customer_filters::{CustomerFilter, Terms};
use super::sql::{self, Conn};
use super::{OrgScope, StoreError, StoreResult, derived};
use crate::model::fields::{CUSTOMER_FIELDS, CustomerWrite, FieldValue};
use crate::model::validation::FieldErrors;
use crate::model::{CustomFieldValue, Gender};

/// A customer row with everything needed to answer the Read shape.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct CustomerRecord {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub preferred_name: String,
    pub birthday: String,
    pub address_postcode: String,
    pub address_street_1: String,
    pub address_street_2: String,
    pub address_city: String,
    pub address_state: String,
    pub address_country: String,
    pub government_id: String,
    pub telephone: String,
    pub gender: Option<String>,
    pub pronouns: String,
    pub has_opted_in_to_marketing: bool,
    pub barcode: Option<String>,
    pub profile_image: Option<String>,
    pub profile_image_small: Option<String>,
    pub home_location_id: Option<i64>,
    pub home_location_name: Option<String>,
    pub capitan_invite_sent: bool,
    pub has_capitan_login: bool,
    pub is_active: bool,
    pub check_in_count: i64,
    pub first_check_in_at: Option<i64>,
    pub latest_check_in_at: Option<i64>,
    pub first_membership_date: Option<String>,
    pub has_active_membership: bool,
    pub has_active_youth_membership: bool,
    pub has_active_adult_membership: bool,
    pub has_future_membership: bool,
    pub has_frozen_membership: bool,
    pub available_entry_passes: i64,
    pub active_waiver_exists: bool,
    pub latest_waiver_expiration: Option<String>,
    pub has_medical_notes: bool,
    pub created_at: i64,
    pub updated_at: i64,
    #[sqlx(skip)]
    pub tags: Vec<String>,
    #[sqlx(skip)]
    pub active_proficiency_names: Vec<String>,
    #[sqlx(skip)]
    pub custom_field_values: Vec<CustomFieldValue>,
}

/// Columns of `customers` read into a [`CustomerRecord`].
const RECORD_COLUMNS: [&str; 40] = [
    "id",
    "email",
    "first_name",
    "last_name",
    "preferred_name",
    "birthday",
    "address_postcode",
    "address_street_1",
    "address_street_2",
    "address_city",
    "address_state",
    "address_country",
    "government_id",
    "telephone",
    "gender",
    "pronouns",
    "has_opted_in_to_marketing",
    "barcode",
    "profile_image",
    "profile_image_small",
    "home_location_id",
    "capitan_invite_sent",
    "has_capitan_login",
    "is_active",
    "check_in_count",
    "first_check_in_at",
    "latest_check_in_at",
    "first_membership_date",
    "has_active_membership",
    "has_active_youth_membership",
    "has_active_adult_membership",
    "has_future_membership",
    "has_frozen_membership",
    "available_entry_passes",
    "active_waiver_exists",
    "latest_waiver_expiration",
    "has_medical_notes",
    "created_at",
    "updated_at",
    "org_id",
];

/// `SELECT <record columns>, l.name AS home_location_name`: add the
/// `customers c` it reads and [`join_home_location`].
fn record_columns() -> SelectStatement {
    let mut stmt = Query::select();
    for col in RECORD_COLUMNS.iter().filter(|c| **c != "org_id") {
        stmt.column(("c", *col));
    }
    stmt.expr_as(Expr::col(("l", "name")), "home_location_name");
    stmt
}

/// `LEFT JOIN locations l` on the customer's home location.
fn join_home_location(stmt: &mut SelectStatement) {
    stmt.left_join(
        sea_query::TableRef::Table("locations".into(), Some("l".into())),
        Cond::all()
            .add(Expr::col(("l", "id")).equals(("c", "home_location_id")))
            .add(Expr::col(("l", "org_id")).equals(("c", "org_id"))),
    );
}

/// `SELECT <record columns>, l.name AS home_location_name FROM customers c LEFT JOIN locations l`,
/// scoped to the organization.
fn record_select(org: &OrgScope) -> SelectStatement {
    let mut stmt = record_columns().from_as("customers", "c").to_owned();
    join_home_location(&mut stmt);
    stmt.and_where(Expr::col(("c", "org_id")).eq(org.id));
    stmt
}

/// One customer with every Automatic field, or `None` (also for another
/// organization's id).
pub async fn get(org: &OrgScope, conn: &mut Conn, id: i64) -> StoreResult<Option<CustomerRecord>> {
    let stmt = record_select(org).and_where(Expr::col(("c", "id")).eq(id)).to_owned();
    let Some(record) = sql::fetch_optional_as::<CustomerRecord, _>(conn, &stmt).await? else {
        return Ok(None);
    };
    let mut records = vec![record];
    load_related(org, conn, &mut records).await?;
    Ok(records.pop())
}

/// Finds a customer id by barcode (exact match), within the organization.
pub async fn id_by_barcode(org: &OrgScope, conn: &mut Conn, barcode: &str) -> StoreResult<Option<i64>> {
    let stmt = Query::select()
        .column("id")
        .from("customers")
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("barcode").eq(barcode))
        .to_owned();
    Ok(sql::fetch_optional_scalar(conn, &stmt).await?)
}

/// True when the id is one of the organization's customers.
pub async fn exists(org: &OrgScope, conn: &mut Conn, id: i64) -> StoreResult<bool> {
    let stmt = Query::select()
        .column("id")
        .from("customers")
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    Ok(sql::fetch_optional_scalar::<i64, _>(conn, &stmt).await?.is_some())
}

/// One page of the filtered list, ordered by last name, first name and id,
/// and the total count of matches.
pub async fn list(
    org: &OrgScope,
    conn: &mut Conn,
    filter: &CustomerFilter,
    offset: u64,
    limit: u64,
) -> StoreResult<(u64, Vec<CustomerRecord>)> {
    let mut filter = filter.clone();
    super::customer_filters::resolve(org, conn, &mut filter).await?;
    let terms = filter.terms(org);
    if terms.is_narrow_search() && limit > 0 {
        // A search of several words, or narrowed by other filters: its
        // matches are few, so finding all of them (the full-text query runs
        // once), counting and sorting them is one pass, cheaper than counting
        // and then walking the list.
        let stmt = sorted_page_with_count(org, &terms, offset, limit);
        let rows = sql::fetch_as::<Counted, _>(conn, &stmt).await?;
        if let Some(count) = rows.first().map(|row| row.1) {
            let mut records: Vec<CustomerRecord> = rows.into_iter().map(|row| row.0).collect();
            load_related(org, conn, &mut records).await?;
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
        (None, None) => Query::select()
            .expr(Expr::col(("c", "id")).count())
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
    let page = page_query(org, terms, count, span, offset, limit);
    let stmt = records_of_page(org, page);
    let mut records = sql::fetch_as::<CustomerRecord, _>(conn, &stmt).await?;
    load_related(org, conn, &mut records).await?;
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
    let mut stmt = record_columns()
        .from_subquery(page, "p")
        .inner_join(
            sea_query::TableRef::Table("customers".into(), Some("c".into())),
            Expr::col(("c", "id")).equals(("p", "id")),
        )
        .to_owned();
    join_home_location(&mut stmt);
    stmt.and_where(Expr::col(("c", "org_id")).eq(org.id));
    for column in ["sort_last", "sort_first", "id"] {
        stmt.order_by(("p", column), Order::Asc);
    }
    stmt
}

/// A record with the number of all the list's matches.
struct Counted(CustomerRecord, i64);

impl<'r> sqlx::FromRow<'r, sql::Row> for Counted {
    fn from_row(row: &'r sql::Row) -> Result<Self, sqlx::Error> {
        use sqlx::Row as _;
        Ok(Counted(CustomerRecord::from_row(row)?, row.try_get("list_total")?))
    }
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
fn page_query(org: &OrgScope, terms: Terms, count: u64, span: u64, offset: u64, limit: u64) -> SelectStatement {
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
    if walk {
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

/// Fills tags, active proficiency names and custom field values for a batch
/// of customers: one query for the whole batch (a union of the four kinds of
/// rows), never one per customer.
pub async fn load_related(org: &OrgScope, conn: &mut Conn, records: &mut [CustomerRecord]) -> StoreResult<()> {
    if records.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = records.iter().map(|r| r.id).collect();
    let index: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let null = || Expr::cust("NULL");
    // Every part has the columns kind, customer_id, text, number, and two
    // sort keys; the union is ordered by kind, then by the keys.
    let part = |kind: i64, customer: Expr, text: Expr, number: Expr, sort_text: Expr, sort_number: Expr| {
        Query::select()
            .expr_as(Expr::val(kind), "kind")
            .expr_as(customer, "customer_id")
            .expr_as(text, "text")
            .expr_as(number, "number")
            .expr_as(sort_text, "sort_text")
            .expr_as(sort_number, "sort_number")
            .to_owned()
    };
    let tags = part(
        0,
        Expr::col(("ct", "customer_id")),
        Expr::col(("t", "name")),
        null(),
        Expr::col(("t", "name_key")),
        null(),
    )
    .from_as("customer_tags", "ct")
    .inner_join(
        sea_query::TableRef::Table("tags".into(), Some("t".into())),
        Expr::col(("t", "id")).equals(("ct", "tag_id")),
    )
    .and_where(Expr::col(("ct", "org_id")).eq(org.id))
    .and_where(Expr::col(("ct", "customer_id")).is_in(ids.clone()))
    .to_owned();
    let proficiencies =
        part(1, Expr::col(("cp", "customer_id")), Expr::col(("p", "name")), null(), Expr::col(("p", "name")), null())
            .from_as("customer_proficiencies", "cp")
            .inner_join(
                sea_query::TableRef::Table("proficiencies".into(), Some("p".into())),
                Expr::col(("p", "id")).equals(("cp", "proficiency_id")),
            )
            .and_where(Expr::col(("cp", "org_id")).eq(org.id))
            .and_where(Expr::col(("cp", "is_active")).eq(true))
            .and_where(Expr::col(("cp", "customer_id")).is_in(ids.clone()))
            .to_owned();
    let fields = part(2, null(), Expr::col("name"), Expr::col("id"), null(), Expr::col("position"))
        .from("custom_fields")
        .and_where(Expr::col("org_id").eq(org.id))
        .to_owned();
    let values = part(3, Expr::col("customer_id"), Expr::col("value"), Expr::col("field_id"), null(), null())
        .from("custom_field_values")
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("customer_id").is_in(ids))
        .to_owned();
    let mut union = tags;
    for other in [proficiencies, fields, values] {
        union.union(sea_query::UnionType::All, other);
    }
    // All rows as one JSON array in one result row: the database thread
    // hands over each result row separately (a thread wake-up each), which
    // cost more than the rows themselves.
    let stmt = Query::select()
        .expr(Expr::cust(
            "json_group_array(json_array(kind, customer_id, text, number) \
             ORDER BY kind, sort_text, sort_number, number)",
        ))
        .from_subquery(union, "related")
        .to_owned();
    let json: String = sql::fetch_scalar(conn, &stmt).await?;
    let rows: Vec<(i64, Option<i64>, String, Option<i64>)> =
        serde_json::from_str(&json).map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))?;
    let mut fields: Vec<(i64, String)> = Vec::new();
    let mut values: HashMap<(i64, i64), String> = HashMap::new();
    for (kind, customer_id, text, number) in rows {
        match (kind, customer_id, number) {
            (0, Some(customer_id), _) => records[index[&customer_id]].tags.push(text),
            (1, Some(customer_id), _) => records[index[&customer_id]].active_proficiency_names.push(text),
            (2, _, Some(field_id)) => fields.push((field_id, text)),
            (3, Some(customer_id), Some(field_id)) => {
                values.insert((customer_id, field_id), text);
            }
            _ => unreachable!("the union's parts have these shapes"),
        }
    }
    if !fields.is_empty() {
        for record in records.iter_mut() {
            record.custom_field_values = fields
                .iter()
                .map(|(field_id, field_name)| CustomFieldValue {
                    field_id: *field_id,
                    field_name: field_name.clone(),
                    value: values.remove(&(record.id, *field_id)).unwrap_or_default(),
                })
                .collect();
        }
    }
    Ok(())
}

/// The organization's custom customer fields: (id, name) in display order.
pub async fn custom_fields(org: &OrgScope, conn: &mut Conn) -> StoreResult<Vec<(i64, String)>> {
    let stmt = Query::select()
        .columns(["id", "name"])
        .from("custom_fields")
        .and_where(Expr::col("org_id").eq(org.id))
        .order_by("position", Order::Asc)
        .order_by("id", Order::Asc)
        .to_owned();
    Ok(sql::fetch_as(conn, &stmt).await?)
}

/// The lower-cased text that `search` matches: the searchable fields
/// separated by a control character no search term contains, plus the
/// telephone's digits alone so "5551234" finds "(555) 123-4".
pub fn search_text(
    email: &str,
    first_name: &str,
    last_name: &str,
    preferred_name: &str,
    telephone: &str,
    barcode: &str,
) -> String {
    let digits: String = telephone.chars().filter(char::is_ascii_digit).collect();
    [email, first_name, last_name, preferred_name, telephone, barcode, &digits].join("\u{1f}").to_lowercase()
}

/// The key names are sorted by: lower-cased, so "de Vries" sorts with "De Vries".
pub fn sort_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Editable values of a stored customer, as the form of a write.
fn current_values(record: &CustomerRecord) -> Vec<(&'static str, FieldValue)> {
    CUSTOMER_FIELDS
        .iter()
        .map(|spec| {
            let value = match spec.name {
                "email" => FieldValue::Text(record.email.clone()),
                "first_name" => FieldValue::Text(record.first_name.clone()),
                "last_name" => FieldValue::Text(record.last_name.clone()),
                "preferred_name" => FieldValue::Text(record.preferred_name.clone()),
                "birthday" => match record.birthday.parse() {
                    Ok(d) => FieldValue::Date(d),
                    Err(_) => FieldValue::Text(record.birthday.clone()),
                },
                "address_postcode" => FieldValue::Text(record.address_postcode.clone()),
                "address_street_1" => FieldValue::Text(record.address_street_1.clone()),
                "address_street_2" => FieldValue::Text(record.address_street_2.clone()),
                "address_city" => FieldValue::Text(record.address_city.clone()),
                "address_state" => FieldValue::Text(record.address_state.clone()),
                "address_country" => FieldValue::Text(record.address_country.clone()),
                "government_id" => FieldValue::Text(record.government_id.clone()),
                "telephone" => FieldValue::Text(record.telephone.clone()),
                "gender" => FieldValue::Gender(record.gender.as_deref().and_then(Gender::from_code)),
                "pronouns" => FieldValue::Text(record.pronouns.clone()),
                "has_opted_in_to_marketing" => FieldValue::Bool(record.has_opted_in_to_marketing),
                "barcode" => FieldValue::Text(record.barcode.clone().unwrap_or_default()),
                "home_location_id" => FieldValue::LocationId(record.home_location_id),
                other => unreachable!("editable field {other} has no column"),
            };
            (spec.name, value)
        })
        .collect()
}

/// The SQL value a field is stored as.
pub(crate) fn stored_value(name: &str, value: &FieldValue) -> Value {
    match value {
        // An empty barcode is no barcode: NULL, so it is exempt from uniqueness.
        FieldValue::Text(s) if name == "barcode" && s.is_empty() => Value::String(None),
        FieldValue::Text(s) => s.clone().into(),
        FieldValue::Date(d) => d.to_string().into(),
        FieldValue::Gender(g) => Value::String(g.map(|g| g.code().to_string())),
        FieldValue::Bool(b) => (*b).into(),
        FieldValue::LocationId(id) => Value::BigInt(*id),
    }
}

fn text_of<'a>(values: &'a [(&'static str, FieldValue)], name: &str) -> &'a str {
    match values.iter().find(|(n, _)| *n == name) {
        Some((_, FieldValue::Text(s))) => s,
        _ => "",
    }
}

/// Columns computed from the editable values: keys for uniqueness, ordering and search.
fn key_columns(values: &[(&'static str, FieldValue)]) -> Vec<(&'static str, Value)> {
    let t = |n| text_of(values, n);
    vec![
        ("email_key", t("email").to_lowercase().into()),
        ("address_postcode_key", t("address_postcode").trim().to_lowercase().into()),
        ("sort_last", sort_key(t("last_name")).into()),
        ("sort_first", sort_key(t("first_name")).into()),
        (
            "search_text",
            search_text(t("email"), t("first_name"), t("last_name"), t("preferred_name"), t("telephone"), t("barcode"))
                .into(),
        ),
    ]
}

/// Checks the rules that need the database: unique email and barcode, the
/// home location and custom fields belonging to the organization.
pub async fn check_against_db(
    org: &OrgScope,
    conn: &mut Conn,
    self_id: Option<i64>,
    write: &CustomerWrite,
) -> StoreResult<()> {
    let mut errors = FieldErrors::new();
    let others = |stmt: &mut SelectStatement| {
        if let Some(id) = self_id {
            stmt.and_where(Expr::col("id").ne(id));
        }
    };
    if let Some(email) = write.text("email") {
        let mut stmt = Query::select()
            .column("id")
            .from("customers")
            .and_where(Expr::col("org_id").eq(org.id))
            .and_where(Expr::col("email_key").eq(email.to_lowercase()))
            .to_owned();
        others(&mut stmt);
        if sql::fetch_optional_scalar::<i64, _>(conn, &stmt).await?.is_some() {
            errors.add("email", "customer with this email already exists.");
        }
    }
    if let Some(barcode) = write.text("barcode").filter(|b| !b.is_empty()) {
        let mut stmt = Query::select()
            .column("id")
            .from("customers")
            .and_where(Expr::col("org_id").eq(org.id))
            .and_where(Expr::col("barcode").eq(barcode))
            .to_owned();
        others(&mut stmt);
        if sql::fetch_optional_scalar::<i64, _>(conn, &stmt).await?.is_some() {
            errors.add("barcode", "customer with this barcode already exists.");
        }
    }
    if let Some(FieldValue::LocationId(Some(location_id))) = write.get("home_location_id")
        && super::orgs::location(org, conn, *location_id).await?.is_none()
    {
        errors.add("home_location_id", format!("Invalid pk \"{location_id}\" - object does not exist."));
    }
    if let Some(values) = &write.custom_field_values {
        let known: Vec<i64> = custom_fields(org, conn).await?.into_iter().map(|(id, _)| id).collect();
        for (field_id, _) in values {
            if !known.contains(field_id) {
                errors.add("custom_field_values", format!("Invalid field_id \"{field_id}\" - object does not exist."));
            }
        }
    }
    errors.into_result().map_err(StoreError::Invalid)
}

/// Who is writing and when.
#[derive(Debug, Clone, Copy)]
pub struct WriteContext {
    pub actor: Actor,
    pub now: i64,
}

/// Creates a customer from a full write; returns its id.
pub async fn create(org: &OrgScope, conn: &mut Conn, write: &CustomerWrite, ctx: WriteContext) -> StoreResult<i64> {
    check_against_db(org, conn, None, write).await?;
    let mut values = current_values(&CustomerRecord { has_opted_in_to_marketing: false, ..Default::default() });
    apply(&mut values, write);
    let mut columns: Vec<&str> = vec!["org_id", "created_at", "updated_at"];
    let mut row: Vec<SimpleExpr> = vec![org.id.into(), ctx.now.into(), ctx.now.into()];
    for (name, value) in &values {
        columns.push(name);
        row.push(Expr::val(stored_value(name, value)));
    }
    for (name, value) in key_columns(&values) {
        columns.push(name);
        row.push(Expr::val(value));
    }
    let stmt =
        Query::insert().into_table("customers").columns(columns).values_panic(row).returning_col("id").to_owned();
    let id = sql::insert_returning_id(conn, &stmt).await.map_err(unique_to_field_error)?;
    if let Some(custom) = &write.custom_field_values {
        set_custom_field_values(org, conn, id, custom).await?;
    }
    let changes: Vec<Change> = values
        .iter()
        .map(|(name, value)| Change::new(name, serde_json::Value::Null, value.to_json()))
        .chain(custom_changes(&[], write))
        .collect();
    activity::record(org, conn, id, ctx.actor, "create", "customer", Some(id), &changes, ctx.now).await?;
    Ok(id)
}

/// Applies a write (full for PUT, partial for PATCH) to an existing customer.
/// Returns `NotFound` for an id outside the organization.
pub async fn update(
    org: &OrgScope,
    conn: &mut Conn,
    id: i64,
    write: &CustomerWrite,
    ctx: WriteContext,
) -> StoreResult<()> {
    let current = get(org, conn, id).await?.ok_or(StoreError::NotFound)?;
    check_against_db(org, conn, Some(id), write).await?;
    let before = current_values(&current);
    let mut after = before.clone();
    apply(&mut after, write);

    let mut changes: Vec<Change> = before
        .iter()
        .zip(&after)
        .filter(|((_, b), (_, a))| b != a)
        .map(|((name, b), (_, a))| Change::new(name, b.to_json(), a.to_json()))
        .collect();
    changes.extend(custom_changes(&current.custom_field_values, write));

    // updated_at moves on every write, and always forwards.
    let updated_at = std::cmp::max(ctx.now, current.updated_at + 1);
    let mut stmt = Query::update();
    stmt.table("customers")
        .value("updated_at", updated_at)
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("id").eq(id));
    for (name, value) in &after {
        stmt.value(*name, Expr::val(stored_value(name, value)));
    }
    for (name, value) in key_columns(&after) {
        stmt.value(name, Expr::val(value));
    }
    sql::execute(conn, &stmt).await.map_err(unique_to_field_error)?;
    if let Some(custom) = &write.custom_field_values {
        set_custom_field_values(org, conn, id, custom).await?;
    }
    activity::record(org, conn, id, ctx.actor, "update", "customer", Some(id), &changes, ctx.now).await?;
    Ok(())
}

fn apply(values: &mut [(&'static str, FieldValue)], write: &CustomerWrite) {
    for (name, value) in &write.fields {
        if let Some(slot) = values.iter_mut().find(|(n, _)| n == name) {
            slot.1 = value.clone();
        }
    }
}

fn custom_changes(before: &[CustomFieldValue], write: &CustomerWrite) -> Vec<Change> {
    let Some(values) = &write.custom_field_values else {
        return Vec::new();
    };
    values
        .iter()
        .filter_map(|(field_id, value)| {
            let old = before.iter().find(|f| f.field_id == *field_id).map(|f| f.value.as_str()).unwrap_or("");
            (old != value)
                .then(|| Change::new(&format!("custom_field_values[{field_id}]"), old.into(), value.as_str().into()))
        })
        .collect()
}

/// Writes custom field values; an empty value clears the field. Two
/// statements whatever the number of fields.
async fn set_custom_field_values(
    org: &OrgScope,
    conn: &mut Conn,
    id: i64,
    values: &[(i64, String)],
) -> StoreResult<()> {
    if values.is_empty() {
        return Ok(());
    }
    let delete = Query::delete()
        .from_table("custom_field_values")
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("customer_id").eq(id))
        .and_where(Expr::col("field_id").is_in(values.iter().map(|(field_id, _)| *field_id)))
        .to_owned();
    sql::execute(conn, &delete).await?;
    let mut insert = Query::insert();
    insert.into_table("custom_field_values").columns(["org_id", "customer_id", "field_id", "value"]);
    let mut rows = 0;
    for (field_id, value) in values.iter().filter(|(_, value)| !value.is_empty()) {
        insert.values_panic([org.id.into(), id.into(), (*field_id).into(), value.as_str().into()]);
        rows += 1;
    }
    if rows > 0 {
        sql::execute(conn, &insert).await?;
    }
    Ok(())
}

/// A concurrent writer can take an email or barcode between the check and the
/// write; the unique index still refuses it, and the answer names the field.
fn unique_to_field_error(err: sqlx::Error) -> StoreError {
    if sql::is_unique_violation(&err) {
        let message = err.to_string();
        let field = if message.contains("barcode") { "barcode" } else { "email" };
        StoreError::Invalid(FieldErrors::single(field, format!("customer with this {field} already exists.")))
    } else {
        err.into()
    }
}

/// Sets the stored photo file names (None removes them); returns the old names.
pub async fn set_profile_image(
    org: &OrgScope,
    conn: &mut Conn,
    id: i64,
    images: Option<(&str, &str)>,
    ctx: WriteContext,
) -> StoreResult<(Option<String>, Option<String>)> {
    let current = Query::select()
        .columns(["profile_image", "profile_image_small", "updated_at"])
        .from("customers")
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    let (old_full, old_small, updated_at) =
        sql::fetch_optional_as::<(Option<String>, Option<String>, i64), _>(conn, &current)
            .await?
            .ok_or(StoreError::NotFound)?;
    let (full, small) = images.map_or((None, None), |(f, s)| (Some(f.to_string()), Some(s.to_string())));
    let stmt = Query::update()
        .table("customers")
        .value("profile_image", full.clone())
        .value("profile_image_small", small)
        .value("updated_at", std::cmp::max(ctx.now, updated_at + 1))
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    sql::execute(conn, &stmt).await?;
    // Removing a photo that was never there is no change worth a log line.
    if old_full.is_some() || full.is_some() {
        let change = Change::new(
            "profile_image",
            old_full.as_deref().map_or(serde_json::Value::Null, |_| "(photo)".into()),
            full.map_or(serde_json::Value::Null, |_| "(new photo)".into()),
        );
        activity::record(org, conn, id, ctx.actor, "update", "customer", Some(id), &[change], ctx.now).await?;
    }
    Ok((old_full, old_small))
}

/// Recomputes the customer's summary columns (after a write to what they summarise).
pub async fn refresh_summary(org: &OrgScope, conn: &mut Conn, ids: &[i64], now: jiff::Timestamp) -> StoreResult<()> {
    derived::refresh_customers(org, conn, Some(ids), org.local_date(now)).await
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
