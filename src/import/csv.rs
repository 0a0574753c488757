//! `frontdesk import --format csv`: a spreadsheet of customers, one a row,
//! turned into an import document and imported by the same rules.
//!
//! The header row names the columns: the API's customer fields (`email`,
//! `first_name`, ...), plus `external_id`, `tags` (a `;` list) and
//! `membership_name` + `membership_start` + `membership_end` (a membership
//! of an existing type, owned by the row's customer). Fields are separated
//! by commas and may be quoted as RFC 4180 has it (`"a, b"`, `""` for a
//! quote, line breaks inside quotes). Problems name the row (the header is
//! row 1) and the column.

use std::path::Path;

use serde_json::{Map, Value};

use super::document::{CustomerKey, ImportCustomer, ImportMembership, ImportMembershipType, RecordKey};
use super::{ImportDocument, ImportError};
use crate::model::customer::CUSTOMER_FIELDS;
use crate::model::fields::FieldKind;

/// The columns besides the API's fields.
const EXTRA_COLUMNS: [&str; 5] = ["external_id", "tags", "membership_name", "membership_start", "membership_end"];

/// Splits CSV text into rows of fields (RFC 4180, with LF or CRLF line ends).
pub fn parse(text: &str) -> Result<Vec<Vec<String>>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        match c {
            '"' if at_field_start => {
                let opened = line;
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(c) => {
                            if c == '\n' {
                                line += 1;
                            }
                            field.push(c);
                        }
                        None => return Err(format!("line {opened}: a quoted field is not closed")),
                    }
                }
                match chars.peek() {
                    None | Some(',') | Some('\n') | Some('\r') => {}
                    Some(_) => return Err(format!("line {line}: text after a closing quote")),
                }
                at_field_start = false;
            }
            ',' => {
                row.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                at_field_start = true;
                line += 1;
            }
            c => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    if !row.is_empty() || !field.is_empty() || !at_field_start {
        row.push(field);
        rows.push(row);
    }
    // Blank lines are no rows.
    rows.retain(|r| !(r.len() == 1 && r[0].is_empty()));
    Ok(rows)
}

/// Where a record of the document made from a CSV file came from, so that a
/// problem names the row.
#[derive(Debug, Default, Clone)]
pub struct CsvOrigin {
    /// The row (1 is the header) of each customer.
    customer_rows: Vec<usize>,
    /// The row of each membership.
    membership_rows: Vec<usize>,
    /// The membership type names, in document order.
    type_names: Vec<String>,
}

impl CsvOrigin {
    /// The problem with its record named as the spreadsheet's row.
    pub fn locate(&self, mut e: ImportError) -> ImportError {
        let index = |prefix: &str| -> Option<(usize, String)> {
            let rest = e.record.strip_prefix(prefix)?;
            let (number, tail) = rest.split_once(']')?;
            Some((number.parse().ok()?, tail.to_string()))
        };
        if let Some((i, tail)) = index("customers[") {
            let row = self.customer_rows.get(i).copied().unwrap_or_default();
            let tail = tail.split_once(')').map_or(tail.as_str(), |(_, t)| t).trim().to_string();
            e.record = if tail.is_empty() { format!("row {row}") } else { format!("row {row} {tail}") };
        } else if let Some((i, tail)) = index("memberships[") {
            let row = self.membership_rows.get(i).copied().unwrap_or_default();
            e.record = format!("row {row}{tail}");
            e.field = match e.field.as_str() {
                "start_date" => "membership_start".into(),
                "end_date" => "membership_end".into(),
                "membership_type_id" => "membership_name".into(),
                other => other.to_string(),
            };
        } else if let Some((i, _)) = index("membership_types[") {
            let name = self.type_names.get(i).cloned().unwrap_or_default();
            e.record = format!("membership_name {name:?}");
            e.field = String::new();
        }
        e
    }
}

/// Reads a CSV file of customers as an import document.
pub fn read_customers(path: &Path) -> Result<(ImportDocument, CsvOrigin), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    customers_document(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// A CSV text of customers as an import document; a problem of the file's
/// shape names its row and column.
pub fn customers_document(text: &str) -> Result<(ImportDocument, CsvOrigin), String> {
    let rows = parse(text)?;
    let Some((header, data)) = rows.split_first() else {
        return Err("the file is empty: it needs a header row naming the columns".into());
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
    for (i, name) in header.iter().enumerate() {
        let known = CUSTOMER_FIELDS.iter().any(|f| f.name == name && !matches!(f.kind, FieldKind::LocationId))
            || EXTRA_COLUMNS.contains(&name.as_str());
        if !known {
            return Err(format!("row 1 column {}: unknown column {name:?}", i + 1));
        }
        if header[..i].contains(name) {
            return Err(format!("row 1 column {}: the column {name:?} is named twice", i + 1));
        }
    }
    let mut doc = ImportDocument::default();
    let mut origin = CsvOrigin::default();
    for (r, cells) in data.iter().enumerate() {
        let row = r + 2;
        if cells.len() != header.len() {
            return Err(format!("row {row}: {} fields, but the header names {}", cells.len(), header.len()));
        }
        let mut fields = Map::new();
        let mut customer = ImportCustomer { is_active: true, id: Some(row as i64), ..ImportCustomer::default() };
        let mut key = CustomerKey::default();
        let mut membership = (None, None, None);
        for (name, cell) in header.iter().zip(cells) {
            let cell = cell.trim();
            match name.as_str() {
                "external_id" => key.external_id = (!cell.is_empty()).then(|| cell.to_string()),
                "tags" => {
                    customer.tags =
                        cell.split(';').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect()
                }
                "membership_name" => membership.0 = (!cell.is_empty()).then(|| cell.to_string()),
                "membership_start" => membership.1 = (!cell.is_empty()).then(|| date(cell, row, name)).transpose()?,
                "membership_end" => membership.2 = (!cell.is_empty()).then(|| date(cell, row, name)).transpose()?,
                _ => {
                    let Some(spec) = CUSTOMER_FIELDS.iter().find(|f| f.name == name) else {
                        continue; // the header was checked: not reached
                    };
                    let value = match spec.kind {
                        FieldKind::Bool => match cell.to_lowercase().as_str() {
                            "" => continue,
                            "true" | "yes" | "y" | "1" => Value::Bool(true),
                            "false" | "no" | "n" | "0" => Value::Bool(false),
                            _ => return Err(format!("row {row} column {name}: {cell:?} is not true or false")),
                        },
                        FieldKind::Gender if cell.is_empty() => Value::Null,
                        _ if cell.is_empty() && !spec.required => continue,
                        _ => Value::String(cell.to_string()),
                    };
                    fields.insert(name.clone(), value);
                }
            }
        }
        key.given = fields.keys().cloned().collect();
        if header.iter().any(|h| h == "tags") {
            key.given.push("tags".into());
        }
        customer.fields = fields;
        match membership {
            (None, None, None) => {}
            (Some(name), Some(start), end) => {
                let type_id = match origin.type_names.iter().position(|n| *n == name) {
                    Some(i) => i as i64 + 1,
                    None => {
                        origin.type_names.push(name.clone());
                        doc.membership_types.push(type_reference(&name, origin.type_names.len() as i64)?);
                        doc.keys.membership_types.push(RecordKey { by_name: true, ..RecordKey::default() });
                        origin.type_names.len() as i64
                    }
                };
                doc.memberships.push(ImportMembership {
                    membership_type_id: type_id,
                    owner_id: row as i64,
                    status: "ACT".into(),
                    start_date: start,
                    end_date: end,
                    interval: None,
                    billing_amount: None,
                    unfreeze_date: None,
                    members: Vec::new(),
                });
                origin.membership_rows.push(row);
            }
            (None, ..) => return Err(format!("row {row} column membership_name: a membership needs its type's name")),
            (Some(_), None, _) => {
                return Err(format!("row {row} column membership_start: a membership needs its start date"));
            }
        }
        doc.customers.push(customer);
        doc.keys.customers.push(key);
        origin.customer_rows.push(row);
    }
    Ok((doc, origin))
}

fn date(cell: &str, row: usize, column: &str) -> Result<jiff::civil::Date, String> {
    cell.parse().map_err(|_| format!("row {row} column {column}: {cell:?} is not a date (YYYY-MM-DD)"))
}

/// A membership type named by a CSV row: the organization's type of that name.
fn type_reference(name: &str, id: i64) -> Result<ImportMembershipType, String> {
    serde_json::from_value(serde_json::json!({"id": id, "name": name})).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_hold_commas_quotes_and_line_breaks() {
        let rows = parse("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\n1,,3").unwrap();
        assert_eq!(rows, vec![vec!["a", "b", "c"], vec!["x, y", "say \"hi\"", "two\nlines"], vec!["1", "", "3"]]);
        assert!(parse("a,\"open\n").unwrap_err().contains("line 1"));
        assert!(parse("\"a\"b\n").unwrap_err().contains("after a closing quote"));
    }

    #[test]
    fn a_row_becomes_a_customer_with_tags_and_a_membership() {
        let text = "email,first_name,last_name,birthday,external_id,tags,has_opted_in_to_marketing,gender,\
                    membership_name,membership_start,membership_end\n\
                    a@example.com,Ana,Lopez,1990-01-01,legacy-1,VIP; Setter ,yes,,Monthly,2026-01-01,\n\
                    b@example.com,Ben,Lopez,1991-01-01,,,,M,Monthly,2026-02-01,2026-12-31\n";
        let (doc, origin) = customers_document(text).unwrap();
        assert_eq!(doc.customers.len(), 2);
        assert_eq!(doc.customers[0].tags, ["VIP", "Setter"]);
        assert_eq!(doc.customers[0].fields["has_opted_in_to_marketing"], Value::Bool(true));
        assert_eq!(doc.customers[0].fields["gender"], Value::Null);
        assert_eq!(doc.keys.customers[0].external_id.as_deref(), Some("legacy-1"));
        assert_eq!(doc.membership_types.len(), 1, "one type named twice is one reference");
        assert!(doc.keys.membership_types[0].by_name);
        assert_eq!(doc.memberships[1].owner_id, 3);
        assert_eq!(doc.memberships[1].end_date.map(|d| d.to_string()).as_deref(), Some("2026-12-31"));
        let located = origin.locate(ImportError {
            record: "customers[1] (id 3)".into(),
            field: "email".into(),
            message: "bad".into(),
        });
        assert_eq!(located.to_string(), "row 3 email: bad");
    }

    #[test]
    fn shape_problems_name_the_row_and_column() {
        let err = |text: &str| customers_document(text).err().unwrap();
        assert_eq!(err("email,colour\n"), "row 1 column 2: unknown column \"colour\"");
        assert_eq!(err("email,first_name\na@example.com\n"), "row 2: 1 fields, but the header names 2");
        assert_eq!(
            err("email,membership_name,membership_start\na@example.com,Monthly,soon\n"),
            "row 2 column membership_start: \"soon\" is not a date (YYYY-MM-DD)"
        );
        assert_eq!(
            err("email,has_opted_in_to_marketing\na@example.com,maybe\n"),
            "row 2 column has_opted_in_to_marketing: \"maybe\" is not true or false"
        );
    }
}
