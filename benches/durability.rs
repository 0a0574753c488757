//! `cargo bench --bench durability`: what `synchronous=FULL` (the default,
//! no acknowledged write lost at a power cut) costs against
//! `synchronous=NORMAL` (`frontdesk serve --durability normal`), measured
//! over loopback HTTP against the real server.
//!
//! Each setting gets its own copy of a small cached demo database (2,000
//! customers; `FRONTDESK_BENCH_CUSTOMERS` changes it) beside the cache in
//! `target/bench-data/`, so the writes go to the same file system the other
//! benchmarks use; the settings take turns (`FRONTDESK_BENCH_ROUNDS`, default
//! 2) so a neighbour's burst on a shared machine falls on both. Per round and
//! setting: `FRONTDESK_BENCH_SAMPLES` (default 500) sequential PATCHes of a
//! customer, as many sequential notes added, and as many notes added by 8
//! clients at once (throughput: SQLite takes one writer at a time, so the
//! fsync of each commit is paid in turn). Reads are not affected by the
//! setting and are not measured here (see `benches/api.rs`).
// Test code: a failed expectation is the test (or benchmark run) failing, said with unwrap, expect or panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)]

mod support;

use std::path::{Path, PathBuf};
use std::time::Instant;

use frontdesk::server::ServeOptions;
use frontdesk::storage::Durability;
use reqwest::{Method, StatusCode};
use support::{BenchServer, Samples, measure};

const SEED: u64 = 1;
const CONCURRENT_CLIENTS: usize = 8;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn label(d: Durability) -> &'static str {
    match d {
        Durability::Full => "FULL",
        Durability::Normal => "NORMAL",
    }
}

/// The mount a path lives on and its file system type, from
/// `/proc/self/mounts` (the longest mount point that holds it): an fsync
/// costs what the device under it makes it cost.
fn file_system_of(path: &Path) -> String {
    let Ok(path) = path.canonicalize() else { return "unknown".into() };
    let Ok(mounts) = std::fs::read_to_string("/proc/self/mounts") else { return "unknown".into() };
    mounts
        .lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            (f.len() >= 3 && path.starts_with(f[1])).then(|| (f[1].len(), format!("{} ({} on {})", f[1], f[2], f[0])))
        })
        .max_by_key(|(len, _)| *len)
        .map_or_else(|| "unknown".into(), |(_, s)| s)
}

/// A fresh copy of the cached database for one run of one setting.
fn copy_database(from: &Path, name: &str) -> anyhow::Result<PathBuf> {
    let to = support::target_dir().join("bench-data").join(format!("durability-{name}.db"));
    support::remove_database(&to);
    let _ = std::fs::remove_dir_all(to.with_extension("media"));
    std::fs::copy(from, &to)?;
    Ok(to)
}

/// One setting, one round: the three write measurements.
async fn round(
    data: &support::Dataset,
    durability: Durability,
    samples: usize,
    round: usize,
) -> anyhow::Result<[Samples; 3]> {
    let path = copy_database(&data.path, &label(durability).to_lowercase())?;
    let server = BenchServer::start_with(&path, ServeOptions { durability, ..ServeOptions::default() }).await?;
    let customers = data.figures.customers as u64;
    let mut rng = support::rng(7 + round as u64);
    let ids: Vec<u64> = (0..samples + 100).map(|_| 1 + rng.below(customers)).collect();
    let name = label(durability);

    let patch = measure(&format!("{name}: PATCH /api/customers/{{id}}/"), 20, samples, None, |i| {
        let (server, id) = (&server, ids[i % ids.len()]);
        async move {
            let body = serde_json::json!({ "telephone": format!("555-{:04}", i % 10_000) });
            server
                .expect(server.request(Method::PATCH, &format!("/api/customers/{id}/")).json(&body), StatusCode::OK)
                .await;
        }
    })
    .await;
    let note = measure(&format!("{name}: POST /api/customers/{{id}}/notes/"), 20, samples, None, |i| {
        let (server, id) = (&server, ids[i % ids.len()]);
        async move {
            let body = serde_json::json!({ "note": format!("durability bench, round {round}, note {i}") });
            server
                .expect(
                    server.request(Method::POST, &format!("/api/customers/{id}/notes/")).json(&body),
                    StatusCode::CREATED,
                )
                .await;
        }
    })
    .await;

    // The same notes from 8 clients at once: each sample is one request's
    // latency under contention; the wall time gives the throughput.
    let started = Instant::now();
    let per_client = samples.div_ceil(CONCURRENT_CLIENTS);
    let mut durations = Vec::with_capacity(per_client * CONCURRENT_CLIENTS);
    let server = std::sync::Arc::new(server);
    let tasks: Vec<_> = (0..CONCURRENT_CLIENTS)
        .map(|c| {
            let server = std::sync::Arc::clone(&server);
            let ids = ids.clone();
            tokio::spawn(async move {
                let mut out = Vec::with_capacity(per_client);
                for i in 0..per_client {
                    let id = ids[(c * per_client + i) % ids.len()];
                    let body = serde_json::json!({ "note": format!("durability bench, client {c}, note {i}") });
                    let t = Instant::now();
                    server
                        .expect(
                            server.request(Method::POST, &format!("/api/customers/{id}/notes/")).json(&body),
                            StatusCode::CREATED,
                        )
                        .await;
                    out.push(t.elapsed());
                }
                out
            })
        })
        .collect();
    for task in tasks {
        durations.extend(task.await?);
    }
    let wall = started.elapsed();
    let concurrent = Samples {
        name: format!("{name}: POST notes, {CONCURRENT_CLIENTS} clients at once"),
        note: format!("{:.0} writes/s", durations.len() as f64 / wall.as_secs_f64()),
        durations,
        target: None,
    };
    if let Ok(server) = std::sync::Arc::try_unwrap(server) {
        server.stop().await;
    }
    support::remove_database(&path);
    let _ = std::fs::remove_dir_all(path.with_extension("media"));
    Ok([patch, note, concurrent])
}

/// Merges one setting's samples of every round, operation by operation.
fn merge(into: &mut Vec<Samples>, more: [Samples; 3]) {
    for s in more {
        match into.iter_mut().find(|m| m.name == s.name) {
            Some(m) => {
                m.durations.extend(s.durations);
                m.note = format!("{}; {}", m.note, s.note).trim_start_matches("; ").to_string();
            }
            None => into.push(s),
        }
    }
}

fn main() -> anyhow::Result<()> {
    let customers = env_number("FRONTDESK_BENCH_CUSTOMERS", 2_000);
    let samples = env_number("FRONTDESK_BENCH_SAMPLES", 500).max(1);
    let rounds = env_number("FRONTDESK_BENCH_ROUNDS", 2).max(1);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let data = support::dataset(SEED, customers).await?;
        println!(
            "durability: {} customers; database on {}; {rounds} round(s) of {samples} writes per operation",
            data.figures.customers,
            file_system_of(&data.path)
        );
        println!("load average before: {}; machine speed: {}", support::load_average(), support::cpu_reference());
        let (mut full, mut normal) = (Vec::new(), Vec::new());
        for r in 0..rounds {
            // Alternate which goes first, so a slow spell is shared.
            let order = if r % 2 == 0 {
                [Durability::Full, Durability::Normal]
            } else {
                [Durability::Normal, Durability::Full]
            };
            for d in order {
                let got = round(&data, d, samples, r).await?;
                merge(if d == Durability::Full { &mut full } else { &mut normal }, got);
            }
        }
        println!();
        let all: Vec<Samples> = full.iter().chain(normal.iter()).cloned().collect();
        print!("{}", support::table(&all));
        println!();
        for (f, n) in full.iter().zip(normal.iter()) {
            let ratio = |p: f64| f.percentile(p).as_secs_f64() / n.percentile(p).as_secs_f64().max(1e-9);
            let extra = f.percentile(50.0).saturating_sub(n.percentile(50.0));
            println!(
                "{}: FULL/NORMAL p50 x{:.2}, p99 x{:.2}; FULL adds {:.2} ms at p50",
                f.name.trim_start_matches("FULL: "),
                ratio(50.0),
                ratio(99.0),
                extra.as_secs_f64() * 1000.0
            );
        }
        println!("load average after: {}", support::load_average());
        Ok(())
    })
}
