//! `GET /api/schema/`: the API described to a machine, as an OpenAPI 3.1
//! document built from the code that serves it.
//!
//! What comes from where:
//! - record shapes: the field names (and, where their default is not null,
//!   their JSON types) of the very structs the handlers serialize, read by
//!   serializing a default value; a field whose default is null is typed
//!   from its name (`*_id` an integer, `*date`/`birthday` a date, `*_at`,
//!   `*datetime`, `*timestamp` text) or left open;
//! - write bodies: the model's field declarations ([`CUSTOMER_FIELDS`], the
//!   sub-record forms), the same tables the server validates with;
//! - paths, methods, parameters and answers: the table below, beside the
//!   router; `tests/api/openapi.rs` checks every documented operation is
//!   routed and that `docs/openapi.json` is this document.
//!
//! The document is public (no token): it describes no gym's data, as
//! Capitan's own documentation is public, and client generators and schema
//! fuzzers fetch it before they have a login.

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::AppState;
use super::error::method_not_allowed;
use crate::model::check_in::{BarcodeCheckIn, CheckIn, EntryMethod};
use crate::model::check_in_rules::OVERRIDE_REASON_MAX;
use crate::model::customer::CUSTOMER_FIELDS;
use crate::model::customer::Gender;
use crate::model::fields::{FieldKind, FieldSpec};
use crate::model::filters::{CUSTOMER_FILTERS, FilterKind, MAX_LIST_VALUES, MAX_SEARCH_WORDS};
use crate::model::paging::MAX_PAGE_SIZE;
use crate::model::subrecords::{
    ALERT_FORM, ActivityEntry, Alert, CustomerChallenge, CustomerMembership, CustomerProficiency, Document,
    EMERGENCY_CONTACT_FORM, EmergencyContact, EntryPass, EventVoucher, GuestPassUsage, LedgerEntry, MEDICAL_NOTE_FORM,
    MedicalNote, MembershipType, NOTE_FORM, Note, PendingRelation, RELATION_CODES, Relation, Reservation,
    ReservationPart, SharedPass, SubRecordForm,
};
use crate::model::{Customer, customer::CustomFieldValue};

pub const PATH: &str = "/api/schema/";

pub fn routes() -> Router<AppState> {
    Router::new().route(PATH, get(serve).fallback(method_not_allowed))
}

async fn serve() -> Response {
    axum::Json(document()).into_response()
}

/// The whole document, pretty-printed as committed in `docs/openapi.json`.
pub fn document_text() -> String {
    // A `Value`'s alternate form is `to_string_pretty`'s, which cannot fail for a `Value`.
    format!("{:#}\n", document())
}

/// A customer sub-collection: its path segment, record schema, write form.
struct Sub {
    segment: &'static str,
    schema: &'static str,
    form: Option<SubRecordForm>,
}

const fn sub(segment: &'static str, schema: &'static str, form: Option<SubRecordForm>) -> Sub {
    Sub { segment, schema, form }
}

/// Every customer sub-collection the router mounts (`relations/` and
/// `check-ins/` have operations of their own).
const SUBS: [Sub; 19] = [
    sub("emergency-contacts", "EmergencyContact", Some(EMERGENCY_CONTACT_FORM)),
    sub("medical-notes", "MedicalNote", Some(MEDICAL_NOTE_FORM)),
    sub("notes", "Note", Some(NOTE_FORM)),
    sub("alerts", "Alert", Some(ALERT_FORM)),
    sub("documents", "Document", None),
    sub("event-vouchers", "EventVoucher", None),
    sub("credits", "LedgerEntry", None),
    sub("payments", "LedgerEntry", None),
    sub("guest-pass-usages", "GuestPassUsage", None),
    sub("shared-passes", "SharedPass", None),
    sub("memberships", "CustomerMembership", None),
    sub("entry-passes", "EntryPass", None),
    sub("challenges", "CustomerChallenge", None),
    sub("proficiencies", "CustomerProficiency", None),
    sub("reservations", "Reservation", None),
    sub("reservation-parts", "ReservationPart", None),
    sub("pending-relations", "PendingRelation", None),
    sub("incoming-pending-relations", "PendingRelation", None),
    sub("activity-log", "ActivityEntry", None),
];

/// The read-only top-level collections and their record schemas.
const TOP_LEVEL: [(&str, &str); 6] = [
    ("gyms", "Gym"),
    ("memberships", "MembershipType"),
    ("customer-memberships", "CustomerMembership"),
    ("customer-entry-passes", "EntryPass"),
    ("reservations", "ReservationRecord"),
    ("events", "Event"),
];

/// The customer list's filters, from the model's table: (name, kind, description).
fn customer_filters() -> Vec<(&'static str, &'static str, &'static str)> {
    CUSTOMER_FILTERS
        .iter()
        .map(|p| {
            let kind = match p.kind {
                FilterKind::Search | FilterKind::Words => "words",
                FilterKind::Whole => "integer",
                FilterKind::Date => "date",
                FilterKind::Bool => "boolean",
                FilterKind::Ids => "ids",
                FilterKind::Gender => "gender",
                FilterKind::StatusOrName => "text",
            };
            (p.name, kind, p.doc)
        })
        .collect()
}

/// The check-in list's filters.
const CHECK_IN_FILTERS: [(&str, &str, &str); 6] = [
    ("check_in_datetime__gte", "datetime", "At or after this local date and time (or date)."),
    ("check_in_datetime__lte", "datetime", "At or before this local date and time (or date)."),
    ("customer_id", "integer", ""),
    ("location_id", "integer", ""),
    ("entry_method", "entry_method", "An entry method code."),
    ("ordering", "text", "`check_in_datetime`, `created_at` or `id`, `-` first for descending."),
];

pub fn document() -> Value {
    let mut paths = Map::new();
    auth_paths(&mut paths);
    customer_paths(&mut paths);
    check_in_paths(&mut paths);
    gym_paths(&mut paths);

    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "frontdesk: the Capitan-compatible Customers API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Every path ends in a slash (the slashless form answers the same). Errors: `{\"detail\": \"…\"}` for most failures, `{\"field\": [\"message\", …]}` for invalid input, plain text for a refused check-in.",
        },
        "servers": [{"url": "/"}],
        "security": [{"token": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"token": {"type": "apiKey", "in": "header", "name": "Authorization", "description": "`Token <key>`, from `POST /api/get-token/`."}},
            "schemas": schemas(),
        },
    })
}

fn add(paths: &mut Map<String, Value>, path: String, item: Value) {
    paths.insert(path, item);
}

/// `get-token/` and this document.
fn auth_paths(paths: &mut Map<String, Value>) {
    add(
        paths,
        "/api/get-token/".into(),
        json!({ "post": public(op("Log in: a token for a username and password (or, our extension, PIN)", "auth", vec![], Some(login_body()), responses(vec![
            ("200", json_content(json!({"type": "object", "properties": {"token": {"type": "string"}}, "required": ["token"]})), "The token to send as `Authorization: Token …`."),
            ("400", field_errors(), "Missing fields, or `non_field_errors` when the credentials are wrong."),
            ("415", json_content(schema_ref("Detail")), "Neither JSON nor a form."),
            ("429", json_content(schema_ref("Detail")), "Too many failed logins from this address or for this username, five wrong PINs or passwords in a row for this username (its logins locked for a minute), or every password check is busy: try again after `Retry-After` seconds."),
        ]))),
        "delete": op("Log out: revoke the token this request carries (our extension)", "auth", vec![], None, responses(vec![
            ("204", json!({}), "The token no longer works."),
            ("401", json_content(schema_ref("Detail")), "No token, or one already revoked or expired."),
        ])) }),
    );
    add(
        paths,
        PATH.into(),
        json!({ "get": public(json!({
        "summary": "This document", "tags": ["schema"], "security": [],
        "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}}
    })) }),
    );
}

/// Customers and their sub-collections.
fn customer_paths(paths: &mut Map<String, Value>) {
    add(
        paths,
        "/api/customers/".into(),
        json!({
            "get": op("List customers", "customers", list_params(&customer_filters()), None, list_responses("Customer", true)),
            "post": op("Create a customer", "customers", vec![], Some(customer_body(true)), write_responses("Customer", "201", false)),
        }),
    );
    add(paths, super::duplicates::PATH.into(), possible_duplicates());
    add(
        paths,
        "/api/customers/{id}/".into(),
        json!({
            "parameters": [path_id("id")],
            "get": op("Read a customer", "customers", vec![], None, read_responses("Customer")),
            "put": op("Replace a customer", "customers", vec![], Some(customer_body(true)), write_responses("Customer", "200", true)),
            "patch": op("Change some of a customer's fields, or its photo (multipart)", "customers", vec![], Some(customer_patch_body()), photo_responses()),
        }),
    );
    for s in &SUBS {
        let collection = format!("/api/customers/{{id}}/{}/", s.segment);
        let record = format!("/api/customers/{{id}}/{}/{{record_id}}/", s.segment);
        let mut list = json!({
            "parameters": [path_id("id")],
            "get": op(&format!("List a customer's {}", s.segment), "customer records", page_params(), None, list_responses(s.schema, false)),
        });
        let mut one = json!({
            "parameters": [path_id("id"), path_id("record_id")],
            "get": op(&format!("Read one of a customer's {}", s.segment), "customer records", vec![], None, read_responses(s.schema)),
        });
        if let Some(form) = s.form {
            list["post"] = op(
                &format!("Add to a customer's {}", s.segment),
                "customer records",
                vec![],
                Some(form_body(form.fields, true)),
                write_responses(s.schema, "201", true),
            );
            one["put"] = op(
                "Replace the record",
                "customer records",
                vec![],
                Some(form_body(form.fields, true)),
                write_responses(s.schema, "200", true),
            );
            one["patch"] = op(
                "Change some of the record's fields",
                "customer records",
                vec![],
                Some(form_body(form.fields, false)),
                write_responses(s.schema, "200", true),
            );
            one["delete"] = op("Delete the record", "customer records", vec![], None, deleted());
        }
        add(paths, collection, list);
        add(paths, record, one);
    }
    add(
        paths,
        "/api/customers/{id}/relations/".into(),
        json!({
            "parameters": [path_id("id")],
            "get": op("List a customer's relations", "customer records", page_params(), None, list_responses("Relation", false)),
            "post": op("Relate a customer to another", "customer records", vec![], Some(relation_body()), write_responses("Relation", "201", true)),
        }),
    );
    add(
        paths,
        "/api/customers/{id}/relations/{record_id}/".into(),
        json!({
            "parameters": [path_id("id"), path_id("record_id")],
            "get": op("Read a relation", "customer records", vec![], None, read_responses("Relation")),
            "delete": op("Delete a relation (and its reverse)", "customer records", vec![], None, deleted()),
        }),
    );
}

/// Check-ins: the lists, voiding and the two barcode doors.
fn check_in_paths(paths: &mut Map<String, Value>) {
    add(
        paths,
        "/api/customers/{id}/check-ins/".into(),
        json!({
            "parameters": [path_id("id")],
            "get": op("List a customer's check-ins", "check-ins", list_params(&CHECK_IN_FILTERS[..2]), None, list_responses("CheckIn", true)),
            "post": op(
                "Check a customer in by id (ours: a family member, perhaps without a card; as a barcode scan)",
                "check-ins", vec![idempotency_key()], Some(check_in_body()), check_in_responses(),
            ),
        }),
    );
    add(
        paths,
        "/api/customers/{id}/check-in-preview/".into(),
        json!({
            "parameters": [path_id("id")],
            "get": op(
                "What a check-in of the customer would answer now, with nothing written (ours)",
                "check-ins",
                vec![json!({"name": "location_id", "in": "query", "schema": {"type": "integer"},
                            "description": "Where; as a check-in's body (default: the staff user's location, else the only one)."})],
                None,
                preview_responses(),
            ),
        }),
    );
    add(
        paths,
        "/api/customers/{id}/check-ins/{check_in_id}/".into(),
        json!({
            "parameters": [path_id("id"), path_id("check_in_id")],
            "get": op("Read one of a customer's check-ins", "check-ins", vec![], None, read_responses("CheckIn")),
        }),
    );
    add(
        paths,
        "/api/check-ins/".into(),
        json!({ "get": op("List check-ins", "check-ins", list_params(&CHECK_IN_FILTERS), None, list_responses("CheckIn", true)) }),
    );
    add(
        paths,
        "/api/check-ins/{id}/".into(),
        json!({
            "parameters": [path_id("id")],
            "get": op("Read a check-in", "check-ins", vec![], None, read_responses("CheckIn")),
            "delete": op("Void a check-in", "check-ins", vec![], None, deleted()),
        }),
    );
    for (door, summary) in [
        ("barcode-check-in", "Check a customer in by barcode"),
        ("open-door-check-in", "Check a customer in by barcode at an open door (no entitlement needed)"),
    ] {
        add(
            paths,
            format!("/api/gym-endpoints/{door}/{{barcode}}/"),
            json!({
                "parameters": [{"name": "barcode", "in": "path", "required": true, "schema": {"type": "string"}}],
                "post": op(summary, "check-ins", vec![idempotency_key()], Some(check_in_body()), check_in_responses()),
            }),
        );
    }
}

/// The top-level collections and the stored photos.
fn gym_paths(paths: &mut Map<String, Value>) {
    for (collection, schema) in TOP_LEVEL {
        add(
            paths,
            format!("/api/{collection}/"),
            json!({ "get": op(&format!("List {collection}"), "gym", page_params(), None, list_responses(schema, false)) }),
        );
        add(
            paths,
            format!("/api/{collection}/{{id}}/"),
            json!({ "parameters": [path_id("id")], "get": op(&format!("Read one of {collection}"), "gym", vec![], None, read_responses(schema)) }),
        );
    }
    add(
        paths,
        "/media/{file}".into(),
        json!({
            "parameters": [{"name": "file", "in": "path", "required": true, "schema": {"type": "string"}}],
            "get": public(json!({
                "summary": "A stored profile photo (the URLs in `profile_image` and `profile_image_small`)",
                "tags": ["photos"], "security": [],
                "responses": {
                    "200": {"description": "The JPEG", "content": {"image/jpeg": {"schema": {"type": "string", "contentEncoding": "binary"}}}},
                    "404": detail_response("No such photo."),
                },
            })),
        }),
    );
}

/// An operation: summary, tag, parameters, body and responses.
fn op(summary: &str, tag: &str, parameters: Vec<Value>, body: Option<Value>, responses: Value) -> Value {
    let mut op = json!({ "summary": summary, "tags": [tag], "responses": responses });
    if !parameters.is_empty() {
        op["parameters"] = Value::Array(parameters);
    }
    if let Some(body) = body {
        op["requestBody"] = body;
    }
    op
}

/// Marks an operation as needing no token.
fn public(mut op: Value) -> Value {
    op["security"] = json!([]);
    op
}

fn path_id(name: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "integer"}})
}

fn idempotency_key() -> Value {
    json!({"name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string", "maxLength": 255},
        "description": "A replay with the same key and request answers what the first did, with `Idempotent-Replayed: true`."})
}

fn page_params() -> Vec<Value> {
    vec![
        json!({"name": "page", "in": "query", "schema": {"anyOf": [{"type": "integer", "minimum": 1}, {"const": "last"}]}}),
        json!({"name": "page_size", "in": "query", "schema": {"type": "integer"},
            "description": format!("At most {MAX_PAGE_SIZE}; larger sizes are clamped, others mean the default.")}),
    ]
}

fn list_params(filters: &[(&str, &str, &str)]) -> Vec<Value> {
    let mut params = page_params();
    for &(name, kind, description) in filters {
        let schema = match kind {
            "integer" => json!({"type": "integer"}),
            "boolean" => json!({"type": "string", "enum": ["true", "false", "1", "0", "yes", "no"]}),
            "date" => json!({"type": "string", "format": "date"}),
            "gender" => json!({"type": "string", "enum": Gender::ALL.map(Gender::code)}),
            "entry_method" => json!({"type": "string", "enum": EntryMethod::ALL.map(EntryMethod::code)}),
            "words" if name == "search" => {
                json!({"type": "string", "description": format!("At most {MAX_SEARCH_WORDS} words.")})
            }
            "words" | "ids" => json!({"type": "string", "description": format!("At most {MAX_LIST_VALUES} values.")}),
            _ => json!({"type": "string"}),
        };
        let mut param = json!({"name": name, "in": "query", "schema": schema});
        if !description.is_empty() {
            param["description"] = json!(description);
        }
        params.push(param);
    }
    params
}

/// `GET /api/customers/possible-duplicates/` (our extension): its parameters and answers.
fn possible_duplicates() -> Value {
    let param = |name: &str, schema: Value, description: &str| json!({"name": name, "in": "query", "schema": schema, "description": description});
    let text = json!({"type": "string"});
    let parameters = vec![
        param(
            "first_name",
            text.clone(),
            "Compared with last_name and birthday, accents, case and punctuation ignored.",
        ),
        param("last_name", text.clone(), "Compared with first_name and birthday."),
        param("birthday", json!({"type": "string", "format": "date"}), "Compared with first_name and last_name."),
        param("email", text.clone(), "Compared case-insensitively."),
        param(
            "telephone",
            text,
            "Its last 9 digits are compared (at least 7 digits), so a leading country code or trunk 0 does not matter.",
        ),
    ];
    let mut answers = list_responses("Customer", false);
    answers["200"]["description"] = json!(
        "The organization's customers sharing an email, a phone number, or first and last name with birthday, best match first (more signals first, then the same name, then the oldest customer), at most 20; `next` and `previous` are null."
    );
    answers["400"] = with_description(
        field_errors(),
        "`birthday` not a date, or `non_field_errors` when nothing can be compared (no email, no telephone of 7 digits, no full name with birthday).",
    );
    if let Some(map) = answers.as_object_mut() {
        map.remove("404");
    }
    json!({ "get": op("Possible duplicates of a customer about to be created (our extension)", "customers", parameters, None, answers) })
}

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn json_content(schema: Value) -> Value {
    json!({"content": {"application/json": {"schema": schema}}})
}

fn with_description(mut response: Value, description: &str) -> Value {
    response["description"] = json!(description);
    response
}

fn responses(list: Vec<(&str, Value, &str)>) -> Value {
    let mut map = Map::new();
    for (status, content, description) in list {
        map.insert(status.into(), with_description(content, description));
    }
    Value::Object(map)
}

/// A `400`: the invalid fields, or `{"detail": …}` for a body that is not
/// JSON at all.
fn field_errors() -> Value {
    json_content(json!({"anyOf": [schema_ref("FieldErrors"), schema_ref("Detail")]}))
}

fn detail_response(description: &str) -> Value {
    with_description(json_content(schema_ref("Detail")), description)
}

/// What every operation behind a token may also answer.
fn common(mut map: Map<String, Value>) -> Value {
    map.insert("401".into(), detail_response("No token, or not a valid one."));
    map.insert("405".into(), detail_response("Not a method of this path."));
    Value::Object(map)
}

fn list_responses(schema: &str, filtered: bool) -> Value {
    let mut map = Map::new();
    map.insert(
        "200".into(),
        with_description(
            json_content(json!({
                "type": "object",
                "properties": {
                    "count": {"type": "integer"},
                    "next": {"type": ["string", "null"]},
                    "previous": {"type": ["string", "null"]},
                    "results": {"type": "array", "items": schema_ref(schema)},
                },
                "required": ["count", "next", "previous", "results"],
            })),
            "A page of records.",
        ),
    );
    map.insert("404".into(), detail_response("`Invalid page.`, or the customer is not found."));
    if filtered {
        map.insert("400".into(), with_description(field_errors(), "A filter's value, keyed by the parameter."));
    }
    common(map)
}

fn read_responses(schema: &str) -> Value {
    let mut map = Map::new();
    map.insert("200".into(), with_description(json_content(schema_ref(schema)), "The record."));
    map.insert("404".into(), detail_response("Not found."));
    common(map)
}

fn write_responses(schema: &str, success: &str, has_id: bool) -> Value {
    let mut map = Map::new();
    map.insert(success.into(), with_description(json_content(schema_ref(schema)), "The record as stored."));
    map.insert("400".into(), with_description(field_errors(), "Invalid fields, or a body that is not a JSON object."));
    map.insert("415".into(), detail_response("Not a JSON (or form) body."));
    map.insert("413".into(), detail_response("The body is too large."));
    if has_id {
        map.insert("404".into(), detail_response("Not found."));
    }
    common(map)
}

fn photo_responses() -> Value {
    let mut responses = write_responses("Customer", "200", true);
    responses["503"] = json!({
        "description": "Every photo decode slot is busy: try again after `Retry-After` seconds (the header is \
            sent then). Or the photo store did not accept the photo: nothing was changed.",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        "content": {"application/json": {"schema": schema_ref("Detail")}},
    });
    responses
}

fn deleted() -> Value {
    let mut map = Map::new();
    map.insert("204".into(), json!({"description": "Deleted."}));
    map.insert("400".into(), detail_response("Cannot be deleted now (a check-in of an earlier day)."));
    map.insert("404".into(), detail_response("Not found."));
    common(map)
}

fn check_in_responses() -> Value {
    let text = |description: &str| json!({"description": description, "content": {"text/plain": {"schema": {"type": "string"}}}});
    let mut map = Map::new();
    map.insert("200".into(), with_description(json_content(schema_ref("BarcodeCheckIn")), "Checked in."));
    map.insert(
        "400".into(),
        json!({
            "description": "Refused, in words for the desk: a blocking alert, no entitlement, a bad body \
                            (text/plain); or (ours) a `scanned_at` that is not a moment of the last 24 hours, \
                            or an `override_reason` that is blank, too long or not text, in DRF's field-keyed \
                            shape (application/json).",
            "content": {
                "text/plain": {"schema": {"type": "string"}},
                "application/json": {"schema": schema_ref("FieldErrors")},
            },
        }),
    );
    map.insert("404".into(), text("No customer has this barcode."));
    map.insert("415".into(), text("A body that is neither JSON nor a form."));
    map.insert("409".into(), text("The Idempotency-Key belongs to a check-in that has since been voided."));
    map.insert("422".into(), text("The Idempotency-Key was used for a different request."));
    common(map)
}

fn preview_responses() -> Value {
    let mut map = Map::new();
    map.insert(
        "200".into(),
        with_description(json_content(schema_ref("CheckInPreview")), "The verdict a check-in would get now."),
    );
    map.insert(
        "400".into(),
        json!({
            "description": "A `location_id` that is not a number (application/json, keyed by the parameter), or not \
                            one of the organization's locations (text/plain, as a check-in's).",
            "content": {
                "text/plain": {"schema": {"type": "string"}},
                "application/json": {"schema": schema_ref("FieldErrors")},
            },
        }),
    );
    map.insert("404".into(), detail_response("No such customer."));
    common(map)
}

fn login_body() -> Value {
    let schema = json!({
        "type": "object",
        "properties": {
            "username": {"type": "string"},
            "password": {"type": "string"},
            "pin": {
                "type": "string", "pattern": "^[0-9]{4,8}$",
                "description": "Our extension: the staff member's PIN (`frontdesk admin set-pin`), instead of the password.",
            },
        },
        "required": ["username"],
        "oneOf": [{"required": ["password"]}, {"required": ["pin"]}],
    });
    json!({"required": true, "content": {
        "application/json": {"schema": schema},
        "application/x-www-form-urlencoded": {"schema": schema},
    }})
}

fn check_in_body() -> Value {
    let schema = json!({"type": "object", "properties": {
        "location_id": {"type": ["integer", "null"]},
        "scanned_at": {
            "type": ["string", "null"], "format": "date-time",
            "description": "Our extension: the moment of the scan (RFC 3339), for a scan sent late; at most 24 hours old and not in the future.",
        },
        "override_reason": {
            "type": ["string", "null"], "minLength": 1, "maxLength": OVERRIDE_REASON_MAX,
            "description": "Our extension: let the customer in even if the rules refuse, for this reason (one line). A pass, membership or booking is used as usual; with none, entry_method is OVR, free, with free_entry_reason = the reason. An unknown card stays 404.",
        },
    }});
    json!({"required": false, "content": {
        "application/json": {"schema": schema},
        "application/x-www-form-urlencoded": {"schema": schema},
    }})
}

fn relation_body() -> Value {
    json!({"required": true, "content": {"application/json": {"schema": {
        "type": "object",
        "properties": {
            "related_customer_id": {"type": "integer"},
            "relation": {"type": "string", "enum": RELATION_CODES},
        },
        "required": ["related_customer_id", "relation"],
    }}}})
}

/// The JSON schema of one declared field.
fn field_schema(spec: &FieldSpec) -> Value {
    let mut schema = match spec.kind {
        FieldKind::Email => json!({"type": "string", "format": "email"}),
        FieldKind::RequiredText => json!({"type": "string", "minLength": 1}),
        FieldKind::Text { max_len: Some(max) } => json!({"type": ["string", "null"], "maxLength": max}),
        FieldKind::Text { max_len: None } => json!({"type": ["string", "null"]}),
        FieldKind::Date => json!({"type": "string", "format": "date"}),
        FieldKind::Gender => {
            let codes = Gender::ALL.iter().map(|g| json!(g.code())).chain([json!(""), Value::Null]);
            json!({ "enum": codes.collect::<Vec<_>>() })
        }
        FieldKind::Bool => json!({"type": "boolean"}),
        FieldKind::LocationId => json!({"type": ["integer", "null"]}),
    };
    schema["title"] = json!(spec.label);
    schema
}

fn form_schema(fields: &[FieldSpec], full: bool) -> Value {
    let (properties, required) = form_properties(fields, full);
    json!({"type": "object", "properties": properties, "required": required})
}

/// A form's properties, and the names required when `full`.
fn form_properties(fields: &[FieldSpec], full: bool) -> (Map<String, Value>, Vec<&'static str>) {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for spec in fields {
        properties.insert(spec.name.into(), field_schema(spec));
        if full && spec.required {
            required.push(spec.name);
        }
    }
    (properties, required)
}

fn form_body(fields: &[FieldSpec], full: bool) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": form_schema(fields, full)}}})
}

fn customer_schema(full: bool) -> Value {
    let (mut properties, required) = form_properties(&CUSTOMER_FIELDS, full);
    properties.insert("custom_field_values".into(), json!({"type": "array", "items": schema_ref("CustomFieldValue")}));
    properties.insert("profile_image".into(), json!({"type": "null", "description": "`null` removes the photo."}));
    json!({"type": "object", "properties": properties, "required": required})
}

fn customer_body(full: bool) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": customer_schema(full)}}})
}

fn customer_patch_body() -> Value {
    let (mut properties, required) = form_properties(&CUSTOMER_FIELDS, false);
    for value in properties.values_mut() {
        *value = json!({"type": "string", "title": value["title"]});
    }
    properties.insert("profile_image".into(), json!({"type": "string", "contentMediaType": "image/jpeg", "description": "A JPEG or PNG file; an empty value removes the photo."}));
    properties
        .insert("custom_field_values".into(), json!({"type": "string", "description": "Their JSON list, as text."}));
    let form = json!({"type": "object", "properties": properties, "required": required});
    json!({"required": true, "content": {
        "application/json": {"schema": customer_schema(false)},
        "multipart/form-data": {"schema": form},
    }})
}

/// A record's schema from its struct: the names it serializes, their types.
/// The scan's answer, with our fields that a default record leaves out.
fn barcode_check_in_schema() -> Value {
    let mut schema = record_schema::<BarcodeCheckIn>();
    let ours = json!({
        "free_entry_reason": {"type": ["string", "null"], "description": "Our extension: why the entry was free (an override without a pass: its reason)."},
        "override_reason": {"type": ["string", "null"], "description": "Our extension: the request's override_reason, echoed; absent without one."},
        "overridden": {"type": "boolean", "description": "Our extension: the rules refused and the override let the customer in."},
        "notices": {"type": "array", "items": {"type": "string"}, "description": "Our extension: what the desk should notice, from the rules (a minor turning 18 within 30 days)."},
    });
    if let (Some(properties), Value::Object(ours)) = (schema.get_mut("properties").and_then(Value::as_object_mut), ours)
    {
        properties.extend(ours);
    }
    schema
}

fn record_schema<T: Serialize + Default>() -> Value {
    record_schema_of(&T::default())
}

fn record_schema_of(sample: &impl Serialize) -> Value {
    let Ok(Value::Object(fields)) = serde_json::to_value(sample) else {
        return json!({"type": "object"});
    };
    let mut properties = Map::new();
    for (name, value) in fields {
        properties.insert(name.clone(), value_schema(&name, &value));
    }
    json!({"type": "object", "properties": properties})
}

fn value_schema(name: &str, value: &Value) -> Value {
    match value {
        Value::Bool(_) => json!({"type": "boolean"}),
        Value::Number(n) if n.is_f64() => json!({"type": "number"}),
        Value::Number(_) => json!({"type": "integer"}),
        Value::String(_) if name == "url" || name.ends_with("_url") => json!({"type": "string", "format": "uri"}),
        Value::String(_) => json!({"type": "string"}),
        Value::Array(_) => json!({"type": "array"}),
        Value::Object(_) => json!({"type": "object"}),
        Value::Null if name == "id" || name.ends_with("_id") => json!({"type": ["integer", "null"]}),
        Value::Null if name.ends_with("date") || name == "birthday" || name.ends_with("_birthday") => {
            json!({"type": ["string", "null"], "format": "date"})
        }
        Value::Null if name.ends_with("_at") || name.ends_with("datetime") || name.ends_with("timestamp") => {
            json!({"type": ["string", "null"]})
        }
        Value::Null => json!({"description": "May be null."}),
    }
}

fn schemas() -> Value {
    let gym = record_schema_of(&super::gyms::Gym {
        id: 0,
        url: String::new(),
        name: String::new(),
        time_zone: String::new(),
        combine_same_day_check_ins: false,
    });
    let mut customer = record_schema::<Customer>();
    customer["properties"]["custom_field_values"]["items"] = schema_ref("CustomFieldValue");
    json!({
        "Detail": {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]},
        "FieldErrors": {
            "type": "object",
            "description": "DRF's validation errors: each invalid field (or `non_field_errors`) with its messages.",
            "additionalProperties": {"type": ["array", "object"]},
        },
        "Customer": customer,
        "CustomFieldValue": record_schema::<CustomFieldValue>(),
        "CheckIn": record_schema::<CheckIn>(),
        "BarcodeCheckIn": barcode_check_in_schema(),
        "CheckInPreview": record_schema::<crate::model::check_in_preview::CheckInPreview>(),
        "Gym": gym,
        "EmergencyContact": record_schema::<EmergencyContact>(),
        "MedicalNote": record_schema::<MedicalNote>(),
        "Note": record_schema::<Note>(),
        "Alert": record_schema::<Alert>(),
        "Document": record_schema::<Document>(),
        "EventVoucher": record_schema::<EventVoucher>(),
        "LedgerEntry": record_schema::<LedgerEntry>(),
        "GuestPassUsage": record_schema::<GuestPassUsage>(),
        "SharedPass": record_schema::<SharedPass>(),
        "CustomerMembership": record_schema::<CustomerMembership>(),
        "EntryPass": record_schema::<EntryPass>(),
        "CustomerChallenge": record_schema::<CustomerChallenge>(),
        "CustomerProficiency": record_schema::<CustomerProficiency>(),
        "Reservation": record_schema::<Reservation>(),
        "ReservationPart": record_schema::<ReservationPart>(),
        "PendingRelation": record_schema::<PendingRelation>(),
        "Relation": record_schema::<Relation>(),
        "ActivityEntry": record_schema::<ActivityEntry>(),
        "MembershipType": record_schema::<MembershipType>(),
        "ReservationRecord": record_schema::<super::reservations::ReservationRecord>(),
        "Event": record_schema::<super::reservations::Event>(),
    })
}
