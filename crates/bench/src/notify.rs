//! Notifications: how soon a notification reaches connected browsers after its cause commits
//! (issue 19: < 1 s with 200 browsers connected).
//!
//! The server runs in-process on 127.0.0.1 (SQLite in a temporary folder, or a new
//! PostgreSQL database). C police officers of the demo station each hold their notification
//! stream open (`GET /api/v1/notifications/stream`); a teacher files reports of the
//! station's area at a steady rate. Each report notifies every officer (one row each, by the
//! relay of decision 151); for each report and officer the time from sending the report to
//! the officer's stream receiving it is an upper bound of commit → browser (the commit
//! happens after sending).

use crate::http::{connect, request};
use crate::report;
use crate::stats::{Samples, ms};
use anyhow::{Context, ensure};
use http_body_util::BodyExt;
use hyper::Method;
use shouhu_domain::clock::{Clock, SystemClock};
use shouhu_domain::role::Role;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Opts {
    pub database_url: Option<String>,
    pub clients: usize,
    pub secs: u64,
    pub rate: u64,
    pub check: bool,
}

const TARGET_MS: f64 = 1000.0;

fn body(n: u64) -> String {
    let discovered = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    serde_json::json!({
        "situations": ["living_alone"],
        "discovered_at": discovered,
        "child_description": format!("第{n}个孩子"),
        "village_code": "120114101204",
        "description": "孩子独自在家，邻居发现",
    })
    .to_string()
}

/// Holds one officer's stream open and notes when each report's notification arrives
/// (keyed by the report's link).
async fn client(
    addr: std::net::SocketAddr,
    auth: Arc<str>,
    seen: Arc<Mutex<HashMap<String, Vec<Instant>>>>,
    ready: tokio::sync::mpsc::Sender<()>,
) -> anyhow::Result<()> {
    let mut s = connect(addr).await?;
    let req = request(addr, Method::GET, "/api/v1/notifications/stream", Some(&auth), None)?;
    let res = s.send_request(req).await?;
    ensure!(res.status().is_success(), "stream answered {}", res.status());
    let mut body = res.into_body();
    let mut buf = String::new();
    let mut ready = Some(ready);
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame?.into_data() else { continue };
        let at = Instant::now();
        buf.push_str(&String::from_utf8_lossy(&data));
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            if block.lines().any(|l| l == "event: hello") {
                if let Some(r) = ready.take() {
                    let _ = r.send(()).await;
                }
                continue;
            }
            if let Some(json) = block.lines().find_map(|l| l.strip_prefix("data: "))
                && let Ok(v) = serde_json::from_str::<serde_json::Value>(json)
                && let Some(link) = v["link"].as_str()
            {
                seen.lock().map_err(|_| anyhow::anyhow!("poisoned"))?.entry(link.to_string()).or_default().push(at);
            }
        }
    }
    Ok(())
}

pub fn run(o: &Opts) -> anyhow::Result<bool> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(run_async(o))
}

async fn token(addr: std::net::SocketAddr, user: &str) -> anyhow::Result<String> {
    let (status, b) = crate::http::one(
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

async fn run_async(o: &Opts) -> anyhow::Result<bool> {
    let (url, place) = tokio::task::block_in_place(|| crate::audit::place(o.database_url.as_deref()))?;
    let keys = tempfile::tempdir()?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let source = shouhu_store::crypto::KeySource::File { path: keys.path().join("data.key"), create: true };
    let audit = shouhu_store::audit_chain::AuditKey::new(&shouhu_store::audit_chain::AuditKey::random_bytes());
    // The store blocks on its writers: set up off the async threads.
    let (store, backend) = tokio::task::block_in_place(|| -> anyhow::Result<_> {
        let store = shouhu::server::open_store_keyed(&url, clock, Default::default(), source, audit)?;
        let backend = if store.pool.is_sqlite() { "SQLite" } else { "PostgreSQL" };
        shouhu::seed::demo(&store)?;
        // C officers of the demo station, with the demo police's password.
        let (org, hash) = store
            .pool
            .read(|c| {
                c.query_opt("SELECT org_id, password_hash FROM users WHERE username = 'police'", &[], |r| {
                    Ok((r.i64(0)?, r.text(1)?))
                })
            })?
            .context("the demo police")?;
        for i in 1..o.clients {
            store.create_user(&format!("police{i}"), "duty officer", &hash, org, Role::Police)?;
        }
        Ok((store, backend))
    })?;
    let running = shouhu::server::start("127.0.0.1:0", store.clone(), shouhu_web::Config::default()).await?;
    let addr = running.addr;
    let teacher: Arc<str> = token(addr, "teacher").await?.into();
    let mut tokens = vec![token(addr, "police").await?];
    for i in 1..o.clients {
        tokens.push(token(addr, &format!("police{i}")).await?);
    }

    let seen: Arc<Mutex<HashMap<String, Vec<Instant>>>> = Arc::default();
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel(o.clients);
    for t in tokens {
        tokio::spawn(client(addr, t.into(), seen.clone(), ready_tx.clone()));
    }
    for _ in 0..o.clients {
        ready_rx.recv().await.context("a stream failed")?;
    }
    let mut sender = connect(addr).await?;
    let mut sent: Vec<(String, Instant)> = Vec::new();
    let period = Duration::from_micros(1_000_000 / o.rate.max(1));
    let mut tick = tokio::time::interval(period);
    let until = Instant::now() + Duration::from_secs(o.secs);
    let mut n = 0;
    while Instant::now() < until {
        tick.tick().await;
        let req = request(addr, Method::POST, "/api/v1/reports", Some(&teacher), Some(body(n)))?;
        n += 1;
        let at = Instant::now();
        sender.ready().await?;
        let res = sender.send_request(req).await?;
        let status = res.status();
        let b = res.into_body().collect().await?.to_bytes();
        ensure!(status.as_u16() == 201, "report answered {status}");
        let v: serde_json::Value = serde_json::from_slice(&b)?;
        sent.push((format!("/reports/{}", v["id"].as_i64().context("id")?), at));
    }
    // Let the last notifications arrive: until every client has every one, at most 10 s.
    let wait_until = Instant::now() + Duration::from_secs(10);
    loop {
        let complete = {
            let s = seen.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
            sent.iter().all(|(r, _)| s.get(r).is_some_and(|v| v.len() >= o.clients))
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
            missed += o.clients.saturating_sub(got.len());
            for t in got {
                lat.push(t.saturating_duration_since(*at));
            }
        }
    }
    let sum = lat.summary();
    let _ = running.stop.send(());
    // Dropping a PostgreSQL database blocks: off the async threads.
    tokio::task::block_in_place(|| drop(place));

    report::header(&format!("Notifications: cause committed → connected browser ({backend})"));
    println!("| measure | count | median | p99 | max | result |");
    println!("|---|---:|---:|---:|---:|---|");
    let ok = ms(sum.p99) < TARGET_MS && missed == 0;
    println!(
        "| {} streams, {} reports at {}/s, each notifying every officer: send → stream (target < {TARGET_MS:.0} ms; missed {missed}) | {} | {:.1} ms | {:.1} ms | {:.1} ms | {} |",
        o.clients,
        sent.len(),
        o.rate,
        sum.count,
        ms(sum.p50),
        ms(sum.p99),
        ms(sum.max),
        if ok { "pass" } else { "MISS" }
    );
    Ok(!o.check || ok)
}
