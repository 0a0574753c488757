//! `cargo bench --bench check_in`: barcode check-in latency over loopback
//! HTTP against a gym of 100,000 customers and 1,000,000 check-ins.
//!
//! The database is generated once through the import path and cached under
//! `target/bench-data/`; each run works on a copy, so every run starts from
//! the same state. Prints p50/p95/p99/max for sequential scans (one desk)
//! and for four desks scanning at once. Target: sequential p99 under 10 ms.
// Test code: a failed expectation is the test (or benchmark run) failing, said with unwrap, expect or panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)]

#[path = "support/check_in_data.rs"]
mod check_in_data;

use check_in_data::{BenchGym, CHECK_INS, CUSTOMERS, barcodes, load_average};

use std::time::{Duration, Instant};

use serde_json::Value;

const WARMUP: usize = 200;
const SEQUENTIAL: usize = 5_000;
const DESKS: usize = 4;
const PER_DESK: usize = 1_000;
const TARGET_P99: Duration = Duration::from_millis(10);

/// Latency percentiles of one phase.
fn report(name: &str, mut samples: Vec<Duration>, wall: Duration) -> Duration {
    samples.sort();
    let at = |q: f64| samples[((q * samples.len() as f64).ceil() as usize).clamp(1, samples.len()) - 1];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<28} n={:<5} p50={:.2} ms  p95={:.2} ms  p99={:.2} ms  max={:.2} ms  ({:.0} scans/s)",
        samples.len(),
        ms(at(0.50)),
        ms(at(0.95)),
        ms(at(0.99)),
        ms(*samples.last().unwrap()),
        samples.len() as f64 / wall.as_secs_f64()
    );
    at(0.99)
}

/// One scan; returns its latency and a short name for its outcome.
async fn scan(client: &reqwest::Client, base: &str, token: &str, barcode: &str) -> (Duration, String) {
    let started = Instant::now();
    let resp = client
        .post(format!("{base}/api/gym-endpoints/barcode-check-in/{barcode}/"))
        .header("Authorization", format!("Token {token}"))
        .send()
        .await
        .expect("scan request");
    let status = resp.status();
    let body = resp.text().await.expect("scan body");
    let elapsed = started.elapsed();
    let outcome = if status.is_success() {
        let v: Value = serde_json::from_str(&body).expect("JSON body");
        format!("200 {}", v["entry_method"].as_str().unwrap_or("?"))
    } else {
        format!("{} {}", status.as_u16(), body.chars().take(48).collect::<String>())
    };
    (elapsed, outcome)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let gym = BenchGym::start().await?;
    let (base, token) = (gym.base.clone(), gym.token.clone());
    let client = frontdesk::client::http_builder().build()?;

    let mut rng = check_in_data::Rng::new(0xBE7C);
    for barcode in barcodes(&mut rng, WARMUP) {
        scan(&client, &base, &token, &barcode).await;
    }

    println!("barcode check-in, {CUSTOMERS} customers, {CHECK_INS} check-ins, loopback HTTP");
    println!("machine load before: {}", load_average());
    let mut outcomes = std::collections::BTreeMap::<String, usize>::new();
    let mut samples = Vec::with_capacity(SEQUENTIAL);
    let started = Instant::now();
    for barcode in barcodes(&mut rng, SEQUENTIAL) {
        let (elapsed, outcome) = scan(&client, &base, &token, &barcode).await;
        samples.push(elapsed);
        *outcomes.entry(outcome).or_default() += 1;
    }
    let p99 = report("one desk (sequential)", samples, started.elapsed());

    let started = Instant::now();
    let desks: Vec<_> = (0..DESKS)
        .map(|_| {
            let (client, base, token) = (client.clone(), base.clone(), token.clone());
            let codes = barcodes(&mut rng, PER_DESK);
            tokio::spawn(async move {
                let mut samples = Vec::with_capacity(codes.len());
                for barcode in codes {
                    samples.push(scan(&client, &base, &token, &barcode).await.0);
                }
                samples
            })
        })
        .collect();
    let mut all = Vec::new();
    for desk in desks {
        all.extend(desk.await?);
    }
    report(&format!("{DESKS} desks at once"), all, started.elapsed());

    println!("machine load after: {}", load_average());
    println!("outcomes of the sequential scans:");
    for (outcome, n) in outcomes {
        println!("  {n:>5}  {outcome}");
    }
    let verdict = if p99 < TARGET_P99 { "met" } else { "MISSED" };
    println!("target: sequential p99 < {} ms: {verdict}", TARGET_P99.as_millis());

    gym.stop().await?;
    Ok(())
}
