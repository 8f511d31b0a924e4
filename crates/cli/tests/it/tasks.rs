//! The to-do list (待办, issue 19) over the real API, on SQLite and PostgreSQL: each kind of
//! task appears for exactly the users whose work (or oversight) it is, in their scope only,
//! is counted as overdue, due today or new on the injected clock, and leaves the list by
//! itself once its work is done.

use crate::harness::*;
use chrono::Duration;
use serde_json::{Value, json};
use shouhu_domain::role::{OrgType, Role};

/// (kind, record id) of each task on the user's list.
async fn tasks(app: &TestApp, user: &User, query: &str) -> Vec<(String, i64)> {
    let (s, list) = app.get(user, &format!("/api/v1/tasks{query}")).await;
    assert_eq!(s, 200, "{list}");
    list.as_array()
        .expect("a list")
        .iter()
        .map(|t| (t["kind"].as_str().unwrap_or("").to_string(), t["record_id"].as_i64().unwrap_or(0)))
        .collect()
}

async fn has(app: &TestApp, user: &User, kind: &str, id: i64) -> bool {
    tasks(app, user, "").await.contains(&(kind.to_string(), id))
}

async fn counts(app: &TestApp, user: &User) -> Value {
    let (s, c) = app.get(user, "/api/v1/tasks/counts").await;
    assert_eq!(s, 200, "{c}");
    c
}

/// A page's HTML, signed in by the user's API token.
async fn page(app: &TestApp, user: &User, path: &str) -> String {
    let res = reqwest::Client::new().get(app.url(path)).bearer_auth(&user.token).send().await.expect("page");
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.expect("html")
}

/// The nav badge: whether it is hidden, and its text.
fn badge(html: &str) -> (bool, String) {
    let rest = html.split("data-task-badge").nth(1).expect("the badge");
    let end = rest.find('>').expect("tag end");
    let text = &rest[end + 1..];
    (rest[..end].contains("hidden"), text[..text.find('<').expect("text end")].trim().to_string())
}

fn kind_count<'a>(c: &'a Value, kind: &str) -> &'a Value {
    c["kinds"].as_array().and_then(|k| k.iter().find(|k| k["kind"] == kind)).expect("the role's kind")
}

async fn step(app: &TestApp, police: &User, id: i64, step: &str, extra: Value) -> Value {
    let (_, now) = app.get(police, &format!("/api/v1/reports/{id}")).await;
    let mut body = json!({"step": step, "version": now["version"]});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let (s, r) = app.post(police, &format!("/api/v1/reports/{id}/steps"), &body).await;
    assert_eq!(s, 200, "{step}: {r}");
    r
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_is_the_stations_then_the_townships_and_leaves_each_list_when_done() {
    let app = TestApp::new().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let teacher = app.user("laoshi", Role::Teacher, OrgType::School, TOWNSHIP_A).await;
    let police = app.user("paichusuo", Role::Police, OrgType::PoliceStation, TOWNSHIP_A).await;
    let police_b = app.user("paichusuo_b", Role::Police, OrgType::PoliceStation, TOWNSHIP_B).await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let township_b = app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let district = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let other_district = app.user("baodi", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120115").await;
    let doctor = app.user("yisheng", Role::Doctor, OrgType::Hospital, TOWNSHIP_A).await;
    let child = app.create_child(&director, &child("张小明", VILLAGE_A, 1)).await;
    let child_id = child["id"].as_i64().expect("id");

    let (s, r) = app
        .post(
            &director,
            "/api/v1/reports",
            &json!({
                "situations": ["guardian_not_performing"],
                "discovered_at": "2026-11-29T03:00:00Z",
                "child_id": child_id,
                "description": "孩子连续三天无人接送，衣着单薄",
            }),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    let report = r["id"].as_i64().expect("id");

    // The station of the child's township must accept it; the district oversees it.
    let (_, list) = app.get(&police, "/api/v1/tasks").await;
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["kind"], "report_to_accept");
    assert_eq!(list[0]["about"], "张小明", "who it is about, never a bare id");
    assert_eq!(list[0]["link"], format!("/reports/{report}"));
    assert_eq!(list[0]["due"], "2026-11-29T04:30:00Z", "reports.late_response_minutes after filing");
    assert!(has(&app, &district, "report_to_accept", report).await);
    for (who, name) in [
        (&police_b, "another station"),
        (&township, "the township (not its step)"),
        (&other_district, "another district"),
        (&director, "the reporter"),
        (&teacher, "a teacher"),
        (&doctor, "a doctor"),
    ] {
        assert!(tasks(&app, who, "").await.is_empty(), "{name}");
    }
    let c = counts(&app, &police).await;
    assert_eq!(
        (c["open"].as_i64(), c["overdue"].as_i64(), c["today"].as_i64(), c["new"].as_i64()),
        (Some(1), Some(0), Some(1), Some(1)),
        "{c}"
    );
    let d = counts(&app, &district).await;
    assert_eq!(d["regions"][0]["code"], TOWNSHIP_A, "the district counts per township: {d}");
    assert_eq!(d["regions"][0]["open"], 1);

    // Half an hour on, it is overdue.
    app.clock.advance(Duration::minutes(31));
    let c = counts(&app, &police).await;
    assert_eq!((c["overdue"].as_i64(), c["today"].as_i64()), (Some(1), Some(0)), "{c}");
    assert_eq!(tasks(&app, &police, "?state=overdue").await, vec![("report_to_accept".to_string(), report)]);
    assert!(tasks(&app, &police, "?state=today").await.is_empty());

    // Accepted: the station's work is now the disposal and the hand-over.
    step(&app, &police, report, "accepted", json!({})).await;
    assert_eq!(tasks(&app, &police, "").await, vec![("report_to_dispose".to_string(), report)]);
    for s in ["dispatched", "on_scene"] {
        step(&app, &police, report, s, json!({})).await;
    }
    for a in ["parents_contacted", "parents_to_return_or_entrust"] {
        let (s, r) = app.post(&police, &format!("/api/v1/reports/{report}/actions"), &json!({"action": a})).await;
        assert_eq!(s, 200, "{r}");
    }
    step(&app, &police, report, "disposed", json!({"case_kind": "guardian_incapable"})).await;
    assert!(has(&app, &police, "report_to_dispose", report).await, "disposed, not yet handed over");
    let handed = step(&app, &police, report, "handed_over", json!({})).await;
    let assessment =
        handed["events"].as_array().and_then(|e| e.last()).and_then(|e| e["detail"]["assessment_id"].as_i64());
    let assessment = assessment.expect("the hand-over opened an assessment");
    assert!(tasks(&app, &police, "").await.is_empty(), "the station's part is done");

    // The township signs for the hand-over by opening it, and assesses within 7 days.
    assert!(has(&app, &township, "hand_over_to_acknowledge", report).await);
    assert!(has(&app, &township, "assessment_due", assessment).await);
    assert!(tasks(&app, &township_b, "").await.is_empty(), "another township");
    let (s, _) = app.get(&township_b, &format!("/api/v1/reports/{report}")).await;
    assert_eq!(s, 404);
    let (s, _) = app.get(&police, &format!("/api/v1/reports/{report}")).await;
    assert_eq!(s, 200);
    assert!(has(&app, &township, "hand_over_to_acknowledge", report).await, "the police reading it signs nothing");
    let (s, _) = app.get(&township, &format!("/api/v1/reports/{report}")).await;
    assert_eq!(s, 200);
    assert!(!has(&app, &township, "hand_over_to_acknowledge", report).await, "signed for");
    let (_, t) = app.get(&township, "/api/v1/tasks?kind=assessment_due").await;
    assert_eq!(t[0]["due"], "2026-12-06T04:31:00Z", "{t}");
    assert_eq!(t[0]["overdue"], false);
    app.clock.advance(Duration::days(7));
    assert_eq!(tasks(&app, &township, "?state=overdue").await, vec![("assessment_due".to_string(), assessment)]);

    let answers = json!({"safety": "at_risk", "guardianship": "poor", "physical": "good", "mental": "concern"});
    let participants = json!([{"party": "township", "name": "梅厂镇 王某"}]);
    let (s, r) = app
        .post(
            &township,
            &format!("/api/v1/assessments/{assessment}/complete"),
            &json!({"version": 1, "answers": answers, "participants": participants}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    assert!(tasks(&app, &township, "").await.is_empty(), "assessed: nothing left");
    assert_eq!(counts(&app, &district).await["open"], 0);

    // A referral is the receiving organisation's to answer, whoever works there.
    let hospital = app.store(|s| s.list_orgs().expect("orgs")).await;
    let hospital = hospital.iter().find(|o| o.name == "yisheng的单位").map(|o| o.id).expect("org");
    let (s, d) = app
        .post(
            &township,
            &format!("/api/v1/assessments/{assessment}/referrals"),
            &json!({"kind": "medical_assistance", "receiving_org_id": hospital, "note": "需要体检"}),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    let referral = d["referrals"][0]["id"].as_i64().expect("id");
    let (_, t) = app.get(&doctor, "/api/v1/tasks").await;
    assert_eq!(
        (t[0]["kind"].as_str(), t[0]["record_id"].as_i64()),
        (Some("referral_to_decide"), Some(referral)),
        "{t}"
    );
    assert_eq!(t[0]["about"], "张小明", "a referral passes on the child's name");
    assert!(!has(&app, &township, "referral_to_decide", referral).await, "the sender's is not to answer");
    let (s, _) = app.post(&doctor, &format!("/api/v1/referrals/{referral}"), &json!({"state": "accepted"})).await;
    assert_eq!(s, 204);
    assert!(tasks(&app, &doctor, "").await.is_empty(), "answered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visits_are_the_villages_and_the_supervisors_and_new_is_since_the_list_was_opened() {
    let app = TestApp::new().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let director_2 = app.user("zhuren2", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A2).await;
    let supervisor = app.user("dudao", Role::ChildSupervisor, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let supervisor_b = app.user("dudao_b", Role::ChildSupervisor, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let rec = app.create_child(&director, &child("张小明", VILLAGE_A, 1)).await;
    let id = rec["id"].as_i64().expect("id");

    // The first visit is due one period after the file was opened, on the director's list
    // `visits.due_soon_days` (7) before: the village's director's, nobody else's.
    let due_on = app
        .store(move |s| {
            s.pool.read(|c| {
                c.query_opt("SELECT due_on FROM visit_due WHERE child_id = $1", &[id.into()], |r| r.opt_date(0))
            })
        })
        .await
        .expect("read")
        .flatten()
        .expect("a due date");
    let listed_from = due_on - Duration::days(7);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).expect("day");
    assert!(listed_from > today, "a new file is not due within the week: {due_on}");
    assert!(tasks(&app, &director, "").await.is_empty(), "not due yet");
    app.clock.advance(Duration::days((listed_from - today).num_days()));
    let (_, t) = app.get(&director, "/api/v1/tasks").await;
    assert_eq!((t[0]["kind"].as_str(), t[0]["record_id"].as_i64()), (Some("visit_due"), Some(id)), "{t}");
    assert_eq!(t[0]["about"], "张小明");
    assert_eq!(t[0]["link"], format!("/children/{id}/visits/new"));
    let china_midnight = |d: chrono::NaiveDate| format!("{}T16:00:00Z", d - Duration::days(1));
    assert_eq!(t[0]["since"], china_midnight(listed_from), "on the list from 7 days before");
    assert_eq!(t[0]["due"], china_midnight(due_on + Duration::days(1)), "overdue from the day after");
    assert!(tasks(&app, &director_2, "").await.is_empty(), "another village");
    assert!(!has(&app, &township, "visit_due", id).await, "the township does not visit");
    assert_eq!(counts(&app, &director).await["new"], 1, "never opened: new");

    // Opening the to-do page marks it seen: no longer new.
    let html = page(&app, &director, "/tasks").await;
    assert!(html.contains("张小明") && html.contains("data-task-badge"), "{html}");
    assert_eq!(counts(&app, &director).await["new"], 0);
    assert_eq!(counts(&app, &director).await["open"], 1);

    // Visited: not due again for a while; the supervisor of the township reviews the visit.
    let day = listed_from.to_string();
    let visit = json!({"visited_on": day, "kind": "home", "child_seen": true, "lives_with": "entrusted_carer",
        "carer_state": "capable", "safety": "safe", "health": "good", "schooling": "attending", "mood": "good",
        "notes": "孩子在写作业", "guidance": "注意用电安全",
        "parents_last_contact_on": day, "parents_contact_channel": "video"});
    let (s, v) = app.post(&director, &format!("/api/v1/children/{id}/visits"), &visit).await;
    assert_eq!(s, 201, "{v}");
    let vid = v["id"].as_i64().expect("id");
    assert!(!has(&app, &director, "visit_due", id).await, "visited");
    assert_eq!(tasks(&app, &supervisor, "").await, vec![("visit_to_review".to_string(), vid)]);
    assert!(tasks(&app, &supervisor_b, "").await.is_empty(), "another township's supervisor");
    assert_eq!(kind_count(&counts(&app, &supervisor).await, "visit_to_review")["new"], 1);

    // Sent back: the author's to correct; corrected, the supervisor's again.
    let review = format!("/api/v1/visits/{vid}/review");
    let (s, r) = app
        .post(&supervisor, &review, &json!({"version": 1, "decision": "send_back", "reason": "请写明联系方式"}))
        .await;
    assert_eq!(s, 200, "{r}");
    assert!(tasks(&app, &supervisor, "").await.is_empty());
    assert_eq!(tasks(&app, &director, "").await, vec![("visit_sent_back".to_string(), vid)]);
    assert!(tasks(&app, &director_2, "").await.is_empty());
    let (s, r) = app.put(&director, &format!("/api/v1/visits/{vid}"), &json!({"version": 1, "visit": visit})).await;
    assert_eq!(s, 200, "{r}");
    assert!(tasks(&app, &director, "").await.is_empty(), "corrected");
    assert_eq!(tasks(&app, &supervisor, "").await, vec![("visit_to_review".to_string(), vid)]);
    let (s, _) = app.post(&supervisor, &review, &json!({"version": 2, "decision": "accept"})).await;
    assert_eq!(s, 200);
    assert!(tasks(&app, &supervisor, "").await.is_empty(), "reviewed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_that_reached_16_wait_for_their_township_and_a_bad_filter_is_named() {
    let app = TestApp::new().await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let township_b = app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let city = app.user("shi", Role::CityOfficer, OrgType::CityCivilAffairs, "12").await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let mut f = child("赵已满", VILLAGE_A, 1);
    f["birth_date"] = json!("2010-11-28");
    f["id_number"] = json!(id_for("120114", "2010-11-28", true, 1));
    let rec = app.create_child(&township, &f).await;
    let id = rec["id"].as_i64().expect("id");

    let (_, t) = app.get(&township, "/api/v1/tasks?kind=turned_16").await;
    assert_eq!((t[0]["record_id"].as_i64(), t[0]["about"].as_str()), (Some(id), Some("赵已满")), "{t}");
    // Reached 16 on 2026-11-29 (the day after the birthday); tasks.turned16_days later.
    assert_eq!(t[0]["since"], "2026-11-28T16:00:00Z");
    assert_eq!(t[0]["due"], "2026-12-28T16:00:00Z");
    assert!(!has(&app, &township_b, "turned_16", id).await);
    assert!(!has(&app, &director, "turned_16", id).await, "a director does not decide");
    let c = counts(&app, &city).await;
    assert_eq!(kind_count(&c, "turned_16")["open"], 1, "{c}");
    assert_eq!(c["regions"][0]["code"], "120114", "the city counts per district: {c}");

    let (s, r) = app
        .post(
            &township,
            &format!("/api/v1/children/{id}/keep-past-16"),
            &json!({"version": 1, "reason": "评估个案尚未结案"}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    assert!(!has(&app, &township, "turned_16", id).await, "decided");
    assert_eq!(kind_count(&counts(&app, &city).await, "turned_16")["open"], 0);

    let (s, r) = app.get(&township, "/api/v1/tasks?kind=nothing&state=late").await;
    assert_eq!(s, 422, "{r}");
    let fields: Vec<&str> =
        r["fields"].as_array().expect("fields").iter().filter_map(|f| f["field"].as_str()).collect();
    assert_eq!(fields, vec!["kind", "state"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropout_step_is_the_schools_until_the_written_report_then_the_bureaus_and_the_townships() {
    let app = TestApp::new().await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let township_b = app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let district = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let school = app.org("梅厂镇中心小学", OrgType::School, TOWNSHIP_A).await;
    let other_school = app.org("梅厂镇第二小学", OrgType::School, TOWNSHIP_A).await;
    let teacher = app.user_in("laoshi", Role::Teacher, school).await;
    let other_teacher = app.user_in("laoshi2", Role::Teacher, other_school).await;
    let bureau_org = app.org("武清区教育局", OrgType::DistrictEducationBureau, "120114").await;
    let bureau = app.user_in("jiaoyu", Role::EducationOfficer, bureau_org).await;
    let mut pupil = child("辍学生", VILLAGE_A, 77);
    pupil["school_org_id"] = json!(school);
    let pupil = app.create_child(&township, &pupil).await;
    let (s, case) = app
        .post(
            &teacher,
            "/api/v1/dropout-cases",
            &json!({"child_id": pupil["id"], "first_absent_on": "2026-11-20", "reasons": ["work"]}),
        )
        .await;
    assert_eq!(s, 201, "{case}");
    let id = case["summary"]["id"].as_i64().expect("id");
    let dc = format!("/api/v1/dropout-cases/{id}");

    // The parents were to be told within 3 days of the first absence: overdue, the school's.
    let (_, t) = app.get(&teacher, "/api/v1/tasks").await;
    assert_eq!((t[0]["kind"].as_str(), t[0]["record_id"].as_i64()), (Some("dropout_step_due"), Some(id)), "{t}");
    assert_eq!((t[0]["about"].as_str(), t[0]["overdue"].as_bool()), (Some("辍学生"), Some(true)));
    assert_eq!(t[0]["link"], format!("/dropout/{id}"));
    assert!(tasks(&app, &other_teacher, "").await.is_empty(), "another school");
    assert!(!has(&app, &bureau, "dropout_step_due", id).await, "not the bureau's before the report");
    assert!(!has(&app, &township, "dropout_step_due", id).await);
    assert!(has(&app, &district, "dropout_step_due", id).await, "civil affairs oversee");

    for (v, body) in [
        (1, json!({"step": "notified", "date": "2026-11-21", "channel": "phone", "told": ["father"]})),
        (2, json!({"step": "persuasion", "date": "2026-11-22", "parties": ["school", "family"], "outcome": "failed"})),
        (3, json!({"step": "reported", "date": "2026-11-23"})),
    ] {
        let mut b = body;
        b["version"] = json!(v);
        let (s, r) = app.post(&teacher, &format!("{dc}/steps"), &b).await;
        assert_eq!(s, 200, "{r}");
    }
    // Reported: the measures are the bureau's and the township's.
    assert!(tasks(&app, &teacher, "").await.is_empty(), "the school's part is done");
    assert!(has(&app, &bureau, "dropout_step_due", id).await);
    assert!(has(&app, &township, "dropout_step_due", id).await);
    assert!(!has(&app, &township_b, "dropout_step_due", id).await, "another township");
    let (s, r) = app
        .post(
            &bureau,
            &format!("{dc}/steps"),
            &json!({"version": 4, "step": "measure", "date": "2026-11-24", "measure": "financial_aid"}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    assert!(!has(&app, &bureau, "dropout_step_due", id).await, "a measure recorded");
    assert!(!has(&app, &township, "dropout_step_due", id).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_are_their_authors_for_a_week_and_accounts_wait_for_a_second_person() {
    let app = TestApp::new().await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let other = app.user("zhen2", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let (uid, oid) = (township.id, other.id);
    let (done, failed) = app
        .store(move |s| {
            let done = s.create_import_job(uid, "梅厂镇.xlsx", "{}").expect("job");
            s.finish_import_job(done, "done", Some("{}"), None).expect("finish");
            let failed = s.create_import_job(uid, "坏文件.xlsx", "{}").expect("job");
            s.finish_import_job(failed, "failed", None, Some("文件无法读取")).expect("finish");
            let _running = s.create_import_job(oid, "进行中.xlsx", "{}").expect("job");
            (done, failed)
        })
        .await;
    let (_, t) = app.get(&township, "/api/v1/tasks?kind=import_failed").await;
    assert_eq!((t[0]["record_id"].as_i64(), t[0]["about"].as_str()), (Some(failed), Some("坏文件.xlsx")), "{t}");
    assert_eq!(t[0]["link"], format!("/imports/{failed}"));
    assert!(has(&app, &township, "import_finished", done).await);
    assert!(tasks(&app, &other, "").await.is_empty(), "someone else's, or still running");
    app.clock.advance(Duration::days(7) + Duration::minutes(1));
    assert!(tasks(&app, &township, "").await.is_empty(), "tasks.import_days later");

    let admin = app.user("guanli", Role::Admin, OrgType::CityCivilAffairs, "12").await;
    let admin2 = app.user("guanli2", Role::Admin, OrgType::CityCivilAffairs, "12").await;
    let city = app.user("shi", Role::CityOfficer, OrgType::CityCivilAffairs, "12").await;
    let district = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let org = app.org("梅厂派出所", OrgType::PoliceStation, TOWNSHIP_A).await;
    let (_, made) = app
        .post(
            &admin,
            "/api/v1/users",
            &json!({"username": "jing", "display_name": "民警", "org_id": org, "role": "police"}),
        )
        .await;
    let jing = made["id"].as_i64().expect("id");
    assert!(tasks(&app, &admin, "").await.is_empty(), "who asked does not approve");
    let (_, t) = app.get(&admin2, "/api/v1/tasks").await;
    assert_eq!(
        (t[0]["kind"].as_str(), t[0]["about"].as_str()),
        (Some("account_to_approve"), Some("民警（jing）")),
        "{t}"
    );
    assert!(has(&app, &city, "account_to_approve", jing).await);
    assert!(tasks(&app, &district, "").await.is_empty());
    let (s, _) = app.post(&admin2, &format!("/api/v1/users/{jing}/approve"), &Value::Null).await;
    assert_eq!(s, 200);
    assert!(tasks(&app, &admin2, "").await.is_empty(), "approved");
    assert!(tasks(&app, &city, "").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_counts_links_and_warns_and_its_fragment_stands_alone() {
    let app = TestApp::new().await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let district = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let township_b = app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let mut alone = child("独居娃", VILLAGE_A, 3);
    alone["lives_alone"] = json!(true);
    app.create_child(&township, &alone).await;
    let mut f = child("赵已满", VILLAGE_A, 1);
    f["birth_date"] = json!("2010-11-28");
    f["id_number"] = json!(id_for("120114", "2010-11-28", true, 1));
    app.create_child(&township, &f).await;

    let html = page(&app, &township, "/home").await;
    assert!(html.contains(r#"data-live-tasks="/home/tasks""#), "the live section");
    assert!(html.contains(r#"href="/tasks?state=overdue""#) && html.contains(r#"href="/tasks?state=new""#));
    assert!(html.contains(r#"id="home-kind-turned_16""#), "the kind with a task");
    assert!(
        html.contains(r#"href="/children?warning=under16_living_alone""#),
        "a warning links to the ledger's filter"
    );
    assert_eq!(badge(&html), (false, "1".to_string()), "the nav badge counts the open task");

    let other = page(&app, &township_b, "/home").await;
    assert!(!other.contains("home-kind-turned_16"), "another township's file");
    assert_eq!(badge(&other), (true, "0".to_string()), "hidden at 0");
    // Other pages leave the count to their script: a page is not slowed by counting.
    let ledger = page(&app, &township, "/children").await;
    assert!(ledger.contains(r#"data-task-badge="lazy""#), "the ledger's badge is filled by the script");

    let fragment = page(&app, &township, "/home/tasks").await;
    assert!(fragment.contains(r#"id="home-kind-turned_16""#) && !fragment.contains("<html"), "{fragment}");
    let d = page(&app, &district, "/home").await;
    assert!(d.contains(&format!(r#"id="home-region-{TOWNSHIP_A}""#)), "the district counts per township");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocation_grounds_approach_then_are_met_and_leave_the_list_with_the_application() {
    let app = TestApp::new().await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let township_b = app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let district = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let police = app.user("paichusuo", Role::Police, OrgType::PoliceStation, TOWNSHIP_A).await;
    let rec = app.create_child(&township, &child("李小花", VILLAGE_A, 2)).await;
    let (s, d) = app.post(&township, "/api/v1/assessments", &json!({"child_id": rec["id"]})).await;
    assert_eq!(s, 201, "{d}");
    let id = d["id"].as_i64().expect("id");
    assert!(has(&app, &township, "assessment_due", id).await);

    app.clock.set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 10, 4, 0, 0).single().expect("valid"));
    let conduct = |date: &str, kind: &str| json!({"guardian": "张某", "standing": "father", "date": date, "kind": kind, "conduct": "begging", "evidence": "派出所询问笔录"});
    for day in ["2026-12-01", "2026-12-03", "2026-12-05"] {
        let (s, r) =
            app.post(&police, &format!("/api/v1/assessments/{id}/conduct"), &conduct(day, "criticism_education")).await;
        assert_eq!(s, 201, "{r}");
    }
    assert!(has(&app, &township, "grounds_approaching", id).await, "three rounds, no begging since");
    assert!(has(&app, &district, "grounds_approaching", id).await);
    assert!(!has(&app, &township_b, "grounds_approaching", id).await);
    assert!(!has(&app, &police, "grounds_approaching", id).await, "the court application is not the police's");

    let (s, r) =
        app.post(&township, &format!("/api/v1/assessments/{id}/conduct"), &conduct("2026-12-08", "incident")).await;
    assert_eq!(s, 201, "{r}");
    let (_, t) = app.get(&district, "/api/v1/tasks?kind=grounds_met").await;
    assert_eq!((t[0]["record_id"].as_i64(), t[0]["about"].as_str()), (Some(id), Some("李小花")), "{t}");
    assert_eq!(t[0]["since"], "2026-12-07T16:00:00Z", "met on 2026-12-08");
    assert!(!has(&app, &district, "grounds_approaching", id).await, "met, no longer approaching");
    assert_eq!(kind_count(&counts(&app, &district).await, "grounds_met")["open"], 1);

    let (s, r) = app
        .post(
            &district,
            &format!("/api/v1/assessments/{id}/applications"),
            &json!({"applicant": "civil_affairs", "applicant_name": "武清区民政局", "grounds": ["g5_begging"], "court": "武清区人民法院", "filed_on": "2026-12-09"}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    assert!(!has(&app, &district, "grounds_met", id).await, "applied to the court");
    assert!(!has(&app, &township, "grounds_met", id).await);
}

/// The number of a home page's warning (`home-warning-CODE`).
fn warning_count(html: &str, code: &str) -> i64 {
    let rest = html.split(&format!(r#"id="home-warning-{code}""#)).nth(1).expect("the warning");
    let b = rest.split("<b>").nth(1).expect("its count");
    b[..b.find('<').expect("end")].trim().parse().expect("a number")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_districts_warnings_are_counted_once_a_minute_when_set_and_a_townships_at_every_visit() {
    let app = TestApp::with_settings("[tasks]\noverview_refresh_seconds = 60\n").await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let district = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let mut alone = child("独居娃", VILLAGE_A, 3);
    alone["lives_alone"] = json!(true);
    app.create_child(&township, &alone).await;
    let code = "under16_living_alone";
    let d = page(&app, &district, "/home").await;
    assert_eq!(warning_count(&d, code), 1);
    assert!(d.contains(r#"id="home-warnings-as-of""#), "the district's figure says when it was counted");

    let mut second = child("又独居", VILLAGE_A, 4);
    second["lives_alone"] = json!(true);
    app.create_child(&township, &second).await;
    let t = page(&app, &township, "/home").await;
    assert_eq!(warning_count(&t, code), 2, "the township counts at every visit");
    assert!(!t.contains("home-warnings-as-of"));
    let d = page(&app, &district, "/home").await;
    assert_eq!(warning_count(&d, code), 1, "the district's figure is reused within the minute");
    // The ledger's filter it links to is exact at once.
    let (_, ledger) = app.get(&district, &format!("/api/v1/children?warning={code}")).await;
    assert_eq!(ledger["rows"].as_array().map(Vec::len), Some(2), "{ledger}");

    app.clock.advance(Duration::seconds(61));
    let d = page(&app, &district, "/home").await;
    assert_eq!(warning_count(&d, code), 2, "counted again after `tasks.overview_refresh_seconds`");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn by_default_a_districts_warnings_are_exact_at_every_visit() {
    let app = TestApp::new().await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let district = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let code = "under16_living_alone";
    let mut ids = Vec::new();
    for (seq, name) in [(3, "独居娃"), (4, "又独居")] {
        let mut alone = child(name, VILLAGE_A, seq);
        alone["lives_alone"] = json!(true);
        ids.push(app.create_child(&township, &alone).await["id"].clone());
        let d = page(&app, &district, "/home").await;
        assert_eq!(warning_count(&d, code), ids.len() as i64, "the district's figure follows each new file");
        assert!(!d.contains("home-warnings-as-of"), "a live figure needs no time");
    }
    let (s, r) = app
        .post(&township, &format!("/api/v1/children/{}/close", ids[0]), &json!({"version": 1, "reason": "moved_out"}))
        .await;
    assert_eq!(s, 200, "{r}");
    let d = page(&app, &district, "/home").await;
    assert_eq!(warning_count(&d, code), 1, "a closed file leaves the figure at once");
    let (_, ledger) = app.get(&district, &format!("/api/v1/children?warning={code}")).await;
    assert_eq!(ledger["total"], 1, "{ledger}");
}
