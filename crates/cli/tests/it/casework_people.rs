//! Who the casework pages name, and to whom (issue 16, "What people saw on the pages"): the
//! child by name on the assessments, the case and the grounds list; the receiving unit of a
//! referral sees the child, the village, the sender and the case's number, and no more than
//! `assessment::referral_discloses` allows; the 评估帮扶 menu only for those who assess; the
//! report form starts at "now".

use crate::harness::*;
use crate::pages::browser;
use serde_json::{Value, json};
use shouhu_domain::role::{OrgType, Role};

async fn page(c: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let res = c.get(app.url(path)).send().await.expect("get");
    (res.status().as_u16(), res.text().await.expect("html"))
}

async fn org_named(app: &TestApp, name: &'static str) -> i64 {
    app.store(move |s| s.list_orgs().expect("orgs").into_iter().find(|o| o.name == name).map(|o| o.id))
        .await
        .expect("the organisation")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn casework_names_the_child_and_a_referral_tells_its_receiver_who_where_and_from_whom() {
    let app = TestApp::new().await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let police = app.user("paichusuo", Role::Police, OrgType::PoliceStation, TOWNSHIP_A).await;
    app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let relief = app.user("jiuzhu", Role::SocialWorker, OrgType::ReliefAgency, "120114").await;
    let child = app.create_child(&township, &child("张小明", VILLAGE_A, 1)).await;
    let (s, d) = app.post(&township, "/api/v1/assessments", &json!({"child_id": child["id"]})).await;
    assert_eq!(s, 201, "{d}");
    let id = d["id"].as_i64().expect("id");
    assert_eq!(d["child_name"], "张小明", "the case keeps the child's name: {d}");
    let abuse = json!({"guardian": "张某", "standing": "father", "date": "2026-11-29", "kind": "incident",
        "conduct": "abuse", "serious_harm": true, "evidence": "医院诊断证明"});
    let (s, r) = app.post(&police, &format!("/api/v1/assessments/{id}/conduct"), &abuse).await;
    assert_eq!(s, 201, "{r}");

    // Those whose casework covers the case see the child by name.
    let (t, _) = browser(&app, "zhen").await;
    let (_, list) = page(&t, &app, "/assessments").await;
    assert!(list.contains(&format!("href=\"/assessments/{id}\" class=\"name\">张小明</a>")), "{list}");
    let (_, html) = page(&t, &app, &format!("/assessments/{id}")).await;
    assert!(html.contains("<span id=\"assessment-child-name\">张小明</span>"), "the case's heading names the child");
    let (d, _) = browser(&app, "qu").await;
    let (_, grounds) = page(&d, &app, "/revocation-grounds").await;
    assert!(grounds.contains(&format!("href=\"/assessments/{id}\" class=\"child\">张小明</a>")), "{grounds}");

    // Two referrals: one to civil affairs (whose casework covers the case), one to a relief
    // agency (which has no casework at all).
    for (org, note) in [("qu的单位", "父亲无固定收入"), ("jiuzhu的单位", "需要临时救助")] {
        let org = org_named(&app, org).await;
        let body = json!({"kind": "minimum_living", "receiving_org_id": org, "note": note});
        let (s, r) = app.post(&township, &format!("/api/v1/assessments/{id}/referrals"), &body).await;
        assert_eq!(s, 201, "{r}");
    }
    let village = app.store(|s| s.regions.path_name(VILLAGE_A)).await;

    let (_, received) = app.get(&relief, "/api/v1/referrals").await;
    let r = &received[0];
    assert_eq!(r["child_name"], "张小明", "{r}");
    assert_eq!(r["village_name"], village.as_str(), "{r}");
    assert_eq!((r["sender_org_name"].as_str(), r["assessment_id"].as_i64()), (Some("zhen的单位"), Some(id)), "{r}");
    assert!(r["sent_by"].as_str().is_some_and(|s| s.contains("zhen")), "who sent it: {r}");
    assert_eq!(r["case_visible"], false, "a relief agency has no casework: {r}");
    for hidden in ["risk_level", "answers", "conduct", "grounds", "child_id", "report_id", "participants"] {
        assert!(r.get(hidden).is_none(), "{hidden} is not passed on: {r}");
    }

    let (a, _) = browser(&app, "jiuzhu").await;
    let (s, html) = page(&a, &app, "/referrals").await;
    assert_eq!(s, 200);
    let card = section(&html, "class=\"card item referral\"");
    assert!(card.contains("<strong>张小明</strong>"), "the child: {card}");
    assert!(card.contains(&village), "the village: {card}");
    assert!(card.contains("class=\"referral-sender\">zhen的单位"), "the sender: {card}");
    assert!(card.contains(&format!("<span class=\"mono\">{id}</span>")), "the case's number: {card}");
    assert!(!card.contains("href=\"/assessments/"), "no link to a case it cannot open: {card}");
    assert!(!html.contains("医院诊断证明") && !html.contains("实施家庭暴力"), "nothing of the conduct record");
    assert_eq!(page(&a, &app, &format!("/assessments/{id}")).await.0, 404, "nor the case itself");

    let (_, html) = page(&d, &app, "/referrals").await;
    assert!(html.contains("<strong>张小明</strong>") && html.contains("class=\"referral-sender\">zhen的单位"));
    assert!(html.contains(&format!("href=\"/assessments/{id}\" class=\"case-link\"")), "civil affairs may open it");
}

/// The part of `html` from the first `marker` to the end of its list item.
fn section<'a>(html: &'a str, marker: &str) -> &'a str {
    let start = html.find(marker).unwrap_or_else(|| panic!("{marker} in the page"));
    let rest = &html[start..];
    &rest[..rest.find("</li>").unwrap_or(rest.len())]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_opened_from_a_report_is_named_and_the_police_reach_it_from_the_report_not_the_menu() {
    let app = TestApp::new().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let police = app.user("paichusuo", Role::Police, OrgType::PoliceStation, TOWNSHIP_A).await;
    app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let child = app.create_child(&director, &child("李小红", VILLAGE_A, 2)).await;
    let report = json!({"situations": ["living_alone"], "discovered_at": "2026-11-29T02:00:00Z",
        "child_id": child["id"], "description": "孩子独自在家"});
    let (s, r) = app.post(&director, "/api/v1/reports", &report).await;
    assert_eq!(s, 201, "{r}");
    let report = r["id"].as_i64().expect("id");
    let mut handed: Value = Value::Null;
    for (step, extra) in [
        ("accepted", json!({})),
        ("dispatched", json!({})),
        ("on_scene", json!({})),
        ("disposed", json!({"case_kind": "guardian_incapable"})),
        ("handed_over", json!({})),
    ] {
        if step == "disposed" {
            for a in ["parents_contacted", "parents_to_return_or_entrust"] {
                let body = json!({"action": a});
                let (s, r) = app.post(&police, &format!("/api/v1/reports/{report}/actions"), &body).await;
                assert_eq!(s, 200, "{r}");
            }
        }
        let (_, now) = app.get(&police, &format!("/api/v1/reports/{report}")).await;
        let mut body = json!({"step": step, "version": now["version"]});
        body.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
        let (s, r) = app.post(&police, &format!("/api/v1/reports/{report}/steps"), &body).await;
        assert_eq!(s, 200, "{step}: {r}");
        handed = r;
    }
    let id = handed["events"].as_array().and_then(|e| e.last()).and_then(|e| e["detail"]["assessment_id"].as_i64());
    let id = id.expect("the hand-over opened a case");
    let (_, list) = app.get(&police, "/api/v1/assessments?open=true").await;
    assert_eq!(list[0]["child_name"], "李小红", "named from the report: {list}");

    // The menu: for those who assess, not the police (their casework starts at the report).
    for (who, menu) in [("paichusuo", false), ("zhen", true), ("qu", true), ("zhuren", false)] {
        let (c, _) = browser(&app, who).await;
        let (_, ledger) = page(&c, &app, "/children").await;
        assert_eq!(ledger.contains("id=\"nav-assessments\""), menu, "{who}'s menu");
    }
    let (c, _) = browser(&app, "paichusuo").await;
    let (_, html) = page(&c, &app, &format!("/reports/{report}")).await;
    assert!(
        html.contains(&format!("href=\"/assessments/{id}\" id=\"assessment-link\"")),
        "the report leads to its case"
    );
    let (_, html) = page(&c, &app, &format!("/assessments/{id}")).await;
    assert!(html.contains("id=\"conduct-form\""), "where the police record their measures");
    let (d, _) = browser(&app, "zhuren").await;
    let (_, html) = page(&d, &app, &format!("/reports/{report}")).await;
    assert!(!html.contains("id=\"assessment-link\""), "the reporter is not led to the case");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_forms_start_with_the_time_of_discovery_at_now_in_china() {
    let app = TestApp::new().await;
    app.user("laoshi", Role::Teacher, OrgType::School, TOWNSHIP_A).await;
    let (c, _) = browser(&app, "laoshi").await;
    // The test clock is 04:00 UTC, noon in China.
    let now = "name=\"discovered_at\" value=\"2026-11-29T12:00\"";
    let (_, html) = page(&c, &app, "/reports/new").await;
    assert!(html.contains(now), "the member's form");
    let public = reqwest::Client::new();
    let (_, html) = page(&public, &app, "/report").await;
    assert!(html.contains(now), "the public form");
}
