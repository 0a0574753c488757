//! The storage side of an import: the tables an import plan fills (each with
//! its [`row`] struct, whose fields are its columns), the facts the planner
//! needs from the database first (next ids, names and keys already taken),
//! and the load of a checked plan. Table and column names live here, not in
//! `crate::import`.

use std::collections::HashMap;

use jiff::civil::Date;

use super::bulk::{self, BulkValue};
use super::sql::Dialect;
use super::{Conn, OrgScope, StoreError, StoreResult, derived, events};

/// The tables an import writes, in load order (a table's references point to
/// tables before it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    Locations,
    CustomFields,
    Proficiencies,
    Associations,
    Challenges,
    EventTypes,
    MembershipTypes,
    Tags,
    Customers,
    CustomFieldValues,
    CustomerTags,
    Documents,
    EmergencyContacts,
    MedicalNotes,
    Notes,
    Alerts,
    EntryPasses,
    CustomerProficiencies,
    AssociationMembers,
    CustomerChallenges,
    Reservations,
    CheckIns,
    Credits,
    Payments,
    EventVouchers,
    GuestPassUsages,
    Memberships,
    MembershipMembers,
    Relations,
}

impl Table {
    /// Every table, in load order.
    pub const ALL: [Table; 29] = [
        Table::Locations,
        Table::CustomFields,
        Table::Proficiencies,
        Table::Associations,
        Table::Challenges,
        Table::EventTypes,
        Table::MembershipTypes,
        Table::Tags,
        Table::Customers,
        Table::CustomFieldValues,
        Table::CustomerTags,
        Table::Documents,
        Table::EmergencyContacts,
        Table::MedicalNotes,
        Table::Notes,
        Table::Alerts,
        Table::EntryPasses,
        Table::CustomerProficiencies,
        Table::AssociationMembers,
        Table::CustomerChallenges,
        Table::Reservations,
        Table::CheckIns,
        Table::Credits,
        Table::Payments,
        Table::EventVouchers,
        Table::GuestPassUsages,
        Table::Memberships,
        Table::MembershipMembers,
        Table::Relations,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Table::Locations => "locations",
            Table::CustomFields => "custom_fields",
            Table::Proficiencies => "proficiencies",
            Table::Associations => "associations",
            Table::Challenges => "challenges",
            Table::EventTypes => "event_types",
            Table::MembershipTypes => "membership_types",
            Table::Tags => "tags",
            Table::Customers => "customers",
            Table::CustomFieldValues => "custom_field_values",
            Table::CustomerTags => "customer_tags",
            Table::Documents => "documents",
            Table::EmergencyContacts => "emergency_contacts",
            Table::MedicalNotes => "medical_notes",
            Table::Notes => "notes",
            Table::Alerts => "alerts",
            Table::EntryPasses => "entry_passes",
            Table::CustomerProficiencies => "customer_proficiencies",
            Table::AssociationMembers => "association_members",
            Table::CustomerChallenges => "customer_challenges",
            Table::Reservations => "reservations",
            Table::CheckIns => "check_ins",
            Table::Credits => "credits",
            Table::Payments => "payments",
            Table::EventVouchers => "event_vouchers",
            Table::GuestPassUsages => "guest_pass_usages",
            Table::Memberships => "customer_memberships",
            Table::MembershipMembers => "customer_membership_members",
            Table::Relations => "relations",
        }
    }

    /// What an export calls a row of this table that has no external id of
    /// its own: `<kind>-<id>`; `None` for a table without external ids.
    pub fn external_kind(self) -> Option<&'static str> {
        Some(match self {
            Table::Locations => "location",
            Table::CustomFields => "custom-field",
            Table::Proficiencies => "proficiency",
            Table::Associations => "association",
            Table::Challenges => "challenge",
            Table::EventTypes => "event-type",
            Table::MembershipTypes => "membership-type",
            Table::Customers => "customer",
            Table::Memberships => "membership",
            _ => return None,
        })
    }

    /// The columns a row of this table gives values for, in order: its
    /// [`row`] struct's (a customer row starts with the declared writable
    /// fields, `customers::written_columns`).
    pub fn columns(self) -> Vec<&'static str> {
        match self {
            Table::Customers => {
                super::customers::written_columns().chain(row::Customer::COLUMNS.iter().copied()).collect()
            }
            other => row::columns(other).to_vec(),
        }
    }
}

/// A row of an import table: one value per column, named by its field.
pub trait ImportRow {
    /// The tables whose rows have this shape.
    const TABLES: &'static [Table];
    /// The columns it gives values for (a customer's written fields come first).
    const COLUMNS: &'static [&'static str];
    /// Appends its values, in [`Self::COLUMNS`] order.
    fn push_to(self, values: &mut Vec<BulkValue>);
}

/// Declares each import row shape: a struct whose fields are its columns.
macro_rules! import_rows {
    ($(
        $(#[$meta:meta])*
        $($table:ident)|+ => $row:ident { $($column:ident),+ $(,)? }
    )*) => {
        $(
            $(#[$meta])*
            pub struct $row {
                $(pub $column: BulkValue,)+
            }

            impl ImportRow for $row {
                const TABLES: &'static [Table] = &[$(Table::$table),+];
                const COLUMNS: &'static [&'static str] = &[$(stringify!($column)),+];

                fn push_to(self, values: &mut Vec<BulkValue>) {
                    values.extend([$(self.$column),+]);
                }
            }
        )*

        /// The columns of a table's rows (a customer's but its written fields).
        pub(super) fn columns(table: Table) -> &'static [&'static str] {
            match table {
                $($(Table::$table)|+ => $row::COLUMNS,)*
                Table::Customers => Customer::COLUMNS,
            }
        }
    };
}

/// The rows an import plan gives each table, by name. A sub-record kind's
/// row is its owner, then its declared columns but `id` (a test keeps the
/// two in step).
pub mod row {
    use super::{BulkValue, ImportRow, Table};

    import_rows! {
        Locations => Location { id, name, time_zone, combine_same_day_check_ins, created_at, external_id }
        CustomFields => CustomField { id, name, position, external_id }
        /// A named record with a description.
        Proficiencies | Challenges => Described { id, name, description, external_id }
        /// A named record.
        Associations | EventTypes => Named { id, name, external_id }
        MembershipTypes => MembershipType {
            id, name, description, status, purchase_type, interval, is_group, is_youth_programming, billing_amount,
            location_id, created_at, external_id,
        }
        Tags => Tag { id, name, name_key }
        CustomFieldValues => CustomFieldValue { customer_id, field_id, value }
        CustomerTags => CustomerTag { customer_id, tag_id }
        Documents => Document { customer_id, name, pdf, expiration_date, status, created_at, updated_at }
        EmergencyContacts => EmergencyContact {
            customer_id, first_name, last_name, telephone, email, relation, created_at, updated_at,
        }
        MedicalNotes => MedicalNote { customer_id, medical_notes, created_at, updated_at }
        Notes => Note { customer_id, note, created_at, updated_at }
        Alerts => Alert { customer_id, message, prevents_check_in, created_at, updated_at }
        EntryPasses => EntryPass {
            owner_id, name, uses_total, uses_remaining, expiration_date, is_association_pass, created_at, updated_at,
            association_id,
        }
        CustomerProficiencies => CustomerProficiency {
            customer_id, proficiency_id, is_active, granted_at, created_at, updated_at,
        }
        AssociationMembers => AssociationMember { association_id, customer_id, created_at }
        CustomerChallenges => CustomerChallenge { customer_id, challenge_id, status, started_at, completed_at }
        Reservations => Reservation { customer_id, event_type_id, location_id, starts_at, ends_at, status, created_at }
        CheckIns => CheckIn {
            customer_id, location_id, checked_in_at, local_datetime, checked_out_at, local_checkout_datetime,
            entry_method, entry_method_description, free_entry_reason, created_at,
        }
        Credits | Payments => Ledger { customer_id, amount, description, created_at }
        EventVouchers => EventVoucher { customer_id, name, uses_remaining, expiration_date, created_at }
        GuestPassUsages => GuestPassUsage {
            customer_id, guest_first_name, guest_last_name, location_id, used_at, created_at,
        }
        Memberships => Membership {
            id, membership_type_id, owner_id, status, start_date, end_date, interval, billing_amount, unfreeze_date,
            created_at, updated_at, external_id,
        }
        MembershipMembers => MembershipMember { membership_id, customer_id, is_individually_frozen }
        Relations => Relation { customer_id, related_customer_id, relation, created_at, updated_at }
    }

    /// A customer's row: its declared writable fields, as the API writes
    /// them (`customers::written_values`), then these.
    pub struct Customer<'a> {
        pub fields: &'a crate::model::Customer,
        pub id: BulkValue,
        pub is_active: BulkValue,
        pub capitan_invite_sent: BulkValue,
        pub has_capitan_login: BulkValue,
        pub created_at: BulkValue,
        pub updated_at: BulkValue,
        pub external_id: BulkValue,
    }

    impl ImportRow for Customer<'_> {
        const TABLES: &'static [Table] = &[Table::Customers];
        const COLUMNS: &'static [&'static str] =
            &["id", "is_active", "capitan_invite_sent", "has_capitan_login", "created_at", "updated_at", "external_id"];

        fn push_to(self, values: &mut Vec<BulkValue>) {
            values.extend(crate::storage::customers::written_values(self.fields));
            values.extend([
                self.id,
                self.is_active,
                self.capitan_invite_sent,
                self.has_capitan_login,
                self.created_at,
                self.updated_at,
                self.external_id,
            ]);
        }
    }
}

/// Rows for one table, collected while planning: one flat run of values, a
/// row every `width` (a million check-ins are not a million small vectors).
pub struct TableRows {
    table: Table,
    width: usize,
    values: Vec<BulkValue>,
}

impl TableRows {
    pub fn new(table: Table) -> TableRows {
        TableRows { table, width: table.columns().len(), values: Vec::new() }
    }

    pub fn table(&self) -> Table {
        self.table
    }

    /// Adds one row of this table's shape.
    pub fn push<R: ImportRow>(&mut self, row: R) {
        debug_assert!(R::TABLES.contains(&self.table), "a row of {:?} pushed to {:?}", R::TABLES, self.table);
        let before = self.values.len();
        row.push_to(&mut self.values);
        debug_assert_eq!(self.values.len() - before, self.width, "row width for {:?}", self.table);
    }

    pub fn len(&self) -> usize {
        self.values.len() / self.width
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Reorders the rows by an integer column (nulls first).
    fn sort_by_integer(&mut self, column: &str) {
        let width = self.width;
        let Some(column) = self.table.columns().iter().position(|c| *c == column) else {
            return;
        };
        let mut order: Vec<(i64, usize)> = (0..self.len())
            .map(|row| match self.values[row * width + column] {
                BulkValue::Int(key) => (key, row),
                _ => (i64::MIN, row),
            })
            .collect();
        order.sort_unstable();
        let mut values = std::mem::take(&mut self.values);
        self.values = Vec::with_capacity(values.len());
        for (_, row) in order {
            for value in &mut values[row * width..(row + 1) * width] {
                self.values.push(std::mem::replace(value, BulkValue::Null));
            }
        }
    }
}

/// A row's values in its table's column order (for an update).
pub fn row_values<R: ImportRow>(row: R) -> Vec<BulkValue> {
    let mut values = Vec::with_capacity(R::COLUMNS.len());
    row.push_to(&mut values);
    values
}

/// A write an import makes to rows that exist already: done before the
/// inserts, deletes first.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Sets `columns` of the organization's row `id` of `table`.
    Update { table: Table, id: i64, columns: Vec<&'static str>, values: Vec<BulkValue> },
    /// Deletes the organization's rows of `table` whose columns hold these ids.
    Delete { table: Table, matching: Vec<(&'static str, i64)> },
}

/// An existing customer as the planner sees it.
#[derive(Debug, Clone, Default)]
pub struct ExistingCustomer {
    pub email_key: String,
    pub barcode: Option<String>,
}

/// What the planner needs to know of the organization's data: the next free
/// ids, the names and keys already taken, and the records external ids name.
pub struct ExistingRecords {
    next_ids: HashMap<Table, i64>,
    /// Ids by name, for the tables whose names are unique.
    names: HashMap<Table, HashMap<String, i64>>,
    /// Ids by external id.
    external: HashMap<Table, HashMap<String, i64>>,
    /// The ids of the rows without an external id, which an export names
    /// `<kind>-<id>` ([`Table::external_kind`]).
    unnamed: HashMap<Table, std::collections::HashSet<i64>>,
    /// Customers' lowercased emails.
    pub emails: HashMap<String, i64>,
    pub barcodes: HashMap<String, i64>,
    pub customers: HashMap<i64, ExistingCustomer>,
    /// Tag ids by lowercased name.
    pub tags: HashMap<String, i64>,
    /// Locations' time zones by id.
    pub location_zones: HashMap<i64, String>,
    /// Membership types' (interval, billing amount) by id.
    pub type_terms: HashMap<i64, (String, String)>,
}

/// The tables whose ids the planner assigns.
const ASSIGNED_IDS: [Table; 10] = [
    Table::Locations,
    Table::CustomFields,
    Table::Proficiencies,
    Table::Associations,
    Table::Challenges,
    Table::EventTypes,
    Table::MembershipTypes,
    Table::Customers,
    Table::Memberships,
    Table::Tags,
];

/// The tables whose names are unique in an organization.
const NAMED: [Table; 7] = [
    Table::Locations,
    Table::CustomFields,
    Table::Proficiencies,
    Table::Associations,
    Table::Challenges,
    Table::EventTypes,
    Table::MembershipTypes,
];

/// The tables whose rows may carry an external id.
pub const EXTERNAL_IDS: [Table; 9] = [
    Table::Locations,
    Table::CustomFields,
    Table::Proficiencies,
    Table::Associations,
    Table::Challenges,
    Table::EventTypes,
    Table::MembershipTypes,
    Table::Customers,
    Table::Memberships,
];

static EMPTY: std::sync::LazyLock<HashMap<String, i64>> = std::sync::LazyLock::new(HashMap::new);

impl ExistingRecords {
    /// The first id a new row of `table` gets (tables outside
    /// [`ASSIGNED_IDS`] number their own rows: 1).
    pub fn next_id(&self, table: Table) -> i64 {
        self.next_ids.get(&table).copied().unwrap_or(1)
    }

    /// The ids of the names the organization already uses in `table`.
    pub fn names(&self, table: Table) -> &HashMap<String, i64> {
        self.names.get(&table).unwrap_or(&EMPTY)
    }

    /// The id of the organization's row of `table` with this external id:
    /// its own, or `<kind>-<id>` for a row without one (as an export names it).
    pub fn by_external_id(&self, table: Table, external_id: &str) -> Option<i64> {
        if let Some(id) = self.external.get(&table).and_then(|m| m.get(external_id)) {
            return Some(*id);
        }
        let id: i64 = external_id.strip_prefix(table.external_kind()?)?.strip_prefix('-')?.parse().ok()?;
        self.unnamed.get(&table).is_some_and(|ids| ids.contains(&id)).then_some(id)
    }

    /// Records for a plan made without a database (the planner's tests).
    #[cfg(test)]
    pub fn empty() -> ExistingRecords {
        ExistingRecords {
            next_ids: HashMap::new(),
            names: HashMap::new(),
            external: HashMap::new(),
            unnamed: HashMap::new(),
            emails: HashMap::new(),
            barcodes: HashMap::new(),
            customers: HashMap::new(),
            tags: HashMap::new(),
            location_zones: HashMap::new(),
            type_terms: HashMap::new(),
        }
    }
}

/// Loads the facts an import is checked against; run under the write lock,
/// so the ids stay free until the load.
pub async fn existing(org: &OrgScope, conn: &mut Conn) -> StoreResult<ExistingRecords> {
    let mut next_ids = HashMap::new();
    for table in ASSIGNED_IDS {
        next_ids.insert(table, bulk::max_id(conn, table.name()).await? + 1);
    }
    let mut names = HashMap::new();
    for table in NAMED {
        let named = bulk::existing_named(org, conn, table.name(), "name").await?;
        names.insert(table, named.into_iter().map(|(id, name)| (name, id)).collect());
    }
    let mut external = HashMap::new();
    let mut unnamed = HashMap::new();
    for table in EXTERNAL_IDS {
        let keyed = bulk::existing_named(org, conn, table.name(), "external_id").await?;
        external.insert(table, keyed.into_iter().map(|(id, key)| (key, id)).collect());
        unnamed
            .insert(table, bulk::ids_where_null(org, conn, table.name(), "external_id").await?.into_iter().collect());
    }
    let mut emails = HashMap::new();
    let mut barcodes = HashMap::new();
    let mut customers = HashMap::new();
    for (id, email_key, barcode) in bulk::existing_customers(org, conn).await? {
        emails.insert(email_key.clone(), id);
        let barcode = barcode.filter(|b| !b.is_empty());
        if let Some(b) = &barcode {
            barcodes.insert(b.clone(), id);
        }
        customers.insert(id, ExistingCustomer { email_key, barcode });
    }
    let tags = bulk::existing_named(org, conn, Table::Tags.name(), "name_key")
        .await?
        .into_iter()
        .map(|(id, key)| (key, id))
        .collect();
    let location_zones =
        bulk::existing_named(org, conn, Table::Locations.name(), "time_zone").await?.into_iter().collect();
    let type_terms = bulk::existing_terms(org, conn).await?.into_iter().map(|(id, i, b)| (id, (i, b))).collect();
    Ok(ExistingRecords {
        next_ids,
        names,
        external,
        unnamed,
        emails,
        barcodes,
        customers,
        tags,
        location_zones,
        type_terms,
    })
}

/// Why a load failed: the database, or one table's rows (named).
#[derive(Debug)]
pub enum LoadError {
    Store(StoreError),
    Table { table: &'static str, error: StoreError },
}

impl From<StoreError> for LoadError {
    fn from(e: StoreError) -> Self {
        LoadError::Store(e)
    }
}

/// A table receiving at least this many rows, and more than it holds, has
/// its indexes built after the load rather than during it.
const BULK_LOAD_ROWS: usize = 10_000;

/// Writes a checked plan's rows, then computes the new customers' summary
/// columns (`new_customers` is their id range).
pub async fn load(
    org: &OrgScope,
    conn: &mut Conn,
    mut tables: Vec<TableRows>,
    changes: Vec<Change>,
    new_customers: Option<(i64, i64)>,
    today: Date,
) -> Result<(), LoadError> {
    // In time order, the check-ins' time indexes are appended to rather than
    // written all over (and their ids follow time, as the API's own would).
    for rows in &mut tables {
        if rows.table == Table::CheckIns {
            rows.sort_by_integer("checked_in_at");
        }
    }
    tables.sort_by_key(|rows| rows.table);
    // The organization's existing customers: only the calendar may have moved
    // for them since their summary columns were computed.
    let as_of = derived::as_of(org, conn).await?;
    derived::catch_up(org, conn, as_of, today).await?;

    // Records the document updates: their old sub-records go first, then
    // their rows change in place.
    let changed = !changes.is_empty();
    let (deletes, updates): (Vec<Change>, Vec<Change>) =
        changes.into_iter().partition(|c| matches!(c, Change::Delete { .. }));
    for change in deletes.into_iter().chain(updates) {
        let (table, result) = match change {
            Change::Delete { table, matching } => (table, bulk::delete_rows(org, conn, table.name(), &matching).await),
            Change::Update { table, id, columns, values } => {
                (table, bulk::update_row(org, conn, table.name(), id, &columns, values).await)
            }
        };
        result.map_err(|error| LoadError::Table { table: table.name(), error })?;
    }

    // Indexes built once after a load that dwarfs their table cost far less
    // than indexes updated row by row.
    let mut set_aside = Vec::new();
    // PostgreSQL's customer indexes (set aside only in a new database) come
    // back after the summary columns are written, which would otherwise
    // rewrite every entry of all twenty of them.
    let mut customers_aside = Vec::new();
    let mut loaded_in_bulk = false;
    for rows in tables {
        let started = std::time::Instant::now();
        let (table, count) = (rows.table.name(), rows.len());
        if count >= BULK_LOAD_ROWS && count as i64 >= bulk::row_count(conn, table).await? {
            loaded_in_bulk = true;
            let indexes = bulk::set_indexes_aside(conn, table).await?;
            if rows.table == Table::Customers && conn.dialect() == Dialect::Postgres {
                customers_aside = indexes;
            } else {
                set_aside.extend(indexes);
            }
        }
        let columns = rows.table.columns();
        bulk::insert_rows(org, conn, table, &columns, rows.values)
            .await
            .map_err(|error| LoadError::Table { table, error })?;
        tracing::debug!(table, rows = count, elapsed_ms = started.elapsed().as_millis() as u64, "imported");
    }
    let started = std::time::Instant::now();
    // PostgreSQL sets no index aside (`bulk::set_indexes_aside`), but its
    // bulk loads need statistics as much.
    let large = !set_aside.is_empty() || (loaded_in_bulk && conn.dialect() == Dialect::Postgres);
    bulk::restore_indexes(conn, set_aside).await?;
    tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, "indexes restored");
    // The new customers get every summary column computed (everyone's when
    // the document changed existing records).
    // PostgreSQL plans the summary columns' per-customer subqueries from
    // statistics: with none for the tables just loaded it scans them whole
    // for each customer (a 100,000-customer import ran for over ten
    // minutes). SQLite's plans do not need them here, and are left as they were.
    if large && conn.dialect() == Dialect::Postgres {
        let started = std::time::Instant::now();
        bulk::analyze(conn).await?;
        tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, "statistics gathered for the summaries");
    }
    // Running recurring memberships imported without an end date get their
    // current period's end (docs/import.md); then events for the reservations.
    derived::fill_missing_terms(org, conn, today).await?;
    events::assign_events(org, conn).await?;
    let started = std::time::Instant::now();
    if changed {
        // Records of existing customers changed (their own, a membership or
        // a relation that covers them): every customer's summary is computed
        // again, which is simpler than tracing whom each change touched.
        derived::refresh_customer_range(org, conn, 0, i64::MAX, today).await?;
    } else if let Some((first, last)) = new_customers {
        derived::refresh_customer_range(org, conn, first, last, today).await?;
    }
    tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, "summary columns computed");
    let started = std::time::Instant::now();
    bulk::restore_indexes(conn, customers_aside).await?;
    tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, "customer indexes restored");
    if large {
        // The data's shape changed enough for the planner's statistics to matter.
        let started = std::time::Instant::now();
        bulk::analyze(conn).await?;
        tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, "statistics gathered");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::subrecords::{
        AlertRow, ChallengeRow, DocumentRow, EmergencyContactRow, EntryPassRow, EventVoucherRow, GuestPassUsageRow,
        LedgerRow, MedicalNoteRow, NoteRow, ProficiencyRow, RelationRow, ReservationRow,
    };

    /// A sub-record kind's import columns as its declaration gives them: its
    /// owner (unless one of its own columns already), its own columns but
    /// `id`, then `extra` ones the listing does not read.
    fn owned(owner: &'static str, own: &[&'static str], extra: &[&'static str]) -> Vec<&'static str> {
        let owner = (!own.contains(&owner)).then_some(owner);
        owner.into_iter().chain(own.iter().copied().filter(|c| *c != "id")).chain(extra.iter().copied()).collect()
    }

    #[test]
    fn a_sub_record_tables_import_row_is_its_declared_columns_with_its_owner() {
        let c = "customer_id";
        for (table, declared) in [
            (Table::Documents, owned(c, DocumentRow::COLUMNS, &[])),
            (Table::EmergencyContacts, owned(c, EmergencyContactRow::COLUMNS, &[])),
            (Table::MedicalNotes, owned(c, MedicalNoteRow::COLUMNS, &[])),
            (Table::Notes, owned(c, NoteRow::COLUMNS, &[])),
            (Table::Alerts, owned(c, AlertRow::COLUMNS, &[])),
            (Table::EntryPasses, owned("owner_id", EntryPassRow::COLUMNS, &["association_id"])),
            (Table::CustomerProficiencies, owned(c, ProficiencyRow::COLUMNS, &[])),
            (Table::CustomerChallenges, owned(c, ChallengeRow::COLUMNS, &[])),
            (Table::Reservations, owned(c, ReservationRow::COLUMNS, &[])),
            (Table::Credits, owned(c, LedgerRow::COLUMNS, &[])),
            (Table::Payments, owned(c, LedgerRow::COLUMNS, &[])),
            (Table::EventVouchers, owned(c, EventVoucherRow::COLUMNS, &[])),
            (Table::GuestPassUsages, owned(c, GuestPassUsageRow::COLUMNS, &[])),
            (Table::Relations, owned(c, RelationRow::COLUMNS, &[])),
        ] {
            assert_eq!(table.columns(), declared, "{table:?}");
        }
    }

    #[test]
    fn rows_are_pushed_whole_by_name() {
        let mut rows = TableRows::new(Table::Notes);
        let note = |text: &str| row::Note {
            customer_id: 7.into(),
            note: text.to_string().into(),
            created_at: 1.into(),
            updated_at: 2.into(),
        };
        rows.push(note("a"));
        rows.push(note("b"));
        assert_eq!((rows.len(), rows.values.len()), (2, 8));
        assert_eq!(Table::Notes.columns(), ["customer_id", "note", "created_at", "updated_at"]);
    }
}
