//! Entrusted care (委托监护) and the parents' contacts ([UPL] 22–23, [M19]): each rule at its
//! boundary, the scope, the refusals, the history and audit entries, and the ledger's filters.

use crate::harness::*;
use serde_json::{Value, json};
use shouhu_domain::role::{OrgType, Role};
use shouhu_store::db::Val;

/// A left-behind child (both parents away) with a grandmother entrusted, nothing recorded yet.
fn entrusted_child(name: &str, village: &str, seq: u32) -> Value {
    let mut f = child(name, village, seq);
    f["entrusted_guardian"] = json!({"name": "王桂兰", "relation": "paternal_grandparent"});
    f
}

fn warnings(rec: &Value) -> Vec<String> {
    rec["derived"]["warnings"].as_array().expect("warnings").iter().map(|w| w.as_str().unwrap_or("").into()).collect()
}

async fn scalar(app: &TestApp, sql: &'static str, params: Vec<Val>) -> i64 {
    app.store(move |s| s.pool.read(|c| c.query_opt(sql, &params, |r| r.i64(0))).expect("read").expect("a row")).await
}

async fn audit_count(app: &TestApp, action: &'static str, child: i64) -> i64 {
    scalar(app, "SELECT count(*) FROM audit_log WHERE action = $1 AND child_id = $2", vec![action.into(), child.into()])
        .await
}

/// Everything the care form sends, complete: both notices, the confirmation signed by both.
fn complete_care(version: &Value) -> Value {
    json!({
        "version": version,
        "confirmed_on": "2026-11-20",
        "care": {
            "school_notice_on": "2026-11-21",
            "school_notice_received_by": "刘老师（班主任）",
            "village_notice_on": "2026-11-22",
            "village_notice_received_by": "村委会文书",
            "signed_by_parents": true,
            "signed_by_carer": true,
            "guided_by": "赵敏",
            "past_offences": false,
            "past_offences_evidence": "派出所证明"
        }
    })
}

async fn ids_with(app: &TestApp, u: &User, warning: &str) -> Vec<i64> {
    let (status, page) = app.get(u, &format!("/api/v1/children?warning={warning}&per_page=100")).await;
    assert_eq!(status, 200, "{page}");
    let mut ids: Vec<i64> =
        page["rows"].as_array().expect("rows").iter().map(|r| r["id"].as_i64().expect("id")).collect();
    ids.sort();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entrusted_care_is_incomplete_until_both_notices_and_the_signed_confirmation_are_recorded() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let rec = app.create_child(&zhen, &entrusted_child("李小花", VILLAGE_A, 1)).await;
    let id = rec["id"].as_i64().expect("id");
    assert!(warnings(&rec).contains(&"entrusted_care_incomplete".to_string()), "{rec}");
    let path = format!("/api/v1/children/{id}/entrusted-care");

    // Everything but the village committee's notice: still incomplete.
    let mut body = complete_care(&rec["version"]);
    body["care"]["village_notice_on"] = Value::Null;
    body["care"]["village_notice_received_by"] = Value::Null;
    let (status, rec) = app.put(&director, &path, &body).await;
    assert_eq!(status, 200, "{rec}");
    assert!(warnings(&rec).contains(&"entrusted_care_incomplete".to_string()));
    assert_eq!(rec["file"]["entrusted_guardian"]["care"]["school_notice_received_by"], "刘老师（班主任）");

    // The notice recorded, but the carer has not signed: the confirmation is missing.
    let mut body = complete_care(&rec["version"]);
    body["care"]["signed_by_carer"] = json!(false);
    let (status, rec) = app.put(&director, &path, &body).await;
    assert_eq!(status, 200, "{rec}");
    assert!(warnings(&rec).contains(&"entrusted_care_incomplete".to_string()));

    // Signed by both: complete.
    let (status, rec) = app.put(&director, &path, &complete_care(&rec["version"])).await;
    assert_eq!(status, 200, "{rec}");
    assert!(!warnings(&rec).contains(&"entrusted_care_incomplete".to_string()), "{rec}");
    assert_eq!(rec["file"]["entrusted_guardian"]["confirmed_on"], "2026-11-20");

    // Each change is in the file's history and in the audit log.
    let (_, history) = app.get(&zhen, &format!("/api/v1/children/{id}/history")).await;
    let fields: Vec<&str> = history.as_array().expect("history").iter().filter_map(|h| h["field"].as_str()).collect();
    for f in [
        "entrusted_guardian.care.school_notice_on",
        "entrusted_guardian.care.village_notice_on",
        "entrusted_guardian.care.signed_by_carer",
        "entrusted_guardian.confirmed_on",
    ] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    assert_eq!(audit_count(&app, "record_entrusted_care", id).await, 3);

    // A change of the whole file (the file's form, the API's PUT) keeps the facts while the
    // carer stays the same person, and a new carer starts with none.
    let mut file = rec["file"].clone();
    file["entrusted_guardian"]["care"] = json!({});
    file["address"] = json!("二组3号");
    let (status, rec) =
        app.put(&zhen, &format!("/api/v1/children/{id}"), &json!({"version": rec["version"], "file": file})).await;
    assert_eq!(status, 200, "{rec}");
    assert_eq!(rec["file"]["entrusted_guardian"]["care"]["village_notice_received_by"], "村委会文书");
    assert!(!warnings(&rec).contains(&"entrusted_care_incomplete".to_string()));
    let mut file = rec["file"].clone();
    file["entrusted_guardian"]["name"] = json!("李四");
    let (status, rec) =
        app.put(&zhen, &format!("/api/v1/children/{id}"), &json!({"version": rec["version"], "file": file})).await;
    assert_eq!(status, 200, "{rec}");
    assert_eq!(rec["file"]["entrusted_guardian"]["care"]["village_notice_on"], Value::Null);
    assert!(warnings(&rec).contains(&"entrusted_care_incomplete".to_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exclusion_found_makes_the_carer_unsuitable() {
    let app = TestApp::new().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let rec = app.create_child(&director, &entrusted_child("李小花", VILLAGE_A, 1)).await;
    let id = rec["id"].as_i64().expect("id");
    let mut body = complete_care(&rec["version"]);
    body["care"]["vices"] = json!(true);
    body["care"]["vices_evidence"] = json!("长期酗酒，邻居证实");
    let (status, rec) = app.put(&director, &format!("/api/v1/children/{id}/entrusted-care"), &body).await;
    assert_eq!(status, 200, "{rec}");
    assert_eq!(warnings(&rec), ["entrusted_guardian_disqualified"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_name_the_field_and_write_nothing() {
    let app = TestApp::new().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let rec = app.create_child(&director, &entrusted_child("李小花", VILLAGE_A, 1)).await;
    let id = rec["id"].as_i64().expect("id");
    let path = format!("/api/v1/children/{id}/entrusted-care");
    let history = || scalar(&app, "SELECT count(*) FROM child_history WHERE child_id = $1", vec![id.into()]);
    let before = history().await;
    type Change = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Change)> = vec![
        (
            "entrusted_guardian.care.school_notice_received_by",
            Box::new(|b| b["care"]["school_notice_received_by"] = Value::Null),
        ),
        ("entrusted_guardian.care.village_notice_on", Box::new(|b| b["care"]["village_notice_on"] = Value::Null)),
        ("entrusted_guardian.care.school_notice_on", Box::new(|b| b["care"]["school_notice_on"] = json!("2026-11-30"))),
        (
            "entrusted_guardian.care.neglected_duties_evidence",
            Box::new(|b| b["care"]["neglected_duties"] = json!(true)),
        ),
        ("entrusted_guardian.confirmed_on", Box::new(|b| b["confirmed_on"] = Value::Null)),
    ];
    for (field, change) in cases {
        let mut body = complete_care(&rec["version"]);
        change(&mut body);
        let (status, err) = app.put(&director, &path, &body).await;
        assert_eq!(status, 422, "{field}: {err}");
        let named: Vec<&str> =
            err["fields"].as_array().expect("fields").iter().filter_map(|f| f["field"].as_str()).collect();
        assert_eq!(named, [field], "{err}");
    }
    // A file without a carer.
    let plain = app.create_child(&director, &child("张小明", VILLAGE_A, 2)).await;
    let pid = plain["id"].as_i64().expect("id");
    let (status, err) =
        app.put(&director, &format!("/api/v1/children/{pid}/entrusted-care"), &complete_care(&plain["version"])).await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(err["fields"][0]["field"], "entrusted_guardian");
    // A stale version.
    let mut body = complete_care(&rec["version"]);
    body["version"] = json!(99);
    assert_eq!(app.put(&director, &path, &body).await.0, 409);
    // Nothing was written.
    assert_eq!(history().await, before);
    let (_, now) = app.get(&director, &format!("/api/v1/children/{id}")).await;
    assert_eq!(now["version"], rec["version"]);
    assert_eq!(audit_count(&app, "record_entrusted_care", id).await, 0);

    // Contacts: each missing or wrong field by its name, nothing written.
    let contacts = format!("/api/v1/children/{id}/contacts");
    for (body, field) in [
        (json!({"channel": "phone", "who": "father"}), "contact_on"),
        (json!({"contact_on": "2026-11-28", "who": "father"}), "channel"),
        (json!({"contact_on": "2026-11-28", "channel": "phone"}), "who"),
        (json!({"contact_on": "2026-11-30", "channel": "phone", "who": "father"}), "contact_on"),
        (json!({"contact_on": "2016-05-03", "channel": "phone", "who": "father"}), "contact_on"),
        // 未说明 is a visit's told contact only: one recorded on its own names the parent.
        (json!({"contact_on": "2026-11-28", "channel": "phone", "who": "unstated"}), "who"),
    ] {
        let (status, err) = app.post(&director, &contacts, &body).await;
        assert_eq!(status, 422, "{body}: {err}");
        assert_eq!(err["fields"][0]["field"], field, "{err}");
    }
    assert_eq!(scalar(&app, "SELECT count(*) FROM parents_contacts", vec![]).await, 0);
    assert_eq!(audit_count(&app, "record_parents_contact", id).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_village_sees_nothing_and_readers_do_not_write() {
    let app = TestApp::new().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let other = app.user("linzhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A2).await;
    let police = app.user("jing", Role::Police, OrgType::PoliceStation, TOWNSHIP_A).await;
    let rec = app.create_child(&director, &entrusted_child("李小花", VILLAGE_A, 1)).await;
    let id = rec["id"].as_i64().expect("id");
    let missing = i64::from(i32::MAX);
    // Another village's director: exactly as for a file that does not exist.
    for path in [format!("/api/v1/children/{id}/contacts"), format!("/api/v1/children/{missing}/contacts")] {
        let (status, body) = app.get(&other, &path).await;
        assert_eq!(status, 404, "{body}");
    }
    let (s1, b1) =
        app.put(&other, &format!("/api/v1/children/{id}/entrusted-care"), &complete_care(&rec["version"])).await;
    let (s2, b2) =
        app.put(&other, &format!("/api/v1/children/{missing}/entrusted-care"), &complete_care(&rec["version"])).await;
    assert_eq!((s1, &b1), (s2, &b2));
    assert_eq!(s1, 404);
    let contact = json!({"contact_on": "2026-11-28", "channel": "phone", "who": "father"});
    let (s1, b1) = app.post(&other, &format!("/api/v1/children/{id}/contacts"), &contact).await;
    let (s2, b2) = app.post(&other, &format!("/api/v1/children/{missing}/contacts"), &contact).await;
    assert_eq!((s1, &b1), (s2, &b2));
    assert_eq!(s1, 404);
    // The township's police read the log, and may not write it.
    let (status, log) = app.get(&police, &format!("/api/v1/children/{id}/contacts")).await;
    assert_eq!(status, 200, "{log}");
    assert_eq!(app.post(&police, &format!("/api/v1/children/{id}/contacts"), &contact).await.0, 403);
    assert_eq!(
        app.put(&police, &format!("/api/v1/children/{id}/entrusted-care"), &complete_care(&rec["version"])).await.0,
        403
    );
    assert_eq!(scalar(&app, "SELECT count(*) FROM parents_contacts", vec![]).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parents_contact_lapses_after_seven_days_and_the_ledger_filters_exactly_the_flagged_files() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    // Today is 2026-11-29. A: contact 7 days ago; B: 8 days ago; C: none recorded (not
    // flagged: the log says nothing yet); D: not left-behind, contact 20 days ago.
    let mut ids = Vec::new();
    for (i, name) in ["甲", "乙", "丙"].iter().enumerate() {
        let rec = app.create_child(&zhen, &entrusted_child(name, VILLAGE_A, i as u32 + 1)).await;
        ids.push(rec["id"].as_i64().expect("id"));
    }
    let mut home = child("丁", VILLAGE_A, 4);
    home["mother"]["away_for_work"] = json!(false);
    let d = app.create_child(&zhen, &home).await["id"].as_i64().expect("id");
    let (a, b, c) = (ids[0], ids[1], ids[2]);
    for (id, date, channel, who) in [
        (a, "2026-11-22", "video", "mother"),
        (b, "2026-11-21", "phone", "both"),
        (b, "2026-11-15", "home_visit", "father"),
        (d, "2026-11-09", "phone", "father"),
    ] {
        let (status, k) = app
            .post(
                &director,
                &format!("/api/v1/children/{id}/contacts"),
                &json!({"contact_on": date, "channel": channel, "who": who}),
            )
            .await;
        assert_eq!(status, 201, "{k}");
        assert_eq!(k["recorded_by"], "测试用户（zhuren）");
    }
    let (_, log) = app.get(&zhen, &format!("/api/v1/children/{a}/contacts")).await;
    assert_eq!((log["last_contact_on"].clone(), log["lapsed"].clone()), (json!("2026-11-22"), json!(false)), "{log}");
    let (_, log) = app.get(&zhen, &format!("/api/v1/children/{b}/contacts")).await;
    assert_eq!((log["last_contact_on"].clone(), log["lapsed"].clone()), (json!("2026-11-21"), json!(true)), "{log}");
    assert_eq!(log["contacts"].as_array().map(Vec::len), Some(2), "newest first, both kept");
    assert_eq!(log["contacts"][0]["contact_on"], "2026-11-21");
    assert_eq!(ids_with(&app, &zhen, "parents_contact_lapsed").await, [b]);
    let (_, rec) = app.get(&zhen, &format!("/api/v1/children/{c}")).await;
    assert!(!warnings(&rec).contains(&"parents_contact_lapsed".to_string()), "{rec}");
    let (_, rec) = app.get(&zhen, &format!("/api/v1/children/{a}")).await;
    assert!(!warnings(&rec).contains(&"parents_contact_lapsed".to_string()));
    let (_, rec) = app.get(&zhen, &format!("/api/v1/children/{d}")).await;
    assert!(!warnings(&rec).contains(&"parents_contact_lapsed".to_string()), "not left-behind: {rec}");
    assert_eq!(audit_count(&app, "record_parents_contact", b).await, 2);

    // A day later A's contact is 8 days old: lapsed, without anything being written.
    app.clock.advance(chrono::Duration::days(1));
    let mut want = vec![a, b];
    want.sort();
    assert_eq!(ids_with(&app, &zhen, "parents_contact_lapsed").await, want);
    // The export reads the same selection (decision 74).
    let exported = app
        .store(|s| {
            let filter = shouhu_store::children::LedgerFilter {
                warning: Some(shouhu_domain::child::Warning::ParentsContactLapsed),
                ..Default::default()
            };
            let scope = shouhu_domain::role::Scope::Region(TOWNSHIP_A.into());
            let mut ids: Vec<i64> =
                s.children_batch(&scope, &filter, None, 100).expect("batch").iter().map(|r| r.id).collect();
            ids.sort();
            ids
        })
        .await;
    assert_eq!(exported, want);
    let (_, rec) = app.get(&zhen, &format!("/api/v1/children/{a}")).await;
    assert!(warnings(&rec).contains(&"parents_contact_lapsed".to_string()));
    // An earlier contact recorded late does not move the last contact back.
    app.post(
        &director,
        &format!("/api/v1/children/{a}/contacts"),
        &json!({"contact_on": "2026-11-01", "channel": "phone", "who": "father"}),
    )
    .await;
    let (_, log) = app.get(&zhen, &format!("/api/v1/children/{a}/contacts")).await;
    assert_eq!(log["last_contact_on"], "2026-11-22");

    // The incomplete-care filter: every file with a carer and no papers (A, B, C), not D.
    let mut want = vec![a, b, c];
    want.sort();
    assert_eq!(ids_with(&app, &zhen, "entrusted_care_incomplete").await, want);
    let (_, rec) = app.get(&zhen, &format!("/api/v1/children/{a}")).await;
    app.put(&director, &format!("/api/v1/children/{a}/entrusted-care"), &complete_care(&rec["version"])).await;
    let mut want = vec![b, c];
    want.sort();
    assert_eq!(ids_with(&app, &zhen, "entrusted_care_incomplete").await, want);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hooks_record_a_contact_in_the_callers_transaction_and_refresh_the_last_contact() {
    let app = TestApp::new().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let other = app.user("linzhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A2).await;
    let id = app.create_child(&director, &entrusted_child("李小花", VILLAGE_A, 1)).await["id"].as_i64().expect("id");
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
    let (did, oid) = (director.id, other.id);
    let got = app
        .store(move |s| {
            let p = s.principal(did).expect("principal");
            let outsider = s.principal(oid).expect("principal");
            use shouhu_domain::entrusted::{ContactChannel, ContactWho};
            // Another village: not found, and the visit's transaction rolls back with it.
            let out = s.pool.write(|c| {
                s.record_contact(
                    c,
                    &outsider,
                    id,
                    day("2026-11-27"),
                    ContactChannel::Phone,
                    ContactWho::Mother,
                    "visit:7",
                )
            });
            assert!(matches!(out, Err(shouhu_store::StoreError::NotFound)), "{out:?}");
            let k = s
                .pool
                .write(|c| {
                    s.record_contact(c, &p, id, day("2026-11-27"), ContactChannel::Phone, ContactWho::Mother, "visit:7")
                })
                .expect("recorded");
            // The recompute's hook: the last contact made to agree with the log again.
            s.pool
                .write(|c| c.exec("UPDATE children SET parents_contact_on = NULL WHERE id = $1", &[id.into()]))
                .expect("cleared");
            let lapsed_now = s
                .pool
                .write(|c| shouhu_store::entrusted::refresh_contact_flag(c, id, day("2026-11-29")))
                .expect("refresh");
            let lapsed_later = s
                .pool
                .write(|c| shouhu_store::entrusted::refresh_contact_flag(c, id, day("2026-12-05")))
                .expect("refresh");
            (k.source, lapsed_now, lapsed_later)
        })
        .await;
    assert_eq!(got, ("visit:7".to_string(), false, true));
    let (_, log) = app.get(&director, &format!("/api/v1/children/{id}/contacts")).await;
    assert_eq!(log["last_contact_on"], "2026-11-27");
    assert_eq!(log["contacts"][0]["source"], "visit:7");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_show_the_checklist_and_refused_forms_again_with_what_was_typed() {
    let app = TestApp::new().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    app.user("jing", Role::Police, OrgType::PoliceStation, TOWNSHIP_A).await;
    let rec = app.create_child(&director, &entrusted_child("李小花", VILLAGE_A, 1)).await;
    let id = rec["id"].as_i64().expect("id");
    let (c, csrf) = crate::pages::browser(&app, "zhuren").await;
    let html = c.get(app.url(&format!("/children/{id}"))).send().await.expect("page").text().await.expect("html");
    assert!(html.contains("id=\"care-status\">手续不全"), "the checklist says what is missing");
    assert!(html.contains("id=\"care-school_notice\" data-present=\"false\""));
    assert!(html.contains("id=\"record-entrusted-care\""));

    // The care form: a notice dated without who received it is refused by its field.
    let form = c.get(app.url(&format!("/children/{id}/entrusted-care"))).send().await.expect("form");
    assert_eq!(form.status(), 200);
    let version = rec["version"].to_string();
    let sent = [
        ("csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("confirmed_on", "2026-11-20"),
        ("signed_by_parents", "1"),
        ("signed_by_carer", "1"),
        ("guided_by", "赵敏"),
        ("school_notice_on", "2026-11-21"),
        ("school_notice_received_by", ""),
        ("village_notice_on", "2026-11-22"),
        ("village_notice_received_by", "村委会文书"),
        ("past_offences", "yes"),
        ("past_offences_evidence", ""),
    ];
    let res = c.post(app.url(&format!("/children/{id}/entrusted-care"))).form(&sent).send().await.expect("post");
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("html");
    assert!(html.contains("id=\"e-school_notice_received_by\""), "{html}");
    assert!(html.contains("id=\"e-past_offences_evidence\""));
    assert!(html.contains("value=\"村委会文书\""), "what was typed is kept");
    assert_eq!(audit_count(&app, "record_entrusted_care", id).await, 0);
    let mut sent = sent.to_vec();
    sent[7] = ("school_notice_received_by", "刘老师");
    sent[10] = ("past_offences", "no");
    let res = c.post(app.url(&format!("/children/{id}/entrusted-care"))).form(&sent).send().await.expect("post");
    assert_eq!(res.status(), 303);
    let html = c.get(app.url(&format!("/children/{id}"))).send().await.expect("page").text().await.expect("html");
    assert!(html.contains("id=\"care-status\">手续齐全"), "complete once saved");
    assert!(html.contains("刘老师"));

    // The contact form on the file's page: a date in the future is refused beside its field.
    let contact = |date: &'static str| {
        c.post(app.url(&format!("/children/{id}/contacts")))
            .form(&[("csrf", csrf.as_str()), ("contact_on", date), ("channel", "phone"), ("who", "mother")])
            .send()
    };
    let res = contact("2026-11-30").await.expect("post");
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("html");
    assert!(html.contains("id=\"e-contact_on\""), "{html}");
    assert!(html.contains("value=\"2026-11-30\""), "what was typed is kept");
    assert_eq!(scalar(&app, "SELECT count(*) FROM parents_contacts", vec![]).await, 0);
    let res = contact("2026-11-28").await.expect("post");
    assert_eq!(res.status(), 303);
    let html = c.get(app.url(&format!("/children/{id}"))).send().await.expect("page").text().await.expect("html");
    assert!(html.contains("id=\"last-contact\">2026-11-28"));

    // A reader sees the checklist and the log, without the forms.
    let (p, _) = crate::pages::browser(&app, "jing").await;
    let html = p.get(app.url(&format!("/children/{id}"))).send().await.expect("page").text().await.expect("html");
    assert!(html.contains("id=\"care-status\"") && html.contains("id=\"last-contact\""));
    assert!(!html.contains("id=\"contact-form\"") && !html.contains("id=\"record-entrusted-care\""));
    assert_eq!(p.get(app.url(&format!("/children/{id}/entrusted-care"))).send().await.expect("form").status(), 403);
}

/// A visit that hears when the parents last reached the child writes that contact into the
/// log in its own transaction (decision 113): the lapse follows it, a correction that says
/// the same adds nothing, and a district officer's visit, though that role keeps no contact
/// log by hand, is not refused for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visit_writes_the_contact_the_family_told_into_the_log() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let qu = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, &TOWNSHIP_A[..6]).await;
    let id = app.create_child(&zhen, &entrusted_child("甲", VILLAGE_A, 1)).await["id"].as_i64().expect("id");
    // Today is 2026-11-29: an old contact by hand, so the file is flagged.
    let (status, _) = app
        .post(
            &director,
            &format!("/api/v1/children/{id}/contacts"),
            &json!({"contact_on": "2026-11-10", "channel": "phone", "who": "father"}),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(ids_with(&app, &zhen, "parents_contact_lapsed").await, [id]);

    let visit = json!({"visited_on": "2026-11-29", "kind": "home", "child_seen": true, "lives_with": "entrusted_carer",
        "carer_state": "capable", "safety": "safe", "health": "good", "schooling": "attending", "mood": "good",
        "parents_last_contact_on": "2026-11-27", "parents_contact_channel": "message"});
    let (status, v) = app.post(&director, &format!("/api/v1/children/{id}/visits"), &visit).await;
    assert_eq!(status, 201, "{v}");
    let (_, log) = app.get(&zhen, &format!("/api/v1/children/{id}/contacts")).await;
    assert_eq!((log["last_contact_on"].clone(), log["lapsed"].clone()), (json!("2026-11-27"), json!(false)), "{log}");
    assert_eq!(log["contacts"][0]["channel"], "message");
    assert_eq!(log["contacts"][0]["who"], "unstated");
    assert!(ids_with(&app, &zhen, "parents_contact_lapsed").await.is_empty());

    // A correction that repeats the contact adds no second line.
    let vid = v["id"].as_i64().expect("visit id");
    let mut corrected = visit.clone();
    corrected["mood"] = json!("low");
    let body = json!({"version": v["version"], "visit": corrected});
    let (status, c) = app.put(&director, &format!("/api/v1/visits/{vid}"), &body).await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(scalar(&app, "SELECT count(*) FROM parents_contacts", vec![]).await, 2);

    // The district may record a visit; the contact it heard is logged too.
    let visit = json!({"visited_on": "2026-11-29", "kind": "phone", "child_seen": false, "lives_with": "entrusted_carer",
        "carer_state": "capable", "safety": "safe", "health": "good", "schooling": "attending", "mood": "good",
        "parents_last_contact_on": "2026-11-28", "parents_contact_channel": "video"});
    let (status, v) = app.post(&qu, &format!("/api/v1/children/{id}/visits"), &visit).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(scalar(&app, "SELECT count(*) FROM parents_contacts", vec![]).await, 3);
}
