//! `stats` (issue 20): the statistics page (统计分析) over HTTP at 2 connections, for the city
//! and the demo district, with N synthetic children, reports and assessment cases spread over
//! Tianjin (requirement at 1,000,000 children, 50,000 reports and 20,000 cases: the city's
//! page p99 < 100 ms). SQLite in a temporary folder; the server in-process on 127.0.0.1.
//! The same workflows as `tasks` (`tasks::workflows`).

use crate::http::{Load, Target, demo_token};
use crate::report;
use std::time::Instant;

const CITY_P99_MS: f64 = 100.0;

pub fn run(o: &crate::tasks::Opts) -> anyhow::Result<bool> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(run_async(o))
}

async fn run_async(o: &crate::tasks::Opts) -> anyhow::Result<bool> {
    let crate::tasks::Prepared { store, _tmp, generated, inserted } = crate::tasks::prepare(o).await?;
    // The store's figures alone, once, for the report.
    let p_city = store.principal_by_username("city")?;
    let s3 = store.clone();
    let t = Instant::now();
    let figures = tokio::task::spawn_blocking(move || s3.statistics(&p_city, &Default::default())).await??;
    let once = t.elapsed();
    let running = shouhu::server::start("127.0.0.1:0", store.clone(), shouhu_web::Config::default()).await?;
    let addr = running.addr;
    anyhow::ensure!(addr.ip().is_loopback(), "refusing to load a non-loopback address {addr}");
    let district = demo_token(addr, "district").await?;
    let city = demo_token(addr, "city").await?;

    let page = |path: &str| Target { path: path.into(), class: 0, shown: path.into() };
    let loads = [
        ("GET /statistics (city)", "/statistics", city.clone(), Some(CITY_P99_MS)),
        ("GET /statistics (武清区)", "/statistics", district.clone(), None),
        ("GET /statistics.xlsx (city)", "/statistics.xlsx", city.clone(), None),
    ]
    .map(|(name, path, token, target)| Load {
        name,
        auth: true,
        targets: vec![page(path)],
        classes: vec![name.to_string()],
        p99_target: target,
        token: Some(token),
    });
    let results = crate::tasks::measure(addr, &loads, o).await;
    let _ = running.stop.send(());
    let _ = running.done.await;
    // The counts made again for the whole city, as an import into every district does
    // before its commit (decision 188): three times, the median.
    let mut recount = Vec::new();
    for _ in 0..3 {
        let s = store.clone();
        let t = Instant::now();
        tokio::task::spawn_blocking(move || s.recount_statistics()).await??;
        recount.push(t.elapsed().as_secs_f64());
    }
    recount.sort_by(f64::total_cmp);

    report::header("Statistics page (issue 20)");
    println!(
        "- {} synthetic children over Tianjin plus the demo's ({}); {} reports and {} assessment cases \
         in random villages ({}), as in `tasks`",
        o.children, generated, o.reports, o.cases, inserted
    );
    println!(
        "- the city's figures: {} open files, {} reports this year, {} districts; `Store::statistics` once, cold: {:.1} ms",
        figures.children,
        figures.reports,
        figures.areas.len(),
        once.as_secs_f64() * 1000.0
    );
    println!(
        "- server in-process (SQLite, `Config::default()`), {} kept-alive connections, closed loop, {} s warm-up + {} s \
         measured per load; the page draws 9 SVG charts and their tables\n",
        o.concurrency, o.warmup_secs, o.duration_secs
    );
    let ok = crate::tasks::print_results(&loads, &results);
    println!(
        "\n- the counts made again from every open file and next visit of the city (what an import into \
         every district adds before its commit, decision 188): median of 3 {:.2} s",
        recount[1]
    );
    if o.check && !ok {
        eprintln!("a requirement was missed");
    }
    Ok(ok || !o.check)
}
