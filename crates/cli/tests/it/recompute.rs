//! The daily recompute (issue 17; decisions 120-124): what a birthday changes happens on the
//! day and not the day before; a second run changes nothing; an interrupted run goes on from
//! its cursor; one server of several runs it; the township decides on files that reached 16.

use crate::harness::*;
use chrono::{Duration, TimeZone, Utc};
use serde_json::{Value, json};
use shouhu_domain::child::Warning;
use shouhu_domain::role::{OrgType, Role};
use shouhu_store::Store;
use shouhu_store::recompute::{Options, Outcome, RunRecord};

/// Born `birth` in `village`, both parents away, living alone.
fn alone(name: &str, village: &str, birth: &str, seq: u32) -> Value {
    let mut f = child(name, village, seq);
    f["birth_date"] = json!(birth);
    f["id_number"] = json!(id_for(&village[..6], birth, true, seq));
    f["lives_alone"] = json!(true);
    f
}

fn opts(server: &str) -> Options {
    Options { server: server.into(), ..Options::default() }
}

async fn recompute(app: &TestApp, o: Options) -> Outcome {
    app.store(move |s| s.recompute(&o).expect("recompute")).await
}

fn finished(o: Outcome) -> RunRecord {
    match o {
        Outcome::Finished { run, .. } => run,
        other => panic!("expected a finished run, got {other:?}"),
    }
}

/// (category, warnings) as stored, which the ledger filters by.
async fn stored(app: &TestApp, id: i64) -> (String, Vec<Warning>) {
    app.store(move |s| {
        s.pool
            .read(|c| {
                c.query_opt("SELECT category, warnings FROM children WHERE id = $1", &[id.into()], |r| {
                    Ok((r.text(0)?, Warning::from_bits(r.i64(1)?)))
                })
            })
            .expect("read")
            .expect("row")
    })
    .await
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    app.store(move |s| s.pool.read(|c| c.query_opt(sql, &[], |r| r.i64(0))).expect("count").unwrap_or(0)).await
}

/// When the child's next visit is due (the director's list reads it).
async fn due_on(app: &TestApp, id: i64) -> Option<chrono::NaiveDate> {
    app.store(move |s| {
        s.pool
            .read(|c| c.query_opt("SELECT due_on FROM visit_due WHERE child_id = $1", &[id.into()], |r| r.opt_date(0)))
            .expect("read")
            .flatten()
    })
    .await
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().expect("id")
}

/// Midnight plus `hours` in China on a day of November 2026.
fn china(day: u32, hours: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 0, 0, 0).single().expect("valid") - Duration::hours(8)
        + Duration::hours(hours.into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warnings_end_on_the_birthday_boundary_and_a_second_run_changes_nothing() {
    let app = TestApp::new().await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    // The clock says 2026-11-29. Born 2010-11-29: 16 on 2026-11-30 (the day after the birthday).
    let teen = id(&app.create_child(&township, &alone("张十五", VILLAGE_A, "2010-11-29", 1)).await);
    // Born 2018-11-29, nobody looking after him: 8 on 2026-11-30.
    let mut small = child("李七岁", VILLAGE_A, 2);
    small["birth_date"] = json!("2018-11-29");
    small["id_number"] = json!(id_for("120114", "2018-11-29", true, 2));
    small["unattended"] = json!(true);
    let small = id(&app.create_child(&township, &small).await);
    let steady = id(&app.create_child(&township, &alone("王十岁", VILLAGE_A, "2016-01-01", 3)).await);
    // A closed file is left as it was closed.
    let closed = id(&app.create_child(&township, &alone("赵已销", VILLAGE_A, "2010-11-29", 4)).await);
    let body = json!({"version": 1, "reason": "moved_out"});
    assert_eq!(app.post(&township, &format!("/api/v1/children/{closed}/close"), &body).await.0, 200);
    assert_eq!(stored(&app, teen).await, ("both_away".into(), vec![Warning::Under16LivingAlone]));
    assert_eq!(stored(&app, small).await.1, vec![Warning::Under8Unattended]);

    // The day before: nothing has changed (the first run opens every file, and finds them right).
    let run = finished(recompute(&app, opts("a")).await);
    assert_eq!((run.files_seen, run.changed, run.full_walk), (3, 0, true));
    // Never visited and unattended under 8: due a week after the file was opened (decision 104).
    let opened = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).expect("date");
    assert_eq!(due_on(&app, small).await, Some(opened + Duration::days(7)));
    let history = count(&app, "SELECT count(*) FROM child_history").await;
    let audit = count(&app, "SELECT count(*) FROM audit_log WHERE action = 'recompute_child'").await;
    assert_eq!(audit, 0);
    assert_eq!(stored(&app, teen).await.1, vec![Warning::Under16LivingAlone]);

    // The birthday's day after: 16 may live alone and is no longer left-behind; 8 may be
    // left unattended.
    app.clock.advance(Duration::days(1));
    let out = recompute(&app, opts("a")).await;
    let Outcome::Finished { run, changes, .. } = out else { panic!("finished: {out:?}") };
    assert_eq!((run.files_seen, run.changed, run.full_walk), (3, 2, false));
    assert_eq!(changes.no_longer_left_behind, 1);
    assert_eq!(changes.warnings.get("under16_living_alone"), Some(&(1, 0)));
    assert_eq!(changes.warnings.get("under8_unattended"), Some(&(1, 0)));
    assert_eq!(changes.turned_16, 1);
    assert_eq!(stored(&app, teen).await, ("not_left_behind".into(), vec![]));
    assert_eq!(stored(&app, small).await.1, vec![]);
    // Eight and cared for enough: the left-behind child's cadence, from the same opening day.
    assert_eq!(due_on(&app, small).await, Some(opened + Duration::days(30)));
    assert_eq!(stored(&app, steady).await.1, vec![Warning::Under16LivingAlone]);
    assert_eq!(stored(&app, closed).await, ("both_away".into(), vec![Warning::Under16LivingAlone]));

    // In the file's history, by the system, like any change; and in the audit log.
    let (status, h) = app.get(&township, &format!("/api/v1/children/{teen}/history")).await;
    assert_eq!(status, 200);
    let latest: Vec<&Value> = h.as_array().expect("rows").iter().filter(|e| e["version"] == json!(2)).collect();
    let fields: Vec<&str> = latest.iter().map(|e| e["field"].as_str().expect("field")).collect();
    assert_eq!(fields, vec!["category", "warnings"]);
    assert!(latest.iter().all(|e| e["source"] == "system" && e["user_name"] == "系统"), "{latest:?}");
    assert_eq!(latest[1]["old_value"], "未满十六周岁单独居住生活");
    assert_eq!(latest[1]["new_value"], "无");
    let (_, file) = app.get(&township, &format!("/api/v1/children/{teen}")).await;
    assert_eq!(file["version"], 2);
    assert_eq!(file["file"]["lives_alone"], true, "nothing the user typed changes");
    assert_eq!(count(&app, "SELECT count(*) FROM audit_log WHERE action = 'recompute_child'").await, 2);
    // The ledger's warning filter (stored bits) agrees.
    let (_, page) = app.get(&township, "/api/v1/children?warning=under16_living_alone").await;
    assert_eq!(page["rows"].as_array().expect("rows").len(), 1);

    // The same day again: already done; walked again on purpose, nothing changes, nothing is written.
    let history = count(&app, "SELECT count(*) FROM child_history").await.max(history);
    assert!(matches!(recompute(&app, opts("a")).await, Outcome::AlreadyDone(_)));
    let again = finished(recompute(&app, Options { again: true, ..opts("a") }).await);
    assert_eq!((again.files_seen, again.changed), (3, 0));
    assert_eq!(count(&app, "SELECT count(*) FROM child_history").await, history);
    assert_eq!(count(&app, "SELECT count(*) FROM audit_log WHERE action = 'recompute_child'").await, 2);
    assert_eq!(count(&app, "SELECT count(*) FROM recompute_runs").await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_run_goes_on_from_its_cursor_and_ends_as_an_uninterrupted_one() {
    let app = TestApp::new().await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let mut ids = Vec::new();
    for i in 0..10u32 {
        // Half reach 16 tomorrow, half stay 15.
        let birth = if i % 2 == 0 { "2010-11-29" } else { "2010-12-29" };
        ids.push(id(&app.create_child(&township, &alone(&format!("孩子{i}"), VILLAGE_A, birth, i + 1)).await));
    }
    finished(recompute(&app, opts("a")).await);
    app.clock.advance(Duration::days(1));
    // Three files a batch, stopped after two batches.
    let o = Options { max_batches: Some(2), batch_files: Some(3), ..opts("a") };
    let Outcome::Stopped { run, .. } = recompute(&app, o).await else { panic!("stopped") };
    assert_eq!((run.files_seen, run.batches, run.finished_at), (6, 2, None));
    // Another server goes on from the cursor: the first six files are not walked again.
    let out = recompute(&app, Options { batch_files: Some(3), ..opts("b") }).await;
    let Outcome::Finished { run, resumed, .. } = out else { panic!("finished") };
    assert!(resumed);
    assert_eq!((run.files_seen, run.changed, run.batches, run.server.as_str()), (10, 5, 4, "b"));
    assert_eq!(count(&app, "SELECT count(*) FROM recompute_runs").await, 2, "one run for the day, resumed");
    // The same as an uninterrupted run: every file as the rules say today.
    for (i, id) in ids.iter().enumerate() {
        let want = if i % 2 == 0 {
            ("not_left_behind".to_string(), vec![])
        } else {
            ("both_away".to_string(), vec![Warning::Under16LivingAlone])
        };
        assert_eq!(stored(&app, *id).await, want, "file {i}");
    }
    assert_eq!(count(&app, "SELECT count(*) FROM audit_log WHERE action = 'recompute_child'").await, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_servers_on_one_database_exactly_one_runs_and_a_stopped_servers_lease_expires() {
    let app = TestApp::new().await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    for i in 0..6u32 {
        app.create_child(&township, &alone(&format!("孩子{i}"), VILLAGE_A, "2010-11-29", i + 1)).await;
    }
    app.clock.advance(Duration::days(1));
    let second = app.reopen().await.expect("second server");
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let run_on = |s: Store, name: &'static str| {
        let b = barrier.clone();
        std::thread::spawn(move || {
            b.wait();
            s.recompute(&Options { batch_files: Some(1), ..opts(name) }).expect("recompute")
        })
    };
    let (a, b) = (run_on(app.store.clone(), "a"), run_on(second, "b"));
    let outcomes = [a.join().expect("a"), b.join().expect("b")];
    let worked = outcomes.iter().filter(|o| matches!(o, Outcome::Finished { .. })).count();
    assert_eq!(worked, 1, "{outcomes:?}");
    assert!(outcomes.iter().any(|o| matches!(o, Outcome::Busy { .. } | Outcome::AlreadyDone(_))), "{outcomes:?}");
    assert_eq!(count(&app, "SELECT count(*) FROM recompute_runs").await, 1);
    assert_eq!(count(&app, "SELECT count(*) FROM audit_log WHERE action = 'recompute_child'").await, 6);

    // A server that stopped while holding the lease: others wait for it to expire, then take over.
    app.clock.advance(Duration::days(1));
    app.store(|s| {
        let until = s.now() + Duration::seconds(120);
        s.pool
            .write(|c| {
                c.exec(
                    "UPDATE recompute_lease SET holder = 'stopped:1#0', expires_at = $1 WHERE name = 'daily'",
                    &[until.into()],
                )
            })
            .expect("lease");
    })
    .await;
    assert!(matches!(recompute(&app, opts("a")).await, Outcome::Busy { holder } if holder == "stopped:1"));
    app.clock.advance(Duration::seconds(121));
    finished(recompute(&app, opts("a")).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduler_runs_once_a_day_from_the_hour_on_the_injected_clock() {
    let app = TestApp::with_settings("[recompute]\nhour = 3\n").await;
    app.clock.set(china(29, 2) + Duration::minutes(59));
    assert!(app.store(|s| s.recompute_if_due("a").expect("due")).await.is_none(), "02:59");
    app.clock.set(china(29, 3));
    assert!(matches!(app.store(|s| s.recompute_if_due("a").expect("due")).await, Some(Outcome::Finished { .. })));
    app.clock.set(china(29, 23));
    assert!(app.store(|s| s.recompute_if_due("a").expect("due")).await.is_none(), "done today");
    app.clock.set(china(30, 3));
    assert!(app.store(|s| s.recompute_if_due("a").expect("due")).await.is_some(), "the next day");
    // The last run is on the settings page (the city's).
    let city = app.user("shi", Role::CityOfficer, OrgType::CityCivilAffairs, "12").await;
    let (status, body) = app.get(&city, "/api/v1/recompute").await;
    assert_eq!(status, 200);
    assert_eq!(body["last"]["day"], "2026-11-30");
    assert!(body["last"]["finished_at"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_township_closes_or_keeps_the_files_of_children_who_reached_16_in_its_area_only() {
    let app = TestApp::new().await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let other = app.user("zhen2", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    // 2026-11-29: born 2010-11-28 reached 16 today; 2010-11-29 reaches it tomorrow.
    let reached = id(&app.create_child(&township, &alone("赵已满", VILLAGE_A, "2010-11-28", 1)).await);
    let tomorrow = id(&app.create_child(&township, &alone("钱明天", VILLAGE_A2, "2010-11-29", 2)).await);
    let young = id(&app.create_child(&township, &alone("孙还小", VILLAGE_A, "2014-03-01", 3)).await);
    let elsewhere = id(&app.create_child(&other, &alone("周别镇", VILLAGE_B, "2010-01-01", 4)).await);

    let ids = |v: &Value| -> Vec<i64> {
        v["rows"].as_array().expect("rows").iter().map(|r| r["id"].as_i64().expect("id")).collect()
    };
    let (status, list) = app.get(&township, "/api/v1/turned16").await;
    assert_eq!(status, 200);
    assert_eq!(ids(&list), vec![reached]);
    assert_eq!(list["rows"][0]["name"], "赵已满");
    assert_eq!(list["rows"][0]["turned_16_on"], "2026-11-29");
    // Another township's staff see only theirs, and cannot act on ours: it is as missing.
    let (_, theirs) = app.get(&other, "/api/v1/turned16").await;
    assert_eq!(ids(&theirs), vec![elsewhere]);
    let (status, _) = app
        .post(&other, &format!("/api/v1/children/{reached}/keep-past-16"), &json!({"version": 1, "reason": "x"}))
        .await;
    assert_eq!(status, 404);
    // A village director does not decide.
    assert_eq!(app.get(&director, "/api/v1/turned16").await.0, 403);

    app.clock.advance(Duration::days(1));
    let (_, list) = app.get(&township, "/api/v1/turned16").await;
    assert_eq!(ids(&list), vec![reached, tomorrow], "those who reached 16 first come first");

    // Keep, with a reason: required; then in the history and the audit log.
    let path = format!("/api/v1/children/{reached}/keep-past-16");
    let (status, body) = app.post(&township, &path, &json!({"version": 1, "reason": "  "})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["fields"][0]["field"], "reason");
    let (status, kept) = app.post(&township, &path, &json!({"version": 1, "reason": "评估个案尚未结案"})).await;
    assert_eq!(status, 200, "{kept}");
    assert_eq!(kept["version"], 2);
    assert_eq!(kept["status"]["state"], "open");
    let (status, _) = app.post(&township, &path, &json!({"version": 2, "reason": "再次"})).await;
    assert_eq!(status, 409, "kept once");
    let (_, h) = app.get(&township, &format!("/api/v1/children/{reached}/history")).await;
    assert_eq!(h[0]["field"], "turned_16");
    assert_eq!(h[0]["new_value"], "年满十六周岁后保留档案：评估个案尚未结案");
    let detail = app
        .store(move |s| {
            s.pool.read(|c| {
                c.query_opt(
                    "SELECT detail FROM audit_log WHERE action = 'keep_past_16' AND child_id = $1",
                    &[reached.into()],
                    |r| r.text(0),
                )
            })
        })
        .await
        .expect("read");
    assert_eq!(detail.as_deref(), Some("评估个案尚未结案"));

    // Close, by the file's own close path, reason "turned 16".
    let (status, closed) = app
        .post(&township, &format!("/api/v1/children/{tomorrow}/close"), &json!({"version": 1, "reason": "turned_16"}))
        .await;
    assert_eq!(status, 200, "{closed}");
    let (_, list) = app.get(&township, "/api/v1/turned16").await;
    assert_eq!(ids(&list), Vec::<i64>::new());
    // Neither a closed file nor a child under 16 awaits a decision.
    for (child, version) in [(tomorrow, 2), (young, 1)] {
        let (status, _) = app
            .post(
                &township,
                &format!("/api/v1/children/{child}/keep-past-16"),
                &json!({"version": version, "reason": "理由"}),
            )
            .await;
        assert_eq!(status, 409);
    }
}
