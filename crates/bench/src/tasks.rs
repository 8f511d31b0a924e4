//! `tasks` (issue 19): the home page (工作台), its task counts and the to-do list (待办) over
//! HTTP at 2 connections, for the demo township (梅厂镇) and the city, with N synthetic
//! children, reports and assessment cases spread over Tianjin (requirements at 1,000,000
//! children, 50,000 reports and 20,000 cases: p99 < 20 ms for a township, < 50 ms for the
//! city). SQLite in a temporary folder; the server in-process on 127.0.0.1.

use crate::http::{Load, Target, demo_token, run_load};
use crate::report;
use crate::stats::ms;
use anyhow::Context;
use chrono::Duration as Span;
use rand::{Rng, SeedableRng};
use shouhu_domain::clock::{Clock, SystemClock};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Opts {
    pub children: u64,
    pub reports: u64,
    pub cases: u64,
    pub concurrency: usize,
    pub duration_secs: u64,
    pub warmup_secs: u64,
    pub check: bool,
    /// Keep the store here; a later run reuses its children and workflows, so that a
    /// 1,000,000-file store is generated once for `tasks`, `stats` and `accountability`.
    pub dir: Option<std::path::PathBuf>,
}

const TOWNSHIP_P99_MS: f64 = 20.0;
const CITY_P99_MS: f64 = 50.0;
/// The demo township, where the demo accounts work (梅厂镇): a share of the reports and cases
/// falls there, as in a township with a busy year.
const TOWNSHIP: &str = "120114101";

pub fn run(o: &Opts) -> anyhow::Result<bool> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(run_async(o))
}

/// Reports in every step (most handed over and signed for, some waiting), and cases (a fifth
/// open, with deadlines around now), in random villages of the city and 2% in the township.
pub(crate) fn workflows(store: &shouhu_store::Store, o: &Opts) -> anyhow::Result<()> {
    let all = shouhu::demo::all_villages(&store.regions);
    let ours = shouhu::demo::villages_of(&store.regions, &[TOWNSHIP]);
    let mut rng = rand::rngs::StdRng::seed_from_u64(19);
    let now = store.now();
    let steps =
        [("filed", 2), ("accepted", 1), ("dispatched", 1), ("on_scene", 1), ("disposed", 1), ("handed_over", 94)];
    let pick_step = |r: u32| {
        let mut acc = 0;
        for (s, w) in steps {
            acc += w;
            if r < acc {
                return s;
            }
        }
        "handed_over"
    };
    let village = |rng: &mut rand::rngs::StdRng| {
        if rng.random_range(0..100) < 2 {
            ours[rng.random_range(0..ours.len())].clone()
        } else {
            all[rng.random_range(0..all.len())].clone()
        }
    };
    store.reports.write(|c| {
        for i in 0..o.reports as i64 {
            let v = village(&mut rng);
            let at = now - Span::minutes(rng.random_range(0..365 * 24 * 60));
            let step = pick_step(rng.random_range(0..100));
            let handed = step == "handed_over";
            let acknowledged = handed && rng.random_range(0..100) < 97;
            c.exec(
                "INSERT INTO reports (receipt, district_code, village_code, child_name, situations, urgency, urgency_rank, \
                 description, discovered_at, reported_at, late_report, channel, step, step_at, accepted_at, handed_over_at, \
                 acknowledged_at, version) VALUES ($1, $2, $3, '学生', 'living_alone', 'high', 1, 'bench', $4, $4, FALSE, \
                 'member', $5, $4, $6, $7, $8, 1)",
                &[
                    format!("BENCH-{i}").into(),
                    v[..6].to_string().into(),
                    v.as_str().into(),
                    at.into(),
                    step.into(),
                    (step != "filed").then_some(at).into(),
                    handed.then_some(at).into(),
                    acknowledged.then_some(at).into(),
                ],
            )?;
        }
        for _ in 0..o.cases {
            let v = village(&mut rng);
            let open = rng.random_range(0..100) < 20;
            let opened = now - Span::minutes(rng.random_range(0..365 * 24 * 60));
            let due = if open { now + Span::hours(rng.random_range(-240..240)) } else { opened + Span::days(7) };
            c.exec(
                "INSERT INTO assessments (report_id, child_id, district_code, village_code, opened_at, opened_by, due_at, \
                 state, participants, version, child_name) VALUES (NULL, NULL, $1, $2, $3, 'bench', $4, $5, '[]', 1, '学生')",
                &[
                    v[..6].to_string().into(),
                    v.as_str().into(),
                    opened.into(),
                    due.into(),
                    (if open { "open" } else { "completed" }).into(),
                ],
            )?;
        }
        Ok(())
    })?;
    Ok(())
}

/// Each load warmed up, then measured, one after the other.
pub(crate) async fn measure(addr: std::net::SocketAddr, loads: &[Load], o: &Opts) -> Vec<crate::http::LoadResult> {
    let mut results = Vec::new();
    for load in loads {
        let token = load.token.as_deref().unwrap_or("");
        let w = run_load(&[addr], token, load, o.concurrency, Duration::from_secs(o.warmup_secs), u64::MAX).await;
        if w.error_count > 0 {
            eprintln!("errors during warm-up of {}: {:?}", load.name, w.errors);
        }
        eprintln!("measuring {} s: {}", o.duration_secs, load.name);
        results
            .push(run_load(&[addr], token, load, o.concurrency, Duration::from_secs(o.duration_secs), u64::MAX).await);
    }
    results
}

/// The results as a table, each with its target (a load without one passes unless it
/// failed requests); whether every load passed.
pub(crate) fn print_results(loads: &[Load], results: &[crate::http::LoadResult]) -> bool {
    println!("| load | requests | errors | p50 (ms) | p99 (ms) | max (ms) | target | verdict |");
    println!("|---|---:|---:|---:|---:|---:|---|---|");
    let mut ok = true;
    for (load, r) in loads.iter().zip(results) {
        let p99 = ms(r.all.p99);
        let pass = load.p99_target.is_none_or(|t| p99 < t) && r.error_count == 0;
        ok &= pass;
        println!(
            "| {} | {} | {} | {:.2} | {:.2} | {:.2} | {} | {} |",
            load.name,
            r.all.count,
            r.error_count,
            ms(r.all.p50),
            p99,
            ms(r.all.max),
            load.p99_target.map_or("—".to_string(), |t| format!("p99 < {t} ms")),
            if pass { "PASS" } else { "MISS" }
        );
    }
    ok
}

/// A store with the synthetic children and the workflows: made in `o.dir` (or a temporary
/// folder), or reused from there, children and workflows each only when missing.
pub struct Prepared {
    pub store: shouhu_store::Store,
    /// Removes a temporary folder when dropped.
    pub _tmp: tempfile::TempDir,
    /// How the children and the workflows came to be: "a kept store", "41 s to generate"…
    pub generated: String,
    pub inserted: String,
}

pub async fn prepare(o: &Opts) -> anyhow::Result<Prepared> {
    let tmp = tempfile::tempdir()?;
    let dir = o.dir.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir)?;
    let db = dir.join("shouhu.db");
    let reused = db.exists();
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let store = shouhu::server::open_store(&format!("sqlite://{}", db.display()), clock, crate::audit_key(&db)?)
        .context("opening the store")?;
    let t = Instant::now();
    let s2 = store.clone();
    let n = o.children;
    let generated = if reused {
        eprintln!("reusing {}: no children generated", db.display());
        anyhow::ensure!(
            s2.count_users()? > 0,
            "{} has no demo accounts to sign in with: give a folder made by `tasks`, `stats` or `accountability`",
            db.display()
        );
        "a kept store".to_string()
    } else {
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            shouhu::seed::demo(&s2)?;
            shouhu::seed::synthetic_children(&s2, n, 7, |done| eprint!("\rchildren {done}/{n}"))?;
            eprintln!();
            Ok(())
        })
        .await??;
        format!("{:.0} s to generate", t.elapsed().as_secs_f64())
    };
    let t = Instant::now();
    let has_workflows = store
        .reports
        .read(|c| c.query_opt("SELECT 1 FROM reports WHERE receipt = 'BENCH-0'", &[], |r| r.i64(0)))?
        .is_some();
    let inserted = if has_workflows {
        "kept".to_string()
    } else {
        workflows(&store, o)?;
        format!("{:.1} s to insert", t.elapsed().as_secs_f64())
    };
    Ok(Prepared { store, _tmp: tmp, generated, inserted })
}

async fn run_async(o: &Opts) -> anyhow::Result<bool> {
    let Prepared { store, _tmp, generated, inserted } = prepare(o).await?;
    let running = shouhu::server::start("127.0.0.1:0", store.clone(), shouhu_web::Config::default()).await?;
    let addr = running.addr;
    anyhow::ensure!(addr.ip().is_loopback(), "refusing to load a non-loopback address {addr}");
    let township = demo_token(addr, "township").await?;
    let city = demo_token(addr, "city").await?;

    let (st, sc) = (store.clone(), store.clone());
    let p_town = store.principal_by_username("township")?;
    let p_city = store.principal_by_username("city")?;
    let town_counts = tokio::task::spawn_blocking(move || st.task_counts(&p_town)).await??;
    let city_counts = tokio::task::spawn_blocking(move || sc.task_counts(&p_city)).await??;

    let page = |path: &str| Target { path: path.into(), class: 0, shown: path.into() };
    let loads = [
        ("梅厂镇", "GET /home (township)", "/home", Some(township.clone()), TOWNSHIP_P99_MS),
        ("梅厂镇", "GET /tasks (township)", "/tasks", Some(township.clone()), TOWNSHIP_P99_MS),
        (
            "梅厂镇",
            "GET /api/v1/tasks/counts (township)",
            "/api/v1/tasks/counts",
            Some(township.clone()),
            TOWNSHIP_P99_MS,
        ),
        ("天津市", "GET /home (city)", "/home", Some(city.clone()), CITY_P99_MS),
        ("天津市", "GET /tasks (city)", "/tasks", Some(city.clone()), CITY_P99_MS),
        ("天津市", "GET /api/v1/tasks/counts (city)", "/api/v1/tasks/counts", Some(city.clone()), CITY_P99_MS),
    ]
    .map(|(_, name, path, token, target)| Load {
        name,
        auth: true,
        targets: vec![page(path)],
        classes: vec![name.to_string()],
        p99_target: Some(target),
        token,
    });
    let results = crate::tasks::measure(addr, &loads, o).await;
    let _ = running.stop.send(());
    let _ = running.done.await;

    report::header("Home page and to-do list (issue 19)");
    println!(
        "- {} synthetic children over Tianjin plus the demo's ({}); {} reports and {} assessment cases \
         in random villages, 2% in 梅厂镇 ({}); reports 2% filed, 4% between acceptance and disposal, \
         94% handed over (3% of those not signed for); cases 20% open with deadlines within ±10 days",
        o.children, generated, o.reports, o.cases, inserted
    );
    println!(
        "- open tasks: `township` (梅厂镇) {} ({} overdue), `city` {} ({} overdue) over {} districts",
        town_counts.total.open,
        town_counts.total.overdue,
        city_counts.total.open,
        city_counts.total.overdue,
        city_counts.regions.len()
    );
    println!(
        "- server in-process (SQLite, `Config::default()`), {} kept-alive connections, closed loop, {} s warm-up + {} s \
         measured per load; `/home` shows the badge from its own counts; `/tasks` audits its view and moves the user's \
         \"seen\" mark (a write) each time\n",
        o.concurrency, o.warmup_secs, o.duration_secs
    );
    let ok = crate::tasks::print_results(&loads, &results);
    if o.check && !ok {
        eprintln!("a requirement was missed");
    }
    Ok(ok || !o.check)
}
