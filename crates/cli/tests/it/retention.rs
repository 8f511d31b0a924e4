//! Retention (decision 94): a closed file whose child turned 18 more than
//! `retention.years_after_adulthood` years ago loses what identifies the child and the
//! family, in the registry and in the reports' database, on the day after the period and
//! not the day before; the reports and cases stay, counted.

use crate::harness::*;
use chrono::{TimeZone, Utc};
use serde_json::json;
use shouhu_domain::retention::ANONYMISED;
use shouhu_domain::role::{OrgType, Role};
use shouhu_store::Store;
use shouhu_store::retention::{BATCH, Counts, DistrictCount, retention_actor};

fn noon_in_china(y: i32, m: u32, d: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 4, 0, 0).single().expect("valid")
}

fn run(s: &Store, apply: bool) -> Counts {
    s.retention(&retention_actor(), apply, BATCH, |_| true).expect("retention")
}

fn one(files: u64, reports: u64, cases: u64) -> Counts {
    Counts::from([("120114".to_string(), DistrictCount { files, reports, cases })])
}

/// Born 2005-06-10: 18 on 2023-06-11 (the day after the birthday, the default rule), three
/// years after that on 2026-06-11.
fn file(name: &str, birth: &str, seq: u32) -> serde_json::Value {
    let mut f = child(name, VILLAGE_A, seq);
    f["birth_date"] = json!(birth);
    f["id_number"] = json!(id_for("120114", birth, true, seq));
    f["notes"] = json!("父亲常在苏州，电话13800001111");
    f
}

async fn text(app: &TestApp, registry: bool, sql: &'static str, id: i64) -> Vec<Option<String>> {
    app.store(move |s| {
        let pool = if registry { &s.pool } else { &s.reports };
        pool.read(|c| c.query(sql, &[id.into()], |r| r.opt_text(0))).expect("query")
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_file_is_anonymised_the_day_after_its_period_with_its_reports_and_cases() {
    let app = TestApp::new().await;
    app.clock.set(noon_in_china(2020, 1, 6));
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let police = app.user("paichusuo", Role::Police, OrgType::PoliceStation, TOWNSHIP_A).await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let due = app.create_child(&township, &file("张小明", "2005-06-10", 1)).await;
    let later = app.create_child(&township, &file("李小红", "2005-06-13", 2)).await;
    let open = app.create_child(&township, &file("王小刚", "2005-06-10", 3)).await;
    let id = due["id"].as_i64().expect("id");
    let id_number = due["file"]["id_number"].as_str().expect("id number").to_string();

    let (s, r) = app
        .post(
            &director,
            "/api/v1/reports",
            &json!({
                "situations": ["living_alone"],
                "discovered_at": "2020-01-06T02:00:00Z",
                "child_id": id,
                "description": "张小明独自在家三天",
                "contact_name": "王老师",
                "contact_phone": "13912345678"
            }),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    let report = r["id"].as_i64().expect("report id");
    // A visit found the child alone: its free text names people (issue 17).
    let visit = json!({"visited_on": "2020-01-06", "kind": "home", "child_seen": true, "lives_with": "alone",
        "lives_with_note": "张建华的侄子", "carer_state": "absent", "safety": "hazard", "health": "good",
        "schooling": "attending", "mood": "low", "notes": "张小明说父亲张建华很久没回家", "report_receipt": r["receipt"]});
    let (s, v) = app.post(&director, &format!("/api/v1/children/{id}/visits"), &visit).await;
    assert_eq!(s, 201, "{v}");
    let (s, case) = app.post(&township, "/api/v1/assessments", &json!({"child_id": id})).await;
    assert_eq!(s, 201, "{case}");
    let case = case["id"].as_i64().expect("case id");
    let conduct = json!({"guardian": "张建华", "standing": "father", "date": "2020-01-05", "kind": "incident",
        "conduct": "abuse", "evidence": "派出所询问笔录：张建华殴打"});
    let (s, r) = app.post(&police, &format!("/api/v1/assessments/{case}/conduct"), &conduct).await;
    assert_eq!(s, 201, "{r}");
    for f in [&due, &later] {
        let (s, r) = app
            .post(
                &township,
                &format!("/api/v1/children/{}/close", f["id"]),
                &json!({"version": f["version"], "reason": "other", "note": "随母迁往广州市白云区"}),
            )
            .await;
        assert_eq!(s, 200, "{r}");
    }

    // The day before the three years are over, and the day they are: nothing is due.
    for day in [10, 11] {
        app.clock.set(noon_in_china(2026, 6, day));
        assert_eq!(app.store(|s| run(s, false)).await, Counts::new(), "2026-06-{day}");
        assert_eq!(app.store(|s| run(s, true)).await, Counts::new(), "2026-06-{day}");
    }
    // The day after: the dry run counts the file, its report and its case, and changes nothing.
    app.clock.set(noon_in_china(2026, 6, 12));
    assert_eq!(app.store(|s| run(s, false)).await, one(1, 1, 1));
    let names = "SELECT name FROM children WHERE id = $1";
    assert_eq!(text(&app, true, names, id).await, [Some("张小明".to_string())], "a dry run changes nothing");

    assert_eq!(app.store(|s| run(s, true)).await, one(1, 1, 1));
    assert_eq!(app.store(|s| run(s, true)).await, Counts::new(), "done once, not again");

    // The registry: the file, its history and its search terms.
    assert_eq!(text(&app, true, names, id).await, [Some(ANONYMISED.to_string())]);
    assert_eq!(text(&app, true, "SELECT id_number FROM children WHERE id = $1", id).await, [None]);
    assert_eq!(text(&app, true, "SELECT close_note FROM children WHERE id = $1", id).await, [None]);
    let city = app.user("shi", Role::CityOfficer, OrgType::CityCivilAffairs, "12").await;
    let (s, f) = app.get(&city, &format!("/api/v1/children/{id}")).await;
    assert_eq!(s, 200, "the file stays: {f}");
    let shown = f.to_string();
    for gone in ["张小明", "张建华", "父亲", "13812345678", "三组12号", "苏州", &id_number] {
        assert!(!shown.contains(gone), "{gone} still in the file: {shown}");
    }
    assert_eq!(f["file"]["birth_date"], "2005-06-10", "what the statistics count stays");
    assert_eq!(f["file"]["village_code"], VILLAGE_A);
    assert_eq!(f["status"]["reason"], "other");
    let (_, history) = app.get(&city, &format!("/api/v1/children/{id}/history")).await;
    let history = history.to_string();
    for gone in ["张小明", "随母", "广州", &id_number] {
        assert!(!history.contains(gone), "{gone} still in the history: {history}");
    }
    assert!(history.contains("已按保存期限匿名化"), "{history}");
    let (s, visits) = app.get(&city, &format!("/api/v1/children/{id}/visits")).await;
    assert_eq!((s, visits.as_array().map(Vec::len)), (200, Some(1)), "the visit stays: {visits}");
    assert_eq!(visits[0]["visit"]["visited_on"], "2020-01-06", "with its date and code lists");
    let shown = visits.to_string();
    for gone in ["张小明", "张建华", "侄子"] {
        assert!(!shown.contains(gone), "{gone} still in the visit: {shown}");
    }
    for q in ["张小明", "zhangxiaoming", &id_number, &id_number[12..]] {
        let (_, found) = app.get(&city, &format!("/api/v1/children?q={q}")).await;
        assert_eq!(found["rows"].as_array().map(Vec::len), Some(0), "{q}: {found}");
    }
    let audit = app
        .store(move |s| {
            s.pool.read(|c| {
                c.query(
                    "SELECT detail FROM audit_log WHERE action = 'retention_anonymise' AND child_id = $1",
                    &[id.into()],
                    |r| r.text(0),
                )
            })
        })
        .await
        .expect("audit");
    assert_eq!(audit.len(), 1, "one audit entry for the file");
    assert!(!audit[0].contains(&id_number));
    // Six years on, the township's token of 2020 has long expired: a new colleague asks.
    let township = app.user("zhen2", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let (s, r) = app.post(&township, &format!("/api/v1/children/{id}/reopen"), &json!({"version": f["version"]})).await;
    assert_eq!(s, 409, "an anonymised file is not reopened: {r}");

    // The reports' database: rows and codes stay, names, contact and free text go.
    let report_text = "SELECT coalesce(child_name, '') || '|' || description || '|' || coalesce(contact_name, '') || '|' \
        || coalesce(contact_phone, '') || '|' || coalesce(reporter_name, '') || '|' || situations FROM reports WHERE id = $1";
    let row = text(&app, false, report_text, report).await;
    assert_eq!(row, [Some(format!("|{ANONYMISED}||||living_alone"))]);
    let filed =
        text(&app, false, "SELECT user_name FROM report_events WHERE report_id = $1 AND kind = 'filed'", report).await;
    assert_eq!(filed, [Some(ANONYMISED.to_string())], "the reporter's name goes from the timeline");
    let conduct = text(
        &app,
        false,
        "SELECT guardian || '|' || evidence || '|' || conduct FROM conduct_records WHERE assessment_id = $1",
        case,
    )
    .await;
    assert_eq!(conduct, [Some(format!("{ANONYMISED}|{ANONYMISED}|abuse"))]);
    assert_eq!(text(&app, false, "SELECT child_name FROM assessments WHERE id = $1", case).await, [None]);

    // The other files: one due three days later, one still open.
    let later_id = later["id"].as_i64().expect("id");
    assert_eq!(text(&app, true, names, later_id).await, [Some("李小红".to_string())]);
    app.clock.set(noon_in_china(2026, 6, 14));
    assert_eq!(app.store(|s| run(s, false)).await, Counts::new(), "2026-06-14 is its last day");
    app.clock.set(noon_in_china(2026, 6, 15));
    assert_eq!(app.store(|s| run(s, true)).await, one(1, 0, 0));
    assert_eq!(text(&app, true, names, later_id).await, [Some(ANONYMISED.to_string())]);
    let open_id = open["id"].as_i64().expect("id");
    assert_eq!(text(&app, true, names, open_id).await, [Some("王小刚".to_string())], "an open file is kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_run_is_taken_up_where_it_stopped() {
    let app = TestApp::new().await;
    app.clock.set(noon_in_china(2020, 1, 6));
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let mut ids = Vec::new();
    for (i, name) in ["赵一", "赵二", "赵三"].into_iter().enumerate() {
        let f = app.create_child(&township, &file(name, "2004-02-01", i as u32 + 10)).await;
        let (s, r) = app
            .post(
                &township,
                &format!("/api/v1/children/{}/close", f["id"]),
                &json!({"version": 1, "reason": "moved_out"}),
            )
            .await;
        assert_eq!(s, 200, "{r}");
        ids.push(f["id"].as_i64().expect("id"));
    }
    app.clock.set(noon_in_china(2026, 11, 29));
    // Stopped after its first batch of one file.
    let first = app.store(|s| s.retention(&retention_actor(), true, 1, |_| false).expect("retention")).await;
    assert_eq!(first, one(1, 0, 0));
    let left = app.store(|s| run(s, false)).await;
    assert_eq!(left, one(2, 0, 0), "two files still to do");
    assert_eq!(app.store(|s| run(s, true)).await, one(2, 0, 0));
    for id in ids {
        assert_eq!(
            text(&app, true, "SELECT name FROM children WHERE id = $1", id).await,
            [Some(ANONYMISED.to_string())]
        );
    }
}
