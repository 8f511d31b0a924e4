//! Accounts (issue 21, decisions 76-80): the administrator never holds another person's
//! credential; a one-time link sets a person's password; an account that reads children waits
//! for a second person; tokens expire and are listed and revoked; people change their own
//! password, sign out everywhere, and idle sessions end.

use crate::harness::*;
use crate::pages::{browser, csrf_of};
use serde_json::{Value, json};
use shouhu_domain::msg;
use shouhu_domain::role::{OrgType, Role};

/// Every run of 32 or more hex digits in a text: anything that could be a secret.
fn secrets_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut run = String::new();
    for ch in text.chars().chain(std::iter::once(' ')) {
        if ch.is_ascii_hexdigit() {
            run.push(ch);
        } else {
            if run.len() >= 32 {
                out.push(run.clone());
            }
            run.clear();
        }
    }
    out
}

/// A browser-like client without a session, that does not follow redirects.
fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

/// Asks for an API token with a username and password.
async fn token(app: &TestApp, username: &str, password: &str) -> (u16, Value) {
    let res = client()
        .post(app.url("/api/v1/tokens"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .expect("token request");
    crate::openapi::checked("POST", "/api/v1/tokens", res).await
}

/// Sets a password through a link; the status.
async fn use_link(link: &str, password: &str) -> u16 {
    let res = client()
        .post(link)
        .form(&[("password", password), ("password2", password)])
        .send()
        .await
        .expect("set password");
    res.status().as_u16()
}

fn user_of(token: &Value) -> User {
    User { id: 0, token: token["token"].as_str().expect("token").to_string(), totp: None }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_administrator_never_holds_a_credential_of_a_person_who_reads_children() {
    let app = TestApp::new().await;
    let admin = app.user("guanli", Role::Admin, OrgType::CityCivilAffairs, "12").await;
    let city = app.user("shi", Role::CityOfficer, OrgType::CityCivilAffairs, "12").await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let org = app.org("梅厂派出所", OrgType::PoliceStation, TOWNSHIP_A).await;
    let mut seen = String::new();

    // The old route that handed the administrator another user's token is gone.
    let (c, csrf) = browser(&app, "guanli").await;
    let res = c
        .post(app.url(&format!("/admin/users/{}/token", zhen.id)))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("old route");
    assert_eq!(res.status(), 404);
    seen.push_str(&res.text().await.expect("html"));

    // A new account that reads children: no password asked, no link given to who made it.
    let body = json!({"username": "jing", "display_name": "民警", "org_id": org, "role": "police"});
    let (s, made) = app.post(&admin, "/api/v1/users", &body).await;
    assert_eq!((s, made["awaiting_approval"].as_bool()), (201, Some(true)), "{made}");
    assert!(made.get("set_password_link").is_none() && made.get("token").is_none(), "{made}");
    seen.push_str(&made.to_string());
    let jing = made["id"].as_i64().expect("id");
    let with_password = json!({"username": "jing2", "display_name": "民警", "password": "Mei-chang 2026 zhen hu", "org_id": org, "role": "police"});
    let (s, _) = app.post(&admin, "/api/v1/users", &with_password).await;
    assert!(s == 400 || s == 422, "a password is no longer taken: {s}");

    // The same on the page.
    let html = c.get(app.url("/admin/users")).send().await.expect("users").text().await.expect("html");
    let form = [
        ("csrf", csrf_of(&html)),
        ("username", "jing3".to_string()),
        ("display_name", "民警".to_string()),
        ("kind", "person".to_string()),
        ("role", "police".to_string()),
        ("org_id", org.to_string()),
    ];
    let res = c.post(app.url("/admin/users")).form(&form).send().await.expect("create on the page");
    assert_eq!(res.status(), 200);
    let html = res.text().await.expect("html");
    assert!(html.contains(msg::AWAITING_APPROVAL_SENT) && !html.contains("/set-password/"), "{html}");
    seen.push_str(&html);

    // A reset ends the person's access and gives the administrator nothing either.
    let (s, reset) = app.post(&admin, &format!("/api/v1/users/{}/reset", zhen.id), &Value::Null).await;
    assert_eq!((s, reset["awaiting_approval"].as_bool()), (200, Some(true)), "{reset}");
    seen.push_str(&reset.to_string());
    let (s, _) = app.get(&zhen, "/api/v1/me").await;
    assert_eq!(s, 401, "the reset ended the person's token");
    let (s, _) = token(&app, "zhen", PASSWORD).await;
    assert_eq!(s, 401, "and their password");

    // Everything the administrator read on the way: lists, the audit log, the pages.
    for path in ["/api/v1/users", "/api/v1/audit", "/api/v1/approvals"] {
        let (s, body) = app.get(&admin, path).await;
        assert_eq!(s, 200, "{path}");
        seen.push_str(&body.to_string());
    }
    for page in ["/admin/users", &format!("/admin/users/{jing}"), "/approvals", "/admin/audit", "/account"] {
        seen.push_str(&c.get(app.url(page)).send().await.expect("page").text().await.expect("html"));
    }
    let found = secrets_in(&seen);
    for secret in &found {
        let res = client().get(app.url("/api/v1/me")).bearer_auth(secret).send().await.expect("try");
        assert_eq!(res.status(), 401, "a token reached the administrator");
        let res = client().get(app.url(&format!("/set-password/{secret}"))).send().await.expect("try");
        assert_ne!(res.status(), 200, "a set-password link reached the administrator");
    }
    // The second person is given the link, and the person sets their own password with it.
    let (s, approved) = app.post(&city, &format!("/api/v1/users/{jing}/approve"), &Value::Null).await;
    assert_eq!(s, 200, "{approved}");
    let link = approved["set_password_link"].as_str().expect("the approver gets the link");
    assert_eq!(use_link(link, "Guo-luo zhuang 2026 ce").await, 303);
    let (s, _) = token(&app, "jing", "Guo-luo zhuang 2026 ce").await;
    assert_eq!(s, 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_person_approves_and_never_who_asked() {
    let app = TestApp::new().await;
    let admin = app.user("guanli", Role::Admin, OrgType::CityCivilAffairs, "12").await;
    let admin2 = app.user("guanli2", Role::Admin, OrgType::CityCivilAffairs, "12").await;
    let city = app.user("shi", Role::CityOfficer, OrgType::CityCivilAffairs, "12").await;
    let district = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let org = app.org("梅厂派出所", OrgType::PoliceStation, TOWNSHIP_A).await;
    let body = json!({"username": "jing", "display_name": "民警", "org_id": org, "role": "police"});
    let (_, made) = app.post(&admin, "/api/v1/users", &body).await;
    let jing = made["id"].as_i64().expect("id");

    // Pending: it cannot sign in; the approvers' list names it and who may approve.
    let (s, _) = token(&app, "jing", "").await;
    assert_eq!(s, 401);
    let (_, list) = app.get(&admin, "/api/v1/approvals").await;
    assert_eq!((list[0]["username"].as_str(), list[0]["awaiting"].as_str()), (Some("jing"), Some("create")));
    assert_eq!(list[0]["may_approve"], false, "not who asked");
    let (_, list) = app.get(&admin2, "/api/v1/approvals").await;
    assert_eq!(list[0]["may_approve"], true);
    let (s, _) = app.get(&district, "/api/v1/approvals").await;
    assert_eq!(s, 403, "only administrators and the city");

    // Who asked cannot approve, nor a district; another administrator can.
    let (s, body) = app.post(&admin, &format!("/api/v1/users/{jing}/approve"), &Value::Null).await;
    assert_eq!(s, 403, "{body}");
    let (s, _) = app.post(&district, &format!("/api/v1/users/{jing}/approve"), &Value::Null).await;
    assert_eq!(s, 403);
    let (s, approved) = app.post(&admin2, &format!("/api/v1/users/{jing}/approve"), &Value::Null).await;
    assert_eq!(s, 200, "{approved}");
    let (s, _) = app.post(&city, &format!("/api/v1/users/{jing}/approve"), &Value::Null).await;
    assert_eq!(s, 404, "approved once");

    // An administrator's account reads no child: its link goes to who made it.
    let city_org = app.org("天津市民政局", OrgType::CityCivilAffairs, "12").await;
    let body = json!({"username": "guanli3", "display_name": "管理员", "org_id": city_org, "role": "admin"});
    let (s, made) = app.post(&admin, "/api/v1/users", &body).await;
    assert_eq!((s, made["awaiting_approval"].as_bool()), (201, Some(false)), "{made}");
    assert!(made["set_password_link"].as_str().is_some_and(|l| l.contains("/set-password/")), "{made}");

    // A role that reads children waits too; meanwhile the old role stays.
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let district_org = app.org("武清区民政局", OrgType::DistrictCivilAffairs, "120114").await;
    let change = json!({"role": "district_officer", "org_id": district_org});
    let (s, r) = app.post(&admin, &format!("/api/v1/users/{}/role", zhen.id), &change).await;
    assert_eq!((s, r["awaiting_approval"].as_bool()), (200, Some(true)), "{r}");
    let (s, r) = app.post(&admin, &format!("/api/v1/users/{}/reset", zhen.id), &Value::Null).await;
    assert_eq!(s, 409, "one request at a time: {r}");
    let (_, me) = app.get(&zhen, "/api/v1/me").await;
    assert_eq!(me["role"], "township_staff");
    let (s, _) = app.post(&zhen, &format!("/api/v1/users/{}/approve", zhen.id), &Value::Null).await;
    assert_eq!(s, 403);
    let (s, r) = app.post(&city, &format!("/api/v1/users/{}/approve", zhen.id), &Value::Null).await;
    assert_eq!(s, 200, "{r}");
    assert!(r.get("set_password_link").is_none(), "a role change hands out nothing");
    let zhen_id = zhen.id;
    let p = app.store(move |s| s.principal(zhen_id).expect("principal")).await;
    assert_eq!((p.role, p.region_code.as_str()), (Role::DistrictOfficer, "120114"));
    // A district officer must have a second factor (decision 83): the old token opens
    // nothing until one is set up.
    let (s, _) = app.get(&zhen, "/api/v1/me").await;
    assert_eq!(s, 401);

    // Both the request and the approval are in the audit log, in words.
    let (_, log) = app.get(&admin, "/api/v1/audit").await;
    let actions: Vec<&str> = log.as_array().expect("entries").iter().filter_map(|e| e["action"].as_str()).collect();
    for a in ["create_user", "approve_account", "change_role"] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
        assert!(msg::audit_action(a).is_some());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_sets_a_password_once_and_not_after_it_expires() {
    let app = TestApp::new().await;
    let admin = app.user("guanli", Role::Admin, OrgType::CityCivilAffairs, "12").await;
    let city = app.user("shi", Role::CityOfficer, OrgType::CityCivilAffairs, "12").await;
    let org = app.org("梅厂派出所", OrgType::PoliceStation, TOWNSHIP_A).await;
    let mut links = Vec::new();
    for name in ["liming", "wangfang"] {
        let body = json!({"username": name, "display_name": "李明", "org_id": org, "role": "police"});
        let (_, made) = app.post(&admin, "/api/v1/users", &body).await;
        let (_, approved) = app.post(&city, &format!("/api/v1/users/{}/approve", made["id"]), &Value::Null).await;
        links.push(approved["set_password_link"].as_str().expect("link").to_string());
    }

    // The page names the account; a weak or own-name password is refused and sets nothing.
    let page = client().get(&links[0]).send().await.expect("page");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("html").contains("liming"));
    for (password, message) in [
        ("1234567890", msg::PASSWORD_GUESSABLE),
        ("password12", msg::PASSWORD_GUESSABLE),
        ("liming-2026-meichang", msg::PASSWORD_HAS_NAME),
    ] {
        let res = client()
            .post(&links[0])
            .form(&[("password", password), ("password2", password)])
            .send()
            .await
            .expect("set");
        assert_eq!(res.status(), 422, "{password}");
        assert!(res.text().await.expect("html").contains(message), "{password}");
    }
    let (s, _) = token(&app, "liming", "1234567890").await;
    assert_eq!(s, 401);

    // Once.
    assert_eq!(use_link(&links[0], "Guo-luo zhuang 2026 ce").await, 303);
    let (s, _) = token(&app, "liming", "Guo-luo zhuang 2026 ce").await;
    assert_eq!(s, 201);
    assert_eq!(use_link(&links[0], "Another-one 2026 da kou").await, 409, "the link is spent");
    let res = client().get(&links[0]).send().await.expect("page");
    assert_eq!(res.status(), 409);
    assert!(res.text().await.expect("html").contains(msg::LINK_INVALID));
    let (s, _) = token(&app, "liming", "Another-one 2026 da kou").await;
    assert_eq!(s, 401);

    // Not after the setting's hours (72).
    app.clock.advance(chrono::Duration::hours(73));
    assert_eq!(use_link(&links[1], "Guo-luo zhuang 2026 ce").await, 409, "expired");
    let (s, _) = token(&app, "wangfang", "Guo-luo zhuang 2026 ce").await;
    assert_eq!(s, 401);

    // Secrets in paths are not logged.
    assert_eq!(shouhu_web::middleware::redact_path(&links[1]).matches("***").count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_account_uses_only_its_token_which_the_city_receives() {
    let app = TestApp::new().await;
    let admin = app.user("guanli", Role::Admin, OrgType::CityCivilAffairs, "12").await;
    let admin2 = app.user("guanli2", Role::Admin, OrgType::CityCivilAffairs, "12").await;
    let city = app.user("shi", Role::CityOfficer, OrgType::CityCivilAffairs, "12").await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    app.create_child(&zhen, &child("张小明", VILLAGE_A, 1)).await;
    let org = app.org("梅厂派出所", OrgType::PoliceStation, TOWNSHIP_A).await;
    let body =
        json!({"username": "jingwu", "display_name": "警务系统", "org_id": org, "role": "admin", "kind": "service"});
    let (s, r) = app.post(&admin, "/api/v1/users", &body).await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("role")), "no system administers: {r}");
    let body =
        json!({"username": "jingwu", "display_name": "警务系统", "org_id": org, "role": "police", "kind": "service"});
    let (s, made) = app.post(&admin, "/api/v1/users", &body).await;
    assert_eq!((s, made["awaiting_approval"].as_bool()), (201, Some(true)), "{made}");
    let id = made["id"].as_i64().expect("id");
    let (s, _) = app.post(&admin2, &format!("/api/v1/users/{id}/approve"), &Value::Null).await;
    assert_eq!(s, 403, "an administrator would hold a token that reads children");
    let (s, approved) = app.post(&city, &format!("/api/v1/users/{id}/approve"), &Value::Null).await;
    assert_eq!(s, 200, "{approved}");
    let system = user_of(&approved);
    assert!(approved["expires_at"].as_str().is_some());

    // It reads within its organisation's scope, and cannot sign in anywhere.
    let (s, ledger) = app.get(&system, "/api/v1/children").await;
    assert_eq!((s, ledger["total"].as_i64()), (200, Some(1)));
    let (s, _) = token(&app, "jingwu", "").await;
    assert_eq!(s, 401);
    let c =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().expect("c");
    let html = c.get(app.url("/login")).send().await.expect("login").text().await.expect("html");
    let res = c
        .post(app.url("/login"))
        .form(&[("csrf", csrf_of(&html).as_str()), ("username", "jingwu"), ("password", "")])
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 401);

    // A new token is a reset, approved the same way; the old one stops at once.
    let (s, r) = app.post(&admin, &format!("/api/v1/users/{id}/reset"), &Value::Null).await;
    assert_eq!((s, r["awaiting_approval"].as_bool()), (200, Some(true)));
    let (s, _) = app.get(&system, "/api/v1/children").await;
    assert_eq!(s, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn own_tokens_expire_and_are_listed_and_revoked_one_by_one() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let other = app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let ask = |days: Option<i64>| {
        let mut body = json!({"username": "zhen", "password": PASSWORD, "name": "月报脚本"});
        if let Some(d) = days {
            body["expires_in_days"] = json!(d);
        }
        body
    };
    let res = client().post(app.url("/api/v1/tokens")).json(&ask(Some(31))).send().await.expect("send");
    let (s, body) = crate::openapi::checked("POST", "/api/v1/tokens", res).await;
    assert_eq!((s, body["fields"][0]["field"].as_str()), (422, Some("expires_in_days")), "at most the setting");
    let res = client().post(app.url("/api/v1/tokens")).json(&ask(Some(2))).send().await.expect("send");
    let (s, short) = crate::openapi::checked("POST", "/api/v1/tokens", res).await;
    assert_eq!(s, 201, "{short}");
    let short_user = user_of(&short);

    // Listed, own only, never the secret.
    let (s, list) = app.get(&zhen, "/api/v1/tokens").await;
    assert_eq!(s, 200);
    assert_eq!(list.as_array().map(Vec::len), Some(2), "{list}");
    assert_eq!(list[0]["id"], short["id"]);
    assert_eq!(list[0]["name"], "月报脚本");
    assert!(!list.to_string().contains(&short_user.token) && !list.to_string().contains(&zhen.token));
    let (_, theirs) = app.get(&other, "/api/v1/tokens").await;
    assert_eq!(theirs.as_array().map(Vec::len), Some(1));

    // Revoked one by one; another's is missing.
    let path = format!("/api/v1/tokens/{}", short["id"]);
    let (s, _) = app.send(&other, reqwest::Method::DELETE, &path, &Value::Null).await;
    assert_eq!(s, 404);
    let (s, _) = app.get(&short_user, "/api/v1/me").await;
    assert_eq!(s, 200);
    let (s, _) = app.send(&zhen, reqwest::Method::DELETE, &path, &Value::Null).await;
    assert_eq!(s, 204);
    let (s, _) = app.get(&short_user, "/api/v1/me").await;
    assert_eq!(s, 401);
    let (_, list) = app.get(&zhen, "/api/v1/tokens").await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));

    // They expire: a two-day one after two days, the default after the setting's 30.
    let res = client().post(app.url("/api/v1/tokens")).json(&ask(Some(2))).send().await.expect("send");
    let two_days = user_of(&res.json::<Value>().await.expect("json"));
    app.clock.advance(chrono::Duration::days(2) + chrono::Duration::minutes(1));
    let (s, _) = app.get(&two_days, "/api/v1/me").await;
    assert_eq!(s, 401);
    let (s, _) = app.get(&zhen, "/api/v1/me").await;
    assert_eq!(s, 200);
    app.clock.advance(chrono::Duration::days(28));
    let (s, _) = app.get(&zhen, "/api/v1/me").await;
    assert_eq!(s, 401);

    // The page lists them too, with a button for each.
    let (c, csrf) = browser(&app, "zhen").await;
    let (s, fresh) = token(&app, "zhen", PASSWORD).await;
    assert_eq!(s, 201);
    let html = c.get(app.url("/account")).send().await.expect("account").text().await.expect("html");
    let action = format!("/account/tokens/{}/revoke", fresh["id"]);
    assert!(html.contains(&action), "{html}");
    let res = c.post(app.url(&action)).form(&[("csrf", csrf.as_str())]).send().await.expect("revoke");
    assert_eq!(res.status(), 200);
    let (s, _) = app.get(&user_of(&fresh), "/api/v1/me").await;
    assert_eq!(s, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_change_their_password_and_sign_out_everywhere() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let (a, csrf_a) = browser(&app, "zhen").await;
    let (b, _) = browser(&app, "zhen").await;
    let new = "Da-jian chang 2026 qiao";
    let change = |current: &str, password: &str| {
        vec![
            ("csrf", csrf_a.clone()),
            ("current", current.to_string()),
            ("password", password.to_string()),
            ("password2", password.to_string()),
        ]
    };
    let res = a.post(app.url("/account/password")).form(&change("wrong", new)).send().await.expect("change");
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("html").contains(msg::WRONG_CURRENT_PASSWORD));
    let res = a.post(app.url("/account/password")).form(&change(PASSWORD, "1234567890")).send().await.expect("change");
    assert_eq!(res.status(), 422);
    let res = a.post(app.url("/account/password")).form(&change(PASSWORD, new)).send().await.expect("change");
    assert_eq!(res.status(), 200);
    assert!(res.text().await.expect("html").contains(msg::PASSWORD_CHANGED));

    // The other session ended, this one stays; the API token stays; the old password is gone.
    let res = b.get(app.url("/children")).send().await.expect("b");
    assert_eq!(
        (res.status().as_u16(), res.headers().get("location").and_then(|v| v.to_str().ok())),
        (303, Some("/login"))
    );
    assert_eq!(a.get(app.url("/children")).send().await.expect("a").status(), 200);
    assert_eq!(app.get(&zhen, "/api/v1/me").await.0, 200);
    assert_eq!(token(&app, "zhen", PASSWORD).await.0, 401);
    assert_eq!(token(&app, "zhen", new).await.0, 201);

    // Sign out everywhere: every session, this one too, and no token unless ticked.
    let cun = app.user("cun", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let (one, csrf_one) = browser(&app, "cun").await;
    let (other, _) = browser(&app, "cun").await;
    let res = one
        .post(app.url("/account/sign-out-everywhere"))
        .form(&[("csrf", csrf_one.as_str())])
        .send()
        .await
        .expect("sign out");
    assert_eq!(res.status(), 303);
    assert_eq!(other.get(app.url("/children")).send().await.expect("other").status(), 303, "the other device too");
    assert_eq!(app.get(&cun, "/api/v1/me").await.0, 200, "tokens stay unless chosen");
    let (s, _) = app.post(&cun, "/api/v1/me/sign-out-everywhere", &json!({"revoke_tokens": true})).await;
    assert_eq!(s, 204);
    assert_eq!(app.get(&cun, "/api/v1/me").await.0, 401);

    // Over the API: the current password is needed, and the new one is checked.
    let (_, t) = token(&app, "zhen", new).await;
    let u = user_of(&t);
    let (s, r) =
        app.post(&u, "/api/v1/me/password", &json!({"current_password": "wrong", "new_password": "password12"})).await;
    assert_eq!(s, 422);
    let fields: Vec<&str> =
        r["fields"].as_array().expect("fields").iter().filter_map(|f| f["field"].as_str()).collect();
    assert_eq!(fields, vec!["new_password", "current_password"]);
    let body = json!({"current_password": new, "new_password": "Guo-luo zhuang 2026 ce"});
    assert_eq!(app.post(&u, "/api/v1/me/password", &body).await.0, 204);
    assert_eq!(token(&app, "zhen", "Guo-luo zhuang 2026 ce").await.0, 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_unused_for_the_idle_minutes_ends() {
    let app = TestApp::new().await;
    app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let (c, _) = browser(&app, "zhen").await;
    // Used every 29 minutes, it lives on (each use moves the idle clock).
    for _ in 0..3 {
        app.clock.advance(chrono::Duration::minutes(29));
        assert_eq!(c.get(app.url("/children")).send().await.expect("page").status(), 200);
    }
    // Unused for 31, it is over.
    app.clock.advance(chrono::Duration::minutes(31));
    let res = c.get(app.url("/children")).send().await.expect("page");
    assert_eq!(
        (res.status().as_u16(), res.headers().get("location").and_then(|v| v.to_str().ok())),
        (303, Some("/login"))
    );

    // A shorter setting is honoured.
    let app = TestApp::with_settings("[sign_in]\nidle_minutes = 5\n").await;
    app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let (c, _) = browser(&app, "zhen").await;
    app.clock.advance(chrono::Duration::minutes(6));
    assert_eq!(c.get(app.url("/children")).send().await.expect("page").status(), 303);
}

/// Decision 211: a role goes only into the kind of organisation it belongs in, and an
/// organisation only at its level, or a teacher of the city's civil affairs would read every
/// child of the city. Refused with what fits, on the API and on the page, and nothing is
/// made; an account and a unit made before the rule are pointed out to the administrator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_goes_only_into_its_kind_of_organisation_at_its_level() {
    let app = TestApp::new().await;
    let admin = app.user("guanli", Role::Admin, OrgType::CityCivilAffairs, "12").await;
    let city_org = app.org("天津市民政局", OrgType::CityCivilAffairs, "12").await;
    let school = app.org("梅厂镇中心小学", OrgType::School, TOWNSHIP_A).await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;

    let teacher = json!({"username": "laoshi", "display_name": "教师", "org_id": city_org, "role": "teacher"});
    let (s, body) = app.post(&admin, "/api/v1/users", &teacher).await;
    assert_eq!(s, 422, "{body}");
    assert_eq!(body["fields"][0]["field"], "role", "{body}");
    assert_eq!(body["fields"][0]["message"], msg::role_not_in_org("教师", &["学校", "幼儿园"]), "{body}");
    let teacher = json!({"username": "laoshi", "display_name": "教师", "org_id": school, "role": "teacher"});
    let (s, body) = app.post(&admin, "/api/v1/users", &teacher).await;
    assert_eq!(s, 201, "in a school: {body}");

    // A role change into the wrong kind of unit is refused and changes nothing.
    let change = json!({"role": "township_staff", "org_id": school});
    let (s, body) = app.post(&admin, &format!("/api/v1/users/{}/role", zhen.id), &change).await;
    assert_eq!(s, 422, "{body}");
    let (s, me) = app.get(&zhen, "/api/v1/me").await;
    assert_eq!((s, me["role"].as_str(), me["org_id"].as_i64() == Some(school)), (200, Some("township_staff"), false));
    let (_, approvals) = app.get(&admin, "/api/v1/approvals").await;
    assert!(!approvals.to_string().contains("\"zhen\""), "nothing waits for approval: {approvals}");

    // A township government at the city's code or a village's: refused, with its level.
    for region in ["12", VILLAGE_A] {
        let org = json!({"name": "梅厂镇人民政府", "org_type": "township_government", "region_code": region});
        let (s, body) = app.post(&admin, "/api/v1/orgs", &org).await;
        assert_eq!(s, 422, "{region}: {body}");
        assert_eq!(body["fields"][0]["field"], "region_code", "{body}");
        assert_eq!(body["fields"][0]["message"], msg::org_not_at_level("乡镇人民政府", &["乡镇（街道）"]), "{body}");
    }
    let (_, orgs) = app.get(&admin, "/api/v1/orgs").await;
    assert_eq!(orgs.as_array().map(Vec::len), Some(4), "nothing was made: {orgs}");

    // The pages say the same, in the user's words.
    let (c, csrf) = browser(&app, "guanli").await;
    let form = [
        ("csrf", csrf.clone()),
        ("name", "梅厂派出所".to_string()),
        ("org_type", "police_station".to_string()),
        ("region_code", "12".to_string()),
    ];
    let res = c.post(app.url("/admin/orgs")).form(&form).send().await.expect("org on the page");
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("html");
    assert!(html.contains(&msg::org_not_at_level("公安派出所", &["区", "乡镇（街道）"])), "{html}");
    let form = [
        ("csrf", csrf),
        ("username", "jingcha".to_string()),
        ("display_name", "民警".to_string()),
        ("kind", "person".to_string()),
        ("role", "police".to_string()),
        ("org_id", school.to_string()),
    ];
    let res = c.post(app.url("/admin/users")).form(&form).send().await.expect("user on the page");
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("html");
    assert!(html.contains(&msg::role_not_in_org("民警", &["公安派出所"])), "{html}");
    let (_, users) = app.get(&admin, "/api/v1/users").await;
    assert!(!users.to_string().contains("jingcha"), "{users}");
    assert!(!html.contains("id=\"misfits\""), "no account is out of place yet");

    // An account and a unit as made before the rule: the administrator's pages point them out.
    let station = app.org("梅厂派出所", OrgType::PoliceStation, TOWNSHIP_A).await;
    let jing = app.user_in("jing", Role::Police, station).await;
    let moved = app
        .store(move |s| {
            s.pool.write(|c| {
                c.exec("UPDATE users SET org_id = $1 WHERE id = $2", &[school.into(), jing.id.into()])?;
                c.exec("UPDATE organisations SET region_code = '12' WHERE id = $1", &[station.into()])
            })
        })
        .await;
    assert_eq!(moved.expect("as made before the rule"), 1);
    let html = c.get(app.url("/admin/users")).send().await.expect("users").text().await.expect("html");
    assert!(html.contains(&msg::misfit_accounts(1)), "the count: {html}");
    assert!(html.contains(&format!("id=\"misfit-{}\"", jing.id)), "the row");
    let page = c.get(app.url(&format!("/admin/users/{}", jing.id))).send().await.expect("user");
    let html = page.text().await.expect("html");
    assert!(html.contains(&msg::role_not_in_org("民警", &["公安派出所"])), "the account's page says why");
    let html = c.get(app.url("/admin/orgs")).send().await.expect("orgs").text().await.expect("html");
    assert!(html.contains(&format!("id=\"org-misfit-{station}\"")), "the unit at the city's code");
    assert!(html.contains(&msg::org_not_at_level("公安派出所", &["区", "乡镇（街道）"])));

    // A role change asked for before the rule is checked again when it would take effect.
    let city = app.user("shi", Role::CityOfficer, OrgType::CityCivilAffairs, "12").await;
    let (zhen_id, admin_id, now) = (zhen.id, admin.id, shouhu_domain::clock::Clock::now(app.clock.as_ref()));
    let asked = app
        .store(move |s| {
            s.pool.write(|c| {
                c.exec(
                    "INSERT INTO account_requests (user_id, what, requested_by, requested_at, role, org_id) \
                     VALUES ($1, 'role', $2, $3, 'district_officer', $4)",
                    &[zhen_id.into(), admin_id.into(), now.into(), school.into()],
                )
            })
        })
        .await;
    assert_eq!(asked.expect("a request as made before the rule"), 1);
    let (s, body) = app.post(&city, &format!("/api/v1/users/{zhen_id}/approve"), &Value::Null).await;
    assert_eq!(s, 422, "{body}");
    assert_eq!(body["fields"][0]["field"], "role", "{body}");
    let (_, me) = app.get(&zhen, "/api/v1/me").await;
    assert_eq!(me["role"], "township_staff", "the old role stays: {me}");
}
