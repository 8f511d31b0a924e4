//! The HTML side: sign-in with CSRF, cookie and header settings, forms that explain errors.

use crate::harness::*;
use shouhu_domain::role::{OrgType, Role};

pub(crate) fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("csrf field") + marker.len();
    html[start..].split('"').next().expect("value").to_string()
}

/// A browser-like client with cookies, signed in through the sign-in form.
pub(crate) async fn browser(app: &TestApp, username: &str) -> (reqwest::Client, String) {
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let html = c.get(app.url("/login")).send().await.expect("login page").text().await.expect("html");
    let token = csrf_of(&html);
    let res = c
        .post(app.url("/login"))
        .form(&[("csrf", token.as_str()), ("username", username), ("password", PASSWORD)])
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 303, "signed in");
    // A second factor's code, for a user who has one (decision 83).
    let res = if res.headers()["location"] == "/login/code" {
        let html = c.get(app.url("/login/code")).send().await.expect("code page").text().await.expect("html");
        let u = username.to_string();
        let id = app.store(move |s| s.principal_by_username(&u).expect("user").user_id).await;
        let code = app.next_code(id).await;
        let res = c
            .post(app.url("/login/code"))
            .form(&[("csrf", csrf_of(&html).as_str()), ("code", code.as_str())])
            .send()
            .await
            .expect("code");
        assert_eq!(res.status(), 303, "second step passed");
        res
    } else {
        res
    };
    let cookie = res.headers().get("set-cookie").expect("cookie").to_str().expect("ascii").to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    // The user's home: the ledger, or administration for the administrator.
    let home = res.headers()["location"].to_str().expect("location").to_string();
    let html = c.get(app.url(&home)).send().await.expect("home").text().await.expect("html");
    (c, csrf_of(&html))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_needs_the_forms_csrf_token() {
    let app = TestApp::new().await;
    app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let res = c
        .post(app.url("/login"))
        .form(&[("csrf", "forged"), ("username", "zhen"), ("password", PASSWORD)])
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 403);
    assert!(res.headers().get("set-cookie").is_none_or(|v| !v.to_str().unwrap_or("").starts_with("shouhu_session")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_security_headers_and_need_a_session() {
    let app = TestApp::new().await;
    let c = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let res = c.get(app.url("/children")).send().await.expect("ledger");
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/login");
    let res = c.get(app.url("/login")).send().await.expect("login");
    let csp = res.headers()["content-security-policy"].to_str().expect("csp");
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.headers()["x-frame-options"], "DENY");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let html = res.text().await.expect("html");
    assert!(!html.contains("<script>"), "no inline script");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_shows_each_error_beside_its_field_and_keeps_what_was_typed() {
    let app = TestApp::new().await;
    app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let (c, csrf) = browser(&app, "zhen").await;
    let res = c
        .post(app.url("/children/new"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "张三丰"),
            ("sex", "male"),
            ("birth_date", "2016-05-04"),
            ("id_number", "120114201605040110"),
            ("address", "一组"),
            ("village_code", VILLAGE_A),
            ("father.phone", "123"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("html");
    assert!(html.contains("id=\"e-id_number\">身份证号码校验位不正确"), "id error beside the field");
    assert!(html.contains("id=\"e-father.phone\">电话号码格式不正确"), "phone error beside the field");
    assert!(html.contains("value=\"张三丰\""), "typed name kept");
    assert!(html.contains("value=\"120114201605040110\""), "typed ID kept");
    assert_eq!(app.count_children().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_edit_and_history_through_the_pages() {
    let app = TestApp::new().await;
    app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let (c, csrf) = browser(&app, "zhen").await;
    let idn = id_for("120114", "2016-05-04", true, 21);
    let res = c
        .post(app.url("/children/new"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "李小龙"),
            ("sex", "male"),
            ("birth_date", "2016-05-04"),
            ("id_number", idn.as_str()),
            ("address", "一组"),
            ("village_code", VILLAGE_A),
            ("father.away_for_work", "true"),
            ("father.capable", "true"),
            ("mother.away_for_work", "true"),
            ("mother.capable", "true"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().expect("location").to_string();
    let id: i64 = location.trim_start_matches("/children/").split('?').next().expect("id").parse().expect("number");
    let html = c.get(app.url(&location)).send().await.expect("view").text().await.expect("html");
    assert!(html.contains("父母均外出务工"));
    assert!(html.contains(&idn), "the file shows the full ID number to its keeper");

    // A stale form is refused, and says why.
    let edit = c.get(app.url(&format!("/children/{id}/edit"))).send().await.expect("edit").text().await.expect("html");
    assert!(edit.contains("name=\"version\" value=\"1\""));
    let mut form: Vec<(String, String)> = vec![
        ("csrf".into(), csrf.clone()),
        ("version".into(), "1".into()),
        ("name".into(), "李小龙".into()),
        ("sex".into(), "male".into()),
        ("birth_date".into(), "2016-05-04".into()),
        ("id_number".into(), idn.clone()),
        ("address".into(), "二组".into()),
        ("village_code".into(), VILLAGE_A.into()),
        ("father.away_for_work".into(), "true".into()),
        ("father.capable".into(), "true".into()),
        ("mother.away_for_work".into(), "true".into()),
        ("mother.capable".into(), "true".into()),
    ];
    let res = c.post(app.url(&format!("/children/{id}/edit"))).form(&form).send().await.expect("save");
    assert_eq!(res.status(), 303);
    form[6].1 = "三组".into();
    let res = c.post(app.url(&format!("/children/{id}/edit"))).form(&form).send().await.expect("stale save");
    assert_eq!(res.status(), 409);
    assert!(res.text().await.expect("html").contains("已被他人修改"));

    let hist =
        c.get(app.url(&format!("/children/{id}/history"))).send().await.expect("history").text().await.expect("html");
    assert!(hist.contains("现居住地址") && hist.contains("一组") && hist.contains("二组"), "history lists the change");
    assert!(!hist.contains("三组"), "the refused save left no trace");

    // The ledger masks ID numbers.
    let ledger = c.get(app.url("/children")).send().await.expect("ledger").text().await.expect("html");
    assert!(ledger.contains("李小龙"));
    assert!(!ledger.contains(&idn));

    // Writes without the session's CSRF token are refused.
    form[0].1 = "forged".into();
    let res = c.post(app.url(&format!("/children/{id}/edit"))).form(&form).send().await.expect("forged");
    assert_eq!(res.status(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_administrator_needs_the_setup_token() {
    let config = shouhu_web::Config { setup_token: Some("setup-secret-123".into()), ..Default::default() };
    let app = TestApp::with_config(config).await;
    let c = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let form = |token: &str| {
        vec![
            ("token", token.to_string()),
            ("username", "root".to_string()),
            ("display_name", "管理员".to_string()),
            ("password", "Guo-luo zhuang 2026 ce".to_string()),
            ("password2", "Guo-luo zhuang 2026 ce".to_string()),
        ]
    };
    let res = c.post(app.url("/setup")).form(&form("guess")).send().await.expect("setup");
    assert_eq!(res.status(), 422);
    assert_eq!(app.store(|s| s.count_admins().expect("count")).await, 0);
    let res = c.post(app.url("/setup")).form(&form("setup-secret-123")).send().await.expect("setup");
    assert_eq!(res.status(), 303);
    assert_eq!(app.store(|s| s.count_admins().expect("count")).await, 1);
    let res = c.post(app.url("/setup")).form(&form("setup-secret-123")).send().await.expect("again");
    assert_eq!(res.status(), 409, "only once");
}

/// Issue 21: behind HTTPS every cookie is `Secure`, the sign-in form's too, and browsers are
/// told to use HTTPS only (HSTS); without it, neither (a plain-HTTP demo still works).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_https_every_cookie_is_secure_and_hsts_is_sent() {
    for https in [true, false] {
        let app = TestApp::with_config(shouhu_web::Config { secure_cookies: https, ..Default::default() }).await;
        app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
        let c = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        let res = c.get(app.url("/login")).send().await.expect("login page");
        let hsts = res.headers().get("strict-transport-security").map(|v| v.to_str().unwrap_or("").to_string());
        let cookie = res.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let html = res.text().await.expect("html");
        assert_eq!(cookie.ends_with("; Secure"), https, "the sign-in form's cookie: {cookie}");
        assert_eq!(hsts.as_deref(), https.then_some("max-age=31536000"));
        let token = csrf_of(&html);
        let value = cookie.split(';').next().unwrap_or("").to_string();
        let res = c
            .post(app.url("/login"))
            .header("cookie", value)
            .form(&[("csrf", token.as_str()), ("username", "zhen"), ("password", PASSWORD)])
            .send()
            .await
            .expect("login");
        assert_eq!(res.status(), 303);
        let session = res.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        assert_eq!(session.contains("; Secure"), https, "the session cookie: {session}");
    }
}
