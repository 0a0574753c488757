//! A compact, deterministic gym for the check-in and desk benchmarks:
//! customers with barcodes, waivers, memberships, passes, alerts,
//! reservations and a check-in history, built as one import document (with
//! check-in shapes the demo generator does not aim at), cached once under
//! `target/bench-data/` for both benchmarks, and the scans they replay.

use std::path::{Path, PathBuf};
use std::time::Instant;

use frontdesk::server::{Server, ServerConfig};
use frontdesk::storage::{Clock, Db, orgs};

use frontdesk::import::{
    ImportAlert, ImportCheckIn, ImportCustomer, ImportDocument, ImportEntryPass, ImportLocation, ImportMember,
    ImportMembership, ImportMembershipType, ImportNamed, ImportReservation, ImportWaiver,
};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

/// "Now" for the data and the server: 11:00 in Denver on 25 November 2026.
pub const ANCHOR: &str = "2026-11-25T18:00:00Z";
pub const LOCATION: &str = "Main";

/// The demo generator's deterministic PRNG.
pub use frontdesk::demo::generate::Rng;

/// Bump when this file changes the data, so the cache is rebuilt (schema
/// changes need no bump: migrations run on each run's copy).
pub const DATA_VERSION: u32 = 3;
pub const CUSTOMERS: usize = 100_000;
pub const CHECK_INS: usize = 1_000_000;
pub const ORG: &str = "Bench Gym";
pub const USER: &str = "bench-desk";
pub const PASSWORD: &str = "bench password";

/// Where the generated gym is cached.
pub fn cached_db() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("bench-data").join(format!("check_in-v{DATA_VERSION}-{CUSTOMERS}x{CHECK_INS}.db"))
}

/// Builds the gym through the import and the admin commands, into a
/// temporary file renamed into place only when complete.
pub async fn generate(path: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    std::fs::create_dir_all(path.parent().unwrap())?;
    let partial = path.with_extension("partial");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", partial.display()));
    }
    let db = Db::open(&partial).await?;
    frontdesk::admin::create_org(&db, ORG, "America/Denver").await?;
    let doc = gym(CUSTOMERS, CHECK_INS);
    let mut conn = db.acquire().await?;
    let org = orgs::org_by_name(&mut conn, ORG).await?;
    drop(conn);
    let summary = frontdesk::import::import(&db, &org, &doc, ANCHOR.parse()?).await?;
    frontdesk::admin::create_user(&db, ORG, USER, PASSWORD, Some(LOCATION)).await?;
    db.close().await;
    std::fs::rename(&partial, path)?;
    eprintln!("generated {} in {:.1?}: {summary}", path.display(), started.elapsed());
    Ok(())
}

/// The gym served on a loopback port from a fresh copy of the cached
/// database (generated first if missing), with a staff token.
pub struct BenchGym {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    pub token: String,
    /// Holds the copy; removed when dropped.
    _work: tempfile::TempDir,
    stop: tokio::sync::oneshot::Sender<()>,
    running: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl BenchGym {
    pub async fn start() -> anyhow::Result<BenchGym> {
        let cached = cached_db();
        if !cached.exists() {
            eprintln!("generating {CUSTOMERS} customers and {CHECK_INS} check-ins (once; cached for later runs)...");
            generate(&cached).await?;
        }
        let work = tempfile::tempdir()?;
        let db_path = work.path().join("bench.db");
        std::fs::copy(&cached, &db_path)?;
        let cached_wal = PathBuf::from(format!("{}-wal", cached.display()));
        if cached_wal.metadata().is_ok_and(|m| m.len() > 0) {
            std::fs::copy(&cached_wal, format!("{}-wal", db_path.display()))?;
        }
        let server = Server::bind(ServerConfig {
            db: db_path.into(),
            listen: "127.0.0.1:0".parse()?,
            media: frontdesk::photo::PhotoStore::new(work.path().join("media")),
            public_url: None,
            clock: Clock::Fixed(ANCHOR.parse()?),
        })
        .await?;
        let base = format!("http://{}", server.local_addr());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let running = tokio::spawn(server.run(async {
            let _ = stopped.await;
        }));
        let login: serde_json::Value = frontdesk::client::http_builder()
            .build()?
            .post(format!("{base}/api/get-token/"))
            .json(&json!({"username": USER, "password": PASSWORD}))
            .send()
            .await?
            .json()
            .await?;
        let token = login["token"].as_str().expect("token").to_string();
        Ok(BenchGym { base, token, _work: work, stop, running })
    }

    /// Stops the server and waits for it.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        self.running.await?
    }
}

/// Other work on the machine shows in the tail latencies: say how much there was.
pub fn load_average() -> String {
    let raw = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let parts: Vec<&str> = raw.split_whitespace().take(3).collect();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    if parts.is_empty() { "unknown".into() } else { format!("{} (1, 5, 15 min) on {cores} cores", parts.join(" ")) }
}

/// `n` scans: the gym's key tags, and one in fifty a card nobody has.
pub fn barcodes(rng: &mut Rng, n: usize) -> Vec<String> {
    (0..n)
        .map(|_| {
            if rng.percent(2) {
                format!("X{:07}", rng.below(10_000_000))
            } else {
                barcode(rng.below(CUSTOMERS as u64) as usize)
            }
        })
        .collect()
}

pub fn barcode(i: usize) -> String {
    format!("{:08}", 10_000_000 + i)
}

const FIRST: [&str; 16] = [
    "Ann", "Ben", "Chloe", "Dev", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kai", "Lena", "Mateo", "Nora",
    "Omar", "Priya",
];
const LAST: [&str; 16] = [
    "Smith", "Garcia", "Nguyen", "Okafor", "Müller", "Rossi", "Kim", "Novak", "Silva", "Cohen", "Haddad", "Larsen",
    "Tanaka", "Walsh", "Ivanova", "Moreau",
];

/// `customers` customers and exactly `check_ins` check-ins (skewed: a few
/// regulars have many), plus what decides a scan's outcome, in proportions
/// a busy gym might have.
pub fn gym(customers: usize, check_ins: usize) -> ImportDocument {
    let anchor: Timestamp = ANCHOR.parse().unwrap();
    let today: Date = anchor.to_zoned(jiff::tz::TimeZone::get("America/Denver").unwrap()).date();
    let day = |offset: i64| today.checked_add(jiff::Span::new().days(offset)).unwrap();
    let mut rng = Rng::new(0x5EED);

    // Check-ins per customer: 40·u³ has mean 10; then trimmed or topped up
    // to the exact total.
    let mut counts: Vec<usize> = (0..customers)
        .map(|_| (40.0 * ((rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64).powi(3)) as usize)
        .collect();
    let mut total: usize = counts.iter().sum();
    while total != check_ins {
        let i = rng.below(customers as u64) as usize;
        if total < check_ins {
            counts[i] += 1;
            total += 1;
        } else if counts[i] > 0 {
            counts[i] -= 1;
            total -= 1;
        }
    }

    let mut doc = ImportDocument {
        locations: vec![ImportLocation {
            id: 1,
            name: LOCATION.into(),
            time_zone: None,
            combine_same_day_check_ins: false,
        }],
        associations: vec![ImportNamed { id: 1, name: "Alpine Club".into(), description: String::new() }],
        event_types: vec![ImportNamed { id: 1, name: "Intro to Bouldering".into(), description: String::new() }],
        membership_types: ["Monthly Membership", "Annual Membership", "Family Membership"]
            .iter()
            .enumerate()
            .map(|(i, name)| {
                serde_json::from_value::<ImportMembershipType>(json!({"id": i + 1, "name": name, "is_group": i == 2}))
                    .unwrap()
            })
            .collect(),
        ..Default::default()
    };
    for (i, count) in counts.into_iter().enumerate() {
        let id = i as i64 + 1;
        let mut c = ImportCustomer {
            id: Some(id),
            is_active: !rng.percent(1),
            fields: json!({
                "email": format!("c{i}@example.com"),
                "first_name": FIRST[rng.below(16) as usize],
                "last_name": LAST[rng.below(16) as usize],
                "birthday": day(-(365 * 8 + rng.below(365 * 50) as i64)).to_string(),
                "barcode": barcode(i),
            })
            .as_object()
            .unwrap()
            .clone(),
            ..Default::default()
        };
        let waiver = rng.below(100);
        if waiver < 95 {
            // 45% never expire, 45% expire later, 5% have expired.
            let expiration_date = match waiver {
                0..45 => None,
                45..90 => Some(day(1 + rng.below(700) as i64)),
                _ => Some(day(-1 - rng.below(700) as i64)),
            };
            c.documents.push(ImportWaiver {
                name: "Liability Waiver".into(),
                pdf: None,
                expiration_date,
                status: "ACT".into(),
                created_at: None,
            });
        }
        let plan = rng.below(100);
        let (status, start, end) = match plan {
            0..40 => ("ACT", -(rng.below(900) as i64), None),
            40..45 => ("FRZ", -400, None),
            45..48 => ("FUT", 10, None),
            48..58 => ("END", -800, Some(-30)),
            _ => ("", 0, None),
        };
        if !status.is_empty() {
            let family = plan < 4 && i + 1 < customers;
            let members = if family {
                vec![
                    ImportMember { customer_id: id, is_individually_frozen: false },
                    ImportMember { customer_id: id + 1, is_individually_frozen: false },
                ]
            } else {
                Vec::new()
            };
            doc.memberships.push(ImportMembership {
                membership_type_id: if family { 3 } else { 1 + rng.below(2) as i64 },
                owner_id: id,
                status: status.into(),
                start_date: day(start),
                end_date: end.map(day),
                interval: None,
                billing_amount: None,
                unfreeze_date: None,
                members,
            });
        }
        if rng.percent(25) {
            let uses_remaining = rng.below(11) as i64;
            c.entry_passes.push(ImportEntryPass {
                name: "10-Punch Pass".into(),
                uses_total: 10,
                uses_remaining,
                expiration_date: rng.percent(50).then(|| day(rng.below(400) as i64 - 30)),
                is_association_pass: false,
                created_at: None,
                association_id: None,
            });
        }
        if rng.percent(3) {
            c.entry_passes.push(ImportEntryPass {
                name: "Club Pass".into(),
                uses_total: 20,
                uses_remaining: 1 + rng.below(20) as i64,
                expiration_date: None,
                is_association_pass: true,
                created_at: None,
                association_id: Some(1),
            });
        }
        if rng.percent(1) {
            c.alerts.push(ImportAlert {
                message: "See the manager before climbing".into(),
                prevents_check_in: true,
                created_at: None,
            });
        }
        if rng.percent(1) {
            let starts_at = anchor + SignedDuration::from_hours(rng.below(8) as i64);
            c.reservations.push(ImportReservation {
                event_type_id: 1,
                location_id: Some(1),
                starts_at,
                ends_at: Some(starts_at + SignedDuration::from_hours(2)),
                status: "CON".into(),
            });
        }
        for _ in 0..count {
            let ago = SignedDuration::from_secs(3600 + rng.below(730 * 86_400) as i64);
            let pass = rng.percent(30);
            c.check_ins.push(ImportCheckIn {
                location_id: 1,
                checked_in_at: anchor - ago,
                checked_out_at: None,
                entry_method: if pass { "ENT" } else { "MEM" }.into(),
                entry_method_description: if pass { "10-Punch Pass" } else { "Monthly Membership" }.into(),
                free_entry_reason: None,
            });
        }
        doc.customers.push(c);
    }
    doc
}
