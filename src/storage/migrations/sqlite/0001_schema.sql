-- The whole frontdesk schema for SQLite.
--
-- Conventions, shared with the PostgreSQL schema that will sit beside this folder:
-- * every row carries org_id, and every reference to another org-owned row is a
--   composite foreign key (org_id, x_id) -> parent(org_id, id), so a row can never
--   point into another organization;
-- * instants are INTEGER microseconds since the Unix epoch, UTC; calendar dates are
--   TEXT 'YYYY-MM-DD' (sortable); booleans are INTEGER 0/1;
-- * optional free-text fields are NOT NULL DEFAULT '' (Capitan answers "" for them).

CREATE TABLE organizations (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    time_zone     TEXT NOT NULL,
    -- the org-local date for which customers' date-dependent summary columns
    -- (membership, waiver and pass flags) were last recomputed
    derived_as_of TEXT,
    -- check-in milestone interval ("100th check-in!")
    milestone_every INTEGER NOT NULL DEFAULT 100,
    created_at    INTEGER NOT NULL
);

CREATE TABLE locations (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organizations(id),
    name       TEXT NOT NULL,
    time_zone  TEXT NOT NULL,
    combine_same_day_check_ins INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, name)
);

CREATE TABLE staff_users (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organizations(id),
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    location_id   INTEGER,
    is_active     INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, location_id) REFERENCES locations(org_id, id)
);

-- Tokens are 40 hex characters as Capitan issues them; only their SHA-256 is kept.
CREATE TABLE api_tokens (
    token_sha256 TEXT PRIMARY KEY,
    org_id       INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    FOREIGN KEY (org_id, user_id) REFERENCES staff_users(org_id, id) ON DELETE CASCADE
);

CREATE TABLE customers (
    id                          INTEGER PRIMARY KEY,
    org_id                      INTEGER NOT NULL REFERENCES organizations(id),
    email                       TEXT NOT NULL,
    email_key                   TEXT NOT NULL,           -- lower-cased email, for uniqueness
    first_name                  TEXT NOT NULL,
    last_name                   TEXT NOT NULL,
    preferred_name              TEXT NOT NULL DEFAULT '',
    birthday                    TEXT NOT NULL,
    address_postcode            TEXT NOT NULL DEFAULT '',
    address_postcode_key        TEXT NOT NULL DEFAULT '', -- lower-cased, trimmed postcode
    address_street_1            TEXT NOT NULL DEFAULT '',
    address_street_2            TEXT NOT NULL DEFAULT '',
    address_city                TEXT NOT NULL DEFAULT '',
    address_state               TEXT NOT NULL DEFAULT '',
    address_country             TEXT NOT NULL DEFAULT '',
    government_id               TEXT NOT NULL DEFAULT '',
    telephone                   TEXT NOT NULL DEFAULT '',
    gender                      TEXT,
    pronouns                    TEXT NOT NULL DEFAULT '',
    has_opted_in_to_marketing   INTEGER NOT NULL DEFAULT 0,
    barcode                     TEXT,                     -- NULL when empty: unique only when set
    profile_image               TEXT,                     -- file name under the media dir
    profile_image_small         TEXT,
    home_location_id            INTEGER,
    capitan_invite_sent         INTEGER NOT NULL DEFAULT 0,
    has_capitan_login           INTEGER NOT NULL DEFAULT 0,
    is_active                   INTEGER NOT NULL DEFAULT 1, -- a deactivated account cannot check in
    -- summary columns, kept in step with the rows they summarise by storage::derived
    check_in_count              INTEGER NOT NULL DEFAULT 0,
    first_check_in_at           INTEGER,
    latest_check_in_at          INTEGER,
    first_membership_date       TEXT,                     -- earliest start among memberships covering them that have started
    has_active_membership       INTEGER NOT NULL DEFAULT 0,
    has_active_youth_membership INTEGER NOT NULL DEFAULT 0,
    has_active_adult_membership INTEGER NOT NULL DEFAULT 0,
    has_future_membership       INTEGER NOT NULL DEFAULT 0,
    has_frozen_membership       INTEGER NOT NULL DEFAULT 0,
    available_entry_passes      INTEGER NOT NULL DEFAULT 0,
    active_waiver_exists        INTEGER NOT NULL DEFAULT 0,
    latest_waiver_expiration    TEXT,
    has_medical_notes           INTEGER NOT NULL DEFAULT 0,
    -- ordering and search keys, computed in Rust (Unicode lower-casing)
    sort_last                   TEXT NOT NULL,
    sort_first                  TEXT NOT NULL,
    search_text                 TEXT NOT NULL,
    created_at                  INTEGER NOT NULL,
    updated_at                  INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, home_location_id) REFERENCES locations(org_id, id)
);
CREATE UNIQUE INDEX customers_email_key ON customers (org_id, email_key);
CREATE UNIQUE INDEX customers_barcode ON customers (org_id, barcode) WHERE barcode IS NOT NULL;
CREATE INDEX customers_order ON customers (org_id, sort_last, sort_first, id);
CREATE INDEX customers_birthday ON customers (org_id, birthday);
CREATE INDEX customers_created ON customers (org_id, created_at);
CREATE INDEX customers_postcode ON customers (org_id, address_postcode_key);
CREATE INDEX customers_latest_check_in ON customers (org_id, latest_check_in_at);
CREATE INDEX customers_first_membership ON customers (org_id, first_membership_date);
CREATE INDEX customers_check_in_count ON customers (org_id, check_in_count);

-- Substring search: a trigram index over the lower-cased search_text column.
CREATE VIRTUAL TABLE customer_search USING fts5(
    search_text, content='customers', content_rowid='id', tokenize='trigram'
);
CREATE TRIGGER customers_search_ai AFTER INSERT ON customers BEGIN
    INSERT INTO customer_search(rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER customers_search_ad AFTER DELETE ON customers BEGIN
    INSERT INTO customer_search(customer_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER customers_search_au AFTER UPDATE OF search_text ON customers BEGIN
    INSERT INTO customer_search(customer_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO customer_search(rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE TABLE custom_fields (
    id       INTEGER PRIMARY KEY,
    org_id   INTEGER NOT NULL REFERENCES organizations(id),
    name     TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, id),
    UNIQUE (org_id, name)
);
CREATE TABLE custom_field_values (
    org_id      INTEGER NOT NULL,
    customer_id INTEGER NOT NULL,
    field_id    INTEGER NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (customer_id, field_id),
    FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, field_id) REFERENCES custom_fields(org_id, id) ON DELETE CASCADE
);

CREATE TABLE tags (
    id     INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    name   TEXT NOT NULL,
    name_key TEXT NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, name_key)
);
CREATE TABLE customer_tags (
    org_id      INTEGER NOT NULL,
    customer_id INTEGER NOT NULL,
    tag_id      INTEGER NOT NULL,
    PRIMARY KEY (customer_id, tag_id),
    FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, tag_id) REFERENCES tags(org_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_tags_by_tag ON customer_tags (tag_id, customer_id);

CREATE TABLE proficiencies (
    id     INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    name   TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    UNIQUE (org_id, id),
    UNIQUE (org_id, name)
);
CREATE TABLE customer_proficiencies (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL,
    customer_id    INTEGER NOT NULL,
    proficiency_id INTEGER NOT NULL,
    is_active      INTEGER NOT NULL DEFAULT 1,
    granted_at     INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (customer_id, proficiency_id),
    FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, proficiency_id) REFERENCES proficiencies(org_id, id)
);
CREATE INDEX customer_proficiencies_by_proficiency ON customer_proficiencies (proficiency_id, customer_id);

CREATE TABLE membership_types (
    id                   INTEGER PRIMARY KEY,
    org_id               INTEGER NOT NULL REFERENCES organizations(id),
    name                 TEXT NOT NULL,
    description          TEXT NOT NULL DEFAULT '',
    status               TEXT NOT NULL DEFAULT 'ACT',
    purchase_type        TEXT NOT NULL DEFAULT 'REC',
    interval             TEXT NOT NULL DEFAULT 'MON',
    is_group             INTEGER NOT NULL DEFAULT 0,
    is_youth_programming INTEGER NOT NULL DEFAULT 0,
    billing_amount       TEXT NOT NULL DEFAULT '0.00',
    -- NULL: valid at every location of the organization
    location_id          INTEGER,
    created_at           INTEGER NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, name),
    FOREIGN KEY (org_id, location_id) REFERENCES locations(org_id, id)
);

-- A customer's enrolment in a membership type. The owner pays; the members
-- (customer_membership_members) are who it covers.
CREATE TABLE customer_memberships (
    id                 INTEGER PRIMARY KEY,
    org_id             INTEGER NOT NULL,
    membership_type_id INTEGER NOT NULL,
    owner_id           INTEGER NOT NULL,
    status             TEXT NOT NULL,  -- ACT FRZ END CAN FUT PAY IPC
    start_date         TEXT NOT NULL,
    end_date           TEXT,
    interval           TEXT NOT NULL DEFAULT 'MON',
    billing_amount     TEXT NOT NULL DEFAULT '0.00',
    unfreeze_date      TEXT,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, membership_type_id) REFERENCES membership_types(org_id, id),
    FOREIGN KEY (org_id, owner_id) REFERENCES customers(org_id, id)
);
CREATE INDEX customer_memberships_owner ON customer_memberships (owner_id);
CREATE INDEX customer_memberships_start ON customer_memberships (org_id, start_date, id);
CREATE INDEX customer_memberships_end ON customer_memberships (org_id, end_date);
CREATE TABLE customer_membership_members (
    id                      INTEGER PRIMARY KEY,
    org_id                  INTEGER NOT NULL,
    membership_id           INTEGER NOT NULL,
    customer_id             INTEGER NOT NULL,
    is_individually_frozen  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (membership_id, customer_id),
    FOREIGN KEY (org_id, membership_id) REFERENCES customer_memberships(org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_membership_members_customer ON customer_membership_members (customer_id, membership_id);

CREATE TABLE associations (
    id     INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    name   TEXT NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, name)
);
CREATE TABLE association_members (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL,
    association_id INTEGER NOT NULL,
    customer_id    INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    UNIQUE (association_id, customer_id),
    FOREIGN KEY (org_id, association_id) REFERENCES associations(org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id) ON DELETE CASCADE
);
CREATE INDEX association_members_customer ON association_members (customer_id, association_id);

CREATE TABLE entry_passes (
    id                  INTEGER PRIMARY KEY,
    org_id              INTEGER NOT NULL,
    owner_id            INTEGER NOT NULL,
    name                TEXT NOT NULL,
    uses_total          INTEGER NOT NULL,
    uses_remaining      INTEGER NOT NULL CHECK (uses_remaining >= 0),
    expiration_date     TEXT,
    is_association_pass INTEGER NOT NULL DEFAULT 0,
    association_id      INTEGER,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, owner_id) REFERENCES customers(org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, association_id) REFERENCES associations(org_id, id)
);
CREATE INDEX entry_passes_owner ON entry_passes (owner_id);
CREATE INDEX entry_passes_expiry ON entry_passes (org_id, expiration_date);

-- Passes an owner shares with another customer (shared_passes_url).
CREATE TABLE shared_passes (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL,
    entry_pass_id INTEGER NOT NULL,
    customer_id   INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    UNIQUE (entry_pass_id, customer_id),
    FOREIGN KEY (org_id, entry_pass_id) REFERENCES entry_passes(org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id) ON DELETE CASCADE
);
CREATE INDEX shared_passes_customer ON shared_passes (customer_id);

CREATE TABLE guest_pass_usages (
    id               INTEGER PRIMARY KEY,
    org_id           INTEGER NOT NULL,
    customer_id      INTEGER NOT NULL,     -- the host whose pass was used
    guest_first_name TEXT NOT NULL DEFAULT '',
    guest_last_name  TEXT NOT NULL DEFAULT '',
    location_id      INTEGER,
    used_at          INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, location_id) REFERENCES locations(org_id, id)
);
CREATE INDEX guest_pass_usages_customer ON guest_pass_usages (customer_id);

CREATE TABLE documents (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL,
    customer_id     INTEGER NOT NULL,
    name            TEXT NOT NULL,
    pdf             TEXT,
    expiration_date TEXT,                  -- NULL: never expires
    status          TEXT NOT NULL DEFAULT 'ACT', -- ACT, or REV (revoked)
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id) ON DELETE CASCADE
);
CREATE INDEX documents_customer ON documents (customer_id);
CREATE INDEX documents_expiry ON documents (org_id, expiration_date);

CREATE TABLE event_types (
    id     INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    name   TEXT NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, name)
);
CREATE TABLE reservations (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL,
    customer_id   INTEGER NOT NULL,
    event_type_id INTEGER NOT NULL,
    location_id   INTEGER,
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER NOT NULL,
    status        TEXT NOT NULL DEFAULT 'CON', -- CON confirmed, CAN cancelled
    created_at    INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, event_type_id) REFERENCES event_types(org_id, id),
    FOREIGN KEY (org_id, location_id) REFERENCES locations(org_id, id)
);
CREATE INDEX reservations_customer ON reservations (customer_id, starts_at);
CREATE INDEX reservations_event_type ON reservations (event_type_id, customer_id);

CREATE TABLE event_vouchers (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL,
    customer_id     INTEGER NOT NULL,
    name            TEXT NOT NULL,
    uses_remaining  INTEGER NOT NULL DEFAULT 1,
    expiration_date TEXT,
    created_at      INTEGER NOT NULL,
    FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id) ON DELETE CASCADE
);
CREATE INDEX event_vouchers_customer ON event_vouchers (customer_id);

CREATE TABLE credits (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL,
    customer_id INTEGER NOT NULL,
    amount      TEXT NOT NULL,            -- decimal string
    description TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id) ON DELETE CASCADE
);
CREATE INDEX credits_customer ON credits (customer_id);

CREATE TABLE payments (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL,
    customer_id INTEGER NOT NULL,
    amount      TEXT NOT NULL,            -- decimal string
    description TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id) ON DELETE CASCADE
);
CREATE INDEX payments_customer ON payments (customer_id);

CREATE TABLE challenges (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organizations(id),
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    UNIQUE (org_id, id),
    UNIQUE (org_id, name)
);
CREATE TABLE customer_challenges (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL,
    customer_id  INTEGER NOT NULL,
    challenge_id INTEGER NOT NULL,
    status       TEXT NOT NULL DEFAULT 'INP', -- INP in progress, COM completed
    started_at   INTEGER NOT NULL,
    completed_at INTEGER,
    UNIQUE (customer_id, challenge_id),
    FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, challenge_id) REFERENCES challenges(org_id, id)
);
CREATE INDEX customer_challenges_by_challenge ON customer_challenges (challenge_id, customer_id);

CREATE TABLE emergency_contacts (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL,
    customer_id INTEGER NOT NULL,
    first_name  TEXT NOT NULL,
    last_name   TEXT NOT NULL,
    telephone   TEXT NOT NULL,
    email       TEXT NOT NULL DEFAULT '',
    relation    TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id) ON DELETE CASCADE
);
CREATE INDEX emergency_contacts_customer ON emergency_contacts (customer_id);

CREATE TABLE relations (
    id                  INTEGER PRIMARY KEY,
    org_id              INTEGER NOT NULL,
    customer_id         INTEGER NOT NULL,
    related_customer_id INTEGER NOT NULL,
    relation            TEXT NOT NULL,  -- describes the related customer: SPO PRT PRE CHI GUA WAR SIB OTH
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    UNIQUE (customer_id, related_customer_id),
    CHECK (customer_id <> related_customer_id),
    FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, related_customer_id) REFERENCES customers(org_id, id) ON DELETE CASCADE
);
CREATE INDEX relations_related ON relations (related_customer_id);

-- Relation requests awaiting the other customer's acceptance.
CREATE TABLE pending_relations (
    id                  INTEGER PRIMARY KEY,
    org_id              INTEGER NOT NULL,
    customer_id         INTEGER NOT NULL, -- who asked
    related_customer_id INTEGER NOT NULL, -- who must accept
    relation            TEXT NOT NULL,
    created_at          INTEGER NOT NULL,
    UNIQUE (customer_id, related_customer_id),
    FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, related_customer_id) REFERENCES customers(org_id, id) ON DELETE CASCADE
);
CREATE INDEX pending_relations_related ON pending_relations (related_customer_id);

CREATE TABLE medical_notes (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL,
    customer_id   INTEGER NOT NULL,
    medical_notes TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id) ON DELETE CASCADE
);
CREATE INDEX medical_notes_customer ON medical_notes (customer_id);

CREATE TABLE notes (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL,
    customer_id INTEGER NOT NULL,
    note        TEXT NOT NULL,
    created_by  INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id) ON DELETE CASCADE
);
CREATE INDEX notes_customer ON notes (customer_id);

CREATE TABLE alerts (
    id                INTEGER PRIMARY KEY,
    org_id            INTEGER NOT NULL,
    customer_id       INTEGER NOT NULL,
    message           TEXT NOT NULL,
    prevents_check_in INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id) ON DELETE CASCADE
);
CREATE INDEX alerts_customer ON alerts (customer_id);

CREATE TABLE check_ins (
    id                       INTEGER PRIMARY KEY,
    org_id                   INTEGER NOT NULL,
    customer_id              INTEGER NOT NULL,
    location_id              INTEGER NOT NULL,
    checked_in_at            INTEGER NOT NULL,  -- UTC instant
    local_datetime           TEXT NOT NULL,     -- the location's wall clock, 'YYYY-MM-DDTHH:MM:SS'
    checked_out_at           INTEGER,
    local_checkout_datetime  TEXT,
    entry_method             TEXT NOT NULL,     -- MEM ENT GUE FRE EVE
    entry_method_description TEXT NOT NULL DEFAULT '',
    free_entry_reason        TEXT,
    membership_id            INTEGER,
    entry_pass_id            INTEGER,
    reservation_id           INTEGER,
    staff_user_id            INTEGER,
    is_automatic             INTEGER NOT NULL DEFAULT 0,
    created_at               INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, location_id) REFERENCES locations(org_id, id)
);
CREATE INDEX check_ins_customer ON check_ins (customer_id, checked_in_at);
CREATE INDEX check_ins_org_time ON check_ins (org_id, checked_in_at, id);
CREATE INDEX check_ins_org_local ON check_ins (org_id, local_datetime, id);

-- Remembered answers to POSTs that carried an Idempotency-Key header.
CREATE TABLE idempotency_keys (
    org_id        INTEGER NOT NULL,
    key           TEXT NOT NULL,
    request_fingerprint TEXT NOT NULL,
    status        INTEGER NOT NULL,
    content_type  TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (org_id, key)
);

-- Who changed what, through the API, on a customer or one of its sub-records.
CREATE TABLE activity_log (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL,
    customer_id   INTEGER NOT NULL,
    staff_user_id INTEGER,
    action        TEXT NOT NULL,  -- create, update, delete, check_in, void_check_in
    entity        TEXT NOT NULL,  -- customer, emergency_contact, relation, ...
    entity_id     INTEGER,
    changes       TEXT NOT NULL,  -- JSON object: field -> {"from": .., "to": ..}
    created_at    INTEGER NOT NULL,
    FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id) ON DELETE CASCADE
);
CREATE INDEX activity_log_customer ON activity_log (customer_id, id);
