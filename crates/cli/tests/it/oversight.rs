//! Oversight (issue 20) over the real API, on SQLite and PostgreSQL: the register of overdue
//! work lists late items under the unit responsible (on the injected clock), a district
//! reads its own units only, the city records measures and commendations, and a joint
//! meeting's tasks reach their owners' to-do lists and the city's page of overdue tasks.

use crate::harness::*;
use chrono::Duration;
use serde_json::{Value, json};
use shouhu_domain::role::{OrgType, Role};

async fn file_report(app: &TestApp, director: &User, child_id: i64, discovered: &str) -> i64 {
    let (s, r) = app
        .post(
            director,
            "/api/v1/reports",
            &json!({
                "situations": ["guardian_not_performing"],
                "discovered_at": discovered,
                "child_id": child_id,
                "description": "孩子连续三天无人接送，衣着单薄",
            }),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    r["id"].as_i64().expect("id")
}

fn unit<'a>(reg: &'a Value, key: &str) -> Option<&'a Value> {
    reg["units"].as_array().and_then(|u| u.iter().find(|u| u["key"] == key))
}

fn kind_count(line: &Value, kind: &str) -> i64 {
    line["kinds"]
        .as_array()
        .and_then(|k| k.iter().find(|k| k["kind"] == kind))
        .and_then(|k| k["count"].as_i64())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_register_lists_late_work_under_its_unit_and_a_district_sees_only_its_own() {
    let app = TestApp::new().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let _police = app.user("paichusuo", Role::Police, OrgType::PoliceStation, TOWNSHIP_A).await;
    let district = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let other = app.user("baodi", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120115").await;
    let city = app.user("shi", Role::CityOfficer, OrgType::CityCivilAffairs, "12").await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let child = app.create_child(&director, &child("张小明", VILLAGE_A, 1)).await;
    let child_id = child["id"].as_i64().expect("id");
    // Discovered 32 hours before it was filed: a late report of the village committee.
    let report = file_report(&app, &director, child_id, "2026-11-27T20:00:00Z").await;

    // Within the response limit nothing is overdue yet.
    let (s, reg) = app.get(&district, "/api/v1/accountability").await;
    assert_eq!(s, 200, "{reg}");
    assert!(unit(&reg, &format!("police-{TOWNSHIP_A}")).is_none(), "not yet late: {reg}");

    // Two hours on, the unaccepted report is the township's police's overdue work.
    app.clock.advance(Duration::hours(2));
    let (_, reg) = app.get(&district, "/api/v1/accountability").await;
    let key = format!("police-{TOWNSHIP_A}");
    let line = unit(&reg, &key).unwrap_or_else(|| panic!("the police unit: {reg}"));
    assert_eq!(kind_count(line, "report_not_accepted"), 1, "{line}");
    assert_eq!(line["district_code"], "120114");
    assert_eq!(line["trend"][0], 1, "became overdue this week: {line}");
    assert!(line["name"].as_str().unwrap_or("").contains("派出所"), "{line}");
    // The late report's unit is listed with it.
    let late = reg["late_reporters"].as_array().expect("late reporters");
    assert_eq!(late.len(), 1, "{reg}");
    assert_eq!(late[0]["late"], 1);
    let reporter_key = late[0]["key"].as_str().expect("key").to_string();

    // The city sees the district's count, and the district's units when it drills down.
    let (s, creg) = app.get(&city, "/api/v1/accountability").await;
    assert_eq!(s, 200, "{creg}");
    let d = creg["districts"].as_array().and_then(|d| d.iter().find(|d| d["code"] == "120114")).expect("district");
    assert_eq!(kind_count(d, "report_not_accepted"), 1, "{d}");
    let (_, creg) = app.get(&city, "/api/v1/accountability?district=120114").await;
    assert!(unit(&creg, &key).is_some(), "{creg}");

    // The unit's page names the child, never a bare id; the item links to its report.
    let (s, u) = app.get(&district, &format!("/api/v1/accountability/units/{key}")).await;
    assert_eq!(s, 200, "{u}");
    assert_eq!(u["kinds"][0]["kind"], "report_not_accepted");
    assert_eq!(u["kinds"][0]["items"][0]["about"], "张小明");
    assert_eq!(u["kinds"][0]["items"][0]["link"], format!("/reports/{report}"));
    let (s, u) = app.get(&district, &format!("/api/v1/accountability/units/{reporter_key}")).await;
    assert_eq!(s, 200, "{u}");
    assert_eq!(u["late_reports"][0]["id"], report, "{u}");
    assert_eq!(u["late_reports"][0]["about"], "张小明");

    // Another district: the unit is not found, the district is not found, its register empty.
    let (s, _) = app.get(&other, &format!("/api/v1/accountability/units/{key}")).await;
    assert_eq!(s, 404);
    let (s, _) = app.get(&other, "/api/v1/accountability?district=120114").await;
    assert_eq!(s, 404);
    let (_, oreg) = app.get(&other, "/api/v1/accountability").await;
    assert!(oreg["units"].as_array().is_some_and(Vec::is_empty), "{oreg}");
    assert!(oreg["late_reporters"].as_array().is_some_and(Vec::is_empty), "{oreg}");
    // Not civil affairs: refused.
    let (s, _) = app.get(&township, "/api/v1/accountability").await;
    assert_eq!(s, 403);

    // The page drills down the same way.
    let html = page(&app, &district, "/accountability").await;
    assert!(html.contains(&format!("/accountability/units/{key}")), "the unit's link");
    let html = page(&app, &district, &format!("/accountability/units/{key}")).await;
    assert!(html.contains("张小明"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_city_records_measures_and_commendations_append_only() {
    let app = TestApp::new().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let district = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let other = app.user("baodi", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120115").await;
    let city = app.user("shi", Role::CityOfficer, OrgType::CityCivilAffairs, "12").await;
    let child = app.create_child(&director, &child("李小红", VILLAGE_A, 2)).await;
    let report = file_report(&app, &director, child["id"].as_i64().expect("id"), "2026-11-29T03:00:00Z").await;
    app.clock.advance(Duration::hours(2));
    let key = format!("police-{TOWNSHIP_A}");

    // 追责 needs its reference: refused by field, nothing saved.
    let mut body = json!({"unit_key": key, "kind": "accountability", "on": "2026-11-29", "basis": "强制报告逾期未受理",
        "items": [format!("report_not_accepted:{report}")]});
    let (s, e) = app.post(&city, "/api/v1/accountability/measures", &body).await;
    assert_eq!(s, 422, "{e}");
    assert!(e.to_string().contains("reference"), "{e}");
    let (_, all) = app.get(&city, "/api/v1/accountability/measures").await;
    assert_eq!(all.as_array().map(Vec::len), Some(0), "nothing saved");
    // The district may read but not record.
    let (s, _) = app.post(&district, "/api/v1/accountability/measures", &body).await;
    assert_eq!(s, 403);

    body["reference"] = json!("津民督〔2026〕3号");
    let (s, m) = app.post(&city, "/api/v1/accountability/measures", &body).await;
    assert_eq!(s, 201, "{m}");
    assert_eq!(m["kind_label"], "追责");
    let first = m["id"].as_i64().expect("id");
    // A correction is a new entry naming the old one.
    let (s, m2) = app
        .post(
            &city,
            "/api/v1/accountability/measures",
            &json!({"unit_key": key, "kind": "interview", "on": "2026-11-29", "basis": "更正：改为约谈", "corrects": first}),
        )
        .await;
    assert_eq!(s, 201, "{m2}");
    let (s, u) = app.get(&district, &format!("/api/v1/accountability/units/{key}")).await;
    assert_eq!(s, 200, "{u}");
    let measures = u["measures"].as_array().expect("measures");
    assert_eq!(measures.len(), 2, "both kept: {u}");
    let old = measures.iter().find(|m| m["id"] == first).expect("the first");
    assert_eq!(old["corrected_by"][0], m2["id"]);
    assert_eq!(old["items"][0], format!("report_not_accepted:{report}"));
    let (_, om) = app.get(&other, "/api/v1/accountability/measures").await;
    assert_eq!(om.as_array().map(Vec::len), Some(0), "another district's measures are not listed");

    // A commendation of a person who reported, with its basis and report.
    let (s, e) = app
        .post(&city, "/api/v1/commendations", &json!({"kind": "reward", "on": "2026-11-29", "basis": "及时报告"}))
        .await;
    assert_eq!(s, 422);
    assert!(e.to_string().contains("reporter_name"), "{e}");
    let (s, c) = app
        .post(
            &city,
            "/api/v1/commendations",
            &json!({"kind": "praise", "reporter_name": "王大伯", "report_id": report, "on": "2026-11-29", "basis": "发现后及时报告"}),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    let (_, list) = app.get(&district, "/api/v1/commendations").await;
    assert_eq!(list[0]["reporter_name"], "王大伯", "{list}");
    assert_eq!(list[0]["kind_label"], "表扬");
    assert_eq!(list[0]["district_code"], "120114");

    // Both are in the audit log, recorded with the change.
    let actions: Vec<String> = app
        .store(|s| {
            s.pool.read(|c| c.query("SELECT action FROM audit_log ORDER BY id", &[], |r| r.text(0))).expect("audit")
        })
        .await;
    assert_eq!(actions.iter().filter(|a| *a == "record_measure").count(), 2, "{actions:?}");
    assert!(actions.iter().any(|a| a == "record_commendation"));
    assert!(actions.iter().any(|a| a == "view_accountability"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meeting_task_reaches_its_owner_and_the_citys_overdue_page() {
    let app = TestApp::new().await;
    let city = app.user("shi", Role::CityOfficer, OrgType::CityCivilAffairs, "12").await;
    let bureau = app.org("武清区教育局", OrgType::DistrictEducationBureau, "120114").await;
    let owner = app.named_user_in("jiaoyu", "赵科长", Role::EducationOfficer, bureau).await;
    let stranger = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let city_org = app.org("天津市民政局2", OrgType::CityCivilAffairs, "12").await;

    // A task without its person: refused by field, nothing saved.
    let mut body = json!({
        "held_on": "2026-11-28", "title": "2026年第四季度联席会议", "attendee_org_ids": [bureau, city_org],
        "decisions": [{"text": "摸清辍学留守儿童底数", "tasks": [{"org_id": bureau, "title": "核查辍学名单", "due_on": "2026-12-05"}]}],
    });
    let (s, e) = app.post(&city, "/api/v1/meetings", &body).await;
    assert_eq!(s, 422, "{e}");
    assert!(e.to_string().contains("decisions.0.tasks.0.owner_user_id"), "{e}");
    let (_, list) = app.get(&city, "/api/v1/meetings").await;
    assert_eq!(list.as_array().map(Vec::len), Some(0), "nothing saved");
    // A person of another unit is refused too.
    body["decisions"][0]["tasks"][0]["owner_user_id"] = json!(stranger.id);
    let (s, e) = app.post(&city, "/api/v1/meetings", &body).await;
    assert_eq!(s, 422, "{e}");

    // The form says the same and keeps what was typed.
    let res = reqwest::Client::new()
        .post(app.url("/meetings"))
        .bearer_auth(&city.token)
        .form(&[
            ("held_on", "2026-11-28"),
            ("title", "第四季度联席会议（表单）"),
            ("attendee_org_ids", &bureau.to_string()),
            ("decisions.0.text", "摸清底数"),
            ("decisions.0.tasks.0.org_id", &bureau.to_string()),
            ("decisions.0.tasks.0.title", "核查辍学名单"),
            ("decisions.0.tasks.0.due_on", "2026-12-05"),
        ])
        .send()
        .await
        .expect("form");
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("html");
    assert!(html.contains("第四季度联席会议（表单）") && html.contains("核查辍学名单"), "what was typed is kept");
    assert!(html.contains(shouhu_domain::msg::MEETING_TASK_OWNER_REQUIRED));
    let (_, list) = app.get(&city, "/api/v1/meetings").await;
    assert_eq!(list.as_array().map(Vec::len), Some(0), "nothing saved");

    body["decisions"][0]["tasks"][0]["owner_user_id"] = json!(owner.id);
    let (s, m) = app.post(&city, "/api/v1/meetings", &body).await;
    assert_eq!(s, 201, "{m}");
    let task = m["decisions"][0]["tasks"][0]["id"].as_i64().expect("task");
    assert_eq!(m["decisions"][0]["tasks"][0]["owner_name"], "赵科长");

    // On the owner's to-do list, not on anyone else's; not overdue yet.
    let (_, mine) = app.get(&owner, "/api/v1/tasks").await;
    let line = mine.as_array().and_then(|l| l.iter().find(|t| t["kind"] == "meeting_task_due")).expect("the task");
    assert_eq!(line["record_id"], task);
    assert_eq!(line["about"], "核查辍学名单");
    assert_eq!(line["overdue"], false);
    let (_, theirs) = app.get(&stranger, "/api/v1/tasks").await;
    assert!(!theirs.to_string().contains("meeting_task_due"), "{theirs}");
    // The owner is told, with a link to the task; nobody else is.
    let (_, notes) = app.get(&owner, "/api/v1/notifications").await;
    assert_eq!(notes["notifications"][0]["kind"], "meeting_task_due", "{notes}");
    assert_eq!(notes["notifications"][0]["link"], format!("/meeting-tasks/{task}"));
    let (_, notes) = app.get(&stranger, "/api/v1/notifications").await;
    assert!(!notes.to_string().contains("meeting_task_due"), "{notes}");
    let (s, _) = app.get(&stranger, &format!("/api/v1/meeting-tasks/{task}")).await;
    assert_eq!(s, 404);
    let (_, c) = app.get(&owner, "/api/v1/tasks/counts").await;
    assert_eq!(c["open"].as_i64(), Some(1), "{c}");
    let (_, overdue) = app.get(&city, "/api/v1/meeting-tasks/overdue").await;
    assert_eq!(overdue.as_array().map(Vec::len), Some(0));
    let html = page(&app, &owner, "/tasks").await;
    assert!(html.contains("核查辍学名单"), "the to-do page lists it");

    // Past its due day (2026-12-05 in China): overdue for the owner and on the city's page.
    app.clock.advance(Duration::days(7));
    let (_, mine) = app.get(&owner, "/api/v1/tasks?state=overdue").await;
    assert_eq!(mine[0]["record_id"], task, "{mine}");
    let (_, overdue) = app.get(&city, "/api/v1/meeting-tasks/overdue").await;
    assert_eq!(overdue[0]["id"], task, "{overdue}");
    assert_eq!(overdue[0]["owner_name"], "赵科长");
    let html = page(&app, &city, "/meetings").await;
    assert!(html.contains("核查辍学名单"));

    // Only the owner reports progress; the city sees it; done, it leaves both lists.
    let (s, _) = app
        .post(&city, &format!("/api/v1/meeting-tasks/{task}/progress"), &json!({"note": "x", "status": "done"}))
        .await;
    assert_eq!(s, 403);
    let (s, e) = app
        .post(&owner, &format!("/api/v1/meeting-tasks/{task}/progress"), &json!({"note": " ", "status": "done"}))
        .await;
    assert_eq!(s, 422, "{e}");
    let (s, d) = app
        .post(
            &owner,
            &format!("/api/v1/meeting-tasks/{task}/progress"),
            &json!({"note": "已核查12所学校", "status": "in_progress"}),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    let (_, overdue) = app.get(&city, "/api/v1/meeting-tasks/overdue").await;
    assert_eq!(overdue[0]["last_note"], "已核查12所学校");
    let (s, d) = app
        .post(
            &owner,
            &format!("/api/v1/meeting-tasks/{task}/progress"),
            &json!({"note": "全部核查完毕", "status": "done"}),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["status_label"], "已完成");
    assert_eq!(d["updates"].as_array().map(Vec::len), Some(2));
    let (_, overdue) = app.get(&city, "/api/v1/meeting-tasks/overdue").await;
    assert_eq!(overdue.as_array().map(Vec::len), Some(0));
    let (_, mine) = app.get(&owner, "/api/v1/tasks").await;
    assert!(!mine.to_string().contains("meeting_task_due"), "{mine}");
    let (_, city_view) = app.get(&city, &format!("/api/v1/meeting-tasks/{task}")).await;
    assert_eq!(city_view["status"], "done");
}

/// A page's HTML, signed in by the user's API token.
async fn page(app: &TestApp, user: &User, path: &str) -> String {
    let res = reqwest::Client::new().get(app.url(path)).bearer_auth(&user.token).send().await.expect("page");
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.expect("html")
}
