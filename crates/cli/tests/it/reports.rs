//! Mandatory reporting and the police response, over the real HTTP API.

use crate::harness::*;
use serde_json::{Value, json};
use shouhu_domain::role::{OrgType, Role};

/// A report of a child found alone, discovered an hour before the test clock's now.
fn alone_report(village: &str) -> Value {
    json!({
        "situations": ["living_alone"],
        "discovered_at": "2026-11-29T03:00:00Z",
        "child_description": "男孩，约9岁，穿蓝色外套",
        "village_code": village,
        "description": "孩子独自在家三天，邻居送饭",
        "contact_name": "王老师",
        "contact_phone": "13912345678"
    })
}

struct Desk {
    app: TestApp,
    teacher: User,
    police: User,
    police_b: User,
    township: User,
}

async fn desk() -> Desk {
    let app = TestApp::new().await;
    let teacher = app.user("laoshi", Role::Teacher, OrgType::School, TOWNSHIP_A).await;
    let police = app.user("paichusuo_a", Role::Police, OrgType::PoliceStation, TOWNSHIP_A).await;
    let police_b = app.user("paichusuo_b", Role::Police, OrgType::PoliceStation, TOWNSHIP_B).await;
    let township = app.user("zhen_a", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    Desk { app, teacher, police, police_b, township }
}

async fn file(app: &TestApp, user: &User, body: &Value) -> Value {
    let (s, r) = app.post(user, "/api/v1/reports", body).await;
    assert_eq!(s, 201, "file report: {r}");
    r
}

async fn step(app: &TestApp, police: &User, id: i64, step: &str, extra: Value) -> (u16, Value) {
    let (_, now) = app.get(police, &format!("/api/v1/reports/{id}")).await;
    let mut body = json!({"step": step, "version": now["version"]});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    app.post(police, &format!("/api/v1/reports/{id}/steps"), &body).await
}

async fn count_reports(app: &TestApp) -> i64 {
    app.store(|s| s.reports.read(|c| c.query_opt("SELECT count(*) FROM reports", &[], |r| r.i64(0))))
        .await
        .expect("count")
        .unwrap_or(0)
}

fn kinds(detail: &Value) -> Vec<String> {
    detail["events"].as_array().expect("events").iter().map(|e| e["kind"].as_str().unwrap_or("").to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_goes_from_the_teacher_to_the_station_and_on_to_the_township() {
    let Desk { app, teacher, police, police_b, township } = desk().await;
    let receipt = file(&app, &teacher, &alone_report(VILLAGE_A)).await;
    let id = receipt["id"].as_i64().expect("id");
    assert!(receipt["receipt"].as_str().is_some_and(|r| r.starts_with("20261129-") && r.len() == 20), "{receipt}");
    assert_eq!(receipt["urgency"], "high");

    let (_, queue) = app.get(&police, "/api/v1/reports?view=queue").await;
    assert_eq!(queue.as_array().map(Vec::len), Some(1), "the station of the child's township sees it: {queue}");
    let (_, queue_b) = app.get(&police_b, "/api/v1/reports?view=queue").await;
    assert_eq!(queue_b, json!([]), "another station does not");
    let (s, _) = app.get(&police_b, &format!("/api/v1/reports/{id}")).await;
    assert_eq!(s, 404);

    for s in ["accepted", "dispatched", "on_scene"] {
        let (code, r) = step(&app, &police, id, s, json!({})).await;
        assert_eq!(code, 200, "{s}: {r}");
        assert_eq!(r["step"], s);
    }
    // Living alone: the parents must be ordered back (or to re-entrust) and reprimanded.
    let (code, r) = step(&app, &police, id, "disposed", json!({"case_kind": "living_alone"})).await;
    assert_eq!(code, 422, "{r}");
    assert!(r["fields"][0]["message"].as_str().is_some_and(|m| m.contains("训诫")), "names what is missing: {r}");
    for a in ["parents_to_return_or_entrust", "reprimand"] {
        let (code, r) = app.post(&police, &format!("/api/v1/reports/{id}/actions"), &json!({"action": a})).await;
        assert_eq!(code, 200, "{a}: {r}");
    }
    let (code, r) = step(&app, &police, id, "disposed", json!({"case_kind": "living_alone"})).await;
    assert_eq!(code, 200, "{r}");
    assert_eq!(r["missing_actions"], json!([]));
    let (code, r) = step(&app, &police, id, "handed_over", json!({})).await;
    assert_eq!(code, 200, "{r}");
    assert_eq!(r["assessment_due"], "2026-12-06T04:00:00Z", "seven days for the township's assessment");
    assert_eq!(
        kinds(&r),
        ["filed", "accepted", "dispatched", "on_scene", "action", "action", "disposed", "handed_over"]
    );
    let handed = r["events"].as_array().and_then(|e| e.last()).cloned().unwrap_or_default();
    assert_eq!(handed["detail"]["township_code"], TOWNSHIP_A);
    assert!(r["reporter"]["name"].is_string(), "the police see who reported");

    let (_, queue) = app.get(&police, "/api/v1/reports?view=queue").await;
    assert_eq!(queue, json!([]), "handed over leaves the desk's queue");

    let (s, t) = app.get(&township, &format!("/api/v1/reports/{id}")).await;
    assert_eq!(s, 200, "the township sees the case: {t}");
    assert!(t["reporter"].is_null(), "the township does not see who reported");

    let (s, own) = app.get(&teacher, &format!("/api/v1/reports/{id}")).await;
    assert_eq!(s, 200, "the reporter sees the outcome");
    assert_eq!(own["step"], "handed_over");
    assert!(own["events"][1]["user_name"].is_null(), "but not which officers acted");

    let (_, feed) = app.get(&police, "/api/v1/report-events?after=0").await;
    let feed = feed.as_array().cloned().unwrap_or_default();
    assert_eq!(feed.len(), 8, "every event is in the outbox");
    let last = feed.last().and_then(|e| e["id"].as_i64()).expect("id");
    let (_, rest) = app.get(&police, &format!("/api/v1/report-events?after={last}")).await;
    assert_eq!(rest, json!([]), "a consumer resuming from its last id gets nothing twice");
    let (_, feed_b) = app.get(&police_b, "/api/v1/report-events?after=0").await;
    assert_eq!(feed_b, json!([]), "another station's outbox holds none of it");
    let (s, _) = app.get(&teacher, "/api/v1/report-events?after=0").await;
    assert_eq!(s, 403);

    let views = app
        .store(move |s| {
            s.reports.read(|c| {
                c.query_opt("SELECT count(*) FROM report_access WHERE report_id = $1", &[id.into()], |r| r.i64(0))
            })
        })
        .await
        .expect("count");
    assert!(views.unwrap_or(0) >= 3, "views of the report are recorded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_report_names_each_field_and_stores_nothing() {
    let Desk { app, teacher, .. } = desk().await;
    let (s, r) = app
        .post(
            &teacher,
            "/api/v1/reports",
            &json!({"situations": [], "discovered_at": "2026-11-29T09:00:00Z", "description": " "}),
        )
        .await;
    assert_eq!(s, 422, "{r}");
    let fields: Vec<&str> =
        r["fields"].as_array().expect("fields").iter().filter_map(|f| f["field"].as_str()).collect();
    for f in ["situations", "discovered_at", "child_description", "village_code", "description"] {
        assert!(fields.contains(&f), "{f} named in {r}");
    }

    let mut unknown_village = alone_report(VILLAGE_A);
    unknown_village["village_code"] = json!("120114999999");
    let (s, r) = app.post(&teacher, "/api/v1/reports", &unknown_village).await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("village_code")), "{r}");

    // A child outside the reporter's scope cannot be named by id.
    let director = app.user("zhuren_b", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_B).await;
    let child = app.create_child(&director, &child("甲乙", VILLAGE_B, 1)).await;
    let mut by_id = alone_report(VILLAGE_A);
    by_id["child_id"] = child["id"].clone();
    let (s, r) = app.post(&teacher, "/api/v1/reports", &by_id).await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("child_id")), "{r}");

    let mut unknown_situation = alone_report(VILLAGE_A);
    unknown_situation["situations"] = json!(["lost_homework"]);
    let (s, _) = app.post(&teacher, "/api/v1/reports", &unknown_situation).await;
    assert_eq!(s, 400);
    assert_eq!(count_reports(&app).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_from_the_registry_is_reported_with_the_registry_village() {
    let Desk { app, police, .. } = desk().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let child = app.create_child(&director, &child("甲乙", VILLAGE_A, 1)).await;
    let mut body = alone_report(VILLAGE_B);
    body["child_id"] = child["id"].clone();
    body["situations"] = json!(["missing", "living_alone"]);
    body["discovered_at"] = json!("2026-11-27T20:00:00Z");
    let r = file(&app, &director, &body).await;
    assert_eq!(r["urgency"], "critical", "a missing child comes first");
    let (_, d) = app.get(&police, &format!("/api/v1/reports/{}", r["id"])).await;
    assert_eq!(d["village_code"], VILLAGE_A, "the file's village, not the typed one");
    assert_eq!(d["child_name"], "甲乙");
    assert_eq!(d["late_report"], true, "32 hours from discovery to report is late");
    assert_eq!(d["likely_case_kind"], "missing");
    assert_eq!(d["release_radius_km"], 500, "missing for over three hours: 500 km");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_submission_creates_one_report() {
    let Desk { app, teacher, .. } = desk().await;
    let body = alone_report(VILLAGE_A);
    let send = |key: &'static str, body: Value| {
        let (url, token) = (app.url("/api/v1/reports"), teacher.token.clone());
        async move {
            let res = reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", key)
                .json(&body)
                .send()
                .await
                .expect("send");
            (res.status().as_u16(), res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    // A double tap: both at once.
    let ((s1, r1), (s2, r2)) = tokio::join!(send("tap-1", body.clone()), send("tap-1", body.clone()));
    let mut codes = [s1, s2];
    codes.sort_unstable();
    assert_eq!(codes, [200, 201], "one new, one repeat: {r1} {r2}");
    assert_eq!(r1["receipt"], r2["receipt"]);
    // A retry after a timeout.
    let (s3, r3) = send("tap-1", body.clone()).await;
    assert_eq!((s3, &r3["receipt"]), (200, &r1["receipt"]));
    assert_eq!(count_reports(&app).await, 1);
    // The same key with other content is a mistake, not a repeat.
    let mut other = body.clone();
    other["description"] = json!("另一件事");
    let (s4, r4) = send("tap-1", other).await;
    assert_eq!((s4, r4["fields"][0]["field"].as_str()), (422, Some("idempotency_key")), "{r4}");
    let (s5, _) = send("tap-2", body).await;
    assert_eq!(s5, 201, "a new key is a new report");
    assert_eq!(count_reports(&app).await, 2);
}

fn answer(question: &str) -> String {
    let n: u32 = question.split(|c: char| !c.is_ascii_digit()).filter_map(|s| s.parse::<u32>().ok()).sum();
    n.to_string()
}

async fn challenge(app: &TestApp) -> Value {
    reqwest::get(app.url("/api/v1/public/challenge")).await.expect("get").json().await.expect("json")
}

/// A public report with a question of its own, answered right.
async fn answered(app: &TestApp, body: &Value) -> Value {
    let ch = challenge(app).await;
    let mut body = body.clone();
    body["challenge_token"] = ch["token"].clone();
    body["challenge_answer"] = json!(answer(ch["question"].as_str().unwrap_or("")));
    body
}

async fn public_post(app: &TestApp, body: &Value) -> (u16, Value) {
    let res = reqwest::Client::new().post(app.url("/api/v1/public/reports")).json(body).send().await.expect("send");
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_reports_without_an_account_and_a_burst_is_throttled() {
    let Desk { app, police, .. } = desk().await;
    let ch: Value = reqwest::get(app.url("/api/v1/public/challenge")).await.expect("get").json().await.expect("json");
    let mut body = alone_report(VILLAGE_A);
    body["contact_name"] = Value::Null;
    body["contact_phone"] = Value::Null;
    body["challenge_token"] = ch["token"].clone();
    body["challenge_answer"] = json!("99");
    let (s, r) = public_post(&app, &body).await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("challenge_answer")), "{r}");
    // A question gets one guess: the right answer now comes too late.
    body["challenge_answer"] = json!(answer(ch["question"].as_str().unwrap_or("")));
    let (s, r) = public_post(&app, &body).await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("challenge_answer")), "{r}");

    let ch = challenge(&app).await;
    body["challenge_token"] = ch["token"].clone();
    body["challenge_answer"] = json!(answer(ch["question"].as_str().unwrap_or("")));
    let (s, r) = public_post(&app, &body).await;
    assert_eq!(s, 201, "{r}");
    let receipt = r["receipt"].as_str().expect("receipt").to_string();
    let (_, d) = app.get(&police, &format!("/api/v1/reports/{}", r["id"])).await;
    assert_eq!(d["reporter"]["channel"], "public");
    // One question, one report: the same answered question again is refused.
    let mut again = body.clone();
    again["description"] = json!("另一个孩子也独自在家");
    let (s, r) = public_post(&app, &again).await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("challenge_answer")), "{r}");
    // Reports with mistakes do not use up the address's allowance; only reports let in do.
    let mut wrong = answered(&app, &body).await;
    wrong["village_code"] = json!("1201141012");
    for _ in 0..app.store.settings.public_reports.per_address_per_hour {
        let (s, r) = public_post(&app, &wrong).await;
        assert_eq!(s, 422, "{r}");
        wrong = answered(&app, &wrong).await;
    }

    let status: Value = reqwest::get(app.url(&format!("/api/v1/public/reports/{}", receipt.to_lowercase())))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(status["step"], "filed", "the receipt tells how far it got: {status}");
    assert!(status.get("description").is_none() && status.get("village_code").is_none(), "and nothing more");
    let res = reqwest::get(app.url("/api/v1/public/reports/20261129-AAAAA-AAAAA")).await.expect("get");
    assert_eq!(res.status(), 404);

    for _ in 1..app.store.settings.public_reports.per_address_per_hour {
        let (s, r) = public_post(&app, &answered(&app, &body).await).await;
        assert_eq!(s, 201, "{r}");
    }
    let (s, r) = public_post(&app, &answered(&app, &body).await).await;
    assert_eq!(s, 429, "{r}");
    assert!(r["message"].as_str().is_some_and(|m| m.contains("110")), "tells them where to turn: {r}");
    assert_eq!(count_reports(&app).await, i64::from(app.store.settings.public_reports.per_address_per_hour));

    body["child_id"] = json!(1);
    let (s, _) = public_post(&app, &body).await;
    assert_eq!(s, 400, "the public cannot name a registry file");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn steps_go_in_order_by_the_area_desk_only() {
    let Desk { app, teacher, police, police_b, township } = desk().await;
    let id = file(&app, &teacher, &alone_report(VILLAGE_A)).await["id"].as_i64().expect("id");
    let path = format!("/api/v1/reports/{id}/steps");
    let (s, r) = app.post(&police, &path, &json!({"step": "dispatched", "version": 1})).await;
    assert_eq!((s, r["code"].as_str()), (409, Some("state")), "no step is skipped: {r}");
    let (s, _) = app.post(&teacher, &path, &json!({"step": "accepted", "version": 1})).await;
    assert_eq!(s, 403, "a teacher is not a duty desk");
    let (s, _) = app.post(&township, &path, &json!({"step": "accepted", "version": 1})).await;
    assert_eq!(s, 403);
    let (s, _) = app.post(&police_b, &path, &json!({"step": "accepted", "version": 1})).await;
    assert_eq!(s, 404, "another area's desk finds nothing");
    let (s, _) = app.post(&police, &path, &json!({"step": "accepted", "version": 1})).await;
    assert_eq!(s, 200);
    let (s, r) = app.post(&police, &path, &json!({"step": "dispatched", "version": 1})).await;
    assert_eq!((s, r["code"].as_str()), (409, Some("stale")), "from the version seen only: {r}");
    let (s, r) = app.post(&police, &format!("/api/v1/reports/{id}/actions"), &json!({"action": "reprimand"})).await;
    assert_eq!((s, r["code"].as_str()), (409, Some("state")), "actions are recorded on scene: {r}");
    let (_, d) = app.get(&police, &format!("/api/v1/reports/{id}")).await;
    assert_eq!(kinds(&d), ["filed", "accepted"], "refused changes left no trace");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn temporary_care_needs_the_carer_and_a_written_hand_over() {
    let Desk { app, teacher, police, .. } = desk().await;
    let id = file(&app, &teacher, &alone_report(VILLAGE_A)).await["id"].as_i64().expect("id");
    for s in ["accepted", "dispatched", "on_scene"] {
        assert_eq!(step(&app, &police, id, s, json!({})).await.0, 200);
    }
    let path = format!("/api/v1/reports/{id}/actions");
    let (s, r) = app.post(&police, &path, &json!({"action": "temporary_care"})).await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("carer")), "{r}");
    let (s, r) = app.post(&police, &path, &json!({"action": "hand_over_record", "note": "  "})).await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("note")), "{r}");
    let (s, _) = app.post(&police, &path, &json!({"action": "temporary_care", "carer": "close_relative"})).await;
    assert_eq!(s, 200);
    let (s, r) =
        app.post(&police, &path, &json!({"action": "hand_over_record", "note": "交由祖母张某照料，已签字"})).await;
    assert_eq!(s, 200, "{r}");
    let unreachable = json!({"case_kind": "parents_unreachable"});
    let (s, r) = step(&app, &police, id, "disposed", unreachable.clone()).await;
    assert_eq!(s, 422, "{r}");
    assert!(r["fields"][0]["message"].as_str().is_some_and(|m| m.ends_with("联系并通知父母")), "{r}");
    assert_eq!(app.post(&police, &path, &json!({"action": "parents_contacted"})).await.0, 200);
    let (s, r) = step(&app, &police, id, "disposed", unreachable).await;
    assert_eq!((s, r["case_kind"].as_str()), (200, Some("parents_unreachable")), "{r}");
    assert_eq!(r["missing_actions"], json!([]));
}

/// Reads server-sent events until one of kind `report` arrives; returns its data.
async fn next_report_event(res: &mut reqwest::Response, buf: &mut String) -> Value {
    loop {
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            if block.lines().any(|l| l == "event: report") {
                let data: String = block.lines().filter_map(|l| l.strip_prefix("data: ")).collect();
                return serde_json::from_str(&data).expect("event json");
            }
        }
        let chunk = res.chunk().await.expect("stream").expect("stream open");
        buf.push_str(&String::from_utf8_lossy(&chunk));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connected_desk_sees_its_areas_reports_as_they_are_filed() {
    let Desk { app, teacher, police, .. } = desk().await;
    let mut res = reqwest::Client::new()
        .get(app.url("/api/v1/reports/stream"))
        .bearer_auth(&police.token)
        .send()
        .await
        .expect("stream");
    assert_eq!(res.status(), 200);
    let mut buf = String::new();
    // A report of another township first: desk A's stream must skip it.
    file(&app, &teacher, &alone_report(VILLAGE_B)).await;
    let mine = file(&app, &teacher, &alone_report(VILLAGE_A)).await;
    let e = next_report_event(&mut res, &mut buf).await;
    assert_eq!((e["kind"].as_str(), &e["report"]["receipt"]), (Some("filed"), &mine["receipt"]));
    assert_eq!(step(&app, &police, mine["id"].as_i64().expect("id"), "accepted", json!({})).await.0, 200);
    let e = next_report_event(&mut res, &mut buf).await;
    assert_eq!((e["kind"].as_str(), e["report"]["step"].as_str()), (Some("changed"), Some("accepted")));

    let (s, _) = app.get(&teacher, "/api/v1/reports/stream").await;
    assert_eq!(s, 403, "only those who see an area's reports get its stream");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn late_reporting_and_late_response_are_counted_per_unit_and_public_reporters_commended() {
    let Desk { app, teacher, police, township, .. } = desk().await;
    let district = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let on_time = file(&app, &teacher, &alone_report(VILLAGE_A)).await["id"].as_i64().expect("id");
    let mut late = alone_report(VILLAGE_A2);
    late["discovered_at"] = json!("2026-11-28T01:00:00Z");
    let late = file(&app, &teacher, &late).await["id"].as_i64().expect("id");
    let ch: Value = reqwest::get(app.url("/api/v1/public/challenge")).await.expect("get").json().await.expect("json");
    let mut public = alone_report(VILLAGE_A);
    public["challenge_token"] = ch["token"].clone();
    public["challenge_answer"] = json!(answer(ch["question"].as_str().unwrap_or("")));
    let (s, r) = public_post(&app, &public).await;
    assert_eq!(s, 201, "{r}");
    let public = r["id"].as_i64().expect("id");

    app.clock.advance(chrono::Duration::minutes(10));
    step(&app, &police, on_time, "accepted", json!({})).await;
    app.clock.advance(chrono::Duration::minutes(30));
    step(&app, &police, late, "accepted", json!({})).await;

    let (s, r) = app.post(&township, &format!("/api/v1/reports/{public}/commend"), &json!({})).await;
    assert_eq!(s, 403, "{r}");
    let (s, r) = app.post(&police, &format!("/api/v1/reports/{on_time}/commend"), &json!({})).await;
    assert_eq!((s, r["code"].as_str()), (409, Some("state")), "only the public are commended: {r}");
    let (s, r) = app.post(&police, &format!("/api/v1/reports/{public}/commend"), &json!({"note": "及时报告"})).await;
    assert_eq!(s, 200, "{r}");
    let (s, _) = app.post(&police, &format!("/api/v1/reports/{public}/commend"), &json!({})).await;
    assert_eq!(s, 409, "once");

    let (s, st) = app.get(&district, "/api/v1/reports/stats?from=2026-11-29&to=2026-11-29").await;
    assert_eq!(s, 200, "{st}");
    assert_eq!((st["total"].as_i64(), st["late_reports"].as_i64()), (Some(3), Some(1)), "{st}");
    let school = st["by_reporter"].as_array().and_then(|l| l.iter().find(|x| x["org_type"] == "school").cloned());
    assert_eq!(school.map(|l| (l["reports"].clone(), l["late"].clone())), Some((json!(2), json!(1))), "{st}");
    assert_eq!(st["by_station"][0]["accepted"], 2);
    assert_eq!(st["by_station"][0]["late_response"], 1, "accepted after 40 minutes: {st}");
    assert_eq!(st["by_station"][0]["org_name"], "paichusuo_a的单位");
    assert_eq!((st["unaccepted"].as_i64(), st["unaccepted_late"].as_i64()), (Some(1), Some(1)), "{st}");
    assert_eq!((st["public_reports"].as_i64(), st["public_commended"].as_i64()), (Some(1), Some(1)));
    let (_, other_day) = app.get(&district, "/api/v1/reports/stats?from=2026-11-30").await;
    assert_eq!(other_day["total"], 0);
    let (s, _) = app.get(&teacher, "/api/v1/reports/stats").await;
    assert_eq!(s, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_described_child_is_linked_to_the_file_the_township_completes() {
    let Desk { app, teacher, township, police, .. } = desk().await;
    let id = file(&app, &teacher, &alone_report(VILLAGE_A)).await["id"].as_i64().expect("id");
    let (_, pending) = app.get(&township, "/api/v1/reports?view=unregistered").await;
    assert_eq!(pending.as_array().map(Vec::len), Some(1), "{pending}");
    let rec = app.create_child(&township, &child("王小二", VILLAGE_A, 3)).await;
    let (s, r) = app.post(&police, &format!("/api/v1/reports/{id}/child"), &json!({"child_id": rec["id"]})).await;
    assert_eq!(s, 403, "{r}");
    let (s, r) = app.post(&township, &format!("/api/v1/reports/{id}/child"), &json!({"child_id": 999_999})).await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("child_id")));
    let (s, r) = app.post(&township, &format!("/api/v1/reports/{id}/child"), &json!({"child_id": rec["id"]})).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!((&r["child_id"], r["child_name"].as_str()), (&rec["id"], Some("王小二")));
    let (_, pending) = app.get(&township, "/api/v1/reports?view=unregistered").await;
    assert_eq!(pending, json!([]));
    let (s, _) = app.post(&township, &format!("/api/v1/reports/{id}/child"), &json!({"child_id": rec["id"]})).await;
    assert_eq!(s, 409, "linked once");
}

async fn attach(app: &TestApp, user: &User, id: i64, name: &str, body: Vec<u8>) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/reports/{id}/attachments?name={name}")))
        .bearer_auth(&user.token)
        .header("content-type", "application/octet-stream")
        .body(body)
        .send()
        .await
        .expect("send");
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_are_checked_by_content_capped_and_read_in_scope_only() {
    let Desk { app, teacher, police, police_b, .. } = desk().await;
    let id = file(&app, &teacher, &alone_report(VILLAGE_A)).await["id"].as_i64().expect("id");
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    jpeg.extend(std::iter::repeat_n(7u8, 5000));
    let (s, r) = attach(&app, &teacher, id, "%E7%85%A7%E7%89%87.jpg", jpeg.clone()).await;
    assert_eq!(s, 201, "{r}");
    assert_eq!((r["kind"].as_str(), r["file_name"].as_str()), (Some("jpeg"), Some("照片.jpg")));
    let aid = r["id"].as_i64().expect("id");

    let (s, r) = attach(&app, &teacher, id, "photo.jpg", b"MZ\x90\x00this is a program".to_vec()).await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("file")), "a program named .jpg: {r}");
    let (s, _) = attach(&app, &teacher, id, "empty.png", Vec::new()).await;
    assert_eq!(s, 422);
    // One byte over the cap: read whole (the request limit leaves room for a form's envelope)
    // and refused by the store with the field named. (A body declared larger than the request
    // limit is refused from its length, decision 16: the client may then see the connection
    // close before it has sent everything, so that is not asserted here.)
    let big = vec![0xFF; shouhu_domain::report::ATTACHMENT_MAX_BYTES + 1];
    let (s, r) = attach(&app, &teacher, id, "big.jpg", big).await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("file")), "over 10 MB: {r}");
    let (s, _) = attach(&app, &police_b, id, "x.pdf", b"%PDF-1.4\n".to_vec()).await;
    assert_eq!(s, 404, "another area's report cannot take attachments");

    let res = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/reports/{id}/attachments/{aid}")))
        .bearer_auth(&police.token)
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(res.headers()["content-disposition"].to_str().is_ok_and(|d| d.starts_with("attachment")));
    assert_eq!(res.bytes().await.expect("bytes").to_vec(), jpeg, "the same bytes come back");
    let (s, _) = app.get(&police_b, &format!("/api/v1/reports/{id}/attachments/{aid}")).await;
    assert_eq!(s, 404);

    let (_, d) = app.get(&police, &format!("/api/v1/reports/{id}")).await;
    assert_eq!(d["attachments"].as_array().map(Vec::len), Some(1), "{d}");
    for n in 1..shouhu_domain::report::ATTACHMENTS_PER_REPORT {
        let (s, r) = attach(&app, &police, id, &format!("p{n}.pdf"), b"%PDF-1.4\n".to_vec()).await;
        assert_eq!(s, 201, "{r}");
    }
    let (s, r) = attach(&app, &police, id, "one-more.pdf", b"%PDF-1.4\n".to_vec()).await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("file")), "ten at most: {r}");
}

async fn public_upload(app: &TestApp, receipt: &str, bytes: Vec<u8>) -> (u16, String) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name("照片.jpg");
    let form = reqwest::multipart::Form::new().text("receipt", receipt.to_string()).part("file", part);
    let c = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let res = c.post(app.url("/report/attachments")).multipart(form).send().await.expect("upload");
    (res.status().as_u16(), res.text().await.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_add_photos_with_their_receipt_within_a_day() {
    let Desk { app, teacher, police, .. } = desk().await;
    let ch: Value = reqwest::get(app.url("/api/v1/public/challenge")).await.expect("get").json().await.expect("json");
    let mut public = alone_report(VILLAGE_A);
    public["challenge_token"] = ch["token"].clone();
    public["challenge_answer"] = json!(answer(ch["question"].as_str().unwrap_or("")));
    let (s, r) = public_post(&app, &public).await;
    assert_eq!(s, 201, "{r}");
    let (id, receipt) = (r["id"].as_i64().expect("id"), r["receipt"].as_str().expect("receipt").to_string());

    let (s, html) = public_upload(&app, &receipt, b"MZ\x90\x00program".to_vec()).await;
    assert_eq!(s, 422);
    assert!(html.contains("id=\"e-file\""), "the receipt page says what is wrong");
    let (s, _) = public_upload(&app, &receipt, vec![0xFF, 0xD8, 0xFF, 0xE0, 9, 9]).await;
    assert_eq!(s, 303);
    let (_, d) = app.get(&police, &format!("/api/v1/reports/{id}")).await;
    assert_eq!(d["attachments"].as_array().map(Vec::len), Some(1), "{d}");

    let member = file(&app, &teacher, &alone_report(VILLAGE_A)).await;
    let (s, _) = public_upload(&app, member["receipt"].as_str().expect("receipt"), vec![0xFF, 0xD8, 0xFF, 1]).await;
    assert_eq!(s, 404, "a member's report takes attachments from its page, not by receipt");
    app.clock.advance(chrono::Duration::hours(25));
    let (s, _) = public_upload(&app, &receipt, vec![0xFF, 0xD8, 0xFF, 0xE0, 9, 9]).await;
    assert_eq!(s, 404, "a day after filing, the receipt no longer takes photos");
}

/// A girl of `VILLAGE_A` born on `birth`, with an ID number that agrees.
fn girl(name: &str, birth: &str, seq: u32) -> Value {
    let mut f = child(name, VILLAGE_A, seq);
    f["sex"] = json!("female");
    f["birth_date"] = json!(birth);
    f["id_number"] = json!(id_for("120114", birth, false, seq));
    f
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_situation_is_checked_against_the_registered_childs_sex_and_age() {
    let Desk { app, teacher, .. } = desk().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    // Born 2012-11-28: 14 from 2026-11-29 under the default rule (the day after the birthday).
    let older = app.create_child(&director, &girl("李小花", "2012-11-28", 2)).await;
    let boy = app.create_child(&director, &child("王小二", VILLAGE_A, 3)).await;
    let report = |child: &Value, situation: &str, discovered: &str| {
        let mut b = alone_report(VILLAGE_A);
        b["child_id"] = child["id"].clone();
        b["situations"] = json!([situation]);
        b["discovered_at"] = json!(discovered);
        b
    };
    // Discovered on her 14th birthday in China (11:00): still 13, so [MR] (2) fits.
    let r = file(&app, &director, &report(&older, "girl_under_14_sexual", "2026-11-28T03:00:00Z")).await;
    assert_eq!(r["urgency"], "critical");
    // Discovered the day after: 14, so (2) is refused with a field error that offers (3).
    let (s, r) =
        app.post(&director, "/api/v1/reports", &report(&older, "girl_under_14_sexual", "2026-11-29T03:00:00Z")).await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("situations")), "{r}");
    let m = r["fields"][0]["message"].as_str().unwrap_or("");
    assert!(m.contains("十四周岁以上女性因遭受性侵害导致怀孕、流产"), "offers MR (3): {m}");
    assert!(!m.contains("2012") && !m.contains("14岁"), "the refusal names no birth date or age: {m}");
    file(&app, &director, &report(&older, "girl_14_plus_pregnancy_assault", "2026-11-29T03:00:00Z")).await;
    // A boy meets neither; the message offers what does fit a boy.
    for s in ["girl_under_14_sexual", "girl_14_plus_pregnancy_assault"] {
        let (st, r) = app.post(&director, "/api/v1/reports", &report(&boy, s, "2026-11-29T03:00:00Z")).await;
        assert_eq!((st, r["fields"][0]["field"].as_str()), (422, Some("situations")), "{s}: {r}");
        let m = r["fields"][0]["message"].as_str().unwrap_or("");
        assert!(m.contains("生殖器官或隐私部位"), "{m}");
    }
    // A reporter who may not read the file learns nothing from the situation: the same
    // refusal as for any child out of reach, whatever the situation.
    let (s, r) =
        app.post(&teacher, "/api/v1/reports", &report(&older, "girl_under_14_sexual", "2026-11-29T03:00:00Z")).await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("child_id")), "{r}");
    assert_eq!(r["fields"].as_array().map(Vec::len), Some(1), "{r}");
    // A described child keeps today's behaviour: the reporter's account stands.
    let mut described = alone_report(VILLAGE_A);
    described["situations"] = json!(["girl_under_14_sexual"]);
    described["child_description"] = json!("男孩，约15岁");
    file(&app, &director, &described).await;
    assert_eq!(count_reports(&app).await, 3);
}

/// [MR], [DV] 14 (decision 29): the reporter is named only to the police and civil affairs,
/// everywhere a report's data leaves the store: the report, the event feed, the pages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reporter_is_named_to_the_police_and_civil_affairs_and_to_nobody_else() {
    let Desk { app, teacher, police, township, .. } = desk().await;
    let district = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    // The reporter's own name, unlike anyone else's.
    app.store(|s| s.pool.write(|c| c.exec("UPDATE users SET display_name = '王秀英' WHERE username = 'laoshi'", &[])))
        .await
        .expect("renamed");
    let id = file(&app, &teacher, &alone_report(VILLAGE_A)).await["id"].as_i64().expect("id");
    assert_eq!(step(&app, &police, id, "accepted", json!({})).await.0, 200);
    // Who filed, and who accepted, as an event list tells it.
    let by = |events: &Value, kind: &str| {
        events.as_array().and_then(|e| e.iter().find(|e| e["kind"] == kind)).map(|e| e["user_name"].clone())
    };
    let report = format!("/api/v1/reports/{id}");
    for (who, user, may) in [("police", &police, true), ("district", &district, true), ("township", &township, false)] {
        let (s, d) = app.get(user, &report).await;
        assert_eq!(s, 200, "{who}");
        assert_eq!(by(&d["events"], "filed").is_some_and(|n| !n.is_null()), may, "{who} and the report: {d}");
        assert_eq!(d.get("reporter").is_some_and(|r| !r.is_null()), may, "{who}: {d}");
        let (_, feed) = app.get(user, "/api/v1/report-events?after=0").await;
        assert_eq!(by(&feed, "filed").is_some_and(|n| !n.is_null()), may, "{who} and the event feed: {feed}");
        let officer = by(&d["events"], "accepted").and_then(|n| n.as_str().map(String::from)).unwrap_or_default();
        assert!(officer.contains("paichusuo_a"), "{who} sees which officer acted: {d}");
    }
    let (_, own) = app.get(&teacher, &report).await;
    assert!(!own.to_string().contains("paichusuo_a"), "the reporter sees the outcome, not the officers: {own}");
    // The pages: the township's shows the officer and not the reporter's unit or name.
    let (_, d) = app.get(&police, &report).await;
    let reporter_name =
        by(&d["events"], "filed").and_then(|n| n.as_str().map(String::from)).expect("named to the police");
    let url = app.url(&format!("/reports/{id}"));
    let page = |client: reqwest::Client| {
        let url = url.clone();
        async move { client.get(url).send().await.expect("page").text().await.expect("html") }
    };
    let html = page(crate::pages::browser(&app, "zhen_a").await.0).await;
    let timeline = html.split("id=\"report-timeline\"").nth(1).unwrap_or(&html);
    assert!(timeline.contains("paichusuo_a"), "the township's timeline names the officer");
    assert_eq!(reporter_name, "王秀英");
    assert!(!html.contains(&reporter_name), "and not the reporter ({reporter_name})");
    assert!(!html.contains("laoshi的单位"), "nor the reporter's unit");
    let html = page(crate::pages::browser(&app, "paichusuo_a").await.0).await;
    assert!(html.contains("laoshi的单位") && html.contains("王秀英"), "the police's page names the reporter");
}
