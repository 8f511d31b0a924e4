//! Signing in: tokens, throttling, sessions and CSRF.

use crate::harness::*;
use serde_json::json;
use shouhu_domain::role::{OrgType, Role};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_are_refused_then_throttled() {
    let app = TestApp::new().await;
    app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let c = reqwest::Client::new();
    for _ in 0..5 {
        let res = c
            .post(app.url("/api/v1/tokens"))
            .json(&json!({"username": "zhen", "password": "wrong"}))
            .send()
            .await
            .expect("send");
        assert_eq!(res.status(), 401);
        let body: serde_json::Value = res.json().await.expect("json");
        assert_eq!(body["message"], "用户名或密码错误");
    }
    // Even the right password is refused while throttled.
    let res = c
        .post(app.url("/api/v1/tokens"))
        .json(&json!({"username": "zhen", "password": PASSWORD}))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 429);
    // The window passes.
    app.clock.advance(chrono::Duration::minutes(16));
    let res = c
        .post(app.url("/api/v1/tokens"))
        .json(&json!({"username": "zhen", "password": PASSWORD}))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_user_answers_like_a_wrong_password() {
    let app = TestApp::new().await;
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/tokens"))
        .json(&json!({"username": "nobody", "password": "x"}))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_without_credentials_or_with_a_bad_token_is_401() {
    let app = TestApp::new().await;
    let c = reqwest::Client::new();
    let res = c.get(app.url("/api/v1/children")).send().await.expect("send");
    assert_eq!(res.status(), 401);
    let res = c.get(app.url("/api/v1/children")).bearer_auth("not-a-token").send().await.expect("send");
    assert_eq!(res.status(), 401);
    let body: serde_json::Value = res.json().await.expect("json");
    assert_eq!(body["code"], "unauthenticated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deactivated_user_loses_access_at_once() {
    let app = TestApp::new().await;
    let u = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let (s, _) = app.get(&u, "/api/v1/me").await;
    assert_eq!(s, 200);
    let id = u.id;
    app.store(move |s| s.set_user_active(id, false).expect("deactivate")).await;
    let (s, _) = app.get(&u, "/api/v1/me").await;
    assert_eq!(s, 401);
}
