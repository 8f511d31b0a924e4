//! `http`: the server started in-process on 127.0.0.1:0 over an existing data directory, then
//! three loads one after another: GET /healthz (the empty handler), search
//! (GET /api/v1/children?q=…) and the ledger's first page (GET /api/v1/children?per_page=20).
//!
//! Each of N workers owns one kept-alive HTTP/1.1 connection and sends its next request when
//! the previous answer's body has been read (closed loop). Every request is timed from just
//! before it is sent until its whole body has arrived. A load stops at its duration or at
//! `max_requests`, whichever comes first. Traffic goes to the loopback address only.
//!
//! Requirements at 1,000,000 children: search p99 < 10 ms, ledger first page p99 < 20 ms;
//! every answer 2xx.
//!
//! With `--database-url postgres://…` the data directory holds only the keys, and `--servers N`
//! starts N servers, each with its own store on the one database; worker `w` talks to server
//! `w mod N` (issue 23: several servers behind a load balancer).

use crate::report;
use crate::stats::{Samples, Summary, ms};
use anyhow::{Context, bail, ensure};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use shouhu_domain::clock::{Clock, SystemClock};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

// The `http` command's options (its help is the command's own, in main.rs).
#[derive(clap::Args, Debug)]
pub struct Opts {
    /// The data directory holding shouhu.db (made by `shouhu demo seed` + `demo children`),
    /// or with `--database-url` the keys (audit.key, shouhu-data.key) of that database.
    #[arg(long)]
    pub db_dir: PathBuf,
    /// A PostgreSQL database (`shouhu --database-url … demo seed` and an import) instead
    /// of `db_dir/shouhu.db`.
    #[arg(long)]
    pub database_url: Option<String>,
    /// Servers started in-process on the one database, the workers spread over them.
    #[arg(long, default_value_t = 1)]
    pub servers: usize,
    /// Concurrent workers, each with one kept-alive connection.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Measured time of each load.
    #[arg(long, default_value_t = 10)]
    pub duration_secs: u64,
    /// Unmeasured time before each load.
    #[arg(long, default_value_t = 2)]
    pub warmup_secs: u64,
    /// Upper bound on the measured requests of each load.
    #[arg(long, default_value_t = 2_000_000)]
    pub max_requests: u64,
    /// Random children from the database whose names and ID numbers become search queries.
    #[arg(long, default_value_t = 40)]
    pub sample_children: usize,
    /// Exit non-zero when a latency target is missed (non-2xx answers always fail).
    #[arg(long)]
    pub check: bool,
}

const SEARCH_P99_MS: f64 = 10.0;
const LEDGER_P99_MS: f64 = 20.0;
/// Issue 17: the director's due list and the supervisor's coverage page.
const VISITS_P99_MS: f64 = 20.0;
/// Issue 23: the city's statistics page under 1 s.
const STATISTICS_P99_MS: f64 = 1000.0;

/// One request of a load: its path and the class it is reported under.
#[derive(Clone)]
pub(crate) struct Target {
    pub path: String,
    pub class: usize,
    /// What was typed, for the report.
    pub shown: String,
}

pub(crate) struct Load {
    pub name: &'static str,
    pub auth: bool,
    pub targets: Vec<Target>,
    pub classes: Vec<String>,
    /// The p99 requirement in ms, if any.
    pub p99_target: Option<f64>,
    /// Another demo account's token than the city's (the director's, the supervisor's).
    pub token: Option<String>,
}

#[derive(Default)]
struct WorkerOut {
    all: Samples,
    by_class: Vec<Samples>,
    errors: Vec<String>,
    error_count: u64,
}

pub(crate) struct LoadResult {
    pub all: Summary,
    pub by_class: Vec<Summary>,
    pub errors: Vec<String>,
    pub error_count: u64,
    pub elapsed: Duration,
}

pub fn run(o: &Opts) -> anyhow::Result<bool> {
    ensure!(o.concurrency >= 1, "--concurrency must be at least 1");
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(run_async(o))
}

/// Percent-encodes a query value (UTF-8 bytes outside the unreserved set).
fn encode(q: &str) -> String {
    let mut out = String::new();
    for b in q.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Realistic search-box queries: common surnames, given names, pinyin initials and full pinyin,
/// plus names and ID numbers of random children from the database.
/// ID numbers are stored sealed (decision 96): `cipher` opens them.
pub(crate) fn search_queries(store: &shouhu_store::Store, sample: usize) -> anyhow::Result<(Vec<Target>, Vec<String>)> {
    let picked: Vec<(String, Option<String>)> = {
        let rows: Vec<(String, Option<String>)> = store.pool.read(|c| {
            c.query(
                "SELECT name, id_number FROM children WHERE closed = FALSE ORDER BY random() LIMIT $1",
                &[(sample as i64).into()],
                |r| Ok((r.text(0)?, r.opt_text(1)?)),
            )
        })?;
        let field = shouhu_store::crypto::field::CHILD_ID_NUMBER;
        rows.into_iter()
            .map(|(name, idn)| Ok((name, store.cipher.open_opt_text(field, idn)?)))
            .collect::<anyhow::Result<_>>()?
    };
    let classes: Vec<String> = [
        "surname (1 character)",
        "given name (2 characters)",
        "full name from the DB",
        "pinyin initials",
        "full pinyin",
        "ID number, last 4 digits (from the DB)",
        "whole ID number (from the DB)",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    let mut qs: Vec<(usize, String)> = Vec::new();
    for s in ["张", "王", "李", "刘", "陈"] {
        qs.push((0, s.into()));
    }
    for s in ["小明", "子涵", "浩然", "欣怡", "宇轩"] {
        qs.push((1, s.into()));
    }
    for s in ["zxm", "wzh", "lhr", "cxy", "lyx"] {
        qs.push((3, s.into()));
    }
    for s in ["zhangxiaoming", "wangzihan", "liuhaoran", "chenxinyi", "liyuxuan"] {
        qs.push((4, s.into()));
    }
    let mut ids = 0;
    for (name, idn) in &picked {
        qs.push((2, name.clone()));
        let given: String = name.chars().skip(1).collect();
        if given.chars().count() >= 2 {
            qs.push((1, given));
        }
        if let Some(idn) = idn {
            qs.push((5, idn[idn.len() - 4..].to_string()));
            if ids < sample / 4 {
                qs.push((6, idn.clone()));
                ids += 1;
            }
        }
    }
    // Interleave classes so that every stretch of the cycle has a mix.
    qs.sort_by_key(|(c, _)| *c);
    let mut by_class: Vec<Vec<String>> = vec![Vec::new(); classes.len()];
    for (c, q) in qs {
        by_class[c].push(q);
    }
    let mut targets = Vec::new();
    let longest = by_class.iter().map(Vec::len).max().unwrap_or(0);
    for i in 0..longest {
        for (c, list) in by_class.iter().enumerate() {
            if let Some(q) = list.get(i) {
                targets.push(Target {
                    path: format!("/api/v1/children?q={}&per_page=20", encode(q)),
                    class: c,
                    shown: q.clone(),
                });
            }
        }
    }
    Ok((targets, classes))
}

pub(crate) async fn connect(addr: SocketAddr) -> anyhow::Result<SendRequest<Full<Bytes>>> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

pub(crate) fn request(
    addr: SocketAddr,
    method: Method,
    path: &str,
    auth: Option<&str>,
    body: Option<String>,
) -> anyhow::Result<Request<Full<Bytes>>> {
    let mut b = Request::builder().method(method).uri(path).header(HOST, addr.to_string());
    if let Some(t) = auth {
        b = b.header(AUTHORIZATION, format!("Bearer {t}"));
    }
    let body = match body {
        Some(s) => {
            b = b.header(CONTENT_TYPE, "application/json");
            Full::new(Bytes::from(s))
        }
        None => Full::new(Bytes::new()),
    };
    Ok(b.body(body)?)
}

/// One request on a new connection (set-up calls, not measured).
pub(crate) async fn one(
    addr: SocketAddr,
    method: Method,
    path: &str,
    auth: Option<&str>,
    body: Option<String>,
) -> anyhow::Result<(StatusCode, Bytes)> {
    let mut s = connect(addr).await?;
    let res = s.send_request(request(addr, method, path, auth, body)?).await?;
    let status = res.status();
    let body = res.into_body().collect().await?.to_bytes();
    Ok((status, body))
}

#[allow(clippy::too_many_arguments)]
async fn worker(
    addr: SocketAddr,
    auth: Option<Arc<str>>,
    targets: Arc<Vec<Target>>,
    classes: usize,
    first: usize,
    stride: usize,
    deadline: Instant,
    budget: Arc<AtomicU64>,
    max: u64,
) -> WorkerOut {
    let mut out = WorkerOut { by_class: vec![Samples::default(); classes], ..Default::default() };
    let mut idx = first;
    let mut sender: Option<SendRequest<Full<Bytes>>> = None;
    let fail = |out: &mut WorkerOut, what: String| {
        out.error_count += 1;
        if out.errors.len() < 5 {
            out.errors.push(what);
        }
    };
    while Instant::now() < deadline && budget.fetch_add(1, Ordering::Relaxed) < max {
        let t = &targets[idx % targets.len()];
        idx += stride;
        if sender.is_none() {
            match connect(addr).await {
                Ok(s) => sender = Some(s),
                Err(e) => {
                    fail(&mut out, format!("connect: {e}"));
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            }
        }
        let Some(s) = sender.as_mut() else { continue };
        let req = match request(addr, Method::GET, &t.path, auth.as_deref(), None) {
            Ok(r) => r,
            Err(e) => {
                fail(&mut out, format!("building request: {e}"));
                continue;
            }
        };
        let started = Instant::now();
        let res = async {
            s.ready().await?;
            let res = s.send_request(req).await?;
            let status = res.status();
            let body = res.into_body().collect().await?.to_bytes();
            anyhow::Ok((status, body))
        }
        .await;
        let took = started.elapsed();
        match res {
            Ok((status, _)) if status.is_success() => {
                out.all.push(took);
                out.by_class[t.class].push(took);
            }
            Ok((status, body)) => {
                let b = String::from_utf8_lossy(&body[..body.len().min(200)]).to_string();
                fail(&mut out, format!("{status} for {}: {b}", t.shown));
            }
            Err(e) => {
                fail(&mut out, format!("{e} for {}", t.shown));
                sender = None;
            }
        }
    }
    out
}

pub(crate) async fn run_load(
    addrs: &[SocketAddr],
    token: &str,
    load: &Load,
    concurrency: usize,
    duration: Duration,
    max: u64,
) -> LoadResult {
    let targets = Arc::new(load.targets.clone());
    let auth: Option<Arc<str>> = load.auth.then(|| Arc::from(token));
    let budget = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + duration;
    let handles: Vec<_> = (0..concurrency)
        .map(|w| {
            tokio::spawn(worker(
                addrs[w % addrs.len()],
                auth.clone(),
                targets.clone(),
                load.classes.len(),
                w,
                concurrency,
                deadline,
                budget.clone(),
                max,
            ))
        })
        .collect();
    let mut all = Samples::default();
    let mut by_class = vec![Samples::default(); load.classes.len()];
    let mut errors = Vec::new();
    let mut error_count = 0;
    for h in handles {
        match h.await {
            Ok(o) => {
                all.extend(&o.all);
                for (c, s) in by_class.iter_mut().zip(&o.by_class) {
                    c.extend(s);
                }
                errors.extend(o.errors);
                error_count += o.error_count;
            }
            Err(e) => {
                error_count += 1;
                errors.push(format!("worker panicked: {e}"));
            }
        }
    }
    let elapsed = started.elapsed();
    LoadResult {
        all: all.summary(),
        by_class: by_class.iter_mut().map(Samples::summary).collect(),
        errors,
        error_count,
        elapsed,
    }
}

/// An API token of a demo account (`shouhu demo seed`).
pub(crate) async fn demo_token(addr: SocketAddr, username: &str) -> anyhow::Result<String> {
    // The city's account signs in with a second factor (decision 83): the demo's TOTP code.
    let code = shouhu_web::second_factor::code_at(shouhu::seed::DEMO_TOTP_SECRET, chrono::Utc::now())?;
    let body =
        format!(r#"{{"username":"{username}","password":"shouhu-demo-2026","name":"shouhu-bench","code":"{code}"}}"#);
    let (status, body) = one(addr, Method::POST, "/api/v1/tokens", None, Some(body)).await?;
    ensure!(
        status.is_success(),
        "POST /api/v1/tokens for {username} answered {status}: {} (was the database seeded with `shouhu demo seed`?)",
        String::from_utf8_lossy(&body)
    );
    Ok(serde_json::from_slice::<serde_json::Value>(&body)?["token"]
        .as_str()
        .context("no token in the answer")?
        .to_string())
}

async fn run_async(o: &Opts) -> anyhow::Result<bool> {
    let db = o.db_dir.join("shouhu.db");
    let url = match &o.database_url {
        Some(url) => url.clone(),
        None => {
            ensure!(
                db.is_file(),
                "{} does not exist: make it with `shouhu --data-dir D demo seed` and `shouhu --data-dir D demo children --children N`",
                db.display()
            );
            format!("sqlite://{}", db.display())
        }
    };
    ensure!(o.servers >= 1, "--servers must be at least 1");
    ensure!(o.servers == 1 || o.database_url.is_some(), "several servers need --database-url postgres://…");
    // Each server its own store (pool, indexer, leases) on the one database, as N processes
    // would be. The store's calls block (PostgreSQL's driver too): off the async threads.
    let mut stores = Vec::with_capacity(o.servers);
    for _ in 0..o.servers {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let keys = shouhu_store::crypto::KeySource::resolve(None, &o.db_dir);
        let audit_key = crate::audit_key(&db)?;
        let settings = shouhu_domain::settings::Settings::default();
        stores.push(
            tokio::task::block_in_place(|| shouhu::server::open_store_keyed(&url, clock, settings, keys, audit_key))
                .context("opening the store")?,
        );
    }
    let count = |store: &shouhu_store::Store, table: &str| -> anyhow::Result<i64> {
        let sql = format!("SELECT count(*) FROM {table}");
        Ok(tokio::task::block_in_place(|| store.pool.read(|c| c.query_opt(&sql, &[], |r| r.i64(0))))?.unwrap_or(0))
    };
    let (children, audit_before) = (count(&stores[0], "children")?, count(&stores[0], "audit_log")?);
    let (mut search_targets, mut search_classes) =
        tokio::task::block_in_place(|| search_queries(&stores[0], o.sample_children))?;
    let reader = stores[0].clone();
    let mut running = Vec::with_capacity(o.servers);
    for store in stores {
        running.push(shouhu::server::start("127.0.0.1:0", store, shouhu_web::Config::default()).await?);
    }
    let addrs: Vec<SocketAddr> = running.iter().map(|r| r.addr).collect();
    let addr = addrs[0];
    ensure!(addrs.iter().all(|a| a.ip().is_loopback()), "refusing to load a non-loopback address {addr}");

    let token = demo_token(addr, "city").await?;
    // Issue 17's pages: the demo village's director and the demo township's supervisor.
    let director = demo_token(addr, "director").await?;
    let supervisor = demo_token(addr, "supervisor").await?;

    // Issue 24: the next pages of common names and pinyin, and common names narrowed to a
    // township (the demo's 梅厂镇), each a kind of its own.
    let mut extra = Vec::new();
    for t in search_targets.iter().filter(|t| t.class <= 1 || t.class == 3 || t.class == 4) {
        let (status, body) = one(addr, Method::GET, &t.path, Some(&token), None).await?;
        ensure!(status.is_success(), "search {:?} answered {status}", t.shown);
        let v: serde_json::Value = serde_json::from_slice(&body)?;
        if let Some(next) = v["next"].as_str() {
            extra.push(Target { path: format!("{}&after={next}&page=2", t.path), class: 7, shown: t.shown.clone() });
        }
        if t.class <= 1 {
            extra.push(Target { path: format!("{}&region=120114101", t.path), class: 8, shown: t.shown.clone() });
        }
    }
    search_classes.push("next page (names and pinyin, after=…)".into());
    search_classes.push("narrowed to a township (names, region=120114101)".into());
    search_targets.extend(extra);
    // What each search query finds (one unmeasured request each), and a check that all answer 200.
    let mut found: Vec<usize> = Vec::with_capacity(search_targets.len());
    for t in &search_targets {
        let (status, body) = one(addr, Method::GET, &t.path, Some(&token), None).await?;
        ensure!(status.is_success(), "search {:?} answered {status}", t.shown);
        let v: serde_json::Value = serde_json::from_slice(&body)?;
        found.push(v["rows"].as_array().map_or(0, Vec::len));
    }
    let ledger_path = "/api/v1/children?per_page=20";
    let (status, body) = one(addr, Method::GET, ledger_path, Some(&token), None).await?;
    ensure!(status.is_success(), "ledger answered {status}");
    let ledger_total = serde_json::from_slice::<serde_json::Value>(&body)?["total"].clone();

    let loads = [
        Load {
            name: "GET /healthz (empty handler)",
            auth: false,
            targets: vec![Target { path: "/healthz".into(), class: 0, shown: "/healthz".into() }],
            classes: vec!["healthz".into()],
            p99_target: None,
            token: None,
        },
        Load {
            name: "GET /api/v1/children?q=… (search)",
            auth: true,
            targets: search_targets.clone(),
            classes: search_classes.clone(),
            p99_target: Some(SEARCH_P99_MS),
            token: None,
        },
        Load {
            name: "GET /api/v1/children?per_page=20 (ledger, first page)",
            auth: true,
            targets: vec![Target { path: ledger_path.into(), class: 0, shown: ledger_path.into() }],
            classes: vec!["ledger".into()],
            p99_target: Some(LEDGER_P99_MS),
            token: None,
        },
        Load {
            name: "GET /api/v1/visits/due (the director's due list, one village)",
            auth: true,
            targets: vec![Target { path: "/api/v1/visits/due".into(), class: 0, shown: "due".into() }],
            classes: vec!["due list".into()],
            p99_target: Some(VISITS_P99_MS),
            token: Some(director),
        },
        Load {
            name: "GET /api/v1/supervision (the supervisor's coverage, one township)",
            auth: true,
            targets: vec![Target { path: "/api/v1/supervision".into(), class: 0, shown: "supervision".into() }],
            classes: vec!["coverage".into()],
            p99_target: Some(VISITS_P99_MS),
            token: Some(supervisor),
        },
        Load {
            name: "GET /statistics (the city's statistics page)",
            auth: true,
            targets: vec![Target { path: "/statistics".into(), class: 0, shown: "statistics".into() }],
            classes: vec!["statistics".into()],
            p99_target: Some(STATISTICS_P99_MS),
            token: None,
        },
    ];

    let mut results = Vec::new();
    for load in &loads {
        let token = load.token.as_deref().unwrap_or(&token);
        eprintln!("warm-up {} s: {}", o.warmup_secs, load.name);
        let w = run_load(&addrs, token, load, o.concurrency, Duration::from_secs(o.warmup_secs), o.max_requests).await;
        if w.error_count > 0 {
            eprintln!("errors during warm-up: {} {:?}", w.error_count, w.errors);
        }
        eprintln!("measuring {} s: {}", o.duration_secs, load.name);
        let r =
            run_load(&addrs, token, load, o.concurrency, Duration::from_secs(o.duration_secs), o.max_requests).await;
        results.push(r);
    }
    let audit_after = count(&reader, "audit_log")?;
    for r in running {
        let _ = r.stop.send(());
        let _ = r.done.await;
    }

    report::header("HTTP load: healthz, search, ledger first page, due list, coverage, statistics");
    println!(
        "- database: `{}`, {} children; user `city` (scope: city-wide, region 12), API token; the due list as \
         `director` (郭罗庄村), the coverage as `supervisor` (梅厂镇)",
        if o.database_url.is_some() { "PostgreSQL".to_string() } else { db.display().to_string() },
        children
    );
    let addr_list: Vec<String> = addrs.iter().map(SocketAddr::to_string).collect();
    println!(
        "- {} server(s) in-process on {} (`shouhu::server::start`, `Config::default()`, no log subscriber, so request logs are not written), \
         {} pool of {} each; load generator: {} workers × 1 kept-alive HTTP/1.1 connection (hyper), worker w on server w mod {}, closed loop, \
         {} s warm-up + {} s measured per load, at most {} requests per load",
        addrs.len(),
        addr_list.join(", "),
        if o.database_url.is_some() { "PostgreSQL" } else { "SQLite" },
        reader.pool.max_size(),
        o.concurrency,
        addrs.len(),
        o.warmup_secs,
        o.duration_secs,
        o.max_requests
    );
    println!(
        "- **the load generator runs in the same process and on the same {} cores as the server**: \
         the figures are a lower bound of what the server does alone",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
    );
    println!(
        "- every search and ledger request also writes one audit row (audit_log grew by {})\n",
        audit_after - audit_before
    );
    println!(
        "| load | requests | errors (non-2xx) | req/s | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | target | verdict |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---|---|");
    let mut all_ok = true;
    let mut errors = 0;
    for (load, r) in loads.iter().zip(&results) {
        let p99 = ms(r.all.p99);
        let (target, verdict) = match load.p99_target {
            Some(t) if p99 < t && r.error_count == 0 => (format!("p99 < {t} ms"), "PASS"),
            Some(t) => {
                all_ok = false;
                (format!("p99 < {t} ms"), "MISS")
            }
            None => ("—".to_string(), if r.error_count == 0 { "ok" } else { "ERRORS" }),
        };
        errors += r.error_count;
        println!(
            "| {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {} | {} |",
            load.name,
            r.all.count,
            r.error_count,
            r.all.count as f64 / r.elapsed.as_secs_f64(),
            ms(r.all.p50),
            ms(r.all.p90),
            p99,
            ms(r.all.max),
            target,
            verdict
        );
    }
    println!("\nLedger first page: total = {ledger_total} (counted up to the cap).");
    println!("\nSearch by kind of query (same run; rows = results returned, per_page = 20):\n");
    println!(
        "| kind of query | queries | examples | rows returned (min–max) | requests | p50 (ms) | p99 (ms) | max (ms) |"
    );
    println!("|---|---:|---|---:|---:|---:|---:|---:|");
    let search = &results[1];
    for (c, name) in search_classes.iter().enumerate() {
        let of: Vec<(&Target, usize)> =
            search_targets.iter().zip(found.iter().copied()).filter(|(t, _)| t.class == c).collect();
        if of.is_empty() {
            continue;
        }
        let examples: Vec<String> = of
            .iter()
            .take(3)
            .map(|(t, _)| if c == 6 { shouhu_domain::id_number::mask_id(&t.shown) } else { t.shown.clone() })
            .collect();
        let min = of.iter().map(|(_, n)| *n).min().unwrap_or(0);
        let max = of.iter().map(|(_, n)| *n).max().unwrap_or(0);
        let s = &search.by_class[c];
        println!(
            "| {name} | {} | {} | {min}–{max} | {} | {:.2} | {:.2} | {:.2} |",
            of.len(),
            examples.join(", "),
            s.count,
            ms(s.p50),
            ms(s.p99),
            ms(s.max)
        );
    }
    if errors > 0 {
        for (load, r) in loads.iter().zip(&results) {
            for e in &r.errors {
                eprintln!("{}: {e}", load.name);
            }
        }
        bail!("{errors} requests failed or answered non-2xx");
    }
    Ok(all_ok || !o.check)
}
