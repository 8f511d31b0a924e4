//! Several shouhu servers on one database (issue 23): start-up, leases of background work,
//! sign-in waits and the duty desk's live queue hold whichever server a request reaches.
//! On PostgreSQL these are the servers behind a load balancer; on SQLite the same code runs
//! with the servers as processes on one file (the CLI and a server are two such).

use crate::harness::*;
use serde_json::{Value, json};
use shouhu::server;
use shouhu_domain::clock::Clock;
use shouhu_domain::role::{OrgType, Role};
use shouhu_store::Store;
use shouhu_store::audit_chain::AuditKey;
use std::sync::Arc;

/// A second server on the app's database, in this process: its own store (its own name in
/// leases), its own listener.
async fn second_server(app: &TestApp) -> (Store, server::Running, String) {
    let store = app.reopen().await.expect("second store");
    let running =
        server::start("127.0.0.1:0", store.clone(), shouhu_web::Config::default()).await.expect("start second server");
    let base = format!("http://{}", running.addr);
    (store, running, base)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_starting_together_migrate_once_and_a_schema_newer_than_the_build_is_refused() {
    let (url, _db) = fresh_database().await;
    let keys = tempfile::tempdir().expect("key dir");
    let dir = keys.path().to_path_buf();
    let key = AuditKey::random_bytes();
    blocking(move || {
        shouhu_store::crypto::FieldCipher::load(key_source(&dir), true).expect("a data key");
        let clock: Arc<dyn Clock> = Arc::new(shouhu_domain::clock::SystemClock);
        let starting: Vec<_> = (0..3)
            .map(|_| {
                let (url, dir, clock) = (url.clone(), dir.clone(), clock.clone());
                std::thread::spawn(move || {
                    server::open_store_keyed(&url, clock, Default::default(), key_source(&dir), AuditKey::new(&key))
                })
            })
            .collect();
        let stores: Vec<Store> =
            starting.into_iter().map(|t| t.join().expect("thread").expect("every server starts")).collect();
        let s = &stores[0];
        let applied: Vec<i64> = s
            .pool
            .read(|c| c.query("SELECT version FROM schema_migrations ORDER BY version", &[], |r| r.i64(0)))
            .expect("versions");
        assert_eq!(applied, shouhu_store::migrate::registry_versions(), "each migration once");
        let regions: i64 = s
            .pool
            .read(|c| c.query_opt("SELECT count(*) FROM regions", &[], |r| r.i64(0)))
            .expect("count")
            .unwrap_or(0);
        assert_eq!(regions, s.regions.len() as i64, "the divisions seeded once");
        assert!(stores.iter().all(|t| t.instance() != s.instance() || std::ptr::eq(t, s)), "each server its own name");

        // A newer shouhu migrated the database: this one refuses to start, and changes nothing.
        s.pool
            .write(|c| c.exec("INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 'newer')", &[]))
            .expect("a newer version");
        drop(stores);
        let refused = server::open_store_keyed(&url, clock, Default::default(), key_source(&dir), AuditKey::new(&key));
        let message = format!("{:#}", refused.err().expect("refused"));
        assert!(message.contains("at version 9999, newer than this build of shouhu knows"), "{message}");
    })
    .await;
}

async fn job_state(app: &TestApp, job: i64) -> (String, Option<String>) {
    app.store(move |s| {
        s.pool
            .read(|c| {
                c.query_opt("SELECT state, message FROM import_jobs WHERE id = $1", &[job.into()], |r| {
                    Ok((r.text(0)?, r.opt_text(1)?))
                })
            })
            .expect("read")
            .expect("the job")
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_import_is_never_failed_by_another_server_while_its_own_lives_and_is_after_it_stopped() {
    let app = TestApp::new().await;
    let u = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let uid = u.id;
    // Server A runs an import; server B starts (its start-up used to fail every running import).
    let job = app.store(move |s| s.create_import_job(uid, "a.csv", "{}").expect("job")).await;
    let (b, running_b, base_b) = second_server(&app).await;
    let b2 = b.clone();
    assert_eq!(blocking(move || b2.keep_import_leases().expect("keep")).await.failed, 0);
    assert_eq!(job_state(&app, job).await.0, "running");

    // Time passes beyond the lease; A, alive, renews it on the way (its keeper does every
    // quarter lease), so its lease never lapses.
    let lease = app.store.settings.servers.lease;
    let pass_a_lease = || async {
        app.clock.advance(lease / 2);
        assert_eq!(app.store(|s| s.keep_import_leases().expect("renew")).await.renewed, 1);
        app.clock.advance(lease / 2 + chrono::Duration::seconds(1));
        assert_eq!(app.store(|s| s.keep_import_leases().expect("renew")).await.renewed, 1);
    };
    pass_a_lease().await;
    let b2 = b.clone();
    assert_eq!(blocking(move || b2.keep_import_leases().expect("keep")).await.failed, 0);
    assert_eq!(job_state(&app, job).await.0, "running", "B leaves a live server's import alone");

    // The import's progress, recorded by A on PostgreSQL, is answered by B too.
    app.store(move |s| {
        s.record_import_progress(job, r#"{"phase":"importing","checked":300,"imported":120,"indexed":0}"#)
            .expect("progress")
    })
    .await;
    let res = reqwest::Client::new()
        .get(format!("{base_b}/api/v1/imports/{job}"))
        .bearer_auth(&u.token)
        .send()
        .await
        .expect("status on B");
    let status: Value = res.json().await.expect("json");
    assert_eq!(status["state"], "running");
    if pg_url().is_some() {
        assert_eq!(status["progress"]["imported"], 120, "{status}");
    }

    // Server C starts an import and stops (killed: it renews nothing). Until its lease
    // expires its import stands; then B fails it, and its user hears of it.
    let c = app.reopen().await.expect("server C");
    let stopped = blocking(move || c.create_import_job(uid, "b.csv", "{}").expect("job")).await;
    let b2 = b.clone();
    assert_eq!(blocking(move || b2.keep_import_leases().expect("keep")).await.failed, 0);
    assert_eq!(job_state(&app, stopped).await.0, "running");
    pass_a_lease().await;
    let b2 = b.clone();
    blocking(move || b2.keep_import_leases().expect("keep")).await;
    // (Failed by B's call or by a server's keeper thread: once, whichever.)
    let (state, message) = job_state(&app, stopped).await;
    assert_eq!(state, "failed");
    assert_eq!(message.as_deref(), Some(shouhu_store::leases::STOPPED_SERVER));
    assert_eq!(job_state(&app, job).await.0, "running", "A's import still runs");
    let (_, notes) = app.get(&u, "/api/v1/notifications").await;
    assert_eq!(notes["notifications"][0]["kind"], "import_failed", "its user hears of it: {notes}");
    let _ = running_b.stop.send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn work_under_a_lease_runs_on_one_server_at_a_time_and_a_stopped_holders_lease_expires() {
    let app = TestApp::new().await;
    let b = app.reopen().await.expect("server B");
    let (a, b2) = (app.store.clone(), b.clone());
    blocking(move || {
        assert!(a.take_work_lease("sweep", a.instance()).expect("take"));
        assert!(!b2.take_work_lease("sweep", b2.instance()).expect("taken"), "one holder at a time");
        let ran = b2.under_work_lease("sweep", || Ok(1)).expect("run");
        assert_eq!(ran, None, "B does not run it while A holds it");
        a.release_work_lease("sweep", a.instance()).expect("release");
        assert_eq!(b2.under_work_lease("sweep", || Ok(2)).expect("run"), Some(2));
        // A takes it and stops without giving it back: B runs it once the lease expired.
        assert!(a.take_work_lease("sweep", a.instance()).expect("take"));
    })
    .await;
    app.clock.advance(app.store.settings.servers.lease + chrono::Duration::seconds(1));
    blocking(move || assert_eq!(b.under_work_lease("sweep", || Ok(3)).expect("run"), Some(3))).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_wait_counted_on_one_server_holds_on_another() {
    let app = TestApp::new().await;
    app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let (_b, running_b, base_b) = second_server(&app).await;
    let attempt = |base: String, password: &'static str| async move {
        let res = reqwest::Client::new()
            .post(format!("{base}/api/v1/tokens"))
            .json(&json!({"username": "zhen", "password": password}))
            .send()
            .await
            .expect("send");
        res.status().as_u16()
    };
    let free = app.store.settings.sign_in.free_failures_per_account;
    for _ in 0..free {
        assert_eq!(attempt(app.base.clone(), "wrong-password").await, 401);
    }
    assert_eq!(attempt(base_b.clone(), PASSWORD).await, 429, "B makes the account wait as A would");
    assert_eq!(attempt(app.base.clone(), PASSWORD).await, 429);
    // Guesses sent to both servers at once are each counted: no race lets more through.
    app.clock.advance(app.store.settings.sign_in.failure_memory + chrono::Duration::hours(1));
    let mut tries = Vec::new();
    for i in 0..12 {
        let base = if i % 2 == 0 { app.base.clone() } else { base_b.clone() };
        tries.push(tokio::spawn(attempt(base, "wrong-password")));
    }
    let mut heard = 0;
    for t in tries {
        if t.await.expect("attempt") == 401 {
            heard += 1;
        }
    }
    assert_eq!(heard, free, "only the free failures are heard, across both servers");
    let _ = running_b.stop.send(());
}

/// The next event of a server-sent stream within `within`: (event, id, data).
async fn next_event(
    res: &mut reqwest::Response,
    buf: &mut String,
    within: std::time::Duration,
) -> (String, Option<i64>, Value) {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            let field = |name: &str| block.lines().find_map(|l| l.strip_prefix(name).map(str::to_string));
            let Some(event) = field("event: ") else { continue };
            let data: String = block.lines().filter_map(|l| l.strip_prefix("data: ")).collect();
            let id = field("id: ").and_then(|i| i.parse().ok());
            return (event, id, serde_json::from_str(&data).unwrap_or(Value::Null));
        }
        let chunk = tokio::time::timeout_at(deadline, res.chunk())
            .await
            .unwrap_or_else(|_| panic!("an event within {within:?}"))
            .expect("stream")
            .expect("stream open");
        buf.push_str(&String::from_utf8_lossy(&chunk));
    }
}

async fn desk_stream(base: &str, user: &User, last_event_id: Option<i64>) -> reqwest::Response {
    let mut req = reqwest::Client::new().get(format!("{base}/api/v1/reports/stream")).bearer_auth(&user.token);
    if let Some(id) = last_event_id {
        req = req.header("Last-Event-ID", id.to_string());
    }
    let res = req.send().await.expect("stream");
    assert_eq!(res.status(), 200);
    res
}

fn report(situation: &str, village: &str) -> Value {
    json!({
        "situations": [situation],
        "discovered_at": "2026-11-29T03:00:00Z",
        "child_description": "女孩，约8岁",
        "village_code": village,
        "description": "孩子独自在家三天，邻居送饭",
        "contact_name": "王老师",
        "contact_phone": "13912345678"
    })
}

async fn file(app: &TestApp, user: &User, body: &Value) -> i64 {
    let (s, r) = app.post(user, "/api/v1/reports", body).await;
    assert_eq!(s, 201, "file report: {r}");
    r["id"].as_i64().expect("id")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_filed_on_one_server_reaches_a_desk_on_another_within_a_second_and_a_desk_resumes_anywhere() {
    let app = TestApp::new().await;
    let teacher = app.user("laoshi", Role::Teacher, OrgType::School, TOWNSHIP_A).await;
    let police = app.user("paichusuo_a", Role::Police, OrgType::PoliceStation, TOWNSHIP_A).await;
    // Server B, its notifier polling a quarter second on SQLite (on PostgreSQL NOTIFY wakes it).
    let settings = shouhu_domain::settings::Settings::from_toml("[notify]\npoll_ms = 250\n").expect("settings");
    let (url, clock, keys) =
        (app.db_url.clone(), app.clock.clone(), app.key_file().parent().expect("dir").to_path_buf());
    let key = AuditKey::from_hex(&app.audit_key).expect("audit key");
    let b = blocking(move || server::open_store_keyed(&url, clock, settings, key_source(&keys), key).expect("B")).await;
    let running_b = server::start("127.0.0.1:0", b, shouhu_web::Config::default()).await.expect("start B");
    let base_b = format!("http://{}", running_b.addr);

    let mut on_b = desk_stream(&base_b, &police, None).await;
    let mut buf = String::new();
    let second = std::time::Duration::from_secs(1);
    let (event, _, _) = next_event(&mut on_b, &mut buf, std::time::Duration::from_secs(20)).await;
    assert_eq!(event, "hello");
    let first = file(&app, &teacher, &report("living_alone", VILLAGE_A)).await;
    let (event, seen, data) = next_event(&mut on_b, &mut buf, second).await;
    assert_eq!(
        (event.as_str(), data["kind"].as_str(), data["report"]["id"].as_i64()),
        ("report", Some("filed"), Some(first))
    );
    drop(on_b);

    // While the desk is away: the report accepted, one filed elsewhere (another station's
    // area), one filed in its area. Reconnecting to server A with the last id it saw on B,
    // it gets its area's changes in order, and nothing else.
    let (_, now) = app.get(&police, &format!("/api/v1/reports/{first}")).await;
    let (s, r) = app
        .post(
            &police,
            &format!("/api/v1/reports/{first}/steps"),
            &json!({"step": "accepted", "version": now["version"]}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    let elsewhere = file(&app, &teacher, &report("living_alone", VILLAGE_B)).await;
    let third = file(&app, &teacher, &report("missing", VILLAGE_A2)).await;
    let mut on_a = desk_stream(&app.base, &police, seen).await;
    let mut buf = String::new();
    let mut got = Vec::new();
    loop {
        let (event, id, data) = next_event(&mut on_a, &mut buf, std::time::Duration::from_secs(20)).await;
        if event != "report" {
            continue;
        }
        assert!(id > seen, "only what came after");
        let r = data["report"]["id"].as_i64().expect("id");
        got.push((data["kind"].as_str().unwrap_or("").to_string(), r, data["report"]["step"].clone()));
        if r == third {
            break;
        }
    }
    assert!(got.iter().all(|(_, r, _)| *r != elsewhere), "another station's report is not pushed: {got:?}");
    assert_eq!(
        got.first().map(|(k, r, s)| (k.as_str(), *r, s.as_str())),
        Some(("changed", first, Some("accepted"))),
        "{got:?}"
    );
    assert_eq!(got.last().map(|(k, r, _)| (k.as_str(), *r)), Some(("filed", third)));
    let _ = running_b.stop.send(());
}

/// A census sheet of `n` rows in 梅厂镇, each child with an ID number of its own.
fn census_sheet(n: u32) -> Vec<u8> {
    let mut csv =
        String::from("姓名,性别,出生日期,身份证号码,现居住地址,所在村（居）,父亲外出务工,母亲外出务工,监护类型\n");
    let first = chrono::NaiveDate::from_ymd_opt(2012, 1, 1).expect("date");
    for i in 0..n {
        let birth = (first + chrono::Duration::days(i64::from(i / 500))).format("%Y-%m-%d").to_string();
        let id = id_for("120114", &birth, true, i % 500);
        csv.push_str(&format!("孩子{i},男,{birth},{id},一组,{VILLAGE_A},是,是,监护情况较好\n"));
    }
    csv.into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_on_a_killed_server_is_failed_cleanly_by_another_after_its_lease_and_never_while_it_lives() {
    use crate::durability::start;
    let (url, _db) = fresh_database().await;
    let data = tempfile::tempdir().expect("data dir");
    let (mut a, base_a) = start(data.path(), &url, false).await;
    // Server B: this process, on the keys of A's data folder, with a clock of its own.
    let clock = Arc::new(shouhu_domain::clock::FixedClock::new(chrono::Utc::now()));
    let (u2, dir, c2) = (url.clone(), data.path().to_path_buf(), clock.clone());
    let b = blocking(move || {
        let key = shouhu::audit_cli::load_key(&dir.join("audit.key"), false).expect("A's audit key");
        server::open_store_keyed(&u2, c2, Default::default(), key_source(&dir), key).expect("B")
    })
    .await;

    let hash = blocking(|| shouhu_web::auth::hash_password(PASSWORD).expect("hash")).await;
    let b2 = b.clone();
    blocking(move || {
        let org = b2.create_org("梅厂镇人民政府", OrgType::TownshipGovernment, TOWNSHIP_A).expect("org");
        b2.create_user("zhen", "测试用户", &hash, org, Role::TownshipStaff).expect("user");
    })
    .await;
    let res = reqwest::Client::new()
        .post(format!("{base_a}/api/v1/tokens"))
        .json(&json!({"username": "zhen", "password": PASSWORD}))
        .send()
        .await
        .expect("token");
    assert_eq!(res.status(), 201);
    let township = res.json::<Value>().await.expect("json")["token"].as_str().expect("token").to_string();
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(census_sheet(40_000)).file_name("普查.csv"));
    let res = reqwest::Client::new()
        .post(format!("{base_a}/api/v1/imports"))
        .bearer_auth(&township)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status(), 202);
    let job = res.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
    // Wait (polling, with a deadline) until A is writing rows.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let status: Value = reqwest::Client::new()
            .get(format!("{base_a}/api/v1/imports/{job}"))
            .bearer_auth(&township)
            .send()
            .await
            .expect("status")
            .json()
            .await
            .expect("json");
        assert_eq!(status["state"], "running", "the import ended before it could be cut off: {status}");
        if status["progress"]["phase"] == "importing" && status["progress"]["imported"].as_u64() > Some(0) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the import never started writing");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // While A lives, B's keeper leaves its import alone.
    let b2 = b.clone();
    assert_eq!(blocking(move || b2.keep_import_leases().expect("keep")).await.failed, 0);

    a.start_kill().expect("SIGKILL");
    a.wait().await.expect("killed");
    let state = move |b: &Store| {
        b.pool
            .read(|c| {
                c.query_opt("SELECT state, message FROM import_jobs WHERE id = $1", &[job.into()], |r| {
                    Ok((r.text(0)?, r.opt_text(1)?))
                })
            })
            .expect("read")
            .expect("the job")
    };
    let b2 = b.clone();
    let (running, children) = blocking(move || {
        b2.keep_import_leases().expect("keep");
        let n = b2.pool.read(|c| c.query_opt("SELECT count(*) FROM children", &[], |r| r.i64(0))).expect("count");
        (state(&b2).0, n.unwrap_or(0))
    })
    .await;
    assert_eq!(running, "running", "its lease still holds");
    assert_eq!(children, 0, "nothing of the cut-off import was committed");
    // Once the lease expired, B fails it, and its user hears of it.
    // (A renewed it up to its kill, on the real clock.)
    clock.set(chrono::Utc::now() + b.settings.servers.lease + chrono::Duration::seconds(1));
    let b2 = b.clone();
    let (kept, (state, message), told) = blocking(move || {
        let kept = b2.keep_import_leases().expect("keep");
        let told = b2
            .pool
            .read(|c| c.query_opt("SELECT count(*) FROM notifications WHERE kind = 'import_failed'", &[], |r| r.i64(0)))
            .expect("count");
        (kept, state(&b2), told.unwrap_or(0))
    })
    .await;
    assert_eq!((kept.failed, state.as_str()), (1, "failed"));
    assert_eq!(message.as_deref(), Some(shouhu_store::leases::STOPPED_SERVER));
    assert_eq!(told, 1);
}

/// A public report to `base` with a question from `asked`, answered right.
async fn public_report(asked: &str, base: &str, n: usize) -> (u16, Value) {
    let ch: Value =
        reqwest::get(format!("{asked}/api/v1/public/challenge")).await.expect("get").json().await.expect("json");
    let question = ch["question"].as_str().unwrap_or("");
    let answer: u32 = question.split(|c: char| !c.is_ascii_digit()).filter_map(|s| s.parse::<u32>().ok()).sum();
    let mut body = report("living_alone", VILLAGE_A);
    body["description"] = json!(format!("第{n}个孩子独自在家"));
    body["challenge_token"] = ch["token"].clone();
    body["challenge_answer"] = json!(answer.to_string());
    let res =
        reqwest::Client::new().post(format!("{base}/api/v1/public/reports")).json(&body).send().await.expect("send");
    let status = res.status().as_u16();
    let mut r: Value = res.json().await.unwrap_or(Value::Null);
    r["sent"] = body;
    (status, r)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_question_from_one_server_is_answered_on_another_once_and_the_address_limit_is_shared() {
    let app = TestApp::new().await;
    let (_b, running_b, base_b) = second_server(&app).await;
    let (s, r) = public_report(&app.base, &base_b, 0).await;
    assert_eq!(s, 201, "A's question is answered on B: {r}");
    // The same question again, on A: used up.
    let mut again = r["sent"].clone();
    again["description"] = json!("另一个孩子也独自在家");
    let res = reqwest::Client::new().post(app.url("/api/v1/public/reports")).json(&again).send().await.expect("send");
    assert_eq!(res.status(), 422, "one question, one report, whichever server");
    // The address's allowance is one, whichever server counts it.
    let limit = app.store.settings.public_reports.per_address_per_hour as usize;
    for n in 1..limit {
        let (asked, base) = if n % 2 == 0 { (&app.base, &base_b) } else { (&base_b, &app.base) };
        let (s, r) = public_report(asked, base, n).await;
        assert_eq!(s, 201, "report {n}: {r}");
    }
    let (s, _) = public_report(&app.base, &app.base, limit).await;
    assert_eq!(s, 429, "the address used its allowance on the two servers together");
    let _ = running_b.stop.send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_s_refusals_are_written_up_to_the_limit_an_hour_and_the_rest_counted() {
    let app = TestApp::with_settings("[audit]\nrefusals_per_user_per_hour = 2\n").await;
    let note = |user: i64| app.store(move |s| s.note_refusal(user).expect("counted"));
    assert_eq!(note(1).await, Some(0));
    assert_eq!(note(1).await, Some(0));
    assert_eq!(note(1).await, None);
    assert_eq!(note(1).await, None);
    assert_eq!(note(2).await, Some(0), "another user is not affected");
    app.clock.advance(chrono::Duration::minutes(59));
    assert_eq!(note(1).await, None);
    app.clock.advance(chrono::Duration::minutes(1));
    assert_eq!(note(1).await, Some(3), "the next hour tells how many were left out");
    assert_eq!(note(1).await, Some(0));
}

async fn refusals_of(app: &TestApp, user: i64) -> Vec<String> {
    app.store(move |s| {
        s.pool
            .read(|c| {
                c.query(
                    "SELECT detail FROM audit_log WHERE user_id = $1 AND action = 'refused' ORDER BY id",
                    &[user.into()],
                    |r| r.text(0),
                )
            })
            .expect("read")
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_audit_a_user_s_refusals_up_to_one_limit_together() {
    let app = TestApp::new().await;
    let u = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let (_b, running_b, base_b) = second_server(&app).await;
    let limit = app.store.settings.audit.refusals_per_user_per_hour;
    // Probes for a file that is not there, to both servers at once, more than the limit.
    let probe = |base: String, token: String| async move {
        reqwest::Client::new()
            .get(format!("{base}/api/v1/children/4242"))
            .bearer_auth(token)
            .send()
            .await
            .expect("probe")
            .status()
            .as_u16()
    };
    let mut probes = Vec::new();
    for i in 0..limit + 10 {
        let base = if i % 2 == 0 { app.base.clone() } else { base_b.clone() };
        probes.push(tokio::spawn(probe(base, u.token.clone())));
    }
    for p in probes {
        assert_eq!(p.await.expect("probe"), 404);
    }
    let written = refusals_of(&app, u.id).await;
    assert_eq!(written.len() as i64, limit, "one limit for both servers, not one each");
    // The next hour's first entry, on the other server, tells how many were left out.
    app.clock.advance(chrono::Duration::hours(1));
    assert_eq!(probe(base_b.clone(), u.token.clone()).await, 404);
    let written = refusals_of(&app, u.id).await;
    let last = written.last().expect("an entry");
    assert!(last.ends_with(&format!("{}10", shouhu_domain::msg::REFUSALS_NOT_RECORDED)), "{last}");
    let _ = running_b.stop.send(());
}

/// The first column of the first row of `sql` on the server at `url`, as text.
async fn pg_text(url: &str, sql: &str) -> Option<String> {
    let (url, sql) = (url.to_string(), sql.to_string());
    blocking(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
        c.query_opt(&sql, &[]).expect("query").and_then(|r| r.get::<_, Option<String>>(0))
    })
    .await
}

/// Runs `sql` (no result) on the server at `url`.
async fn pg_exec(url: &str, sql: &str) {
    let (url, sql) = (url.to_string(), sql.to_string());
    blocking(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
        c.batch_execute(&sql).expect("run");
    })
    .await
}

/// Waits (polling, with a deadline) until the replica has replayed what the primary has written.
async fn replica_catches_up(primary: &str, replica: &str) {
    let at = pg_text(primary, "SELECT pg_current_wal_lsn()::text").await.expect("a position");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while pg_text(replica, &format!("SELECT (pg_last_wal_replay_lsn() >= '{at}'::pg_lsn)::text")).await.as_deref()
        != Some("true")
    {
        assert!(std::time::Instant::now() < deadline, "the replica never replayed {at}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Resumes the replica's replay when dropped, so that a failing test leaves it replaying.
struct ResumeReplay(String);

impl Drop for ResumeReplay {
    fn drop(&mut self) {
        let url = self.0.clone();
        let _ = std::thread::spawn(move || {
            if let Ok(mut c) = postgres::Client::connect(&url, postgres::NoTls) {
                let _ = c.batch_execute("SELECT pg_wal_replay_resume()");
            }
        })
        .join();
    }
}

fn names(page: &Value) -> Vec<String> {
    page["rows"]
        .as_array()
        .map_or_else(Vec::new, |rows| rows.iter().filter_map(|r| r["name"].as_str().map(str::to_string)).collect())
}

async fn page_of(base: &str, user: &User, path: &str) -> String {
    let res = reqwest::Client::new().get(format!("{base}{path}")).bearer_auth(&user.token).send().await.expect("page");
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.expect("html")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_are_read_from_a_lagging_replica_only_once_it_has_the_reader_s_own_writes() {
    if pg_url().is_none() {
        // SQLite has no replica: a server given one refuses to start, saying why.
        let app = TestApp::new().await;
        let refused = app.store(|s| s.clone().with_replica("postgres://postgres@127.0.0.1:5433/postgres").err()).await;
        let message = refused.expect("refused").to_string();
        assert!(message.contains("is for PostgreSQL") && message.contains("SQLite"), "{message}");
        return;
    }
    let replica = match pg_replica_url() {
        Some(r) if r == "skip" => {
            eprintln!("SHOUHU_TEST_PG_REPLICA_URL=skip: reads from a replica are not tested in this run");
            return;
        }
        Some(r) => r,
        None => panic!(
            "the PostgreSQL run tests reads from a replica: set SHOUHU_TEST_PG_REPLICA_URL to a streaming replica of \
             SHOUHU_TEST_PG_URL's server (.ci/run makes one on port 5433), or to `skip` to leave this test out"
        ),
    };
    let primary = pg_url().expect("PostgreSQL");
    let (app, on_replica) = TestApp::with_replica(&replica).await;
    let a = app.user("zhen_a", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let b = app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let other = app.user("zhen_c", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    app.create_child(&a, &child("王早", VILLAGE_A, 1)).await;
    app.create_child(&other, &child("王外", VILLAGE_B, 2)).await;
    replica_catches_up(&primary, &on_replica).await;

    // The replica stops replaying: it lags from here, deterministically.
    let _resume = ResumeReplay(replica.clone());
    pg_exec(&replica, "SELECT pg_wal_replay_pause()").await;
    app.create_child(&a, &child("王新", VILLAGE_A2, 3)).await;
    let written = |id: i64| {
        app.store(move |s| {
            s.pool
                .read(|c| c.query_opt("SELECT written_lsn FROM users WHERE id = $1", &[id.into()], |r| r.opt_i64(0)))
                .expect("read")
                .flatten()
        })
    };
    assert!(written(a.id).await.is_some(), "A's write is recorded with the primary's position");
    assert_eq!(written(b.id).await, None, "B wrote nothing");

    // A sees A's own new file at once: the replica has not replayed it, so the primary answers.
    let (_, mine) = app.get(&a, "/api/v1/children").await;
    assert_eq!(names(&mine).len(), 2, "{mine}");
    assert!(names(&mine).contains(&"王新".to_string()), "{mine}");
    let (_, found) = app.get(&a, "/api/v1/children?q=王新").await;
    assert_eq!(found["total"], 1, "{found}");
    let served = app.store.replica().expect("a replica").served.load(std::sync::atomic::Ordering::Relaxed);

    // B, of the same township, with no write of their own, is answered by the paused replica:
    // not yet the new file, and never the other township's.
    let (_, theirs) = app.get(&b, "/api/v1/children").await;
    assert_eq!(names(&theirs), ["王早"], "{theirs}");
    let (_, found) = app.get(&b, "/api/v1/children?q=王新").await;
    assert_eq!(found["total"], 0, "{found}");
    let (_, found) = app.get(&b, "/api/v1/children?q=王外").await;
    assert_eq!(found["total"], 0, "out of scope on the replica too: {found}");
    let ledger = page_of(&app.base, &b, "/children").await;
    assert!(ledger.contains("王早") && !ledger.contains("王新") && !ledger.contains("王外"));
    page_of(&app.base, &b, "/statistics").await;
    let r = app.store.replica().expect("a replica");
    assert_eq!(r.served.load(std::sync::atomic::Ordering::Relaxed), served + 5, "the replica answered B's reads");
    assert_eq!(r.fell_back.load(std::sync::atomic::Ordering::Relaxed), 0);
    // B's reads are in the audit log all the same (written on the primary).
    let bid = b.id;
    let audited = app
        .store(move |s| {
            s.pool
                .read(|c| {
                    c.query_opt(
                        "SELECT count(*) FROM audit_log WHERE user_id = $1 AND action IN ('view_ledger', 'search')",
                        &[bid.into()],
                        |r| r.i64(0),
                    )
                })
                .expect("count")
        })
        .await;
    assert_eq!(audited, Some(4), "B's two lists and two searches");

    // Replay resumes: once the replica passes A's write, B sees the file (polling, with a deadline).
    pg_exec(&replica, "SELECT pg_wal_replay_resume()").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let (_, theirs) = app.get(&b, "/api/v1/children").await;
        if names(&theirs).len() == 2 {
            assert!(names(&theirs).contains(&"王新".to_string()) && !names(&theirs).contains(&"王外".to_string()));
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the replica never showed B the new file: {theirs}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }

    // A server whose replica does not answer starts, and the primary answers its reads.
    let down = app.reopen().await.expect("server");
    let down = blocking(move || down.with_replica("postgres://postgres@127.0.0.1:1/x"))
        .await
        .expect("a replica that does not answer does not stop the server");
    let running = server::start("127.0.0.1:0", down, shouhu_web::Config::default()).await.expect("start");
    let res = reqwest::Client::new()
        .get(format!("http://{}/api/v1/children", running.addr))
        .bearer_auth(&b.token)
        .send()
        .await
        .expect("list");
    assert_eq!(res.status(), 200);
    assert_eq!(names(&res.json::<Value>().await.expect("json")).len(), 2);
    let _ = running.stop.send(());
}

/// On PostgreSQL, who holds a session or token is asked on connections whose statements are
/// planned once, and everything else on connections that plan each call for its values
/// (decisions 206, 217); a token revoked on one server opens nothing on another at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookups_are_planned_once_and_a_revoked_token_is_refused_by_every_server() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let (second, running, base) = second_server(&app).await;
    let modes = blocking(move || {
        let mode = |p: &shouhu_store::Pool| {
            p.read(|c| c.query_opt("SELECT current_setting('plan_cache_mode')", &[], |r| r.text(0)))
        };
        (second.pool.is_sqlite(), mode(&second.lookups), mode(&second.pool))
    })
    .await;
    if let (false, lookups, others) = modes {
        assert_eq!(lookups.expect("lookups").as_deref(), Some("force_generic_plan"));
        assert_eq!(others.expect("others").as_deref(), Some("force_custom_plan"));
    }
    let me = |token: String| {
        let url = format!("{base}/api/v1/me");
        async move { reqwest::Client::new().get(url).bearer_auth(token).send().await.expect("me").status() }
    };
    // The same request twice before, so that the lookup's plan is cached on the second server.
    for _ in 0..2 {
        assert_eq!(me(zhen.token.clone()).await, 200);
    }
    let (s, tokens) = app.get(&zhen, "/api/v1/tokens").await;
    assert_eq!(s, 200, "{tokens}");
    let id = tokens[0]["id"].as_i64().expect("the token's id");
    let revoked = reqwest::Client::new()
        .delete(app.url(&format!("/api/v1/tokens/{id}")))
        .bearer_auth(&zhen.token)
        .send()
        .await
        .expect("revoke");
    assert_eq!(revoked.status(), 204);
    assert_eq!(me(zhen.token.clone()).await, 401, "revoked on the first server, refused on the second");
    let _ = running.stop.send(());
}
