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
