//! Sign-in waits instead of lock-outs, known devices and client addresses behind proxies
//! (issue 21, decisions 81 and 82).

use crate::harness::*;
use crate::pages::csrf_of;
use serde_json::{Value, json};
use shouhu_domain::role::{OrgType, Role};

/// A browser-like client with cookies that does not follow redirects.
fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

/// One attempt on the sign-in form: the status and `Retry-After`.
async fn form_sign_in(app: &TestApp, c: &reqwest::Client, username: &str, password: &str) -> (u16, Option<i64>) {
    let html = c.get(app.url("/login")).send().await.expect("login page").text().await.expect("html");
    let res = c
        .post(app.url("/login"))
        .form(&[("csrf", csrf_of(&html).as_str()), ("username", username), ("password", password)])
        .send()
        .await
        .expect("login");
    (res.status().as_u16(), retry_after(&res))
}

fn retry_after(res: &reqwest::Response) -> Option<i64> {
    res.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok())
}

/// One attempt on `POST /api/v1/tokens`, from `forwarded_for` if given: status, `Retry-After`, body.
async fn token_attempt(
    app: &TestApp,
    username: &str,
    password: &str,
    forwarded_for: Option<&str>,
) -> (u16, Option<i64>, Value) {
    let mut req = reqwest::Client::new()
        .post(app.url("/api/v1/tokens"))
        .json(&json!({"username": username, "password": password}));
    if let Some(xff) = forwarded_for {
        req = req.header("x-forwarded-for", xff);
    }
    let res = req.send().await.expect("send");
    let (status, after) = (res.status().as_u16(), retry_after(&res));
    (status, after, res.json().await.unwrap_or(Value::Null))
}

/// Makes `n` failed attempts on `username`'s account from `forwarded_for`, waiting out (on the
/// injected clock) every wait it is given.
async fn fail_times(app: &TestApp, username: &str, n: usize, forwarded_for: Option<&str>) {
    let mut failed = 0;
    while failed < n {
        match token_attempt(app, username, "wrong-password", forwarded_for).await {
            (401, _, _) => failed += 1,
            (429, Some(s), _) => app.clock.advance(chrono::Duration::seconds(s)),
            other => panic!("unexpected answer {other:?}"),
        }
    }
}

async fn trusting_the_test_proxy() -> TestApp {
    let config = shouhu_web::Config {
        trusted_proxies: vec![shouhu_web::client_addr::parse_trusted_proxy("127.0.0.1").expect("net")],
        ..Default::default()
    };
    TestApp::with(config, shouhu_domain::settings::Settings::default()).await
}

/// Issue 21: five wrong passwords locked the police duty desk's account for everyone. Now an
/// attacker's failures never keep the owner out of the browser they signed in from before,
/// even from the same address; elsewhere the owner waits minutes, never hours.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_signs_in_from_a_known_device_despite_fifty_failures_by_an_attacker() {
    let app = TestApp::new().await;
    app.user("desk", Role::Police, OrgType::PoliceStation, TOWNSHIP_A).await;
    let owner = client();
    let html = owner.get(app.url("/login")).send().await.expect("login page").text().await.expect("html");
    let res = owner
        .post(app.url("/login"))
        .form(&[("csrf", csrf_of(&html).as_str()), ("username", "desk"), ("password", PASSWORD)])
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 303);
    let cookies: Vec<String> =
        res.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).map(str::to_string).collect();
    let device = cookies.iter().find(|c| c.starts_with("shouhu_device=")).expect("a known-device cookie");
    assert!(
        device.contains("HttpOnly") && device.contains("SameSite=Strict") && device.contains("Path=/login"),
        "{device}"
    );
    assert!(!device.contains("Secure"), "not behind HTTPS: {device}");
    let home = owner.get(app.url("/children")).send().await.expect("home").text().await.expect("html");
    let res = owner.post(app.url("/logout")).form(&[("csrf", csrf_of(&home))]).send().await.expect("logout");
    assert_eq!(res.status(), 303);

    fail_times(&app, "desk", 50, None).await;
    // Another browser, even the owner's, waits: the account has had fifty failures.
    let (status, after) = form_sign_in(&app, &client(), "desk", PASSWORD).await;
    assert_eq!(status, 429);
    let after = after.expect("Retry-After");
    assert!(after > 0 && after <= 15 * 60, "minutes, never hours: {after}");
    // The owner's own browser signs in at once.
    assert_eq!(form_sign_in(&app, &owner, "desk", PASSWORD).await, (303, None));
    assert_eq!(owner.get(app.url("/children")).send().await.expect("ledger").status(), 200);

    // The known device is still held to its own failures.
    let home = owner.get(app.url("/children")).send().await.expect("home").text().await.expect("html");
    owner.post(app.url("/logout")).form(&[("csrf", csrf_of(&home))]).send().await.expect("logout");
    for _ in 0..app.store.settings.sign_in.free_failures_per_account {
        assert_eq!(form_sign_in(&app, &owner, "desk", "wrong-password").await.0, 401);
    }
    let (status, after) = form_sign_in(&app, &owner, "desk", PASSWORD).await;
    assert_eq!((status, after), (429, Some(15)));
    app.clock.advance(chrono::Duration::seconds(15));
    assert_eq!(form_sign_in(&app, &owner, "desk", PASSWORD).await.0, 303);
}

/// Each failure beyond the free ones doubles the wait, up to the cap; an attempt within the
/// wait is answered 429 without its password being looked at, with a message in Chinese and
/// `Retry-After`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attacker_from_one_address_waits_longer_and_longer() {
    let app = TestApp::new().await;
    app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    for _ in 0..5 {
        let (s, _, body) = token_attempt(&app, "zhen", "wrong-password", None).await;
        assert_eq!(s, 401);
        assert_eq!(body["message"], "用户名或密码错误");
    }
    let mut waits = Vec::new();
    for _ in 0..8 {
        // Even the right password is not looked at within the wait.
        let (s, after, body) = token_attempt(&app, "zhen", PASSWORD, None).await;
        assert_eq!((s, body["code"].as_str()), (429, Some("throttled")), "{body}");
        let after = after.expect("Retry-After");
        let message = body["message"].as_str().unwrap_or("");
        let when =
            if after >= 120 { format!("{} 分钟后再试", after / 60) } else { format!("{after} 秒后再试") };
        assert!(message.contains(&when), "{message}");
        waits.push(after);
        app.clock.advance(chrono::Duration::seconds(after - 1));
        assert_eq!(token_attempt(&app, "zhen", PASSWORD, None).await.0, 429, "one second early");
        app.clock.advance(chrono::Duration::seconds(1));
        assert_eq!(token_attempt(&app, "zhen", "wrong-password", None).await.0, 401);
    }
    assert_eq!(waits, [15, 30, 60, 120, 240, 480, 900, 900]);
    // The wait over, the right password gets through, and the account starts afresh.
    app.clock.advance(chrono::Duration::minutes(15));
    assert_eq!(token_attempt(&app, "zhen", PASSWORD, None).await.0, 201);
    assert_eq!(token_attempt(&app, "zhen", "wrong-password", None).await.0, 401);
    assert_eq!(token_attempt(&app, "zhen", PASSWORD, None).await.0, 201);
}

/// Behind a trusted proxy each client is its own address: one client spraying guesses over
/// many accounts waits, the colleague behind the same proxy does not; and a client cannot
/// choose its address by writing the header itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_users_behind_one_trusted_proxy_are_not_throttled_together() {
    let app = trusting_the_test_proxy().await;
    app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let free = app.store.settings.sign_in.free_failures_per_address;
    for i in 0..free {
        let (s, _, _) = token_attempt(&app, &format!("guess{i}"), "wrong-password", Some("198.51.100.1")).await;
        assert_eq!(s, 401);
    }
    let (s, after, _) = token_attempt(&app, "guess-more", "wrong-password", Some("198.51.100.1")).await;
    assert_eq!((s, after), (429, Some(15)), "the spraying address waits");
    // Writing a colleague's address in front does not help: the proxy appends the real one.
    let (s, _, _) = token_attempt(&app, "zhen", PASSWORD, Some("198.51.100.2, 198.51.100.1")).await;
    assert_eq!(s, 429);
    let (s, _, body) = token_attempt(&app, "zhen", PASSWORD, Some("198.51.100.2")).await;
    assert_eq!(s, 201, "the colleague behind the same proxy: {body}");
}

/// Without a trusted proxy `X-Forwarded-For` is ignored: an attacker cannot escape the
/// address's wait by making up addresses.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x_forwarded_for_from_an_untrusted_peer_is_ignored() {
    let app = TestApp::new().await;
    app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let free = app.store.settings.sign_in.free_failures_per_address;
    for i in 0..free {
        let xff = format!("203.0.113.{i}");
        let (s, _, _) = token_attempt(&app, &format!("guess{i}"), "wrong-password", Some(&xff)).await;
        assert_eq!(s, 401);
    }
    let (s, after, _) = token_attempt(&app, "zhen", PASSWORD, Some("203.0.113.200")).await;
    assert_eq!((s, after), (429, Some(15)), "all from the one peer");
}

/// The public report limit counts the client behind a trusted proxy, not the proxy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_report_limit_counts_clients_behind_a_trusted_proxy() {
    let config = shouhu_web::Config {
        trusted_proxies: vec![shouhu_web::client_addr::parse_trusted_proxy("127.0.0.0/8").expect("net")],
        ..Default::default()
    };
    let settings =
        shouhu_domain::settings::Settings::from_toml("[public_reports]\nper_address_per_hour = 1\n").expect("settings");
    let app = TestApp::with(config, settings).await;
    app.user("paichusuo", Role::Police, OrgType::PoliceStation, TOWNSHIP_A).await;
    let report = |xff: &'static str| {
        let app = &app;
        async move {
            let ch: Value =
                reqwest::get(app.url("/api/v1/public/challenge")).await.expect("get").json().await.expect("json");
            let answer: u32 = ch["question"]
                .as_str()
                .unwrap_or("")
                .split(|c: char| !c.is_ascii_digit())
                .filter_map(|s| s.parse::<u32>().ok())
                .sum();
            let body = json!({
                "situations": ["living_alone"],
                "discovered_at": "2026-11-29T03:00:00Z",
                "child_description": "男孩，约9岁",
                "village_code": VILLAGE_A,
                "description": "孩子独自在家三天",
                "challenge_token": ch["token"],
                "challenge_answer": answer.to_string(),
            });
            let res = reqwest::Client::new()
                .post(app.url("/api/v1/public/reports"))
                .header("x-forwarded-for", xff)
                .json(&body)
                .send()
                .await
                .expect("send");
            res.status().as_u16()
        }
    };
    assert_eq!(report("198.51.100.1").await, 201);
    assert_eq!(report("198.51.100.1").await, 429);
    assert_eq!(report("198.51.100.2").await, 201, "another client behind the same proxy");
}
