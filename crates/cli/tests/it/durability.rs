//! An acknowledged report is never lost: the real binary is killed (SIGKILL) while reports
//! pour in, restarted, and every report it acknowledged is there; and the reports database is
//! synced at every commit, which no kill can show.

use crate::harness::*;
use serde_json::{Value, json};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Starts `shouhu serve` on a free port and returns it with its address once it listens.
pub(crate) async fn start(data_dir: &std::path::Path, url: &str, demo: bool) -> (Child, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shouhu"));
    cmd.arg("--data-dir").arg(data_dir).args(["--database-url", url, "serve", "--bind", "127.0.0.1:0"]);
    if demo {
        cmd.arg("--demo");
    }
    let mut child = cmd.stderr(Stdio::piped()).stdout(Stdio::null()).kill_on_drop(true).spawn().expect("spawn shouhu");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let addr = loop {
        let line = lines.next_line().await.expect("read stderr").expect("shouhu exited before listening");
        if let Some(a) = line.strip_prefix("shouhu: http://") {
            break a.to_string();
        }
    };
    // Keep draining stderr so the server never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, format!("http://{addr}"))
}

pub(crate) async fn token(base: &str, username: &str) -> String {
    let res = reqwest::Client::new()
        .post(format!("{base}/api/v1/tokens"))
        .json(&json!({"username": username, "password": "shouhu-demo-2026"}))
        .send()
        .await
        .expect("token");
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.expect("json")["token"].as_str().expect("token").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_report_survives_a_kill_under_load() {
    let (url, _db) = fresh_database().await;
    let data = tempfile::tempdir().expect("data dir");
    let (mut server, base) = start(data.path(), &url, true).await;
    let teacher = token(&base, "teacher").await;
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let enough = 200;
    let discovered = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let mut senders = Vec::new();
    for worker in 0..16 {
        let (base, teacher, acked, discovered) = (base.clone(), teacher.clone(), acked.clone(), discovered.clone());
        senders.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            for n in 0.. {
                let body = json!({
                    "situations": ["living_alone"],
                    "discovered_at": discovered,
                    "child_description": format!("第{worker}组第{n}个孩子"),
                    "village_code": VILLAGE_A,
                    "description": "独自在家",
                });
                let sent = client
                    .post(format!("{base}/api/v1/reports"))
                    .bearer_auth(&teacher)
                    .header("Idempotency-Key", format!("w{worker}-{n}"))
                    .json(&body)
                    .send()
                    .await;
                let Ok(res) = sent else { return };
                if res.status() != 201 {
                    return;
                }
                let Ok(r) = res.json::<Value>().await else { return };
                acked.lock().expect("lock").push(r["receipt"].as_str().expect("receipt").to_string());
            }
        }));
    }
    // Kill once enough reports are acknowledged, in the middle of the stream.
    loop {
        let n = acked.lock().expect("lock").len();
        if n >= enough {
            break;
        }
        tokio::task::yield_now().await;
    }
    server.start_kill().expect("SIGKILL");
    server.wait().await.expect("killed");
    for s in senders {
        let _ = s.await;
    }
    let acked = acked.lock().expect("lock").clone();
    assert!(acked.len() >= enough);

    let (mut again, base) = start(data.path(), &url, false).await;
    let police = token(&base, "police").await;
    let res = reqwest::Client::new().get(format!("{base}/api/v1/reports?view=queue")).bearer_auth(&police).send().await;
    assert_eq!(res.expect("queue").status(), 200, "the restarted server serves reports");
    let stored: Vec<String> = {
        let (url, keys) = (url.clone(), key_source(data.path()));
        let key_file = data.path().join("audit.key");
        blocking(move || {
            let clock: Arc<dyn shouhu_domain::clock::Clock> = Arc::new(shouhu_domain::clock::SystemClock);
            // The keys the server made in its data folder.
            let key = shouhu::audit_cli::load_key(&key_file, false).expect("the server's audit key");
            let store = shouhu::server::open_store_keyed(&url, clock, Default::default(), keys, key).expect("open");
            store.reports.read(|c| c.query("SELECT receipt FROM reports", &[], |r| r.text(0))).expect("receipts")
        })
        .await
    };
    let missing: Vec<&String> = acked.iter().filter(|r| !stored.contains(r)).collect();
    assert!(missing.is_empty(), "{} of {} acknowledged reports lost: {missing:?}", missing.len(), acked.len());
    again.start_kill().expect("stop");
}

/// The value of a setting on `depth` connections of `pool` held at once, so that each is a
/// different connection, the later ones opened after the first.
fn setting_on_connections(pool: &shouhu_store::Pool, depth: usize, out: &mut Vec<String>) {
    pool.read(|c| {
        // SQLite names the level as a number; PostgreSQL syncs at commit unless told not to.
        let value = if c.is_sqlite() {
            c.query_opt("PRAGMA synchronous", &[], |r| r.i64(0).map(|v| v.to_string()))?
        } else {
            c.query_opt("SHOW synchronous_commit", &[], |r| r.text(0))?
        };
        out.push(value.expect("a value"));
        if depth > 1 {
            setting_on_connections(pool, depth - 1, out);
        }
        Ok(())
    })
    .expect("read setting");
}

/// A SIGKILL leaves the page cache, so the kill test above cannot tell FULL from NORMAL: the
/// setting itself is checked here (decision 24).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_are_synced_at_every_commit_and_the_registry_at_checkpoints() {
    let (url, _db) = fresh_database().await;
    let sqlite = url.starts_with("sqlite:");
    let keys = tempfile::tempdir().expect("key dir");
    let source = key_source(keys.path());
    let (registry, reports) = blocking(move || {
        let clock: Arc<dyn shouhu_domain::clock::Clock> = Arc::new(shouhu_domain::clock::SystemClock);
        let key = shouhu_store::audit_chain::AuditKey::random();
        let store = shouhu::server::open_store_keyed(&url, clock, Default::default(), source, key).expect("open");
        let (mut registry, mut reports) = (Vec::new(), Vec::new());
        setting_on_connections(&store.pool, 4, &mut registry);
        setting_on_connections(&store.reports, 4, &mut reports);
        (registry, reports)
    })
    .await;
    if sqlite {
        assert_eq!(reports, ["2"; 4], "reports: synchronous=FULL on every connection");
        assert_eq!(registry, ["1"; 4], "registry: synchronous=NORMAL on every connection");
    } else {
        assert_eq!(reports, ["on"; 4]);
        assert_eq!(registry, ["on"; 4]);
    }
}
