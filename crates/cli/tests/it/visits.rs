//! Visits (走访, issue 17) over the real API, on SQLite and PostgreSQL: every check at its
//! boundary date, the report-or-reason rule at the ages of 16 and 8, scope (another village's
//! director and a supervisor of another township see nothing; a supervisor edits no file),
//! idempotent retries, the cadence and the due list as the clock moves, corrections with
//! their history, the supervisor's review and coverage, and what a director sees of a case.

use crate::harness::*;
use chrono::{Duration, TimeZone, Utc};
use serde_json::{Value, json};
use shouhu_domain::role::{OrgType, Role};

/// A file born on `birth` (YYYY-MM-DD) in `village`, both parents away.
fn child_born(name: &str, village: &str, birth: &str, seq: u32) -> Value {
    let mut c = child(name, village, seq);
    c["birth_date"] = json!(birth);
    c["id_number"] = json!(id_for(&village[..6], birth, true, seq));
    c
}

fn visit(on: &str) -> Value {
    json!({"visited_on": on, "kind": "home", "child_seen": true, "lives_with": "entrusted_carer",
        "carer_state": "capable", "safety": "safe", "health": "good", "schooling": "attending", "mood": "good",
        "notes": "孩子在写作业，祖母身体尚可", "guidance": "提醒注意用电安全",
        "parents_last_contact_on": on, "parents_contact_channel": "video"})
}

fn with(mut v: Value, extra: Value) -> Value {
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    v
}

fn fields(body: &Value) -> Vec<String> {
    body["fields"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["field"].as_str().map(String::from)).collect())
        .unwrap_or_default()
}

async fn count_visits(app: &TestApp) -> i64 {
    app.store(|s| {
        s.pool.read(|c| c.query_opt("SELECT count(*) FROM visits", &[], |r| r.i64(0))).expect("count").unwrap_or(0)
    })
    .await
}

fn day(y: i32, m: u32, d: u32) -> chrono::DateTime<Utc> {
    // Noon in China.
    Utc.with_ymd_and_hms(y, m, d, 4, 0, 0).single().expect("valid")
}

async fn due_of(app: &TestApp, user: &User, child: i64) -> Option<Value> {
    let (s, list) = app.get(user, "/api/v1/visits/due").await;
    assert_eq!(s, 200, "{list}");
    list.as_array().and_then(|a| a.iter().find(|l| l["child_id"] == child).cloned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visit_is_checked_at_every_boundary_and_nothing_is_written_when_refused() {
    let app = TestApp::new().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    // Born 2026-11-01: a baby, visited from its birth day on.
    let baby = app.create_child(&director, &child_born("小宝", VILLAGE_A, "2026-11-01", 1)).await;
    let id = baby["id"].as_i64().expect("id");
    let path = format!("/api/v1/children/{id}/visits");

    let (s, r) = app.post(&director, &path, &visit("2026-11-30")).await;
    assert_eq!((s, fields(&r)), (422, vec!["visited_on".to_string()]), "tomorrow is in the future: {r}");
    let (s, r) = app.post(&director, &path, &visit("2026-10-31")).await;
    assert_eq!((s, fields(&r)), (422, vec!["visited_on".to_string()]), "the day before birth: {r}");
    let (s, r) = app.post(&director, &path, &with(visit("2026-11-20"), json!({"next_due_on": "2026-11-19"}))).await;
    assert_eq!((s, fields(&r)), (422, vec!["next_due_on".to_string()]), "{r}");
    let (s, r) =
        app.post(&director, &path, &with(visit("2026-11-20"), json!({"parents_last_contact_on": "2026-11-21"}))).await;
    assert_eq!((s, fields(&r)), (422, vec!["parents_last_contact_on".to_string()]), "{r}");
    let (s, r) = app.post(&director, &path, &with(visit("2026-11-20"), json!({"parents_contact_channel": null}))).await;
    assert_eq!((s, fields(&r)), (422, vec!["parents_contact_channel".to_string()]), "a contact names its channel: {r}");
    assert_eq!(count_visits(&app).await, 0, "nothing written");

    let (s, r) = app.post(&director, &path, &visit("2026-11-01")).await;
    assert_eq!(s, 201, "on the birth day: {r}");
    let (s, r) = app.post(&director, &path, &with(visit("2026-11-29"), json!({"next_due_on": "2026-11-29"}))).await;
    assert_eq!(s, 201, "today, next visit the same day: {r}");
    assert_eq!(r["child_name"], "小宝");
    assert_eq!(r["review"]["state"], "submitted");
    assert_eq!(r["visit"]["notes"], "孩子在写作业，祖母身体尚可");

    // A closed file takes no visit.
    let (_, rec) = app.get(&township, &format!("/api/v1/children/{id}")).await;
    let (s, _) = app
        .post(
            &township,
            &format!("/api/v1/children/{id}/close"),
            &json!({"version": rec["version"], "reason": "moved_out"}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, r) = app.post(&director, &path, &visit("2026-11-29")).await;
    assert_eq!((s, fields(&r)), (422, vec!["child_id".to_string()]), "{r}");
    assert_eq!(count_visits(&app).await, 2);

    // Free text is sealed in the database: the notes are nowhere in the clear.
    let raw =
        app.store(|s| s.pool.read(|c| c.query("SELECT detail FROM visits", &[], |r| r.text(0))).expect("detail")).await;
    assert!(raw.iter().all(|d| !d.contains("祖母")), "{raw:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_found_alone_needs_a_report_about_them_or_a_reason() {
    let app = TestApp::new().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    // Born 2010-11-28: 15 on 2026-11-28, 16 from 2026-11-29 (the day after the birthday).
    let teen = app.create_child(&director, &child_born("李强", VILLAGE_A, "2010-11-28", 1)).await;
    let teen_id = teen["id"].as_i64().expect("id");
    // Born 2018-11-28: 7 on 2026-11-28, 8 from 2026-11-29.
    let small = app.create_child(&director, &child_born("李小", VILLAGE_A, "2018-11-28", 2)).await;
    let small_id = small["id"].as_i64().expect("id");
    let other = app.create_child(&director, &child_born("王五", VILLAGE_A, "2015-01-01", 3)).await;
    let alone = json!({"lives_with": "alone", "carer_state": "absent"});

    let teen_path = format!("/api/v1/children/{teen_id}/visits");
    let (s, r) = app.post(&director, &teen_path, &with(visit("2026-11-28"), alone.clone())).await;
    assert_eq!((s, fields(&r)), (422, vec!["report_receipt".to_string()]), "15 and alone: {r}");
    let (s, r) = app.post(&director, &teen_path, &with(visit("2026-11-29"), alone.clone())).await;
    assert_eq!(s, 201, "16 may live alone: {r}");

    let small_path = format!("/api/v1/children/{small_id}/visits");
    let absent = json!({"carer_state": "absent"});
    let (s, r) = app.post(&director, &small_path, &with(visit("2026-11-28"), absent.clone())).await;
    assert_eq!((s, fields(&r)), (422, vec!["report_receipt".to_string()]), "7 without care: {r}");
    let (s, r) = app.post(&director, &small_path, &with(visit("2026-11-29"), absent.clone())).await;
    assert_eq!(s, 201, "8 may be left unattended: {r}");

    // A receipt that does not exist, or of a report about another child, is refused.
    let report = |child: i64| {
        json!({"situations": ["living_alone"], "discovered_at": "2026-11-28T02:00:00Z", "child_id": child,
            "description": "走访发现孩子独自在家"})
    };
    let (s, about_other) = app.post(&director, "/api/v1/reports", &report(other["id"].as_i64().expect("id"))).await;
    assert_eq!(s, 201, "{about_other}");
    for receipt in [json!("20261128ZZZZZZZZZZ"), about_other["receipt"].clone()] {
        let (s, r) = app
            .post(
                &director,
                &teen_path,
                &with(visit("2026-11-28"), with(alone.clone(), json!({"report_receipt": receipt}))),
            )
            .await;
        assert_eq!((s, fields(&r)), (422, vec!["report_receipt".to_string()]), "{r}");
    }
    // The report about this child, or a reason.
    let (s, about_teen) = app.post(&director, "/api/v1/reports", &report(teen_id)).await;
    assert_eq!(s, 201);
    let receipt = about_teen["receipt"].as_str().expect("receipt").to_ascii_lowercase();
    let (s, r) = app
        .post(
            &director,
            &teen_path,
            &with(visit("2026-11-28"), with(alone.clone(), json!({"report_receipt": receipt}))),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(r["visit"]["report_receipt"], about_teen["receipt"]);
    let (s, r) = app
        .post(
            &director,
            &small_path,
            &with(visit("2026-11-28"), with(absent, json!({"no_report_reason": "父亲当天已返乡，报告前已回家"}))),
        )
        .await;
    assert_eq!(s, 201, "{r}");

    // The director sees the report's status on the child's file, not who made it or what it says.
    let (s, st) = app.get(&director, &format!("/api/v1/children/{teen_id}/case-status")).await;
    assert_eq!(s, 200, "{st}");
    assert_eq!(st["reports"][0]["receipt"], about_teen["receipt"]);
    assert_eq!(st["reports"][0]["step"], "filed");
    let text = st.to_string();
    assert!(!text.contains("独自在家") && !text.contains("zhuren"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scope_another_village_is_missing_and_a_supervisor_writes_no_file() {
    let app = TestApp::new().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let other_director = app.user("zhuren2", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A2).await;
    let supervisor = app.user("dudao", Role::ChildSupervisor, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let other_supervisor = app.user("dudao_b", Role::ChildSupervisor, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let teacher = app.user("laoshi", Role::Teacher, OrgType::School, TOWNSHIP_A).await;
    let rec = app.create_child(&director, &child("张小明", VILLAGE_A, 1)).await;
    let id = rec["id"].as_i64().expect("id");
    let path = format!("/api/v1/children/{id}/visits");

    let (s_missing, missing) = app.post(&other_director, "/api/v1/children/12345/visits", &visit("2026-11-29")).await;
    let (s, r) = app.post(&other_director, &path, &visit("2026-11-29")).await;
    assert_eq!((s, &r), (s_missing, &missing), "another village's child looks exactly like a missing one");
    assert_eq!(s, 404);
    let (s, _) = app.get(&other_director, &path).await;
    assert_eq!(s, 404);

    let (s, v) = app.post(&director, &path, &visit("2026-11-29")).await;
    assert_eq!(s, 201, "{v}");
    let vid = v["id"].as_i64().expect("id");

    // The supervisor reads the township's child and its visits, and writes neither.
    let (s, _) = app.get(&supervisor, &format!("/api/v1/children/{id}")).await;
    assert_eq!(s, 200);
    let (s, list) = app.get(&supervisor, &path).await;
    assert_eq!((s, list.as_array().map(Vec::len)), (200, Some(1)));
    let (s, _) = app.post(&supervisor, &path, &visit("2026-11-29")).await;
    assert_eq!(s, 403, "a supervisor records no visit");
    let (s, _) = app
        .put(&supervisor, &format!("/api/v1/children/{id}"), &json!({"version": rec["version"], "file": rec["file"]}))
        .await;
    assert_eq!(s, 403, "a supervisor edits no file");
    let (s, _) = app
        .put(&supervisor, &format!("/api/v1/visits/{vid}"), &json!({"version": 1, "visit": visit("2026-11-28")}))
        .await;
    assert_eq!(s, 403, "nor corrects a visit");
    let (s, full) = app.get(&supervisor, &format!("/api/v1/children/{id}")).await;
    assert_eq!(s, 200);
    assert!(full["file"]["father"]["phone"].as_str().is_some_and(|p| p.contains('*')), "numbers masked: {full}");
    let (s, _) = app.get(&supervisor, "/api/v1/export").await;
    assert_eq!(s, 403, "nor exports");

    // Another township's supervisor, a teacher, a director reviewing: refused or missing.
    let (s, _) = app.get(&other_supervisor, &path).await;
    assert_eq!(s, 404);
    let (s, _) = app
        .post(&other_supervisor, &format!("/api/v1/visits/{vid}/review"), &json!({"version": 1, "decision": "accept"}))
        .await;
    assert_eq!(s, 404);
    let (s, _) = app.get(&teacher, &path).await;
    assert_eq!(s, 403, "a teacher reads the file, not the director's notes");
    let (s, _) = app
        .post(&director, &format!("/api/v1/visits/{vid}/review"), &json!({"version": 1, "decision": "accept"}))
        .await;
    assert_eq!(s, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_with_the_same_key_writes_one_visit() {
    let app = TestApp::new().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let rec = app.create_child(&director, &child("张小明", VILLAGE_A, 1)).await;
    let path = format!("/api/v1/children/{}/visits", rec["id"]);
    let send = |key: &'static str, body: Value| {
        let (url, token) = (app.url(&path), director.token.clone());
        async move {
            let res = reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", key)
                .json(&body)
                .send()
                .await
                .expect("request");
            let s = res.status().as_u16();
            (s, res.json::<Value>().await.expect("json"))
        }
    };
    let (s1, first) = send("visit-42", visit("2026-11-29")).await;
    let (s2, again) = send("visit-42", visit("2026-11-29")).await;
    assert_eq!((s1, s2), (201, 200), "{first} {again}");
    assert_eq!(first["id"], again["id"]);
    assert_eq!(again["repeated"], true);
    assert_eq!(count_visits(&app).await, 1);
    let (s, r) = send("visit-42", visit("2026-11-28")).await;
    assert_eq!((s, fields(&r)), (422, vec!["idempotency_key".to_string()]), "{r}");
    let (s, _) = send("visit-43", visit("2026-11-28")).await;
    assert_eq!(s, 201, "another key, another visit");
    assert_eq!(count_visits(&app).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cadence_sets_the_due_list_as_the_clock_moves() {
    // The clock moves a month on: tokens that outlive it.
    let app = TestApp::with_settings("[accounts]\napi_token_days = 366\n").await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    // Left-behind, opened 2026-11-29: first visit due a month on (visits.left_behind_days = 30).
    let lb = app.create_child(&director, &child("张小明", VILLAGE_A, 1)).await;
    let lb_id = lb["id"].as_i64().expect("id");
    // Living alone at 10: weekly (visits.alone_or_unattended_days = 7): due 2026-12-06, a week
    // ahead, so on the list today (visits.due_soon_days = 7).
    let alone = app.create_child(&director, &with(child("李强", VILLAGE_A, 2), json!({"lives_alone": true}))).await;
    let alone_id = alone["id"].as_i64().expect("id");
    let due = due_of(&app, &director, alone_id).await.expect("on the list");
    assert_eq!(
        (due["due_on"].as_str(), due["why"].as_str(), &due["overdue"]),
        (Some("2026-12-06"), Some("alone_or_unattended"), &json!(false))
    );
    assert!(due["warnings"].as_array().is_some_and(|w| w.contains(&json!("under16_living_alone"))));
    assert!(due_of(&app, &director, lb_id).await.is_none(), "due 2026-12-29, not this week");

    // The file no longer says alone: the cadence is a month again, at once.
    let mut file = alone["file"].clone();
    file["lives_alone"] = json!(false);
    let (s, _) = app
        .put(&director, &format!("/api/v1/children/{alone_id}"), &json!({"version": alone["version"], "file": file}))
        .await;
    assert_eq!(s, 200);
    assert!(due_of(&app, &director, alone_id).await.is_none());

    // 2026-12-22: seven days before 2026-12-29, on the list; 2026-12-29 due, not overdue; 2026-12-30 overdue.
    app.clock.set(day(2026, 12, 21));
    assert!(due_of(&app, &director, lb_id).await.is_none());
    app.clock.set(day(2026, 12, 22));
    let d = due_of(&app, &director, lb_id).await.expect("listed a week ahead");
    assert_eq!((d["due_on"].as_str(), d["why"].as_str()), (Some("2026-12-29"), Some("left_behind")));
    app.clock.set(day(2026, 12, 29));
    assert_eq!(due_of(&app, &director, lb_id).await.expect("due")["overdue"], false);
    app.clock.set(day(2026, 12, 30));
    assert_eq!(due_of(&app, &director, lb_id).await.expect("overdue")["overdue"], true);
    let (_, list) = app.get(&director, "/api/v1/visits/due").await;
    let dues: Vec<&str> = list.as_array().expect("list").iter().filter_map(|l| l["due_on"].as_str()).collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]) && dues.len() == 2, "nearest due first: {list}");

    // The supervisor sees the director with an overdue visit and the village's coverage.
    let supervisor = app.user("dudao", Role::ChildSupervisor, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let (s, sup) = app.get(&supervisor, "/api/v1/supervision").await;
    assert_eq!(s, 200, "{sup}");
    assert_eq!(sup["overdue_directors"][0]["user_id"], director.id, "{sup}");
    let village = sup["coverage"]
        .as_array()
        .and_then(|a| a.iter().find(|v| v["village_code"] == VILLAGE_A))
        .cloned()
        .expect("village");
    assert_eq!((village["children"].as_i64(), village["covered"].as_i64()), (Some(2), Some(0)));

    // A visit today: due a month on; the director's earlier date wins when earlier.
    let (s, _) = app.post(&director, &format!("/api/v1/children/{lb_id}/visits"), &visit("2026-12-30")).await;
    assert_eq!(s, 201);
    assert!(due_of(&app, &director, lb_id).await.is_none());
    let (s, v) = app
        .post(
            &director,
            &format!("/api/v1/children/{lb_id}/visits"),
            &with(visit("2026-12-30"), json!({"next_due_on": "2027-01-02"})),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let d = due_of(&app, &director, lb_id).await.expect("planned in 3 days");
    assert_eq!(
        (d["due_on"].as_str(), d["why"].as_str(), d["last_visit_on"].as_str()),
        (Some("2027-01-02"), Some("planned"), Some("2026-12-30"))
    );
    let (_, sup) = app.get(&supervisor, "/api/v1/supervision").await;
    let village = sup["coverage"]
        .as_array()
        .and_then(|a| a.iter().find(|v| v["village_code"] == VILLAGE_A))
        .cloned()
        .expect("village");
    assert_eq!((village["covered"].as_i64(), village["share"].as_f64()), (Some(1), Some(0.5)), "{village}");

    // A closed file leaves the list.
    let (_, rec) = app.get(&township, &format!("/api/v1/children/{lb_id}")).await;
    let (s, _) = app
        .post(
            &township,
            &format!("/api/v1/children/{lb_id}/close"),
            &json!({"version": rec["version"], "reason": "moved_out"}),
        )
        .await;
    assert_eq!(s, 200);
    assert!(due_of(&app, &director, lb_id).await.is_none());
    let _ = Duration::days(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_high_risk_case_makes_the_visits_weekly() {
    let app = TestApp::new().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let rec = app.create_child(&director, &child("张小明", VILLAGE_A, 1)).await;
    let id = rec["id"].as_i64().expect("id");
    assert!(due_of(&app, &director, id).await.is_none());
    let (s, a) = app.post(&township, "/api/v1/assessments", &json!({"child_id": id})).await;
    assert_eq!(s, 201, "{a}");
    let answers = json!({"safety": "in_danger", "guardianship": "poor", "physical": "good", "mental": "good"});
    let (s, r) = app
        .post(
            &township,
            &format!("/api/v1/assessments/{}/complete", a["id"]),
            &json!({"version": 1, "answers": answers, "participants": [{"party": "township", "name": "王某"}]}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    let d = due_of(&app, &director, id).await.expect("weekly now");
    assert_eq!((d["due_on"].as_str(), d["why"].as_str()), (Some("2026-12-06"), Some("high_risk_case")));
    let (_, st) = app.get(&director, &format!("/api/v1/children/{id}/case-status")).await;
    assert_eq!(
        (st["cases"][0]["state"].as_str(), st["cases"][0]["risk_level"].as_str()),
        (Some("completed"), Some("high"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_supervisor_sends_a_visit_back_and_accepts_its_correction() {
    let app = TestApp::new().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let supervisor = app.user("dudao", Role::ChildSupervisor, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let rec = app.create_child(&director, &child("张小明", VILLAGE_A, 1)).await;
    let (_, v) = app.post(&director, &format!("/api/v1/children/{}/visits", rec["id"]), &visit("2026-11-29")).await;
    let vid = v["id"].as_i64().expect("id");
    let (_, queue) = app.get(&supervisor, "/api/v1/visits/review").await;
    assert_eq!(queue[0]["id"], vid);
    assert_eq!(queue[0]["child_name"], "张小明");

    let review = format!("/api/v1/visits/{vid}/review");
    let (s, r) = app.post(&supervisor, &review, &json!({"version": 1, "decision": "send_back"})).await;
    assert_eq!((s, fields(&r)), (422, vec!["reason".to_string()]), "{r}");
    let (s, r) = app
        .post(
            &supervisor,
            &review,
            &json!({"version": 1, "decision": "send_back", "reason": "请写明父母最近一次联系的方式"}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(
        (r["review"]["state"].as_str(), r["review"]["reason"].as_str()),
        (Some("sent_back"), Some("请写明父母最近一次联系的方式"))
    );
    let (s, _) = app.post(&supervisor, &review, &json!({"version": 1, "decision": "accept"})).await;
    assert_eq!(s, 409, "already reviewed");

    // The director corrects it: a new version, submitted again; the first is kept.
    let corrected = with(visit("2026-11-29"), json!({"parents_contact_channel": "phone"}));
    let (s, _) =
        app.put(&director, &format!("/api/v1/visits/{vid}"), &json!({"version": 2, "visit": corrected.clone()})).await;
    assert_eq!(s, 409, "a stale version");
    let (s, v2) =
        app.put(&director, &format!("/api/v1/visits/{vid}"), &json!({"version": 1, "visit": corrected})).await;
    assert_eq!(s, 200, "{v2}");
    assert_eq!((v2["version"].as_i64(), v2["review"]["state"].as_str()), (Some(2), Some("submitted")));
    let (_, versions) = app.get(&director, &format!("/api/v1/visits/{vid}/versions")).await;
    let states: Vec<(i64, String, bool)> = versions
        .as_array()
        .expect("list")
        .iter()
        .map(|v| {
            (
                v["version"].as_i64().unwrap_or(0),
                v["visit"]["parents_contact_channel"].as_str().unwrap_or("").to_string(),
                v["latest"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    assert_eq!(states, vec![(2, "phone".into(), true), (1, "video".into(), false)]);
    let (s, r) = app.post(&supervisor, &review, &json!({"version": 2, "decision": "accept"})).await;
    assert_eq!((s, r["review"]["state"].as_str()), (200, Some("accepted")), "{r}");
    let (_, queue) = app.get(&supervisor, "/api/v1/visits/review").await;
    assert_eq!(queue.as_array().map(Vec::len), Some(0));

    // Every view and change is in the audit log.
    let actions = app
        .store(|s| {
            s.pool
                .read(|c| {
                    c.query("SELECT action FROM audit_log WHERE action LIKE '%visit%' ORDER BY id", &[], |r| r.text(0))
                })
                .expect("audit")
        })
        .await;
    for a in ["record_visit", "correct_visit", "review_visit", "view_visits"] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imported_files_are_due_and_the_batch_recompute_restores_every_due_date() {
    let app = TestApp::new().await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let csv = format!(
        "姓名,性别,出生日期,身份证号码,现居住地址,所在村（居）,父亲外出务工,母亲外出务工,单独居住生活,监护类型\n\
         王五,男,2016-05-04,{},一组,{VILLAGE_A},是,是,是,监护情况较好\n\
         赵六,男,2016-05-04,{},一组,{VILLAGE_A},是,是,否,监护情况较好\n",
        id_for("120114", "2016-05-04", true, 7),
        id_for("120114", "2016-05-04", true, 8)
    );
    let j = app.import_sheet(&township, "郭罗庄村.csv", csv.into_bytes(), &[]).await;
    assert_eq!(j["state"], "done", "{j}");
    let rows = || async {
        app.store(|s| {
            s.pool
                .read(|c| {
                    c.query("SELECT why, due_on FROM visit_due ORDER BY due_on", &[], |r| {
                        Ok((r.text(0)?, r.opt_date(1)?))
                    })
                })
                .expect("due")
        })
        .await
    };
    let first = rows().await;
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    assert_eq!(
        first,
        vec![("alone_or_unattended".to_string(), d("2026-12-06")), ("left_behind".to_string(), d("2026-12-29"))],
        "the imported child living alone is due in a week, the other in a month"
    );
    let (_, list) = app.get(&director, "/api/v1/visits/due").await;
    assert_eq!(list[0]["child_name"], "王五");

    // The daily recompute's walk gives every file its due date again.
    app.store(|s| {
        s.pool.write(|c| c.exec("DELETE FROM visit_due", &[]).map(|_| ())).expect("delete");
        let today = s.today();
        let mut after = i64::MIN;
        while let Some(last) = s.refresh_visit_due_batch(after, 1, today).expect("batch") {
            after = last;
        }
    })
    .await;
    assert_eq!(rows().await, first);
}

/// The pages: a director's day through forms (a refused visit keeps what was typed and
/// offers the report; a correction from the visit's page), another village's child is the
/// same page as a missing one, and the supervisor's page sends back without a reason only
/// with the error beside the field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_record_correct_and_review_a_visit() {
    use crate::pages::browser;
    let app = TestApp::new().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    app.user("zhuren2", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A2).await;
    app.user("dudao", Role::ChildSupervisor, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let rec = app.create_child(&director, &with(child("李强", VILLAGE_A, 1), json!({"lives_alone": true}))).await;
    let id = rec["id"].as_i64().expect("id");
    let (c, csrf) = browser(&app, "zhuren").await;

    let html = c.get(app.url("/visits")).send().await.expect("due").text().await.expect("html");
    assert!(html.contains("李强") && html.contains(&format!("/children/{id}/visits/new")), "{html}");
    let form = c.get(app.url(&format!("/children/{id}/visits/new"))).send().await.expect("form");
    assert_eq!(form.status(), 200);
    let html = form.text().await.expect("html");
    assert!(html.contains("未满十六周岁单独居住生活"), "the warning at the top");
    let fields = |lives_with: &'static str, notes: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("idempotency_key", "page-1".to_string()),
            ("visited_on", "2026-11-29".into()),
            ("kind", "home".into()),
            ("child_seen", "on".into()),
            ("lives_with", lives_with.into()),
            ("carer_state", "absent".into()),
            ("safety", "hazard".into()),
            ("health", "good".into()),
            ("schooling", "attending".into()),
            ("mood", "low".into()),
            ("notes", notes.into()),
        ]
    };
    let res = c
        .post(app.url(&format!("/children/{id}/visits")))
        .form(&fields("alone", "灶台上有未熄灭的炭火"))
        .send()
        .await
        .expect("refused");
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("html");
    assert!(html.contains("id=\"report-offer\"") && html.contains("灶台上有未熄灭的炭火"), "{html}");
    let link = html.split("id=\"report-offer\"").nth(1).unwrap_or("");
    assert!(
        link.contains(&format!("/reports/new?child_id={id}")) && link.contains("situation=living_alone"),
        "the report prefilled: {link}"
    );
    let mut with_reason = fields("alone", "灶台上有未熄灭的炭火");
    with_reason.push(("no_report_reason", "派出所已于当天上午出警处置".into()));
    let res = c.post(app.url(&format!("/children/{id}/visits"))).form(&with_reason).send().await.expect("saved");
    assert_eq!((res.status().as_u16(), res.headers()["location"].to_str().ok()), (303, Some("/visits?saved=1")));
    // The same form sent again (a double tap): no second visit.
    let res = c.post(app.url(&format!("/children/{id}/visits"))).form(&with_reason).send().await.expect("again");
    assert_eq!(res.status(), 303);
    assert_eq!(count_visits(&app).await, 1);

    let html = c.get(app.url(&format!("/children/{id}"))).send().await.expect("file").text().await.expect("html");
    let vid: i64 = html
        .split("id=\"child-visit-")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .and_then(|s| s.parse().ok())
        .expect("the visit on the file");
    let mut corrected = fields("alone", "灶台上有未熄灭的炭火，已帮助熄灭");
    corrected.push(("no_report_reason", "派出所已于当天上午出警处置".into()));
    corrected.push(("version", "1".into()));
    let res = c.post(app.url(&format!("/visits/{vid}/edit"))).form(&corrected).send().await.expect("corrected");
    assert_eq!(res.status(), 303);
    let html = c.get(app.url(&format!("/visits/{vid}"))).send().await.expect("visit").text().await.expect("html");
    assert!(
        html.contains("visit-version-2") && html.contains("visit-version-1") && html.contains("已帮助熄灭"),
        "{html}"
    );

    // Another village's director: the form and the visit are missing pages.
    let (other, _) = browser(&app, "zhuren2").await;
    let missing = other.get(app.url("/children/12345/visits/new")).send().await.expect("missing");
    let theirs = other.get(app.url(&format!("/children/{id}/visits/new"))).send().await.expect("out of scope");
    assert_eq!((missing.status(), theirs.status()), (reqwest::StatusCode::NOT_FOUND, reqwest::StatusCode::NOT_FOUND));
    assert_eq!(missing.text().await.expect("html"), theirs.text().await.expect("html"));
    assert_eq!(other.get(app.url(&format!("/visits/{vid}"))).send().await.expect("visit").status(), 404);
    assert_eq!(other.get(app.url("/supervision")).send().await.expect("supervision").status(), 403);

    // The supervisor: no reason, the error beside the field; then sent back.
    let (sup, sup_csrf) = browser(&app, "dudao").await;
    let html = sup.get(app.url("/supervision")).send().await.expect("page").text().await.expect("html");
    assert!(html.contains(&format!("id=\"review-{vid}\"")) && html.contains("李强"), "{html}");
    let res = sup
        .post(app.url(&format!("/visits/{vid}/review")))
        .form(&[("csrf", sup_csrf.as_str()), ("version", "2"), ("decision", "send_back"), ("reason", "")])
        .send()
        .await
        .expect("refused");
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("html").contains(&format!("id=\"e-reason-{vid}\"")));
    let res = sup
        .post(app.url(&format!("/visits/{vid}/review")))
        .form(&[
            ("csrf", sup_csrf.as_str()),
            ("version", "2"),
            ("decision", "send_back"),
            ("reason", "请补充火灾隐患的处理"),
        ])
        .send()
        .await
        .expect("sent back");
    assert_eq!(res.status(), 303);
    let html = c.get(app.url(&format!("/visits/{vid}"))).send().await.expect("visit").text().await.expect("html");
    assert!(html.contains("已退回") && html.contains("请补充火灾隐患的处理"), "{html}");
}
