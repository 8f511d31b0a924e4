//! Region and enrolment scope: a child outside a user's scope looks exactly like a missing one.

use crate::harness::*;
use serde_json::{Value, json};
use shouhu_domain::role::{OrgType, Role};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_outside_scope_answers_like_a_missing_one() {
    let app = TestApp::new().await;
    let a = app.user("zhen_a", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let b = app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let district = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let other_district = app.user("baodi", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120115").await;
    let rec = app.create_child(&a, &child("甲乙", VILLAGE_A, 1)).await;
    let id = rec["id"].as_i64().expect("id");

    let (s_missing, missing) = app.get(&b, "/api/v1/children/1").await;
    let (s_out, out) = app.get(&b, &format!("/api/v1/children/{id}")).await;
    assert_eq!((s_missing, s_out), (404, 404));
    assert_eq!(missing, out, "outside scope must look exactly like missing");
    for path in ["history"] {
        let (s, _) = app.get(&b, &format!("/api/v1/children/{id}/{path}")).await;
        assert_eq!(s, 404);
    }
    let (s, _) = app.put(&b, &format!("/api/v1/children/{id}"), &json!({"version": 1, "file": rec["file"]})).await;
    assert_eq!(s, 404);
    let (s, _) =
        app.post(&b, &format!("/api/v1/children/{id}/close"), &json!({"version": 1, "reason": "moved_out"})).await;
    assert_eq!(s, 404);
    let (_, ledger) = app.get(&b, "/api/v1/children").await;
    assert_eq!(ledger["total"], 0);
    let (_, ledger) = app.get(&b, &format!("/api/v1/children?region={TOWNSHIP_A}")).await;
    assert_eq!(ledger["total"], 0, "a region filter cannot widen the scope");

    let (s, _) = app.get(&district, &format!("/api/v1/children/{id}")).await;
    assert_eq!(s, 200, "the district sees its townships");
    let (s, _) = app.get(&other_district, &format!("/api/v1/children/{id}")).await;
    assert_eq!(s, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_school_sees_the_children_enrolled_there_only_and_cannot_write() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let school = app.org("梅厂小学", OrgType::School, TOWNSHIP_A).await;
    let teacher = app.user_in("laoshi", Role::Teacher, school).await;
    let mut enrolled = child("在校生", VILLAGE_A, 1);
    enrolled["school_org_id"] = json!(school);
    let enrolled = app.create_child(&zhen, &enrolled).await;
    let other = app.create_child(&zhen, &child("非本校", VILLAGE_A, 2)).await;

    let (s, _) = app.get(&teacher, &format!("/api/v1/children/{}", enrolled["id"])).await;
    assert_eq!(s, 200);
    let (s, _) = app.get(&teacher, &format!("/api/v1/children/{}", other["id"])).await;
    assert_eq!(s, 404);
    let (_, ledger) = app.get(&teacher, "/api/v1/children").await;
    assert_eq!(ledger["total"], 1);
    let (s, body) = app.post(&teacher, "/api/v1/children", &child("新生", VILLAGE_A, 3)).await;
    assert_eq!(s, 403, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_administrator_manages_accounts_but_reads_no_child() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let admin = app.user("guanli", Role::Admin, OrgType::CityCivilAffairs, "12").await;
    let rec = app.create_child(&zhen, &child("丙丁", VILLAGE_A, 1)).await;
    let (s, _) = app.get(&admin, &format!("/api/v1/children/{}", rec["id"])).await;
    assert_eq!(s, 404);
    let (s, users) = app.get(&admin, "/api/v1/users").await;
    assert_eq!(s, 200);
    assert_eq!(users.as_array().expect("users").len(), 2);
    let (s, _) = app.get(&zhen, "/api/v1/users").await;
    assert_eq!(s, 403);
    let org = app.org("梅厂派出所", OrgType::PoliceStation, TOWNSHIP_A).await;
    let (s, body) = app
        .post(
            &admin,
            "/api/v1/users",
            &json!({"username": "jing", "display_name": "民警", "org_id": org, "role": "police"}),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    let (s, body) = app
        .post(
            &admin,
            "/api/v1/users",
            &json!({"username": "jing", "display_name": "民警", "org_id": org, "role": "police"}),
        )
        .await;
    assert_eq!(s, 409, "{body}");
    assert_eq!(body["fields"][0]["field"], "username");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_view_and_change_is_audited_without_id_numbers() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let admin = app.user("guanli", Role::Admin, OrgType::CityCivilAffairs, "12").await;
    let rec = app.create_child(&zhen, &child("戊己", VILLAGE_A, 1)).await;
    let id = rec["id"].as_i64().expect("id");
    let idn = rec["file"]["id_number"].as_str().expect("id number").to_string();
    app.get(&zhen, &format!("/api/v1/children/{id}")).await;
    app.get(&zhen, &format!("/api/v1/children?q={idn}")).await;
    let (s, entries) = app.get(&admin, &format!("/api/v1/audit?child={id}")).await;
    assert_eq!(s, 200);
    let actions: Vec<&str> = entries.as_array().expect("entries").iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions, vec!["view_child", "create_child"]);
    assert!(entries[0]["user_name"].as_str().expect("user").contains("zhen"));
    let (_, all) = app.get(&admin, "/api/v1/audit").await;
    let text = all.to_string();
    assert!(text.contains("\"search\""));
    assert!(!text.contains(&idn), "an ID number reached the audit log");
    let (s, _) = app.get(&zhen, "/api/v1/audit").await;
    assert_eq!(s, 403);
}

/// Issue 21: reads refused for scope (answered as missing) leave a trace in the audit log,
/// at most the setting's number a user an hour, so a probe cannot flood it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_reads_are_audited_up_to_a_limit() {
    let app = TestApp::with_settings("[audit]\nrefusals_per_user_per_hour = 3\n").await;
    let zhen_a = app.user("zhen_a", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let zhen_b = app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let admin = app.user("guanli", Role::Admin, OrgType::CityCivilAffairs, "12").await;
    let other = app.create_child(&zhen_b, &child("庚辛", VILLAGE_B, 2)).await;
    let id = other["id"].as_i64().expect("id");
    for _ in 0..5 {
        let (s, _) = app.get(&zhen_a, &format!("/api/v1/children/{id}")).await;
        assert_eq!(s, 404, "another township's child looks missing");
    }
    let (_, all) = app.get(&admin, "/api/v1/audit").await;
    let refused: Vec<&Value> = all
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["action"] == "refused" && e["user_name"].as_str().is_some_and(|u| u.contains("zhen_a")))
        .collect();
    assert_eq!(refused.len(), 3, "three of the five, the rest counted: {all}");
    assert!(
        refused[0]["detail"]
            .as_str()
            .is_some_and(|d| d.contains(&format!("/api/v1/children/{id}")) && d.contains("404")),
        "{}",
        refused[0]
    );
    // The owner's own reads are not refusals.
    app.get(&zhen_b, &format!("/api/v1/children/{id}")).await;
    let (_, all) = app.get(&admin, "/api/v1/audit").await;
    let entries = all.as_array().expect("entries");
    let by_b = |action: &str| {
        entries.iter().any(|e| e["action"] == action && e["user_name"].as_str().is_some_and(|u| u.contains("zhen_b")))
    };
    assert!(by_b("view_child") && !by_b("refused"), "{all}");
}
