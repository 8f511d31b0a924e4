//! The search box: names, pinyin, initials, ID numbers and their last digits, within scope.

use crate::harness::*;
use shouhu_domain::role::{OrgType, Role};

fn names(v: &serde_json::Value) -> Vec<String> {
    v["rows"].as_array().expect("rows").iter().filter_map(|r| r["name"].as_str().map(str::to_string)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finds_a_child_by_name_part_pinyin_initials_and_id_digits() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let zhen_b = app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let rec = app.create_child(&zhen, &child("张小明", VILLAGE_A, 1)).await;
    app.create_child(&zhen, &child("王小红", VILLAGE_A, 2)).await;
    app.create_child(&zhen_b, &child("张晓明", VILLAGE_B, 3)).await;
    let idn = rec["file"]["id_number"].as_str().expect("id").to_string();
    let last4 = &idn[14..];

    for q in [
        "张小明",
        "小明",
        "zxm",
        "ZXM",
        "zhangxiaoming",
        "zhangx",
        "xiaoming",
        idn.as_str(),
        &idn.to_lowercase(),
        last4,
    ] {
        let (s, p) = app.get(&zhen, &format!("/api/v1/children?q={q}")).await;
        assert_eq!(s, 200);
        assert_eq!(names(&p), vec!["张小明"], "query {q}");
    }
    let (_, p) = app.get(&zhen, "/api/v1/children?q=小").await;
    assert_eq!(names(&p), vec!["张小明", "王小红"]);
    // 张晓明 is in another township: not found by its own township's neighbour.
    let (_, p) = app.get(&zhen, "/api/v1/children?q=zxm").await;
    assert_eq!(p["rows"].as_array().expect("rows").len(), 1);
    let (_, p) = app.get(&zhen_b, "/api/v1/children?q=zxm").await;
    assert_eq!(names(&p), vec!["张晓明"]);
    // Too little to search on gives nothing rather than everything.
    let (_, p) = app.get(&zhen, "/api/v1/children?q=12").await;
    assert!(names(&p).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renamed_child_is_found_by_the_new_name_only() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let rec = app.create_child(&zhen, &child("刘一", VILLAGE_A, 1)).await;
    let mut file = rec["file"].clone();
    file["name"] = serde_json::json!("陈二");
    let (s, _) = app
        .put(&zhen, &format!("/api/v1/children/{}", rec["id"]), &serde_json::json!({"version": 1, "file": file}))
        .await;
    assert_eq!(s, 200);
    let (_, p) = app.get(&zhen, "/api/v1/children?q=chener").await;
    assert_eq!(names(&p), vec!["陈二"]);
    let (_, p) = app.get(&zhen, "/api/v1/children?q=刘一").await;
    assert!(names(&p).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_moved_to_another_township_is_found_there_only() {
    let app = TestApp::new().await;
    let qu = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let zhen_b = app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let rec = app.create_child(&zhen, &child("周迁居", VILLAGE_A, 1)).await;
    let (_, p) = app.get(&zhen, "/api/v1/children?q=zhouqianju").await;
    assert_eq!(names(&p), vec!["周迁居"]);
    // The name stays; only the village changes.
    let mut file = rec["file"].clone();
    file["village_code"] = serde_json::json!(VILLAGE_B);
    let (s, r) = app
        .put(&qu, &format!("/api/v1/children/{}", rec["id"]), &serde_json::json!({"version": 1, "file": file}))
        .await;
    assert_eq!(s, 200, "{r}");
    for q in ["zhouqianju", "周迁居", "迁居"] {
        let (_, p) = app.get(&zhen_b, &format!("/api/v1/children?q={q}")).await;
        assert_eq!(names(&p), vec!["周迁居"], "the new township finds it by {q}");
        let (_, p) = app.get(&zhen, &format!("/api/v1/children?q={q}")).await;
        assert!(names(&p).is_empty(), "the old township no longer does: {q}");
    }
}

/// `n` children named 李 and one more character, in one village.
async fn many_li(app: &TestApp, user: &User, n: u32) {
    for i in 0..n {
        let given = char::from_u32(0x5B50 + i).expect("a CJK character");
        app.create_child(user, &child(&format!("李{given}"), VILLAGE_A, 100 + i)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_that_stops_at_its_page_says_there_are_more() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    many_li(&app, &zhen, 3).await;
    // Exact term, prefix term (pinyin) and the whole set, each over a page of two.
    for q in ["李", "li"] {
        let (s, p) = app.get(&zhen, &format!("/api/v1/children?q={q}&per_page=2")).await;
        assert_eq!(s, 200, "{p}");
        assert_eq!((p["rows"].as_array().map(Vec::len), p["total"].as_i64()), (Some(2), Some(2)), "{q}: {p}");
        assert_eq!(p["total_capped"], true, "{q}: three match, two were given: {p}");
        let (_, p) = app.get(&zhen, &format!("/api/v1/children?q={q}&per_page=3")).await;
        assert_eq!((p["total"].as_i64(), p["total_capped"].as_bool()), (Some(3), Some(false)), "{q}: {p}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledger_page_says_more_than_fifty_when_its_search_stops_at_fifty() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    many_li(&app, &zhen, 51).await;
    let (client, _) = crate::pages::browser(&app, "zhen").await;
    let html = client.get(app.url("/children?q=李")).send().await.expect("page").text().await.expect("html");
    let count = html.split("id=\"result-count\">").nth(1).and_then(|s| s.split('<').next()).unwrap_or("");
    assert_eq!(count, format!("{}50{}", shouhu_domain::msg::MORE_THAN, shouhu_domain::msg::TOTAL_SUFFIX), "{count}");
    let (_, p) = app.get(&zhen, "/api/v1/children?q=李&per_page=50").await;
    assert_eq!((p["total"].as_i64(), p["total_capped"].as_bool()), (Some(50), Some(true)));
}
