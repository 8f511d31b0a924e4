//! Reports: durable acknowledgements per second, and how soon a connected duty desk sees a
//! new report.
//!
//! The server runs in-process on 127.0.0.1 over a fresh SQLite data directory (demo
//! accounts only). Part 1: N kept-alive connections file reports as fast as they are
//! acknowledged; every acknowledgement is a commit synced to disk. Part 2: D duty desks hold
//! the live stream open while reports are filed at a steady rate; for each report and desk
//! the time from sending the report to the desk receiving it is an upper bound of
//! commit → desk (the commit happens after sending).

use crate::http::{connect, one, request};
use crate::report;
use crate::stats::{Samples, ms};
use anyhow::{Context, ensure};
use http_body_util::BodyExt;
use hyper::Method;
use shouhu_domain::clock::{Clock, SystemClock};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Opts {
    pub concurrency: usize,
    pub secs: u64,
    pub desks: usize,
    pub rate: u64,
    pub check: bool,
}

const ACKS_TARGET: f64 = 1000.0;
const DESK_P99_MS: f64 = 50.0;

fn body(worker: usize, n: u64) -> String {
    let discovered = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    serde_json::json!({
        "situations": ["living_alone"],
        "discovered_at": discovered,
        "child_description": format!("第{worker}组第{n}个孩子"),
        "village_code": "120114101204",
        "description": "孩子独自在家，邻居发现",
    })
    .to_string()
}

async fn token(addr: std::net::SocketAddr, user: &str) -> anyhow::Result<String> {
    let (status, b) = one(
        addr,
        Method::POST,
        "/api/v1/tokens",
        None,
        Some(format!(r#"{{"username":"{user}","password":"shouhu-demo-2026"}}"#)),
    )
    .await?;
    ensure!(status.is_success(), "token for {user}: {status}");
    Ok(serde_json::from_slice::<serde_json::Value>(&b)?["token"].as_str().context("token")?.to_string())
}

/// Files reports on one connection until `deadline`; returns each acknowledgement's latency.
async fn filer(
    addr: std::net::SocketAddr,
    auth: Arc<str>,
    worker: usize,
    deadline: Instant,
) -> anyhow::Result<Samples> {
    let mut s = connect(addr).await?;
    let mut out = Samples::default();
    let mut n = 0;
    while Instant::now() < deadline {
        let mut req = request(addr, Method::POST, "/api/v1/reports", Some(&auth), Some(body(worker, n)))?;
        req.headers_mut().insert("idempotency-key", format!("b{worker}-{n}").parse()?);
        n += 1;
        let started = Instant::now();
        s.ready().await?;
        let res = s.send_request(req).await?;
        let status = res.status();
        let b = res.into_body().collect().await?.to_bytes();
        ensure!(status.as_u16() == 201, "report answered {status}: {}", String::from_utf8_lossy(&b));
        out.push(started.elapsed());
    }
    Ok(out)
}

/// Holds a desk's stream open and notes when each report's `filed` event arrives.
async fn desk(
    addr: std::net::SocketAddr,
    auth: Arc<str>,
    seen: Arc<Mutex<HashMap<String, Vec<Instant>>>>,
    ready: tokio::sync::mpsc::Sender<()>,
) -> anyhow::Result<()> {
    let mut s = connect(addr).await?;
    let req = request(addr, Method::GET, "/api/v1/reports/stream", Some(&auth), None)?;
    let res = s.send_request(req).await?;
    ensure!(res.status().is_success(), "stream answered {}", res.status());
    let _ = ready.send(()).await;
    let mut body = res.into_body();
    let mut buf = String::new();
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame?.into_data() else { continue };
        let at = Instant::now();
        buf.push_str(&String::from_utf8_lossy(&data));
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            if let Some(json) = block.lines().find_map(|l| l.strip_prefix("data: "))
                && let Ok(v) = serde_json::from_str::<serde_json::Value>(json)
                && v["kind"] == "filed"
                && let Some(r) = v["report"]["receipt"].as_str()
            {
                seen.lock().map_err(|_| anyhow::anyhow!("poisoned"))?.entry(r.to_string()).or_default().push(at);
            }
        }
    }
    Ok(())
}

pub fn run(o: &Opts) -> anyhow::Result<bool> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(run_async(o))
}

async fn run_async(o: &Opts) -> anyhow::Result<bool> {
    let dir = std::env::temp_dir().join(format!("shouhu-bench-reports-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}/shouhu.db", dir.display());
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let store = shouhu::server::open_store(&url, clock, crate::audit_key(&dir.join("shouhu.db"))?)?;
    shouhu::seed::demo(&store)?;
    let running = shouhu::server::start("127.0.0.1:0", store.clone(), shouhu_web::Config::default()).await?;
    let addr = running.addr;
    let teacher: Arc<str> = token(addr, "teacher").await?.into();
    let police: Arc<str> = token(addr, "police").await?.into();

    // Part 1: acknowledgements per second.
    let started = Instant::now();
    let deadline = started + Duration::from_secs(o.secs);
    let handles: Vec<_> = (0..o.concurrency).map(|w| tokio::spawn(filer(addr, teacher.clone(), w, deadline))).collect();
    let mut acks = Samples::default();
    for h in handles {
        acks.extend(&h.await??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let ack = acks.summary();
    let rate = ack.count as f64 / elapsed;
    let stored: i64 =
        store.reports.read(|c| c.query_opt("SELECT count(*) FROM reports", &[], |r| r.i64(0)))?.unwrap_or(0);
    ensure!(stored as usize >= ack.count, "{} acknowledged but {stored} stored", ack.count);

    // Part 2: D desks connected, reports at a steady rate.
    let seen: Arc<Mutex<HashMap<String, Vec<Instant>>>> = Arc::default();
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel(o.desks);
    for _ in 0..o.desks {
        tokio::spawn(desk(addr, police.clone(), seen.clone(), ready_tx.clone()));
    }
    for _ in 0..o.desks {
        ready_rx.recv().await.context("a desk's stream failed")?;
    }
    let mut sender = connect(addr).await?;
    let mut sent: Vec<(String, Instant)> = Vec::new();
    let period = Duration::from_micros(1_000_000 / o.rate.max(1));
    let mut tick = tokio::time::interval(period);
    let until = Instant::now() + Duration::from_secs(o.secs);
    let mut n = 0;
    while Instant::now() < until {
        tick.tick().await;
        let req = request(addr, Method::POST, "/api/v1/reports", Some(&teacher), Some(body(9999, n)))?;
        n += 1;
        let at = Instant::now();
        sender.ready().await?;
        let res = sender.send_request(req).await?;
        let b = res.into_body().collect().await?.to_bytes();
        let v: serde_json::Value = serde_json::from_slice(&b)?;
        sent.push((v["receipt"].as_str().context("receipt")?.to_string(), at));
    }
    // Let the last events arrive: wait until every desk has every report, at most 5 s.
    let wait_until = Instant::now() + Duration::from_secs(5);
    loop {
        let complete = {
            let s = seen.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
            sent.iter().all(|(r, _)| s.get(r).is_some_and(|v| v.len() >= o.desks))
        };
        if complete || Instant::now() > wait_until {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut lat = Samples::default();
    let mut missed = 0usize;
    {
        let s = seen.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
        for (r, at) in &sent {
            let got = s.get(r).map_or(&[][..], Vec::as_slice);
            missed += o.desks.saturating_sub(got.len());
            for t in got {
                lat.push(t.saturating_duration_since(*at));
            }
        }
    }
    let desk = lat.summary();
    let _ = running.stop.send(());
    let _ = std::fs::remove_dir_all(&dir);

    report::header("Reports: durable acknowledgements, and report → duty desk");
    println!("SQLite, reports database `synchronous=FULL` (every acknowledgement synced to disk).\n");
    println!("| measure | count | median | p99 | max | result |");
    println!("|---|---:|---:|---:|---:|---|");
    let ack_ok = rate >= ACKS_TARGET;
    println!(
        "| {} connections filing reports: **{rate:.0} acknowledged/s** (target ≥ {ACKS_TARGET:.0}) | {} | {:.1} ms | {:.1} ms | {:.1} ms | {} |",
        o.concurrency,
        ack.count,
        ms(ack.p50),
        ms(ack.p99),
        ms(ack.max),
        if ack_ok { "pass" } else { "MISS" }
    );
    let desk_ok = ms(desk.p99) < DESK_P99_MS && missed == 0;
    println!(
        "| {} desks, {} reports at {}/s: send → desk (target p99 < {DESK_P99_MS:.0} ms; missed {missed}) | {} | {:.1} ms | {:.1} ms | {:.1} ms | {} |",
        o.desks,
        sent.len(),
        o.rate,
        desk.count,
        ms(desk.p50),
        ms(desk.p99),
        ms(desk.max),
        if desk_ok { "pass" } else { "MISS" }
    );
    Ok(!o.check || (ack_ok && desk_ok))
}
