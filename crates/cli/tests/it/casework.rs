//! The whole chain over the real API: report → police disposal → township assessment →
//! plan → the guardian's conduct record → grounds met → application → new guardian.

use crate::harness::*;
use chrono::{TimeZone, Utc};
use serde_json::{Value, json};
use shouhu_domain::role::{OrgType, Role};

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

fn conduct(date: &str, kind: &str, what: &str) -> Value {
    json!({"guardian": "张某", "standing": "father", "date": date, "kind": kind, "conduct": what, "evidence": "派出所询问笔录"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_goes_all_the_way_to_a_new_guardian() {
    let app = TestApp::new().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let police = app.user("paichusuo", Role::Police, OrgType::PoliceStation, TOWNSHIP_A).await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let other_township = app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let district = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let teacher = app.user("laoshi", Role::Teacher, OrgType::School, TOWNSHIP_A).await;
    let child = app.create_child(&director, &child("张小明", VILLAGE_A, 1)).await;
    let child_id = child["id"].as_i64().expect("id");

    // The report and the police's part.
    let (s, r) = app
        .post(
            &director,
            "/api/v1/reports",
            &json!({
                "situations": ["guardian_not_performing", "organised_begging"],
                "discovered_at": "2026-11-29T02:00:00Z",
                "child_id": child_id,
                "description": "父亲带孩子在集市乞讨，孩子衣着单薄",
            }),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    let report = r["id"].as_i64().expect("id");
    for s in ["accepted", "dispatched", "on_scene"] {
        step(&app, &police, report, s, json!({})).await;
    }
    for a in ["parents_contacted", "parents_to_return_or_entrust"] {
        let (s, r) = app.post(&police, &format!("/api/v1/reports/{report}/actions"), &json!({"action": a})).await;
        assert_eq!(s, 200, "{r}");
    }
    step(&app, &police, report, "disposed", json!({"case_kind": "guardian_incapable"})).await;
    let handed = step(&app, &police, report, "handed_over", json!({})).await;
    let assessment = handed["events"].as_array().and_then(|e| e.last()).map(|e| e["detail"]["assessment_id"].clone());
    let id = assessment.and_then(|a| a.as_i64()).expect("the hand-over opened an assessment");

    // The township's assessment.
    let (_, open) = app.get(&township, "/api/v1/assessments?open=true").await;
    assert_eq!(open.as_array().map(Vec::len), Some(1), "{open}");
    assert_eq!(open[0]["child_id"], child_id);
    assert_eq!(open[0]["due_at"], "2026-12-06T04:00:00Z");
    let (s, _) = app.get(&other_township, &format!("/api/v1/assessments/{id}")).await;
    assert_eq!(s, 404, "another township's case does not exist for it");
    let path = format!("/api/v1/assessments/{id}");
    let answers = json!({"safety": "at_risk", "guardianship": "poor", "physical": "good", "mental": "concern"});
    let (s, r) = app
        .post(&township, &format!("{path}/complete"), &json!({"version": 1, "answers": answers, "participants": []}))
        .await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("participants")), "{r}");
    let participants =
        json!([{"party": "township", "name": "梅厂镇 王某"}, {"party": "police", "name": "梅厂派出所 李某"}]);
    let (s, d) = app
        .post(
            &township,
            &format!("{path}/complete"),
            &json!({"version": 1, "answers": answers, "participants": participants}),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["state"], "completed");
    assert_eq!(d["risk_level"], "medium", "a ten-year-old with poor care at risk: {d}");
    assert_eq!(d["risk_reasons"], json!(["at_risk", "poor_care", "health_concern"]));
    let (s, _) = app
        .post(
            &township,
            &format!("{path}/complete"),
            &json!({"version": 2, "answers": answers, "participants": participants}),
        )
        .await;
    assert_eq!(s, 409, "an assessment is completed once");

    // The plan: a service and a referral the district decides.
    let (s, d) = app
        .post(
            &township,
            &format!("{path}/services"),
            &json!({"kind": "day_care", "provider": "镇妇联儿童之家", "start_date": "2026-11-29"}),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    let service = d["services"][0]["id"].as_i64().expect("id");
    let (s, _) = app
        .post(&township, &format!("{path}/services/{service}"), &json!({"status": "completed", "outcome": "已完成"}))
        .await;
    assert_eq!(s, 409, "planned cannot jump to completed");
    let (s, _) = app.post(&township, &format!("{path}/services/{service}"), &json!({"status": "in_progress"})).await;
    assert_eq!(s, 200);
    let district_org = app.store(|s| s.list_orgs().expect("orgs")).await;
    let district_org = district_org.iter().find(|o| o.name == "qu的单位").map(|o| o.id).expect("org");
    let (s, d) = app
        .post(
            &township,
            &format!("{path}/referrals"),
            &json!({"kind": "minimum_living", "receiving_org_id": district_org, "note": "父亲无固定收入"}),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    let referral = d["referrals"][0]["id"].as_i64().expect("id");
    let (s, _) = app.post(&township, &format!("/api/v1/referrals/{referral}"), &json!({"state": "accepted"})).await;
    assert_eq!(s, 404, "only the receiving organisation decides");
    let (s, r) = app.post(&district, &format!("/api/v1/referrals/{referral}"), &json!({"state": "declined"})).await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("reason")));
    let (s, _) = app.post(&district, &format!("/api/v1/referrals/{referral}"), &json!({"state": "accepted"})).await;
    assert_eq!(s, 204);

    // The conduct record, over the following days.
    app.clock.set(Utc.with_ymd_and_hms(2026, 12, 10, 4, 0, 0).single().expect("valid"));
    let cpath = format!("{path}/conduct");
    let (s, r) = app.post(&police, &cpath, &conduct("2026-11-20", "administrative_penalty", "begging")).await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("date")), "a penalty before the report: {r}");
    let mut no_evidence = conduct("2026-12-01", "criticism_education", "begging");
    no_evidence["evidence"] = json!(" ");
    let (s, r) = app.post(&police, &cpath, &no_evidence).await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("evidence")));
    let (s, _) = app.post(&township, &cpath, &conduct("2026-12-01", "criticism_education", "begging")).await;
    assert_eq!(s, 403, "measures are the police's");
    let (s, _) = app.post(&teacher, &cpath, &conduct("2026-12-01", "incident", "begging")).await;
    assert_eq!(s, 403);
    for day in ["2026-12-01", "2026-12-03", "2026-12-05"] {
        let (s, r) = app.post(&police, &cpath, &conduct(day, "criticism_education", "begging")).await;
        assert_eq!(s, 201, "{r}");
    }

    // An application before the ground is met, and by someone who may not apply, is refused.
    let apath = format!("{path}/applications");
    let application = |applicant: &str, grounds: Value| json!({"applicant": applicant, "applicant_name": "武清区民政局", "grounds": grounds, "court": "武清区人民法院", "filed_on": "2026-12-09"});
    let (s, r) = app.post(&district, &apath, &application("civil_affairs", json!(["g5_begging"]))).await;
    assert_eq!(
        (s, r["fields"][0]["field"].as_str()),
        (422, Some("grounds.0")),
        "three rounds but no begging since: {r}"
    );
    let (_, d) = app.get(&district, &path).await;
    let g5 = d["grounds"].as_array().and_then(|g| g.iter().find(|x| x["ground"] == "g5_begging").cloned()).expect("g5");
    assert_eq!(g5["met"], false, "{g5}");

    let (s, d) = app.post(&township, &cpath, &conduct("2026-12-08", "incident", "begging")).await;
    assert_eq!(s, 201, "{d}");
    let g5 = d["grounds"].as_array().and_then(|g| g.iter().find(|x| x["ground"] == "g5_begging").cloned()).expect("g5");
    assert_eq!((g5["met"].as_bool(), g5["on"].as_str()), (Some(true), Some("2026-12-08")), "{g5}");
    assert_eq!(g5["evidence"].as_array().map(Vec::len), Some(4), "three rounds and the begging after them");
    assert!(g5["explanation"].as_str().is_some_and(|e| e.contains("3次")), "{g5}");

    let (s, r) = app.post(&district, &apath, &application("neighbour", json!(["g5_begging"]))).await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("applicant")), "{r}");
    let (s, d) = app.post(&district, &apath, &application("civil_affairs", json!(["g5_begging"]))).await;
    assert_eq!(s, 201, "{d}");
    let app_id = d["applications"][0]["id"].as_i64().expect("id");
    let mpath = format!("{apath}/{app_id}");
    let (s, _) = app.post(&district, &mpath, &json!({"state": "revoked", "version": 1})).await;
    assert_eq!(s, 409, "no decision before the court has accepted and heard it");
    for (state, version, date) in
        [("accepted", 1, "2026-12-09"), ("heard", 2, "2026-12-10"), ("revoked", 3, "2026-12-10")]
    {
        let (s, r) = app.post(&district, &mpath, &json!({"state": state, "version": version, "date": date})).await;
        assert_eq!(s, 200, "{state}: {r}");
    }
    let (s, r) = app.post(&district, &mpath, &json!({"state": "guardian_appointed", "version": 4})).await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("new_guardian")));
    let (s, d) = app
        .post(
            &district,
            &mpath,
            &json!({
                "state": "guardian_appointed", "version": 4,
                "new_guardian": {"name": "李桂兰", "relation": "maternal_grandparent", "phone": "13700001111"},
                "maintenance_owed": "父亲每月支付抚养费800元",
            }),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["applications"][0]["state"], "guardian_appointed");

    // The child's file names the new guardian, and its history says where that came from.
    let (_, file) = app.get(&district, &format!("/api/v1/children/{child_id}")).await;
    assert_eq!(file["file"]["entrusted_guardian"]["name"], "李桂兰");
    let (_, hist) = app.get(&district, &format!("/api/v1/children/{child_id}/history")).await;
    let sources: Vec<&str> = hist.as_array().expect("history").iter().filter_map(|h| h["source"].as_str()).collect();
    assert!(sources.contains(&format!("revocation:{app_id}").as_str()), "{hist}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_guardianship_rests_on_its_articles_grounds_and_district_lists_cases_with_grounds() {
    let app = TestApp::new().await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let district = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let other = app.user("baodi", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120115").await;
    let police = app.user("paichusuo", Role::Police, OrgType::PoliceStation, TOWNSHIP_A).await;
    let child = app.create_child(&township, &child("李小花", VILLAGE_A, 2)).await;
    let (s, d) = app.post(&township, "/api/v1/assessments", &json!({"child_id": child["id"]})).await;
    assert_eq!(s, 201, "{d}");
    let id = d["id"].as_i64().expect("id");
    let path = format!("/api/v1/assessments/{id}/placements");
    let placement = |kind: &str, ground: &str| json!({"kind": kind, "ground": ground, "placed_with": "武清区儿童福利院", "start_date": "2026-11-29"});
    let (s, _) = app.post(&township, &path, &placement("temporary_state", "guardian_missing")).await;
    assert_eq!(s, 403, "civil affairs takes state guardianship");
    let (s, r) = app.post(&district, &path, &placement("temporary_state", "guardian_dead")).await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("ground")), "an art. 94 ground for art. 92: {r}");
    let (s, r) = app.post(&district, &path, &placement("long_term_state", "court_appointed")).await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("ground")), "no court decision on record: {r}");
    let (s, d) = app.post(&district, &path, &placement("temporary_state", "guardian_missing")).await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(d["placements"][0]["ground_label"], "监护人下落不明且无其他人可以担任监护人");

    let mut abuse = conduct("2026-11-29", "incident", "abuse");
    abuse["serious_harm"] = json!(true);
    let (s, r) = app.post(&police, &format!("/api/v1/assessments/{id}/conduct"), &abuse).await;
    assert_eq!(s, 201, "{r}");
    let (_, list) = app.get(&district, "/api/v1/revocation-grounds").await;
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["assessment"]["id"], id);
    assert_eq!(list[0]["grounds"][0]["met"], true);
    let (_, none) = app.get(&other, "/api/v1/revocation-grounds").await;
    assert_eq!(none, json!([]), "another district's cases are not listed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_carers_conduct_is_recorded_but_grounds_for_revocation_are_a_guardians_only() {
    let app = TestApp::new().await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let district = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let police = app.user("paichusuo", Role::Police, OrgType::PoliceStation, TOWNSHIP_A).await;
    let child = app.create_child(&township, &child("李小花", VILLAGE_A, 2)).await;
    let (s, d) = app.post(&township, "/api/v1/assessments", &json!({"child_id": child["id"]})).await;
    assert_eq!(s, 201, "{d}");
    let id = d["id"].as_i64().expect("id");
    let path = format!("/api/v1/assessments/{id}/conduct");

    // Serious abuse by the grandmother the parents entrusted the child to ([UPL] 22).
    let mut carer = conduct("2026-11-29", "incident", "abuse");
    carer["guardian"] = json!("外婆 李某");
    carer["standing"] = json!("entrusted_carer");
    carer["serious_harm"] = json!(true);
    let (s, d) = app.post(&police, &path, &carer).await;
    assert_eq!(s, 201, "the carer's conduct is recorded: {d}");
    assert_eq!(d["conduct"][0]["standing"], "entrusted_carer", "{d}");
    assert_eq!(d["grounds"], json!([]), "no ground against someone who is not a guardian: {d}");
    let (_, list) = app.get(&district, "/api/v1/revocation-grounds").await;
    assert_eq!(list, json!([]), "nor on the district's list");
    let application = json!({"applicant": "civil_affairs", "applicant_name": "武清区民政局",
        "grounds": ["s3_violence_abuse_abandonment"], "court": "武清区人民法院", "filed_on": "2026-11-29"});
    let (s, r) = app.post(&district, &format!("/api/v1/assessments/{id}/applications"), &application).await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("grounds.0")), "{r}");

    // Who the record is about must be said.
    let mut unstated = conduct("2026-11-29", "incident", "abuse");
    unstated.as_object_mut().expect("object").remove("standing");
    let (s, r) = app.post(&police, &path, &unstated).await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("standing")), "{r}");

    // The same conduct of the father, a guardian, meets the ground.
    let mut father = conduct("2026-11-29", "incident", "abuse");
    father["serious_harm"] = json!(true);
    let (s, d) = app.post(&police, &path, &father).await;
    assert_eq!(s, 201, "{d}");
    let s3 = d["grounds"]
        .as_array()
        .expect("grounds")
        .iter()
        .find(|g| g["ground"] == "s3_violence_abuse_abandonment")
        .cloned();
    assert_eq!(s3.as_ref().map(|g| &g["met"]), Some(&json!(true)), "{d}");
    assert_eq!(s3.map(|g| g["evidence"].clone()), Some(json!([d["conduct"][1]["id"]])), "the father's record only");
    let (s, r) = app.post(&district, &format!("/api/v1/assessments/{id}/applications"), &application).await;
    assert_eq!(s, 201, "{r}");
}
