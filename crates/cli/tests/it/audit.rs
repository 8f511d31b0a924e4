//! The tamper-evident audit log (issue 21, decisions 89–91): `shouhu audit verify` passes an
//! intact log and names the first entry changed, removed or inserted; a wrong key fails
//! clearly; two servers writing at once keep one chain; the administrator filters the log by
//! user, child, action and China days, over the API and on the page.

use crate::harness::*;
use crate::pages::browser;
use chrono::TimeZone;
use serde_json::Value;
use shouhu_domain::role::{OrgType, Role};
use shouhu_store::audit::Action;
use shouhu_store::audit_chain::AuditKey;
use shouhu_store::db::Val;

/// What `shouhu audit verify` says of the app's database with `key`: success, stdout, stderr.
async fn verify_with(app: &TestApp, key: &str) -> (bool, String, String) {
    let data = tempfile::tempdir().expect("dir");
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_shouhu"))
        .arg("--data-dir")
        .arg(data.path())
        .args(["--database-url", &app.db_url, "audit", "verify"])
        .env("SHOUHU_AUDIT_KEY", key)
        .env_remove("SHOUHU_AUDIT_KEY_FILE")
        .output()
        .await
        .expect("run shouhu");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn verify(app: &TestApp) -> (bool, String, String) {
    verify_with(app, &app.audit_key.clone()).await
}

/// Runs SQL on the app's database, as someone with the database's password would.
async fn tamper(app: &TestApp, sql: &'static str, params: Vec<Val>) -> u64 {
    app.store(move |s| s.pool.write(|c| c.exec(sql, &params)).expect("tamper")).await
}

async fn scalar(app: &TestApp, sql: &'static str, params: Vec<Val>) -> i64 {
    app.store(move |s| s.pool.read(|c| c.query_opt(sql, &params, |r| r.i64(0))).expect("read").expect("a row")).await
}

/// A log with entries of several kinds: sign-ins, a child created, viewed and changed.
async fn busy_app() -> (TestApp, i64) {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    app.user("guanli", Role::Admin, OrgType::CityCivilAffairs, "12").await;
    let rec = app.create_child(&zhen, &child("戊己", VILLAGE_A, 1)).await;
    let id = rec["id"].as_i64().expect("id");
    for _ in 0..3 {
        app.get(&zhen, &format!("/api/v1/children/{id}")).await;
    }
    (app, id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_intact_log_passes_and_an_edited_entry_is_named() {
    let (app, child_id) = busy_app().await;
    let entries = scalar(&app, "SELECT count(*) FROM audit_log", vec![]).await;
    assert!(entries >= 6, "{entries}");
    let (ok, out, err) = verify(&app).await;
    assert!(ok, "{out}{err}");
    assert!(out.contains(&format!("audit log intact: {entries} entries")), "{out}");

    // The view of the child at seq 5 is made to look like another child's.
    let id = scalar(&app, "SELECT id FROM audit_log WHERE seq = 5", vec![]).await;
    let changed = tamper(&app, "UPDATE audit_log SET child_id = $1 WHERE seq = 5", vec![Val::I64(child_id + 1)]).await;
    assert_eq!(changed, 1);
    let (ok, out, err) = verify(&app).await;
    assert!(!ok, "a changed entry fails: {out}");
    assert!(err.contains(&format!("entry seq 5 (id {id}, 2026-11-29 12:00:00 China time) was changed")), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_entry_is_named_by_its_place_and_neighbours() {
    let (app, _) = busy_app().await;
    let before = scalar(&app, "SELECT id FROM audit_log WHERE seq = 3", vec![]).await;
    let after = scalar(&app, "SELECT id FROM audit_log WHERE seq = 5", vec![]).await;
    tamper(&app, "DELETE FROM audit_log WHERE seq = 4", vec![]).await;
    let (ok, out, err) = verify(&app).await;
    assert!(!ok, "{out}");
    assert!(err.contains("entry seq 4 was removed"), "{err}");
    assert!(
        err.contains(&format!("after seq 3 (id {before},")) && err.contains(&format!("before seq 5 (id {after},")),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_entries_removed_an_entry_inserted_and_a_cut_head_are_each_caught() {
    let (app, _) = busy_app().await;
    let last = scalar(&app, "SELECT max(seq) FROM audit_log", vec![]).await;

    // An entry written by hand, outside the chain.
    tamper(
        &app,
        "INSERT INTO audit_log (at, user_id, user_name, action, child_id, district_code, detail) \
         VALUES ($1, NULL, '系统', 'login', NULL, NULL, '')",
        vec![Val::Ts(chrono::Utc.with_ymd_and_hms(2026, 11, 29, 4, 0, 0).single().expect("valid"))],
    )
    .await;
    let (ok, _, err) = verify(&app).await;
    assert!(!ok && err.contains("was inserted (it has no place in the chain)"), "{err}");
    tamper(&app, "DELETE FROM audit_log WHERE seq IS NULL", vec![]).await;
    // One copied into the place after the last, with the last one's mac.
    tamper(
        &app,
        "INSERT INTO audit_log (seq, mac, at, user_id, user_name, action, child_id, district_code, detail) \
         SELECT seq + 1, mac, at, user_id, user_name, action, child_id, district_code, detail FROM audit_log \
         WHERE seq = $1",
        vec![Val::I64(last)],
    )
    .await;
    let (ok, _, err) = verify(&app).await;
    assert!(!ok && err.contains(&format!("entry seq {} (id", last + 1)) && err.contains("inserted"), "{err}");
    tamper(&app, "DELETE FROM audit_log WHERE seq > $1", vec![Val::I64(last)]).await;
    let (ok, out, err) = verify(&app).await;
    assert!(ok, "back as it was: {out}{err}");

    // The last two entries removed.
    tamper(&app, "DELETE FROM audit_log WHERE seq >= $1", vec![Val::I64(last - 1)]).await;
    let (ok, _, err) = verify(&app).await;
    assert!(!ok && err.contains(&format!("the last entries, seq {} to {last}, were removed", last - 1)), "{err}");
    // … and the head's seq set back to hide it: the head's mac is the removed entry's.
    tamper(&app, "UPDATE audit_chain SET seq = $1", vec![Val::I64(last - 2)]).await;
    let (ok, _, err) = verify(&app).await;
    assert!(!ok && err.contains(&format!("does not end at entry seq {}", last - 2)), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_key_fails_clearly_and_checks_nothing() {
    let (app, _) = busy_app().await;
    let other = hex::encode(AuditKey::random_bytes());
    let (ok, out, err) = verify_with(&app, &other).await;
    assert!(!ok, "{out}");
    assert!(err.contains("wrong audit key") && !err.contains("broken"), "{err}");
    let (ok, _, err) = verify_with(&app, "not a key").await;
    assert!(!ok && err.contains("SHOUHU_AUDIT_KEY") && err.contains("hexadecimal"), "{err}");
}

/// Two servers on one database (issue 23), each with its own audit writer and both writing
/// entries inside other transactions too, still make one chain without a gap.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_writing_at_once_keep_one_chain() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let second = app.reopen().await.expect("second server");
    let p = app.store(|s| s.principal_by_username("zhen").expect("zhen")).await;
    let mut writers = Vec::new();
    for t in 0..6 {
        let store = if t % 2 == 0 { app.store.clone() } else { second.clone() };
        let p = p.clone();
        writers.push(std::thread::spawn(move || {
            for i in 0..25 {
                store.audit(&p, Action::Search, None, &format!("writer {t} entry {i}")).expect("audit");
            }
        }));
    }
    for n in 0..6 {
        app.create_child(
            &zhen,
            &child(&format!("孩子{}", ["甲", "乙", "丙", "丁", "戊", "己"][n]), VILLAGE_A, n as u32 + 10),
        )
        .await;
    }
    for w in writers {
        w.join().expect("writer");
    }
    let entries = scalar(&app, "SELECT count(*) FROM audit_log", vec![]).await;
    assert!(entries >= 156, "{entries}");
    assert_eq!(scalar(&app, "SELECT max(seq) FROM audit_log", vec![]).await, entries, "no gap, no fork");
    let (ok, out, err) = verify(&app).await;
    assert!(ok && out.contains(&format!("audit log intact: {entries} entries")), "{out}{err}");
}

/// Entries written before the chain existed are chained once, by the first start with a key;
/// after that an entry without a place is an insertion, whatever restarts come.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_from_before_the_chain_are_chained_once_at_the_first_start() {
    let (app, _) = busy_app().await;
    let entries = scalar(&app, "SELECT count(*) FROM audit_log", vec![]).await;
    // The database as migration 0009 leaves one written by an older shouhu.
    tamper(&app, "UPDATE audit_log SET seq = NULL, mac = NULL", vec![]).await;
    tamper(
        &app,
        "UPDATE audit_chain SET seq = 0, mac = $1, key_check = NULL, began_at = NULL, key_since = NULL",
        vec![Val::Bytes(Vec::new())],
    )
    .await;
    let (ok, _, err) = verify(&app).await;
    assert!(!ok && err.contains("no chain yet"), "{err}");

    drop(app.reopen().await.expect("start"));
    let (ok, out, err) = verify(&app).await;
    assert!(ok, "{out}{err}");
    assert!(out.contains(&format!("audit log intact: {entries} entries")), "{out}");
    assert!(out.contains(&format!("the first {entries} entries were written before the chain began")), "{out}");

    tamper(&app, "UPDATE audit_log SET seq = NULL, mac = NULL WHERE seq = 3", vec![]).await;
    drop(app.reopen().await.expect("start"));
    let (ok, _, err) = verify(&app).await;
    assert!(!ok && err.contains("entry seq 3 was removed"), "a later start does not chain it: {err}");
}

async fn run(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_shouhu"));
    cmd.arg("--data-dir").arg(dir).args(args);
    for v in ["SHOUHU_SETTINGS", "SHOUHU_DATABASE_URL", "SHOUHU_AUDIT_KEY", "SHOUHU_AUDIT_KEY_FILE"] {
        cmd.env_remove(v);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().await.expect("run shouhu");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

async fn create_admin(dir: &std::path::Path, username: &str) -> (bool, String) {
    let args = ["user", "create-admin", "--username", username, "--display-name", "管理员"];
    run(dir, &args, &[("SHOUHU_ADMIN_PASSWORD", "Guo-luo zhuang 2026 ce")]).await
}

/// The number in "audit log intact: N entries".
fn intact_count(out: &str) -> i64 {
    out.split("audit log intact: ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not intact: {out}"))
}

/// The key is a file of shouhu's own, made at the first start and never in the database; a
/// start with another key stops, saying what to do, and after a lost key a new chain begins.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_file_is_made_once_for_shouhu_alone_and_another_key_stops_start_up() {
    let dir = tempfile::tempdir().expect("dir");
    let (ok, out) = run(dir.path(), &["demo", "seed"], &[]).await;
    assert!(ok, "{out}");
    let key_file = dir.path().join("audit.key");
    let text = std::fs::read_to_string(&key_file).expect("the first start made the key");
    assert_eq!(text.trim().len(), 64, "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{mode:o}");
    }
    let mut db = std::fs::read(dir.path().join("shouhu.db")).expect("db");
    db.extend(std::fs::read(dir.path().join("shouhu.db-wal")).unwrap_or_default());
    let raw = hex::decode(text.trim()).expect("hex");
    assert!(!db.windows(32).any(|w| w == raw.as_slice()), "the key is not in the database");
    assert!(!String::from_utf8_lossy(&db).contains(text.trim()), "nor its digits");
    let (ok, out) = run(dir.path(), &["audit", "verify"], &[]).await;
    assert!(ok, "{out}");
    let entries = intact_count(&out);
    assert!(entries > 0, "{out}");

    // Another key, as after a lost key file.
    std::fs::write(&key_file, hex::encode(AuditKey::random_bytes())).expect("write");
    let (ok, out) = create_admin(dir.path(), "root").await;
    assert!(!ok, "{out}");
    assert!(
        out.contains("not the key the audit log was chained with") && out.contains("shouhu audit new-chain"),
        "{out}"
    );
    let (ok, out) = run(dir.path(), &["audit", "verify"], &[]).await;
    assert!(!ok && out.contains("wrong audit key"), "{out}");

    let (ok, out) = run(dir.path(), &["audit", "new-chain"], &[]).await;
    assert!(ok && out.contains(&format!("a new audit chain begins at seq {}", entries + 1)), "{out}");
    let (ok, out) = create_admin(dir.path(), "root").await;
    assert!(ok, "the new key starts: {out}");
    let (ok, out) = run(dir.path(), &["audit", "verify"], &[]).await;
    assert!(ok && intact_count(&out) == entries + 1, "{out}");
    assert!(out.contains(&format!("entries 1 to {entries} were chained with an earlier key")), "{out}");

    // A key in the environment takes the file's place; a missing file is not made for verify.
    let (ok, out) = run(dir.path(), &["audit", "verify"], &[("SHOUHU_AUDIT_KEY", &"00".repeat(32))]).await;
    assert!(!ok && out.contains("wrong audit key"), "{out}");
    std::fs::remove_file(&key_file).expect("rm");
    let (ok, out) = run(dir.path(), &["audit", "verify"], &[]).await;
    assert!(!ok && out.contains("no audit key"), "{out}");
    assert!(!key_file.exists());
}

/// A user with a name of their own (the harness names everyone 测试用户), signed in over the API.
async fn named_user(app: &TestApp, username: &str, name: &str, role: Role, org_type: OrgType, region: &str) -> User {
    let org = app.org(&format!("{name}的单位"), org_type, region).await;
    app.named_user_in(username, name, role, org).await
}

/// Two days of entries: on 2026-11-29 at noon in China 王小梅 creates and views child A; on
/// 2026-11-30 at 00:10 in China (still the 29th in UTC) 李大山 views A and creates B.
async fn two_days() -> (TestApp, User, i64, i64) {
    let app = TestApp::new().await;
    let admin = app.user("guanli", Role::Admin, OrgType::CityCivilAffairs, "12").await;
    let wang = named_user(&app, "wangxm", "王小梅", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let li = named_user(&app, "lids", "李大山", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let a = app.create_child(&wang, &child("甲乙", VILLAGE_A, 1)).await["id"].as_i64().expect("id");
    app.get(&wang, &format!("/api/v1/children/{a}")).await;
    app.clock.set(chrono::Utc.with_ymd_and_hms(2026, 11, 29, 16, 10, 0).single().expect("valid"));
    app.get(&li, &format!("/api/v1/children/{a}")).await;
    let b = app.create_child(&li, &child("丙丁", VILLAGE_A, 2)).await["id"].as_i64().expect("id");
    (app, admin, a, b)
}

fn summary(entries: &Value) -> Vec<(String, String, Option<i64>)> {
    entries
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            let user = e["user_name"].as_str().unwrap_or("").to_string();
            (user, e["action"].as_str().unwrap_or("").to_string(), e["child_id"].as_i64())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_filters_the_log_by_user_child_action_and_china_days() {
    let (app, admin, a, b) = two_days().await;
    let get = |q: String| {
        let app = &app;
        let admin = &admin;
        async move {
            let (s, body) = app.get(admin, &format!("/api/v1/audit?{q}")).await;
            assert_eq!(s, 200, "{q}: {body}");
            summary(&body)
        }
    };
    let wang = "王小梅（wangxm）".to_string();
    let li = "李大山（lids）".to_string();
    // By username, and by part of the name.
    let by_username = get("user=wangxm".into()).await;
    assert_eq!(
        by_username,
        vec![
            (wang.clone(), "view_child".into(), Some(a)),
            (wang.clone(), "create_child".into(), Some(a)),
            (wang.clone(), "issue_token".into(), None)
        ]
    );
    assert_eq!(get("user=%E5%A4%A7%E5%B1%B1".into()).await.len(), 3, "大山: 李大山's three entries");
    assert!(get("user=nobody".into()).await.is_empty());
    // By child.
    assert_eq!(
        get(format!("child={a}")).await,
        vec![
            (li.clone(), "view_child".into(), Some(a)),
            (wang.clone(), "view_child".into(), Some(a)),
            (wang.clone(), "create_child".into(), Some(a))
        ]
    );
    // By action, and with a user.
    assert_eq!(get("action=create_child&user=lids".into()).await, vec![(li.clone(), "create_child".into(), Some(b))]);
    // By China days: 00:10 on the 30th in China is the 30th, though the 29th in UTC.
    let day_two = get("from=2026-11-30&to=2026-11-30".into()).await;
    assert_eq!(day_two, vec![(li.clone(), "create_child".into(), Some(b)), (li.clone(), "view_child".into(), Some(a))]);
    let admin_name = "测试用户（guanli）".to_string();
    assert_eq!(
        get("to=2026-11-29".into()).await,
        vec![
            (wang.clone(), "view_child".into(), Some(a)),
            (wang.clone(), "create_child".into(), Some(a)),
            (li.clone(), "issue_token".into(), None),
            (wang.clone(), "issue_token".into(), None),
            (admin_name, "issue_token".into(), None)
        ]
    );
    assert!(get("from=2026-12-01".into()).await.is_empty());

    // Wrong filters: 422 naming each field, nothing read.
    let (s, body) = app.get(&admin, "/api/v1/audit?child=abc&action=nope&from=2026-13-01").await;
    assert_eq!(s, 422, "{body}");
    let fields: Vec<&str> =
        body["fields"].as_array().expect("fields").iter().filter_map(|f| f["field"].as_str()).collect();
    assert_eq!(fields, vec!["child", "action", "from"], "{body}");
    let (s, body) = app.get(&admin, "/api/v1/audit?from=2026-11-30&to=2026-11-29").await;
    assert_eq!(s, 422);
    assert_eq!(body["fields"][0]["field"], "to");
    assert_eq!(body["fields"][0]["message"], shouhu_domain::msg::AUDIT_TO_BEFORE_FROM);

    // Only the administrator reads the log, with or without filters.
    let zhen = app.user("zhen", Role::CityOfficer, OrgType::CityCivilAffairs, "12").await;
    let (s, _) = app.get(&zhen, &format!("/api/v1/audit?child={a}")).await;
    assert_eq!(s, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_page_filters_in_chinese_and_pages_keep_the_filters() {
    let (app, _admin, a, _) = two_days().await;
    let p = app.store(|s| s.principal_by_username("lids").expect("li")).await;
    app.store(move |s| {
        for i in 0..55 {
            s.audit(&p, Action::Search, None, &format!("第{i}次")).expect("audit");
        }
    })
    .await;
    let (c, _) = browser(&app, "guanli").await;
    let page = |q: &str| {
        let req = c.get(app.url(&format!("/admin/audit?{q}")));
        async move {
            let res = req.send().await.expect("page");
            let status = res.status().as_u16();
            (status, res.text().await.expect("html"))
        }
    };
    let rows = |html: &str| -> Vec<String> {
        html.split("<li class=\"row\">").skip(1).map(|r| r.split("</li>").next().unwrap_or("").to_string()).collect()
    };

    let (s, html) = page(&format!("child={a}&action=view_child")).await;
    assert_eq!(s, 200);
    let found = rows(&html);
    assert_eq!(found.len(), 2, "{html}");
    assert!(found.iter().all(|r| r.contains("查看档案") && r.contains(&format!("档案编号 {a}"))), "{found:?}");
    assert!(
        found[0].contains("李大山") && found[0].contains("2026-11-30 00:10:00"),
        "newest first, China time: {found:?}"
    );
    assert!(html.contains("<option value=\"view_child\" selected>查看档案</option>"), "the select keeps its choice");
    assert!(
        html.contains("<option value=\"refused\" >被拒绝的访问</option>") || html.contains(">被拒绝的访问</option>")
    );
    assert!(html.contains("管理员不查看儿童档案"), "the page says why a child is a number");
    assert!(!html.contains("甲乙") && !html.contains("丙丁"), "no child's name on the administrator's page");

    // 55 searches: two pages, and the next page keeps the filters.
    let (_, html) = page("user=lids&action=search").await;
    assert_eq!(rows(&html).len(), 50);
    assert!(html.replace("&#38;", "&").contains("href=\"/admin/audit?user=lids&action=search&page=2\""), "{html}");
    let (_, html) = page("user=lids&action=search&page=2").await;
    assert_eq!(rows(&html).len(), 5);
    assert!(rows(&html).iter().all(|r| r.contains("查找")));

    // China days.
    let (_, html) = page("from=2026-11-30&to=2026-11-30&user=%E7%8E%8B").await;
    assert!(rows(&html).is_empty() && html.contains("没有符合条件的记录"), "王小梅 did nothing on the 30th");

    // Wrong filters: the form again with each field's message, 422.
    let (s, html) = page("child=abc&from=2026-11-30&to=2026-11-01").await;
    assert_eq!(s, 422);
    assert!(
        html.contains(shouhu_domain::msg::AUDIT_NOT_A_NUMBER)
            && html.contains(shouhu_domain::msg::AUDIT_TO_BEFORE_FROM)
    );
    assert!(html.contains("value=\"abc\""), "what was typed is kept");
}
