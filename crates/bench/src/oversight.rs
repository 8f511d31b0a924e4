//! `accountability` (issue 20): the register of overdue work (问责台账) over HTTP at 2
//! connections, for the city (per district), the city drilled down to a district (per unit)
//! and the district officer, with N synthetic children and the to-do benchmark's reports and
//! assessment cases (requirement at 1,000,000 children, 50,000 reports and 20,000 cases:
//! p99 < 100 ms). SQLite in a temporary folder; the server in-process on 127.0.0.1.

use crate::http::{Load, Target, demo_token};
use crate::report;

const P99_MS: f64 = 100.0;

pub fn run(o: &crate::tasks::Opts) -> anyhow::Result<bool> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(run_async(o))
}

async fn run_async(o: &crate::tasks::Opts) -> anyhow::Result<bool> {
    let crate::tasks::Prepared { store, _tmp, generated, inserted } = crate::tasks::prepare(o).await?;
    let running = shouhu::server::start("127.0.0.1:0", store.clone(), shouhu_web::Config::default()).await?;
    let addr = running.addr;
    anyhow::ensure!(addr.ip().is_loopback(), "refusing to load a non-loopback address {addr}");
    let city = demo_token(addr, "city").await?;
    let district = demo_token(addr, "district").await?;
    let sc = store.clone();
    let p_city = store.principal_by_username("city")?;
    let overview = tokio::task::spawn_blocking(move || sc.accountability_register(&p_city, None)).await??;
    let overdue: i64 = overview.districts.iter().map(|d| d.total).sum();

    let page = |path: &str| Target { path: path.into(), class: 0, shown: path.into() };
    let loads = [
        ("GET /api/v1/accountability (city)", "/api/v1/accountability", city.clone()),
        ("GET /api/v1/accountability?district=120114 (city)", "/api/v1/accountability?district=120114", city.clone()),
        ("GET /api/v1/accountability (district)", "/api/v1/accountability", district.clone()),
        ("GET /accountability (city page)", "/accountability", city.clone()),
    ]
    .map(|(name, path, token)| Load {
        name,
        auth: true,
        targets: vec![page(path)],
        classes: vec![name.to_string()],
        p99_target: Some(P99_MS),
        token: Some(token),
    });
    let results = crate::tasks::measure(addr, &loads, o).await;
    let _ = running.stop.send(());
    let _ = running.done.await;

    report::header("The register of overdue work (issue 20)");
    println!(
        "- {} synthetic children over Tianjin plus the demo's ({}); {} reports and {} assessment cases \
         as in the `tasks` benchmark ({}); {} overdue items over {} districts",
        o.children,
        generated,
        o.reports,
        o.cases,
        inserted,
        overdue,
        overview.districts.len()
    );
    println!(
        "- server in-process (SQLite, `Config::default()`), {} kept-alive connections, closed loop, {} s warm-up + {} s \
         measured per load\n",
        o.concurrency, o.warmup_secs, o.duration_secs
    );
    let ok = crate::tasks::print_results(&loads, &results);
    if o.check && !ok {
        eprintln!("a requirement was missed");
    }
    Ok(ok || !o.check)
}
