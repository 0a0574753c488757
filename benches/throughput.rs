//! `cargo bench --bench throughput`: the Customers API under load (issue 14).
//!
//! For each dataset (the even demo gym and the realistic one, 100,000
//! customers each, cached under `target/bench-data/`, served from a copy so
//! check-ins do not change the cache), every case runs for a fixed time at
//! 16 and at 64 connections, with a closed-loop load generator written here
//! (each connection sends its next request when the answer arrives), in the
//! same process as the server and on the same cores, as wrk would be.
//! Reported: requests per second, p50 and p99 latency, errors (transport
//! failures and statuses other than those the case expects), and req/s as a
//! fraction of the **floor**: a trivial handler in the same server stack
//! (`frontdesk::server::floor`) answering with an already-rendered customer.
//!
//! Settings (environment):
//! - `FRONTDESK_BENCH_SECONDS` (default 20) per case and connection count;
//! - `FRONTDESK_BENCH_CONNECTIONS` (default `16,64`);
//! - `FRONTDESK_BENCH_DATASETS` (default `even,realistic`);
//! - `FRONTDESK_BENCH_ONLY=<text>`: only the cases whose names contain it
//!   (the floor always runs);
//! - `FRONTDESK_BENCH_CUSTOMERS` (default 100000);
//! - `FRONTDESK_BENCH_INDEX` (default `off,on`): the server answers customer
//!   lists and records by SQL alone with every token looked up by SQL (`off`,
//!   the "before"), and from the in-memory customer index with the token
//!   cache (`on`), one after the other in one run. `uncached` is the index
//!   with every token looked up by SQL (`serve --token-cache off`).
// Test code: a failed expectation is the test (or benchmark run) failing, said with unwrap, expect or panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)]

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use frontdesk::demo::Distribution;
use reqwest::Method;
use serde_json::Value;
use support::BenchServer;

const SEED: u64 = 1;

fn env_text(name: &str, default: &str) -> String {
    std::env::var(name).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| default.to_string())
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// One case: how to make the i-th request, and which statuses are answers.
struct Case {
    name: String,
    /// How many customers the query matches (`count`), where it is a list.
    matches: Option<u64>,
    method: Method,
    paths: Arc<dyn Fn(u64) -> String + Send + Sync>,
    /// Check-ins may be refused (no membership, an alert): a 4xx is an answer there.
    any_answer: bool,
}

struct Outcome {
    requests: u64,
    errors: u64,
    secs: f64,
    latencies_us: Vec<u32>,
}

impl Outcome {
    fn rate(&self) -> f64 {
        self.requests as f64 / self.secs
    }

    fn percentile_ms(&mut self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        self.latencies_us.sort_unstable();
        let rank = ((p / 100.0) * self.latencies_us.len() as f64).ceil() as usize;
        f64::from(self.latencies_us[rank.clamp(1, self.latencies_us.len()) - 1]) / 1000.0
    }
}

/// Closed-loop load: `connections` tasks, each sending its next request as
/// soon as the last is answered, for `duration` (after a short warm-up).
async fn load(base: &str, token: &str, case: &Case, connections: usize, duration: Duration) -> Outcome {
    let client = reqwest::Client::builder().pool_max_idle_per_host(connections).build().expect("an HTTP client");
    let warmup = Duration::from_millis(500).min(duration / 4);
    let start = Instant::now() + warmup;
    let end = start + duration;
    let tasks: Vec<_> = (0..connections)
        .map(|worker| {
            let (client, base, auth) = (client.clone(), base.to_string(), format!("Token {token}"));
            let (paths, method, any_answer) = (case.paths.clone(), case.method.clone(), case.any_answer);
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let (mut requests, mut errors) = (0u64, 0u64);
                let mut i = worker as u64 * 1_000_003;
                loop {
                    let sent = Instant::now();
                    if sent >= end {
                        break;
                    }
                    i += 1;
                    let req = client.request(method.clone(), format!("{base}{}", paths(i)));
                    let ok = match req.header("Authorization", &auth).send().await {
                        Ok(resp) => {
                            let status = resp.status();
                            let read = resp.bytes().await.is_ok();
                            read && (status.is_success() || (any_answer && status.is_client_error()))
                        }
                        Err(_) => false,
                    };
                    if sent >= start {
                        requests += 1;
                        errors += u64::from(!ok);
                        latencies.push(sent.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                    }
                }
                (requests, errors, latencies)
            })
        })
        .collect();
    let mut out = Outcome { requests: 0, errors: 0, secs: duration.as_secs_f64(), latencies_us: Vec::new() };
    for task in tasks {
        let (requests, errors, latencies) = task.await.expect("a load task");
        out.requests += requests;
        out.errors += errors;
        out.latencies_us.extend(latencies);
    }
    out.secs = (Instant::now() - start).as_secs_f64().max(0.001);
    out
}

async fn count_of(server: &BenchServer, query: &str) -> anyhow::Result<u64> {
    let body = server.get_ok(&format!("/api/customers/?{query}&page_size=1")).await;
    Ok(serde_json::from_slice::<Value>(&body)?["count"].as_u64().unwrap_or(0))
}

/// The 3-letter prefixes of surnames, most common first, with their counts.
async fn prefixes(server: &BenchServer) -> anyhow::Result<Vec<(String, i64)>> {
    // The bench database is a SQLite file (benches/support builds it).
    let frontdesk::storage::Pool::Sqlite(pool) = server.db.pool() else {
        anyhow::bail!("the throughput bench reads its prefixes from a SQLite database");
    };
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT lower(substr(last_name, 1, 3)) AS p, count(*) FROM customers \
         WHERE length(last_name) >= 3 GROUP BY p ORDER BY 2 DESC, 1",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().filter(|(p, _)| p.chars().all(char::is_alphabetic)).collect())
}

fn fixed(path: String) -> Arc<dyn Fn(u64) -> String + Send + Sync> {
    Arc::new(move |_| path.clone())
}

fn cycling(paths: Vec<String>) -> Arc<dyn Fn(u64) -> String + Send + Sync> {
    Arc::new(move |i| paths[(i % paths.len() as u64) as usize].clone())
}

fn list_case(name: String, query: String, matches: u64) -> Case {
    Case {
        name,
        matches: Some(matches),
        method: Method::GET,
        paths: fixed(format!("/api/customers/?{query}")),
        any_answer: false,
    }
}

/// Every case of the issue for one served dataset.
async fn cases(server: &BenchServer, customers: u64, realistic: bool) -> anyhow::Result<Vec<Case>> {
    let mut out = Vec::new();
    let mut rng = support::rng(42);
    let ids: Arc<Vec<u64>> = Arc::new((0..100_000).map(|_| 1 + rng.below(customers)).collect());
    out.push(Case {
        name: "detail, random id".into(),
        matches: None,
        method: Method::GET,
        paths: Arc::new(move |i| format!("/api/customers/{}/", ids[(i % ids.len() as u64) as usize])),
        any_answer: false,
    });

    let prefixes = prefixes(server).await?;
    let common: Vec<(String, i64)> = prefixes.iter().take(20).cloned().collect();
    let rare: Vec<(String, i64)> = prefixes.iter().rev().filter(|(_, n)| *n >= 1).take(20).cloned().collect();
    if let Some((top, n)) = common.first() {
        out.push(list_case(format!("search `{top}` (most common prefix)"), format!("search={top}"), *n as u64));
    }
    let describe = |set: &[(String, i64)]| {
        let (lo, hi) = (set.iter().map(|x| x.1).min().unwrap_or(0), set.iter().map(|x| x.1).max().unwrap_or(0));
        (set.iter().map(|(p, _)| format!("/api/customers/?search={p}")).collect::<Vec<_>>(), lo, hi)
    };
    let (paths, lo, hi) = describe(&common);
    out.push(Case {
        name: format!("search, the 20 most common prefixes in turn ({lo}-{hi} matches)"),
        matches: None,
        method: Method::GET,
        paths: cycling(paths),
        any_answer: false,
    });
    let (paths, lo, hi) = describe(&rare);
    out.push(Case {
        name: format!("search, 20 rare prefixes in turn ({lo}-{hi} matches)"),
        matches: None,
        method: Method::GET,
        paths: cycling(paths),
        any_answer: false,
    });
    out.push(list_case("page of 100".into(), "page_size=100".into(), customers));
    out.push(list_case("page of 10 (no filter)".into(), "page_size=10".into(), customers));

    // Each filter alone, with a value that matches many and one that matches few.
    let today = jiff::Zoned::now().date();
    let ago = |days: i64| today.checked_sub(jiff::Span::new().days(days)).expect("a recent date").to_string();
    let tags: Vec<&str> = if realistic {
        vec!["Boulderer", "Morning Regular", "Newsletter"]
    } else {
        vec!["Staff", "Volunteer", "Route Setter", "Founding Member", "Instructor", "VIP", "Photographer"]
    };
    let filters: Vec<(&str, Vec<String>)> = vec![
        ("age_min", vec!["18".into(), "70".into()]),
        ("age_max", vec!["60".into(), "14".into()]),
        ("birthday_min", vec!["1950-01-01".into(), "2015-01-01".into()]),
        ("birthday_max", vec!["2010-12-31".into(), "1955-12-31".into()]),
        ("created_at_min", vec![ago(6 * 365), ago(7)]),
        ("created_at_max", vec![ago(1), ago(5 * 365)]),
        ("address_postcode", vec!["80302".into(), "82001".into()]),
        ("gender", vec!["F".into(), "P".into()]),
        ("has_opted_in_to_marketing", vec!["true".into(), "false".into()]),
        ("check_in_count_min", vec!["1".into(), "100".into()]),
        ("check_in_count_max", vec!["100".into(), "0".into()]),
        ("first_membership_timestamp_min", vec![ago(6 * 365), ago(30)]),
        ("first_membership_timestamp_max", vec![ago(1), ago(5 * 365)]),
        ("has_active_membership", vec!["true".into(), "false".into()]),
        ("has_active_youth_programming_membership", vec!["false".into(), "true".into()]),
        ("has_active_non_youth_programming_membership", vec!["true".into(), "false".into()]),
        ("has_membership_with_future_start", vec!["false".into(), "true".into()]),
        ("has_frozen_membership", vec!["false".into(), "true".into()]),
        ("tags", tags.iter().map(|t| t.to_string()).collect()),
        ("has_event_type_reservation", vec!["1".into(), "5".into()]),
        ("latest_check_in_timestamp_min", vec![ago(365), ago(1)]),
        ("latest_check_in_timestamp_max", vec![ago(1), ago(365)]),
        ("has_proficiencies", vec!["4".into(), "2".into()]),
        ("has_association_memberships", vec!["1".into(), "3".into()]),
        ("has_challenge", vec!["1".into(), "3".into()]),
    ];
    for (filter, values) in filters {
        let mut counted = Vec::new();
        for value in values {
            let query = format!("{filter}={}", value.replace(' ', "%20"));
            counted.push((count_of(server, &query).await?, query));
        }
        counted.sort();
        let (Some(least), Some(most)) = (counted.first().cloned(), counted.last().cloned()) else { continue };
        out.push(list_case(format!("{} (most selective)", least.1), least.1.clone(), least.0));
        if most.1 != least.1 {
            out.push(list_case(format!("{} (least selective)", most.1), most.1.clone(), most.0));
        }
    }

    // The three filters, with the tag whose share is nearest 35%.
    let mut best: Option<(u64, String)> = None;
    let candidates: &[&str] = if realistic {
        &["Boulderer", "Newsletter", "Top Rope"]
    } else {
        &["Staff", "Route Setter", "Volunteer", "Founding Member", "Instructor", "Needs Belay Check", "VIP"]
    };
    for tag in candidates {
        let n = count_of(server, &format!("tags={}", tag.replace(' ', "%20"))).await?;
        let distance = n.abs_diff(customers * 35 / 100);
        if best.as_ref().is_none_or(|(d, _)| distance < *d) {
            best = Some((distance, tag.to_string()));
        }
    }
    if let Some((_, tag)) = best {
        let tag_n = count_of(server, &format!("tags={}", tag.replace(' ', "%20"))).await?;
        let query = format!("has_active_membership=true&age_min=18&tags={}", tag.replace(' ', "%20"));
        let n = count_of(server, &query).await?;
        let share = tag_n as f64 * 100.0 / customers as f64;
        out.push(list_case(format!("active member, adult, tag `{tag}` (on {share:.0}%)"), query, n));
    }

    // Barcode check-in: barcodes of the first customers, scanned in turn.
    let mut barcodes = Vec::new();
    for page in 1..=20 {
        let body = server.get_ok(&format!("/api/customers/?page_size=100&page={page}")).await;
        let v: Value = serde_json::from_slice(&body)?;
        for c in v["results"].as_array().into_iter().flatten() {
            if let Some(b) = c["barcode"].as_str().filter(|b| !b.is_empty()) {
                barcodes.push(format!("/api/gym-endpoints/barcode-check-in/{b}/"));
            }
        }
    }
    out.push(Case {
        name: format!("barcode check-in ({} barcodes in turn)", barcodes.len()),
        matches: None,
        method: Method::POST,
        paths: cycling(barcodes),
        any_answer: true,
    });
    Ok(out)
}

async fn run_dataset(
    distribution: Distribution,
    customers: usize,
    connections: &[usize],
    secs: u64,
    (index, token_cache): (bool, bool),
) -> anyhow::Result<()> {
    let data = support::dataset_as(distribution, SEED, customers).await?;
    let f = &data.figures;
    println!(
        "\n## {distribution:?} dataset, customer index {}, token cache {}: {} customers, {} check-ins, {} memberships (seed {SEED}, built {}; import {:.1} s)",
        if index { "on" } else { "off" },
        if token_cache { "on" } else { "off" },
        f.customers,
        f.check_ins,
        f.memberships,
        f.built_at,
        f.import_secs
    );
    let (copy, _dir) = support::served_copy(&data, "frontdesk-throughput-")?;
    let options = frontdesk::server::ServeOptions { customer_index: index, token_cache, ..Default::default() };
    let server = BenchServer::start_with(&copy.path, options).await?;
    let token = server.token().to_string();

    // The floor: the same stack, a body rendered once (customer 1's). With
    // the index, this first request loads it (reported).
    let started = Instant::now();
    let rendered = server.get_ok("/api/customers/1/").await;
    if index {
        println!(
            "customer index loaded by the first request in {:.1} s; process resident memory now {}",
            started.elapsed().as_secs_f64(),
            resident_memory()
        );
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let floor_base = format!("http://{}", listener.local_addr()?);
    let (stop_floor, stopped) = tokio::sync::oneshot::channel::<()>();
    let floor_task = tokio::spawn(frontdesk::server::floor::serve(listener, rendered, async {
        let _ = stopped.await;
    }));

    let only = std::env::var("FRONTDESK_BENCH_ONLY").unwrap_or_default();
    let all = cases(&server, f.customers as u64, distribution == Distribution::Realistic).await?;
    let wanted: Vec<&Case> = all.iter().filter(|c| c.name.contains(only.as_str())).collect();
    let duration = Duration::from_secs(secs);
    println!("machine load before: {}; {}", support::load_average(), support::cpu_reference());
    println!("\n| case | matches | conns | req/s | p50 ms | p99 ms | errors | of floor |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let floor_case = Case {
        name: "floor: trivial handler, pre-rendered customer".into(),
        matches: None,
        method: Method::GET,
        paths: fixed("/api/floor/".into()),
        any_answer: false,
    };
    for &conns in connections {
        let mut floor = load(&floor_base, &token, &floor_case, conns, duration).await;
        let floor_rate = floor.rate();
        row(&floor_case, conns, &mut floor, floor_rate);
        for case in &wanted {
            let mut outcome = load(&server.base, &token, case, conns, duration).await;
            row(case, conns, &mut outcome, floor_rate);
        }
    }
    println!("\nmachine load after: {}", support::load_average());
    let _ = stop_floor.send(());
    let _ = floor_task.await;
    server.stop().await;
    Ok(())
}

/// The process's resident memory (`VmRSS`), as Linux reports it.
fn resident_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| status.lines().find(|l| l.starts_with("VmRSS:")).map(|l| l[6..].trim().to_string()))
        .unwrap_or_else(|| "unknown".into())
}

fn row(case: &Case, conns: usize, o: &mut Outcome, floor_rate: f64) {
    let matches = case.matches.map_or(String::new(), |n| n.to_string());
    let (p50, p99) = (o.percentile_ms(50.0), o.percentile_ms(99.0));
    println!(
        "| {} | {matches} | {conns} | {:.0} | {p50:.1} | {p99:.1} | {} | {:.1}% |",
        case.name,
        o.rate(),
        o.errors,
        100.0 * o.rate() / floor_rate.max(1e-9)
    );
}

fn main() -> anyhow::Result<()> {
    let customers = env_number("FRONTDESK_BENCH_CUSTOMERS", 100_000) as usize;
    let secs = env_number("FRONTDESK_BENCH_SECONDS", 20);
    let connections: Vec<usize> =
        env_text("FRONTDESK_BENCH_CONNECTIONS", "16,64").split(',').filter_map(|c| c.trim().parse().ok()).collect();
    let datasets = env_text("FRONTDESK_BENCH_DATASETS", "even,realistic");
    let modes = env_text("FRONTDESK_BENCH_INDEX", "off,on");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        println!("# throughput: {customers} customers, {secs} s per case, connections {connections:?}");
        for name in datasets.split(',') {
            let distribution = match name.trim() {
                "even" => Distribution::Even,
                "realistic" => Distribution::Realistic,
                other => anyhow::bail!("unknown dataset {other:?}: even or realistic"),
            };
            for mode in modes.split(',') {
                let settings = match mode.trim() {
                    "on" => (true, true),
                    "uncached" => (true, false),
                    "off" => (false, false),
                    other => anyhow::bail!("FRONTDESK_BENCH_INDEX: {other:?} is not on, uncached or off"),
                };
                run_dataset(distribution, customers, &connections, secs, settings).await?;
            }
        }
        Ok(())
    })
}
