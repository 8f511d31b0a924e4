//! Dropout control (issue 18): a case walked through every step in the law's order, every
//! refusal naming its field, the child's schooling kept in the file with history, scope
//! (another school or district sees nothing; the bureau reads the case and nothing else of
//! the file), the written reports' inbox and the district table.

use crate::harness::*;
use serde_json::{Value, json};
use shouhu_domain::role::{OrgType, Role};

/// The field a refusal names first.
fn field(r: &Value) -> Option<&str> {
    r["fields"][0]["field"].as_str()
}

struct World {
    app: TestApp,
    zhen: User,
    teacher: User,
    school: i64,
}

async fn world() -> World {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let school = app.org("梅厂镇中心小学", OrgType::School, TOWNSHIP_A).await;
    let teacher = app.user_in("laoshi", Role::Teacher, school).await;
    World { app, zhen, teacher, school }
}

/// A pupil of `school` (born 2016-05-04: 10 at the tests' today, 2026-11-29).
async fn pupil(w: &World, name: &str, seq: u32, school: i64) -> i64 {
    let mut f = child(name, VILLAGE_A, seq);
    f["school_org_id"] = json!(school);
    f["school_name"] = json!("梅厂镇中心小学");
    f["schooling"] = json!("primary");
    w.app.create_child(&w.zhen, &f).await["id"].as_i64().expect("id")
}

async fn step(app: &TestApp, user: &User, case: i64, body: Value) -> (u16, Value) {
    let (_, now) = app.get(user, &format!("/api/v1/dropout-cases/{case}")).await;
    let mut body = body;
    body["version"] = now["summary"]["version"].clone();
    app.post(user, &format!("/api/v1/dropout-cases/{case}/steps"), &body).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_goes_through_every_step_in_the_laws_order() {
    let w = world().await;
    let app = &w.app;
    let bureau_org = app.org("武清区教育局", OrgType::DistrictEducationBureau, "120114").await;
    let bureau = app.user_in("jiaoyu", Role::EducationOfficer, bureau_org).await;
    let kid = pupil(&w, "辍学生", 1, w.school).await;

    // Opening: the refusals name their field.
    let (s, r) = app.post(&w.teacher, "/api/v1/dropout-cases", &json!({"child_id": kid, "reasons": ["work"]})).await;
    assert_eq!((s, field(&r)), (422, Some("first_absent_on")), "{r}");
    let (s, r) = app
        .post(
            &w.teacher,
            "/api/v1/dropout-cases",
            &json!({"child_id": kid, "first_absent_on": "2026-11-30", "reasons": ["work"]}),
        )
        .await;
    assert_eq!((s, field(&r)), (422, Some("first_absent_on")), "a day in the future: {r}");
    let (s, r) = app
        .post(
            &w.teacher,
            "/api/v1/dropout-cases",
            &json!({"child_id": kid, "first_absent_on": "2026-11-02", "reasons": []}),
        )
        .await;
    assert_eq!((s, field(&r)), (422, Some("reasons")), "{r}");
    let (s, r) = app
        .post(
            &w.teacher,
            "/api/v1/dropout-cases",
            &json!({"child_id": kid, "first_absent_on": "2026-11-02", "reasons": ["other"]}),
        )
        .await;
    assert_eq!((s, field(&r)), (422, Some("note")), "other needs a note: {r}");
    let (s, r) = app
        .post(
            &w.zhen,
            "/api/v1/dropout-cases",
            &json!({"child_id": kid, "first_absent_on": "2026-11-02", "reasons": ["work"]}),
        )
        .await;
    assert_eq!(s, 403, "the township does not open a school's case: {r}");

    let (s, case) = app
        .post(
            &w.teacher,
            "/api/v1/dropout-cases",
            &json!({"child_id": kid, "first_absent_on": "2026-11-02", "reasons": ["work", "family"]}),
        )
        .await;
    assert_eq!(s, 201, "{case}");
    let id = case["summary"]["id"].as_i64().expect("id");
    assert_eq!(case["summary"]["state"], "opened");
    assert_eq!(case["summary"]["next_action"], "notify");
    assert_eq!(case["summary"]["next_due"], "2026-11-05", "dropout.notify_days after the first day");
    assert_eq!(case["summary"]["overdue"], true);
    assert_eq!(case["child"]["contacts"][0]["phone"], "13812345678", "a teacher reaches the parents");
    let (s, r) = app
        .post(
            &w.teacher,
            "/api/v1/dropout-cases",
            &json!({"child_id": kid, "first_absent_on": "2026-11-02", "reasons": ["work"]}),
        )
        .await;
    assert_eq!(s, 409, "one open case a child: {r}");

    // The file says 辍学, with history naming the case.
    let (_, file) = app.get(&w.zhen, &format!("/api/v1/children/{kid}")).await;
    assert_eq!(file["file"]["schooling"], "dropped_out");
    let (_, history) = app.get(&w.zhen, &format!("/api/v1/children/{kid}/history")).await;
    assert!(history.to_string().contains("\"source\":\"dropout:"), "the case names itself: {history}");

    // Out of order, and bad dates.
    let (s, r) = step(
        app,
        &w.teacher,
        id,
        json!({"step": "persuasion", "date": "2026-11-03", "parties": ["school"], "outcome": "failed"}),
    )
    .await;
    assert_eq!((s, field(&r)), (422, Some("step")), "notify first: {r}");
    let (s, r) = step(app, &w.teacher, id, json!({"step": "reported", "date": "2026-11-03"})).await;
    assert_eq!((s, field(&r)), (422, Some("step")), "{r}");
    let (s, r) = step(
        app,
        &w.teacher,
        id,
        json!({"step": "notified", "date": "2026-11-01", "channel": "phone", "told": ["father"]}),
    )
    .await;
    assert_eq!((s, field(&r)), (422, Some("date")), "before the case: {r}");
    let (s, r) = step(
        app,
        &w.teacher,
        id,
        json!({"step": "notified", "date": "2026-11-30", "channel": "phone", "told": ["father"]}),
    )
    .await;
    assert_eq!((s, field(&r)), (422, Some("date")), "in the future: {r}");
    let (s, r) = step(app, &w.teacher, id, json!({"step": "notified", "date": "2026-11-03", "told": ["father"]})).await;
    assert_eq!((s, field(&r)), (422, Some("channel")), "{r}");
    let (s, r) =
        step(app, &w.teacher, id, json!({"step": "measure", "date": "2026-11-03", "measure": "financial_aid"})).await;
    assert_eq!(s, 403, "a school takes no measure: {r}");
    let (s, r) = app
        .post(
            &w.teacher,
            &format!("/api/v1/dropout-cases/{id}/steps"),
            &json!({"version": 99, "step": "notified", "date": "2026-11-03", "channel": "phone", "told": ["father"]}),
        )
        .await;
    assert_eq!(s, 409, "a stale version: {r}");

    let (s, r) = step(
        app,
        &w.teacher,
        id,
        json!({"step": "notified", "date": "2026-11-03", "channel": "phone", "told": ["father", "mother"]}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["summary"]["next_action"], "persuade");
    let (s, r) = step(
        app,
        &w.teacher,
        id,
        json!({"step": "persuasion", "date": "2026-11-05", "parties": ["school", "family"], "outcome": "continuing"}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let (s, r) = step(app, &w.teacher, id, json!({"step": "reported", "date": "2026-11-06"})).await;
    assert_eq!((s, field(&r)), (422, Some("step")), "no failed round yet: {r}");
    assert!(r["fields"][0]["message"].as_str().unwrap_or("").contains("劝返无效"), "{r}");
    let (s, r) = step(app, &w.teacher, id, json!({"step": "persuasion", "date": "2026-11-06", "parties": []})).await;
    assert_eq!((s, field(&r)), (422, Some("parties")), "{r}");
    assert!(r["fields"].as_array().expect("fields").iter().any(|f| f["field"] == "outcome"), "{r}");
    let (s, r) = step(app, &w.teacher, id, json!({"step": "persuasion", "date": "2026-11-08", "parties": ["school", "family", "village"], "outcome": "failed"})).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["summary"]["next_action"], "report");
    assert_eq!(r["summary"]["next_due"], "2026-11-15");

    // The bureau and the township have nothing in their inbox before the report.
    let (_, inbox) = app.get(&bureau, "/api/v1/dropout-cases?view=reported").await;
    assert_eq!(inbox.as_array().expect("inbox").len(), 0);
    let (s, r) =
        step(app, &w.teacher, id, json!({"step": "reported", "date": "2026-11-09", "note": "家长拒绝送返"})).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["summary"]["report_no"], "辍报〔2026〕120114-0001");
    let text = r["report_text"].as_str().expect("report text");
    assert!(text.contains("辍学生") && text.contains("武清区教育局") && text.contains("梅厂镇人民政府"), "{text}");
    assert!(text.contains("劝返无效") && !text.contains("13812345678"), "{text}");
    assert_eq!(r["summary"]["next_action"], "measures");
    for user in [&bureau, &w.zhen] {
        let (s, inbox) = app.get(user, "/api/v1/dropout-cases?view=reported").await;
        assert_eq!(s, 200);
        assert_eq!(inbox[0]["id"], id, "{inbox}");
        assert_eq!(inbox[0]["child_name"], "辍学生");
    }
    let (s, _) = app.get(&w.teacher, "/api/v1/dropout-cases?view=reported").await;
    assert_eq!(s, 403, "the inbox is the receivers'");

    // The bureau reads the case and nothing else of the file.
    let (s, seen) = app.get(&bureau, &format!("/api/v1/dropout-cases/{id}")).await;
    assert_eq!(s, 200);
    assert_eq!(seen["child"]["contacts"][0]["phone"], "13812345678", "the bureau reaches the guardian ([CE] 58)");
    assert!(!seen.to_string().contains(&id_for("120114", "2016-05-04", true, 1)), "no ID number in a case");
    assert_eq!(seen["may_record"], json!(["measure", "closed"]));
    for path in [format!("/api/v1/children/{kid}"), format!("/api/v1/children/{kid}/history")] {
        let (s, _) = app.get(&bureau, &path).await;
        assert_eq!(s, 404, "{path}");
    }
    let (_, ledger) = app.get(&bureau, "/api/v1/children").await;
    assert_eq!(ledger["total"], 0, "the bureau has no ledger");

    let (s, r) = step(app, &bureau, id, json!({"step": "measure", "date": "2026-11-12"})).await;
    assert_eq!((s, field(&r)), (422, Some("measure")), "{r}");
    let (s, r) =
        step(app, &bureau, id, json!({"step": "measure", "date": "2026-11-12", "measure": "financial_aid"})).await;
    assert_eq!(s, 200, "{r}");
    let (s, r) = step(app, &w.zhen, id, json!({"step": "measure", "date": "2026-11-13", "measure": "legal_measures", "note": "责令监护人限期送子女入学"})).await;
    assert_eq!(s, 200, "{r}");
    // The township's referral opens an assessment (评估帮扶) for the child, named on the step.
    let (s, r) =
        step(app, &w.zhen, id, json!({"step": "measure", "date": "2026-11-13", "measure": "assessment_referral"}))
            .await;
    assert_eq!(s, 200, "{r}");
    let assessment = r["steps"][7]["assessment_id"].as_i64().expect("an assessment opened");
    let (s, a) = app.get(&w.zhen, &format!("/api/v1/assessments/{assessment}")).await;
    assert_eq!((s, a["child_id"].as_i64()), (200, Some(kid)), "{a}");
    assert_eq!(r["summary"]["next_action"], "close");

    // Closing: past age is refused for a 10-year-old; the return updates the file.
    let (s, r) = step(app, &w.teacher, id, json!({"step": "closed", "date": "2026-11-20", "close": "past_age"})).await;
    assert_eq!((s, field(&r)), (422, Some("close")), "{r}");
    let (s, r) =
        step(app, &w.teacher, id, json!({"step": "closed", "date": "2026-11-20", "close": "returned_to_school"})).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["summary"]["state"], "closed");
    assert_eq!(r["may_record"], json!(["reopened"]));
    let (_, file) = app.get(&w.zhen, &format!("/api/v1/children/{kid}")).await;
    assert_eq!(file["file"]["schooling"], "primary", "back to the stage before");
    assert_eq!(file["file"]["school_org_id"], w.school);
    let (s, r) = step(
        app,
        &w.teacher,
        id,
        json!({"step": "notified", "date": "2026-11-21", "channel": "phone", "told": ["father"]}),
    )
    .await;
    assert_eq!((s, field(&r)), (422, Some("step")), "closed: {r}");

    // The return fails: the case reopens with its past, and starts over.
    let (s, r) = step(app, &w.teacher, id, json!({"step": "reopened", "date": "2026-11-25"})).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(
        (r["summary"]["state"].as_str(), r["summary"]["next_action"].as_str()),
        (Some("opened"), Some("notify"))
    );
    assert_eq!(r["summary"]["first_absent_on"], "2026-11-25");
    assert_eq!(r["steps"].as_array().expect("steps").len(), 10, "the past is kept");
    assert_eq!(r["summary"]["report_no"], "辍报〔2026〕120114-0001", "the report sent stays");
    assert!(r["steps"][4]["summary"].as_str().unwrap_or("").contains("辍报〔2026〕120114-0001"), "{r}");
    let (_, file) = app.get(&w.zhen, &format!("/api/v1/children/{kid}")).await;
    assert_eq!(file["file"]["schooling"], "dropped_out");
    let (s, r) = step(
        app,
        &w.teacher,
        id,
        json!({"step": "notified", "date": "2026-11-26", "channel": "home_visit", "told": ["mother"]}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let (s, r) = step(app, &w.teacher, id, json!({"step": "reported", "date": "2026-11-26"})).await;
    assert_eq!((s, field(&r)), (422, Some("step")), "the old failed round does not count after reopening: {r}");

    // Every view and change is in the audit log.
    let audit = app
        .store(move |s| {
            s.pool
                .read(|c| {
                    c.query(
                        "SELECT action, count(*) FROM audit_log WHERE action LIKE '%dropout%' GROUP BY action ORDER BY action",
                        &[],
                        |r| Ok((r.text(0)?, r.i64(1)?)),
                    )
                })
                .expect("audit")
        })
        .await;
    let names: Vec<&str> = audit.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(names, ["change_dropout_case", "view_dropout_case", "view_dropout_list"], "{audit:?}");
    assert_eq!(audit[0].1, 11, "one entry a change: {audit:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entrusted_child_is_told_with_carer_and_parent_and_only_compulsory_ages_open() {
    let w = world().await;
    let app = &w.app;
    let mut f = child("委托生", VILLAGE_A, 2);
    f["school_org_id"] = json!(w.school);
    f["entrusted_guardian"] = json!({"name": "祖母", "relation": "paternal_grandparent", "phone": "13912345678"});
    let kid = app.create_child(&w.zhen, &f).await["id"].as_i64().expect("id");
    let (s, case) = app
        .post(
            &w.teacher,
            "/api/v1/dropout-cases",
            &json!({"child_id": kid, "first_absent_on": "2026-11-20", "reasons": ["family"]}),
        )
        .await;
    assert_eq!(s, 201, "{case}");
    assert_eq!(case["child"]["entrusted"], true);
    let id = case["summary"]["id"].as_i64().expect("id");
    let (s, r) = step(
        app,
        &w.teacher,
        id,
        json!({"step": "notified", "date": "2026-11-21", "channel": "phone", "told": ["entrusted_carer"]}),
    )
    .await;
    assert_eq!((s, field(&r)), (422, Some("told")), "{r}");
    let (s, r) = step(
        app,
        &w.teacher,
        id,
        json!({"step": "notified", "date": "2026-11-21", "channel": "phone", "told": ["mother"]}),
    )
    .await;
    assert_eq!((s, field(&r)), (422, Some("told")), "{r}");
    let (s, r) = step(
        app,
        &w.teacher,
        id,
        json!({"step": "notified", "date": "2026-11-21", "channel": "phone", "told": ["entrusted_carer", "mother"]}),
    )
    .await;
    assert_eq!(s, 200, "{r}");

    // A five-year-old and a seventeen-year-old are not of compulsory-education age.
    for (name, birth, seq) in [("幼儿", "2021-06-01", 3), ("大龄", "2009-06-01", 4)] {
        let mut f = child(name, VILLAGE_A, seq);
        f["birth_date"] = json!(birth);
        f["id_number"] = json!(id_for("120114", birth, true, seq));
        f["school_org_id"] = json!(w.school);
        let kid = app.create_child(&w.zhen, &f).await["id"].as_i64().expect("id");
        let (s, r) = app
            .post(
                &w.teacher,
                "/api/v1/dropout-cases",
                &json!({"child_id": kid, "first_absent_on": "2026-11-20", "reasons": ["work"]}),
            )
            .await;
        assert_eq!((s, field(&r)), (422, Some("child_id")), "{name}: {r}");
        assert!(r["fields"][0]["message"].as_str().unwrap_or("").contains("义务教育"), "{r}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_school_or_district_sees_nothing() {
    let w = world().await;
    let app = &w.app;
    let other_school = app.org("大碱厂小学", OrgType::School, TOWNSHIP_B).await;
    let other_teacher = app.user_in("laoshi2", Role::SchoolAdmin, other_school).await;
    let baodi_org = app.org("宝坻区教育局", OrgType::DistrictEducationBureau, "120115").await;
    let baodi = app.user_in("baodi", Role::EducationOfficer, baodi_org).await;
    let township_b = app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let doctor = app.user("yisheng", Role::Doctor, OrgType::Hospital, TOWNSHIP_A).await;
    let kid = pupil(&w, "本校生", 5, w.school).await;
    let not_ours = pupil(&w, "他校生", 6, other_school).await;

    let (s, r) = app
        .post(
            &w.teacher,
            "/api/v1/dropout-cases",
            &json!({"child_id": not_ours, "first_absent_on": "2026-11-20", "reasons": ["work"]}),
        )
        .await;
    assert_eq!((s, field(&r)), (422, Some("child_id")), "not enrolled here: {r}");
    let (s2, r2) = app
        .post(
            &w.teacher,
            "/api/v1/dropout-cases",
            &json!({"child_id": 999_999, "first_absent_on": "2026-11-20", "reasons": ["work"]}),
        )
        .await;
    assert_eq!((s2, &r2), (s, &r), "a child of another school reads like a missing one");

    let (_, case) = app
        .post(
            &w.teacher,
            "/api/v1/dropout-cases",
            &json!({"child_id": kid, "first_absent_on": "2026-11-20", "reasons": ["work"]}),
        )
        .await;
    let id = case["summary"]["id"].as_i64().expect("id");
    let (_, missing) = app.get(&other_teacher, "/api/v1/dropout-cases/999999").await;
    for user in [&other_teacher, &baodi, &township_b] {
        let (s, r) = app.get(user, &format!("/api/v1/dropout-cases/{id}")).await;
        assert_eq!((s, &r), (404, &missing), "outside scope looks missing");
        let body = json!({"version": 1, "step": "closed", "date": "2026-11-21", "close": "moved_away"});
        let (s, _) = app.post(user, &format!("/api/v1/dropout-cases/{id}/steps"), &body).await;
        assert_eq!(s, 404);
        let (_, list) = app.get(user, "/api/v1/dropout-cases?view=all").await;
        assert_eq!(list.as_array().map(Vec::len), Some(0));
    }
    let (s, _) = app.get(&doctor, "/api/v1/dropout-cases").await;
    assert_eq!(s, 403, "a doctor has no dropout cases");

    // The township's child supervisor oversees the directors' part: reads, records nothing.
    let supervisor = app.user("dudao", Role::ChildSupervisor, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let (s, r) = app.get(&supervisor, &format!("/api/v1/dropout-cases/{id}")).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["may_record"].as_array().map(Vec::len), Some(0), "{r}");
    let (s, _) =
        step(app, &supervisor, id, json!({"step": "closed", "date": "2026-11-21", "close": "moved_away"})).await;
    assert_eq!(s, 403, "the supervisor closes no case");
    let (s, _) = app.get(&w.teacher, "/api/v1/dropout-table").await;
    assert_eq!(s, 403, "the table is the district's");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_district_table_counts_per_township_and_school() {
    let w = world().await;
    let app = &w.app;
    let bureau_org = app.org("武清区教育局", OrgType::DistrictEducationBureau, "120114").await;
    let bureau = app.user_in("jiaoyu", Role::EducationOfficer, bureau_org).await;
    let a = pupil(&w, "甲", 7, w.school).await;
    let b = pupil(&w, "乙", 8, w.school).await;
    let open = |kid: i64, first: &str| json!({"child_id": kid, "first_absent_on": first, "reasons": ["unknown"]});
    let (_, ca) = app.post(&w.teacher, "/api/v1/dropout-cases", &open(a, "2026-11-01")).await;
    let (_, cb) = app.post(&w.teacher, "/api/v1/dropout-cases", &open(b, "2026-11-28")).await;
    let ida = ca["summary"]["id"].as_i64().expect("id");
    let (s, r) =
        step(app, &w.teacher, ida, json!({"step": "closed", "date": "2026-11-10", "close": "returned_to_school"}))
            .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(cb["summary"]["overdue"], false);

    let (s, t) = app.get(&bureau, "/api/v1/dropout-table").await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["total"]["opened"], 2);
    assert_eq!(t["total"]["returned"], 1);
    assert_eq!(t["total"]["open"], 1);
    assert_eq!(t["total"]["overdue"], 0);
    assert_eq!(t["townships"][0]["key"], TOWNSHIP_A);
    assert_eq!(t["townships"][0]["name"], "梅厂镇");
    assert_eq!(t["schools"][0]["name"], "梅厂镇中心小学");

    // A week on, the open case is past dropout.notify_days.
    app.clock.advance(chrono::Duration::days(7));
    let (_, t) = app.get(&bureau, "/api/v1/dropout-table").await;
    assert_eq!(t["total"]["overdue"], 1, "{t}");
    let (_, t) = app.get(&bureau, "/api/v1/dropout-table?since=2026-11-15").await;
    assert_eq!(t["total"]["opened"], 1, "{t}");
    let (_, list) = app.get(&w.teacher, "/api/v1/dropout-cases").await;
    assert_eq!(list[0]["overdue"], true, "the school's list marks it");
}

/// Uploads a school's roll (CSV) over the API; the answer is checked against the document.
async fn upload_roster(app: &TestApp, user: &User, term: &str, csv: &str) -> (u16, Value) {
    let form = reqwest::multipart::Form::new()
        .text("term", term.to_string())
        .part("file", reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("名册.csv"));
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/school-rosters"))
        .bearer_auth(&user.token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    crate::openapi::checked("POST", "/api/v1/school-rosters", res).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_school_roll_is_matched_to_the_files_by_id_number() {
    let w = world().await;
    let app = &w.app;
    // On the roll with a file of the township but not yet the school's; on the roll with a
    // file of the school; enrolled at the school and missing from the roll; on the roll with
    // no file; on the roll with a file in another township.
    let unenrolled = app.create_child(&w.zhen, &child("王未登记", VILLAGE_A, 11)).await["id"].as_i64().expect("id");
    let enrolled = pupil(&w, "李在册", 12, w.school).await;
    let missing = pupil(&w, "赵不在册", 13, w.school).await;
    let zhen_b = app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    app.create_child(&zhen_b, &child("外镇生", VILLAGE_B, 14)).await;
    let nofile = id_for("120114", "2017-03-01", false, 15);
    let csv = format!(
        "梅厂镇中心小学在校留守儿童名册\n姓名,身份证号码,年级,班级\n王未登记,{},三年级,2班\n李在册,{},四年级,1班\n\
         孙无档案,{nofile},二年级,1班\n外镇生,{},四年级,3班\n错号,12345,一年级,1班\n李在册,{},四年级,1班\n",
        id_for("120114", "2016-05-04", true, 11),
        id_for("120114", "2016-05-04", true, 12),
        id_for("120114", "2016-05-04", true, 14),
        id_for("120114", "2016-05-04", true, 12),
    );
    let (s, r) = upload_roster(app, &w.teacher, "", &csv).await;
    assert_eq!((s, field(&r)), (422, Some("term")), "{r}");
    let (s, r) = upload_roster(app, &w.teacher, "2026年秋季学期", "a,b\n1,2\n").await;
    assert_eq!((s, field(&r)), (422, Some("file")), "no header: {r}");
    let (s, r) = upload_roster(app, &w.zhen, "2026年秋季学期", &csv).await;
    assert_eq!(s, 403, "a township uploads no roll: {r}");

    let (s, r) = upload_roster(app, &w.teacher, "2026年秋季学期", &csv).await;
    assert_eq!(s, 201, "{r}");
    let sum = &r["summary"];
    assert_eq!(
        (sum["rows"].as_i64(), sum["enrolled"].as_i64(), sum["unknown"].as_i64()),
        (Some(6), Some(2), Some(2)),
        "{r}"
    );
    assert_eq!((sum["missing"].as_i64(), sum["errors"].as_i64()), (Some(1), Some(2)), "{r}");
    let lines = r["lines"].as_array().expect("lines");
    let of = |kind: &str| lines.iter().filter(|l| l["kind"] == kind).cloned().collect::<Vec<_>>();
    assert_eq!(of("missing")[0]["child_id"], missing, "a possible dropout");
    let errors = of("error");
    assert_eq!(errors[0]["line"], 7, "the row as Excel numbers it: {errors:?}");
    assert!(errors[0]["note"].as_str().unwrap_or("").contains("身份证号码"), "{errors:?}");
    assert!(errors[1]["note"].as_str().unwrap_or("").contains("已有"), "a number twice: {errors:?}");
    let unknown = of("unknown");
    assert!(unknown.iter().any(|l| l["name"] == "孙无档案" && l["id_masked"] == "120114************"), "{unknown:?}");
    assert!(unknown.iter().any(|l| l["name"] == "外镇生"), "a file of another township is not this school's region");
    assert!(!r.to_string().contains(&nofile), "no whole ID number is kept");

    // The file of the pupil on the roll now names the school, with history.
    let (_, file) = app.get(&w.zhen, &format!("/api/v1/children/{unenrolled}")).await;
    assert_eq!(file["file"]["school_org_id"], w.school);
    let (_, history) = app.get(&w.zhen, &format!("/api/v1/children/{unenrolled}/history")).await;
    assert!(history.to_string().contains("roster:2026年秋季学期"), "{history}");
    let (_, file) = app.get(&w.zhen, &format!("/api/v1/children/{enrolled}")).await;
    assert_eq!(file["version"], 1, "a file already the school's is not changed");
    // The school now finds the pupil by name: the search knows the file's new school.
    let (s, found) = app.get(&w.teacher, "/api/v1/children?q=王未登记").await;
    assert_eq!(s, 200);
    assert_eq!(found["rows"][0]["id"], unenrolled, "{found}");

    // The township sees the roll's children without a file, and nothing else of it.
    let roster = r["summary"]["id"].as_i64().expect("id");
    let (s, list) = app.get(&w.zhen, "/api/v1/school-rosters").await;
    assert_eq!((s, list[0]["id"].as_i64()), (200, Some(roster)));
    let (s, seen) = app.get(&w.zhen, &format!("/api/v1/school-rosters/{roster}")).await;
    assert_eq!(s, 200);
    assert!(seen["lines"].as_array().expect("lines").iter().all(|l| l["kind"] == "unknown"), "{seen}");
    let (s, _) = app.get(&zhen_b, &format!("/api/v1/school-rosters/{roster}")).await;
    assert_eq!(s, 404, "another township's school");
    let other_school = app.org("大碱厂小学", OrgType::School, TOWNSHIP_B).await;
    let other_teacher = app.user_in("laoshi2", Role::Teacher, other_school).await;
    let (s, _) = app.get(&other_teacher, &format!("/api/v1/school-rosters/{roster}")).await;
    assert_eq!(s, 404, "another school");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_anonymises_a_closed_files_dropout_cases() {
    use chrono::TimeZone;
    let app = TestApp::new().await;
    app.clock.set(chrono::Utc.with_ymd_and_hms(2020, 1, 6, 4, 0, 0).single().expect("time"));
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let school = app.org("梅厂镇中心小学", OrgType::School, TOWNSHIP_A).await;
    let teacher = app.user_in("laoshi", Role::Teacher, school).await;
    let mut f = child("张小明", VILLAGE_A, 21);
    f["birth_date"] = json!("2005-06-10");
    f["id_number"] = json!(id_for("120114", "2005-06-10", true, 21));
    f["school_org_id"] = json!(school);
    let rec = app.create_child(&zhen, &f).await;
    let kid = rec["id"].as_i64().expect("id");
    let (s, case) = app
        .post(
            &teacher,
            "/api/v1/dropout-cases",
            &json!({"child_id": kid, "first_absent_on": "2020-01-02", "reasons": ["other"], "note": "随父去苏州打工"}),
        )
        .await;
    assert_eq!(s, 201, "{case}");
    let id = case["summary"]["id"].as_i64().expect("id");
    let (s, r) = step(
        &app,
        &teacher,
        id,
        json!({"step": "closed", "date": "2020-01-06", "close": "moved_away", "note": "已随父迁往苏州"}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let (_, now) = app.get(&zhen, &format!("/api/v1/children/{kid}")).await;
    let (s, r) = app
        .post(
            &zhen,
            &format!("/api/v1/children/{kid}/close"),
            &json!({"version": now["version"], "reason": "moved_out"}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    app.clock.set(chrono::Utc.with_ymd_and_hms(2026, 6, 12, 4, 0, 0).single().expect("time"));
    let actor = shouhu_store::retention::retention_actor();
    app.store(move |s| s.retention(&actor, true, shouhu_store::retention::BATCH, |_| true).expect("retention")).await;
    let left = app
        .store(move |s| {
            s.pool
                .read(|c| {
                    c.query_opt(
                        "SELECT d.child_name, d.note, (SELECT count(*) FROM dropout_steps t WHERE t.case_id = d.id AND t.detail <> '{}') \
                         FROM dropout_cases d WHERE d.id = $1",
                        &[id.into()],
                        |r| Ok((r.text(0)?, r.opt_text(1)?, r.i64(2)?)),
                    )
                })
                .expect("read")
        })
        .await;
    assert_eq!(left, Some((shouhu_domain::retention::ANONYMISED.to_string(), None, 0)));
}

/// An open dropout case shortens the child's visit cadence (decision 104: the director helps
/// bring the child back, [M19]); the case closed on the child's return, the cadence is the
/// left-behind child's again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_dropout_makes_the_director_visit_every_two_weeks() {
    let w = world().await;
    let app = &w.app;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let kid = pupil(&w, "辍学生", 1, w.school).await;
    let due = |list: Value| list.as_array().and_then(|a| a.iter().find(|l| l["child_id"] == kid).cloned());
    let (_, list) = app.get(&director, "/api/v1/visits/due").await;
    assert_eq!(due(list), None, "a left-behind child opened today is due in 30 days, beyond the list's 7");

    let (s, case) = app
        .post(
            &w.teacher,
            "/api/v1/dropout-cases",
            &json!({"child_id": kid, "first_absent_on": "2026-11-20", "reasons": ["work"]}),
        )
        .await;
    assert_eq!(s, 201, "{case}");
    app.clock.advance(chrono::Duration::days(8));
    let (_, list) = app.get(&director, "/api/v1/visits/due").await;
    let line = due(list).expect("due within the week");
    assert_eq!((line["due_on"].as_str(), line["why"].as_str()), (Some("2026-12-13"), Some("dropout")), "{line}");

    let case = case["summary"]["id"].as_i64().expect("case id");
    let (s, r) =
        step(app, &w.teacher, case, json!({"step": "closed", "date": "2026-12-07", "close": "returned_to_school"}))
            .await;
    assert_eq!(s, 200, "{r}");
    let (_, list) = app.get(&director, "/api/v1/visits/due").await;
    assert_eq!(due(list), None, "back at school: due 30 days after the file was opened");
}
