//! The `frontdesk import` and `frontdesk export` commands (issue 15):
//! `--report`, `--dry-run`, `--format csv` and a backup restored into an
//! empty database.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};

use crate::support::TestDb;

const GYM: &str = "Cli Gym";

fn frontdesk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_frontdesk")).args(args).env_remove("DATABASE_URL").output().unwrap()
}

fn succeeds(args: &[&str]) -> String {
    let output = frontdesk(args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "frontdesk {args:?}: {stderr}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn fails(args: &[&str]) -> String {
    let output = frontdesk(args);
    assert!(!output.status.success(), "frontdesk {args:?} should fail");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A new database with the organization and a location made by `admin`
/// (kept while the `TestDb` lives), and its `--db` argument.
async fn gym(dir: &Path, name: &str) -> (TestDb, String) {
    let test_db = TestDb::new(dir, name).await;
    let db = test_db.open().await;
    frontdesk::admin::create_org(&db, GYM, "America/Denver").await.unwrap();
    frontdesk::admin::create_location(&db, GYM, "Main", None).await.unwrap();
    db.close().await;
    let location = test_db.location.to_string();
    (test_db, location)
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[tokio::test]
async fn import_reports_ids_runs_dry_and_reads_csv_and_export_restores() {
    let dir = tempfile::tempdir().unwrap();
    let (_kept, db) = gym(dir.path(), "cli.db").await;
    let doc = json!({
        "locations": [{"id": 1, "name": "Main"}],
        "membership_types": [{"id": 1, "external_id": "monthly", "name": "Monthly", "billing_amount": "80.00"}],
        "customers": [{"id": 1, "external_id": "c-1", "email": "ana@example.com", "first_name": "Ana",
                       "last_name": "Lopez", "birthday": "1990-01-01",
                       "check_ins": [{"location_id": 1, "checked_in_at": "2026-06-01T18:00:00Z"}]}]
    });
    let file = write(dir.path(), "doc.json", &doc.to_string());
    let report = dir.path().join("report.json");
    let report_arg = report.to_string_lossy().into_owned();

    // A dry run reports and writes nothing: the real import then creates.
    let out = succeeds(&["import", "--db", &db, "--org", GYM, "--dry-run", "--report", &report_arg, &file]);
    assert!(out.starts_with("dry run, nothing written: imported 1 customers"), "{out}");
    let dry = read_json(&report);
    assert_eq!(dry["customers"][0]["action"], json!("created"));
    assert_eq!(dry["locations"][0]["action"], json!("kept"), "Main is the location admin made");
    succeeds(&["import", "--db", &db, "--org", GYM, "--report", &report_arg, &file]);
    let real = read_json(&report);
    assert_eq!(real, dry, "the dry run foretold the ids");
    assert_eq!(real["customers"][0]["external_id"], json!("c-1"));

    // Again: an update in place, keeping the ids.
    let out = succeeds(&["import", "--db", &db, "--org", GYM, "--report", &report_arg, &file]);
    assert!(out.contains("imported 0 customers") && out.contains("updated"), "{out}");
    assert_eq!(read_json(&report)["customers"][0]["database_id"], real["customers"][0]["database_id"]);

    // A spreadsheet of customers: one updates Ana by her external id.
    let csv = "email,first_name,last_name,birthday,external_id,tags,membership_name,membership_start,membership_end\n\
               ana@example.com,Ana,López,1990-01-01,c-1,VIP,Monthly,2026-01-01,2026-12-31\n\
               \"ben@example.com\",Ben,\"Lopez, Jr.\",1992-02-02,c-2,VIP;Setter,,,\n";
    let csv_file = write(dir.path(), "customers.csv", csv);
    let out = succeeds(&["import", "--db", &db, "--org", GYM, "--format", "csv", "--report", &report_arg, &csv_file]);
    assert!(out.contains("imported 1 customers"), "{out}");
    let report = read_json(&report);
    assert_eq!(report["customers"][0]["action"], json!("updated"));
    assert_eq!(report["customers"][1]["action"], json!("created"));

    // Problems name the row and the column.
    let bad = write(
        dir.path(),
        "bad.csv",
        "email,first_name,last_name,birthday\ncy@example.com,Cy,Lopez,1990-01-01\nnot-an-email,Di,Lopez,1990-01-01\n",
    );
    let stderr = fails(&["import", "--db", &db, "--org", GYM, "--format", "csv", &bad]);
    assert_eq!(stderr.trim(), "frontdesk: row 3 email: Enter a valid email address.");
    let no_type = write(
        dir.path(),
        "no-type.csv",
        "email,first_name,last_name,birthday,membership_name,membership_start\n\
         cy@example.com,Cy,Lopez,1990-01-01,Yearly,2026-01-01\n",
    );
    let stderr = fails(&["import", "--db", &db, "--org", GYM, "--format", "csv", &no_type]);
    assert!(stderr.contains("membership_name \"Yearly\": Cli Gym has no membership type named \"Yearly\""), "{stderr}");
    let unknown = write(dir.path(), "unknown.csv", "email,colour\na@example.com,red\n");
    let stderr = fails(&["import", "--db", &db, "--org", GYM, "--format", "csv", &unknown]);
    assert!(stderr.contains("row 1 column 2: unknown column \"colour\""), "{stderr}");

    // The backup, restored into an empty database.
    let backup = dir.path().join("backup.json");
    succeeds(&["export", "--db", &db, "--org", GYM, &backup.to_string_lossy()]);
    let exported = read_json(&backup);
    assert_eq!(exported["customers"].as_array().unwrap().len(), 2);
    let stdout = succeeds(&["export", "--db", &db, "--org", GYM]);
    assert_eq!(serde_json::from_str::<Value>(&stdout).unwrap(), exported, "to standard output without a file");
    let (_kept_too, restored) = gym(dir.path(), "restored.db").await;
    let out = succeeds(&["import", "--db", &restored, "--org", GYM, &backup.to_string_lossy()]);
    assert!(out.contains("imported 2 customers") && out.contains("1 memberships"), "{out}");
    succeeds(&["export", "--db", &restored, "--org", GYM, &dir.path().join("again.json").to_string_lossy()]);
    let mut again = read_json(&dir.path().join("again.json"));
    let mut first = exported;
    for doc in [&mut again, &mut first] {
        // Ids are the database's own.
        strip_ids(doc);
    }
    assert_eq!(again, first, "the restored gym exports the same document");
}

/// The document with its ids (`id`, `*_id`, `*_ids`) left out.
fn strip_ids(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|k, _| k != "id" && !k.ends_with("_id") && !k.ends_with("_ids"));
            map.values_mut().for_each(strip_ids);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_ids),
        _ => {}
    }
}
