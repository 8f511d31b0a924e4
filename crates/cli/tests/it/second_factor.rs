//! The second factor: required for the administrator, the city and the districts, optional
//! for others; recovery codes; the administrator's reset (issue 21, decisions 83 and 84).

use crate::harness::*;
use crate::pages::csrf_of;
use serde_json::{Value, json};
use shouhu_domain::clock::Clock;
use shouhu_domain::role::{OrgType, Role};
use shouhu_web::second_factor::{STEP_SECONDS, code_at, step_of};

fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

/// The password step on the sign-in form: the status, where it leads, and the cookies set.
async fn password_step(app: &TestApp, c: &reqwest::Client, username: &str) -> (u16, String, Vec<String>) {
    let html = c.get(app.url("/login")).send().await.expect("login page").text().await.expect("html");
    let res = c
        .post(app.url("/login"))
        .form(&[("csrf", csrf_of(&html).as_str()), ("username", username), ("password", PASSWORD)])
        .send()
        .await
        .expect("login");
    let location = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let cookies =
        res.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).map(String::from).collect();
    (res.status().as_u16(), location, cookies)
}

/// The code step: the status and where it leads.
async fn code_step(app: &TestApp, c: &reqwest::Client, code: &str) -> (u16, String) {
    let html = c.get(app.url("/login/code")).send().await.expect("code page").text().await.expect("html");
    let res = c
        .post(app.url("/login/code"))
        .form(&[("csrf", csrf_of(&html).as_str()), ("code", code)])
        .send()
        .await
        .expect("code");
    let location = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (res.status().as_u16(), location)
}

/// A code for the current step that is not `right` (a wrong code).
fn wrong_code(right: &str) -> String {
    let n: u32 = right.parse().unwrap_or(0);
    format!("{:06}", (n + 1) % 1_000_000)
}

/// What a half-signed-in (or signed-out) browser can reach: nothing.
async fn reaches_nothing(app: &TestApp, c: &reqwest::Client) {
    for page in [
        "/children",
        "/home",
        "/home/tasks",
        "/tasks",
        "/admin/users",
        "/admin/audit",
        "/settings",
        "/reports",
        "/second-factor",
    ] {
        let res = c.get(app.url(page)).send().await.expect("page");
        assert_eq!(res.status(), 303, "{page}");
        assert_eq!(res.headers()["location"], "/login", "{page}");
    }
    for api in ["/api/v1/me", "/api/v1/children", "/api/v1/users", "/api/v1/audit"] {
        assert_eq!(c.get(app.url(api)).send().await.expect("api").status(), 401, "{api}");
    }
}

async fn token_request(app: &TestApp, body: Value) -> (u16, Value) {
    let res = reqwest::Client::new().post(app.url("/api/v1/tokens")).json(&body).send().await.expect("send");
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

async fn audit_actions(app: &TestApp) -> Vec<(String, String)> {
    app.store(|s| {
        s.pool
            .read(|c| {
                c.query("SELECT action, user_name FROM audit_log ORDER BY id DESC", &[], |r| {
                    Ok((r.text(0)?, r.text(1)?))
                })
            })
            .expect("audit")
    })
    .await
}

/// The administrator, the city and the districts reach no page and no API without the second
/// step: a right password only opens the code (or set-up) page, and sessions or tokens made
/// before they had a second factor count for nothing. Setting one up is the only way on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn required_roles_cannot_reach_any_page_or_api_without_the_second_step() {
    let app = TestApp::new().await;
    let hash = blocking(|| shouhu_web::auth::hash_password(PASSWORD).expect("hash")).await;
    let mut ids = Vec::new();
    for (name, role, t, region) in [
        ("guanli", Role::Admin, OrgType::CityCivilAffairs, "12"),
        ("shi", Role::CityOfficer, OrgType::CityCivilAffairs, "12"),
        ("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114"),
    ] {
        let org = app.org(&format!("{name}的单位"), t, region).await;
        let (n, h) = (name.to_string(), hash.clone());
        ids.push(app.store(move |s| s.create_user(&n, "测试用户", &h, org, role).expect("user")).await);
    }
    // A token and a session made before the rule, by any other path, open nothing.
    let city = ids[1];
    app.store(move |s| {
        let p = s.principal(city).expect("principal");
        s.issue_api_token(&p, &shouhu_web::auth::token_hash("old-token"), "old", s.now() + chrono::Duration::days(1))
            .expect("token");
        let ttl = s.settings.sign_in.session_ttl;
        s.create_session(&shouhu_web::auth::token_hash("old-session"), city, "csrf", s.now() + ttl).expect("session");
    })
    .await;
    let res = reqwest::Client::new().get(app.url("/api/v1/me")).bearer_auth("old-token").send().await.expect("me");
    assert_eq!(res.status(), 401);
    let res =
        client().get(app.url("/children")).header("cookie", "shouhu_session=old-session").send().await.expect("ledger");
    assert_eq!(res.headers()["location"], "/login");

    for (i, name) in ["guanli", "shi", "qu"].into_iter().enumerate() {
        // No API token before the second factor is set up.
        let (s, body) = token_request(&app, json!({"username": name, "password": PASSWORD})).await;
        assert_eq!((s, body["code"].as_str()), (401, Some("second_factor_required")), "{body}");
        // The right password leads to setting one up, and to nothing else.
        let c = client();
        let (status, to, cookies) = password_step(&app, &c, name).await;
        assert_eq!((status, to.as_str()), (303, "/login/enrol"));
        assert!(cookies.iter().all(|c| !c.starts_with("shouhu_session=")), "no session: {cookies:?}");
        let pending = cookies.iter().find(|c| c.starts_with("shouhu_pending=")).expect("a half-done sign-in");
        assert!(pending.contains("Path=/login") && pending.contains("HttpOnly"), "{pending}");
        reaches_nothing(&app, &c).await;
        let html = c.get(app.url("/login/enrol")).send().await.expect("enrol").text().await.expect("html");
        assert!(html.contains("<svg") && html.contains("id=\"totp-qr\""), "a QR code rendered here");
        let secret: String = html
            .split("id=\"totp-secret\">")
            .nth(1)
            .and_then(|t| t.split('<').next())
            .expect("the secret as text")
            .split_whitespace()
            .collect();
        let code = code_at(&secret, app.clock.now()).expect("code");
        let res = c
            .post(app.url("/login/enrol"))
            .form(&[("csrf", csrf_of(&html).as_str()), ("code", wrong_code(&code).as_str())])
            .send()
            .await
            .expect("wrong first code");
        assert_eq!(res.status(), 401);
        reaches_nothing(&app, &c).await;
        let res = c
            .post(app.url("/login/enrol"))
            .form(&[("csrf", csrf_of(&html).as_str()), ("code", code.as_str())])
            .send()
            .await
            .expect("first code");
        assert_eq!(res.status(), 200);
        let page = res.text().await.expect("html");
        assert_eq!(page.matches("<li><code>").count(), 10, "ten recovery codes, shown once");
        let home = if i == 0 { "/admin/users" } else { "/home" };
        assert_eq!(c.get(app.url(home)).send().await.expect("home").status(), 200, "{name} is signed in");
        let id = ids[i];
        assert!(app.store(move |s| s.has_second_factor(id).expect("read")).await);

        // From now on the password leads to the code, and only the code opens the system.
        let c = client();
        let (status, to, _) = password_step(&app, &c, name).await;
        assert_eq!((status, to.as_str()), (303, "/login/code"));
        reaches_nothing(&app, &c).await;
        let code = app.next_code(id).await;
        assert_eq!(code_step(&app, &c, &code).await, (303, home.to_string()));
        assert_eq!(c.get(app.url("/api/v1/me")).send().await.expect("me").status(), 200);
    }
    let enrolled = audit_actions(&app).await.iter().filter(|(a, _)| a == "enrol_second_factor").count();
    assert_eq!(enrolled, 3, "each set-up audited");
}

/// A wrong code, a code used once already and a code of a past step are refused, on the
/// sign-in page and for API tokens; wrong codes make later attempts wait like wrong passwords.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_and_reused_codes_are_refused_and_throttled() {
    let app = TestApp::new().await;
    let city = app.user("shi", Role::CityOfficer, OrgType::CityCivilAffairs, "12").await;
    let secret = city.totp.clone().expect("set up by the harness");
    // The harness's token used a code already.
    let last = app.store(move |s| s.second_factor(city.id).expect("read").expect("factor").last_step).await;
    let at = |step: i64| chrono::DateTime::from_timestamp(step * STEP_SECONDS, 0).expect("time");
    let used = code_at(&secret, at(last)).expect("code");
    let (s, body) = token_request(&app, json!({"username": "shi", "password": PASSWORD, "code": used})).await;
    assert_eq!((s, body["code"].as_str()), (401, Some("second_factor_required")), "reused: {body}");
    let (s, body) = token_request(&app, json!({"username": "shi", "password": PASSWORD})).await;
    assert_eq!((s, body["code"].as_str()), (401, Some("second_factor_required")), "no code: {body}");

    let c = client();
    assert_eq!(password_step(&app, &c, "shi").await.1, "/login/code");
    assert_eq!(code_step(&app, &c, &used).await.0, 401, "reused on the page");
    assert_eq!(code_step(&app, &c, &wrong_code(&used)).await.0, 401, "wrong");
    let next = code_at(&secret, at(last + 1)).expect("code");
    assert_eq!(code_step(&app, &c, &next).await, (303, "/home".to_string()), "the next step's code, once");
    let c2 = client();
    password_step(&app, &c2, "shi").await;
    assert_eq!(code_step(&app, &c2, &next).await.0, 401, "not twice");
    assert_eq!(code_step(&app, &c2, &used).await.0, 401, "nor an older step's");

    // Codes count like passwords: after five failures of the account the next attempt
    // waits, even with the right code.
    for _ in 0..3 {
        assert_eq!(code_step(&app, &c2, &wrong_code(&next)).await.0, 401);
    }
    let right = app.next_code(city.id).await;
    let (s, body) = token_request(&app, json!({"username": "shi", "password": PASSWORD, "code": right})).await;
    assert_eq!((s, body["code"].as_str()), (429, Some("throttled")), "{body}");
    assert_eq!(code_step(&app, &c2, &right).await.0, 429);
    app.clock.advance(chrono::Duration::minutes(15));
    let c3 = client();
    assert_eq!(password_step(&app, &c3, "shi").await.1, "/login/code");
    let right = app.next_code(city.id).await;
    assert_eq!(code_step(&app, &c3, &right).await, (303, "/home".to_string()));
    let step = step_of(app.clock.now());
    assert!(app.store(move |s| s.second_factor(city.id).expect("read").expect("factor").last_step).await >= step - 1);
}

/// A user of a role that may add a second factor sets one up from their own page; each
/// recovery code then signs in once (audited), on the page or for an API token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recovery_code_works_once() {
    let app = TestApp::new().await;
    app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let (c, csrf) = crate::pages::browser(&app, "zhen").await;
    let html = c.get(app.url("/second-factor")).send().await.expect("own page").text().await.expect("html");
    assert!(html.contains("id=\"totp-qr\""), "set-up offered");
    let secret: String = html
        .split("id=\"totp-secret\">")
        .nth(1)
        .and_then(|t| t.split('<').next())
        .expect("secret")
        .split_whitespace()
        .collect();
    let code = code_at(&secret, app.clock.now()).expect("code");
    let res = c
        .post(app.url("/second-factor"))
        .form(&[("csrf", csrf.as_str()), ("code", code.as_str())])
        .send()
        .await
        .expect("confirm");
    assert_eq!(res.status(), 200);
    let page = res.text().await.expect("html");
    let codes: Vec<String> =
        page.split("<li><code>").skip(1).filter_map(|t| t.split('<').next()).map(String::from).collect();
    assert_eq!(codes.len(), 10);
    let html = c.get(app.url("/second-factor")).send().await.expect("own page").text().await.expect("html");
    assert!(html.contains("id=\"recovery-left\">10<"), "shown once, not again");

    // Signing in now takes a code; a recovery code does, once.
    let b = client();
    assert_eq!(password_step(&app, &b, "zhen").await.1, "/login/code");
    assert_eq!(code_step(&app, &b, &codes[0].to_uppercase()).await, (303, "/home".to_string()));
    let b = client();
    password_step(&app, &b, "zhen").await;
    assert_eq!(code_step(&app, &b, &codes[0]).await.0, 401, "used");
    let (s, _) = token_request(&app, json!({"username": "zhen", "password": PASSWORD, "code": codes[1]})).await;
    assert_eq!(s, 201, "for an API token too");
    let (s, _) = token_request(&app, json!({"username": "zhen", "password": PASSWORD, "code": codes[1]})).await;
    assert_eq!(s, 401, "once");
    let actions = audit_actions(&app).await;
    assert_eq!(actions.iter().filter(|(a, _)| a == "use_recovery_code").count(), 2, "{actions:?}");
    assert_eq!(actions.iter().filter(|(a, _)| a == "enrol_second_factor").count(), 1);
}

/// An administrator resets a user's second factor (a lost phone): audited; the user's
/// sessions end and they set up a new one at their next sign-in. Only an administrator may.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrators_reset_is_audited_and_the_user_sets_up_again() {
    let app = TestApp::new().await;
    let admin = app.user("guanli", Role::Admin, OrgType::CityCivilAffairs, "12").await;
    let district = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let (browser, _) = crate::pages::browser(&app, "qu").await;
    assert_eq!(browser.get(app.url("/children")).send().await.expect("ledger").status(), 200);

    let path = format!("/api/v1/users/{}/second-factor/reset", district.id);
    let (s, _) = app.post(&township, &path, &Value::Null).await;
    assert_eq!(s, 403, "not the township");
    let (s, body) = app.post(&admin, &path, &Value::Null).await;
    assert_eq!((s, body["user_id"].as_i64()), (200, Some(district.id)));
    let resets: Vec<(String, String)> =
        audit_actions(&app).await.into_iter().filter(|(a, _)| a == "reset_second_factor").collect();
    assert_eq!(resets.len(), 1);
    assert!(resets[0].1.contains("guanli"), "by the administrator: {resets:?}");
    let (_, entries) = app.get(&admin, "/api/v1/audit").await;
    assert!(entries.to_string().contains(&format!("user {}", district.id)), "names the user: {entries}");

    // The district's session and token open nothing until a new second factor is set up.
    assert_eq!(browser.get(app.url("/children")).send().await.expect("ledger").headers()["location"], "/login");
    assert_eq!(app.get(&district, "/api/v1/me").await.0, 401);
    let c = client();
    assert_eq!(password_step(&app, &c, "qu").await.1, "/login/enrol");

    // The page's button does the same.
    let (admin_browser, csrf) = crate::pages::browser(&app, "guanli").await;
    let users = admin_browser
        .get(app.url(&format!("/admin/users/{}", township.id)))
        .send()
        .await
        .expect("user page")
        .text()
        .await
        .expect("html");
    assert!(users.contains(&format!("reset-second-factor-{}", township.id)));
    let res = admin_browser
        .post(app.url(&format!("/admin/users/{}/second-factor/reset", township.id)))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("reset");
    assert_eq!(res.status(), 303);
    assert_eq!(audit_actions(&app).await.iter().filter(|(a, _)| a == "reset_second_factor").count(), 2);
}
