//! Notifications (issue 19): who hears of what, the live stream with resume, and the outbox
//! delivered through a real SMTP server and a real HTTP receiver on 127.0.0.1.

use crate::harness::*;
use chrono::Duration;
use serde_json::{Value, json};
use shouhu_domain::role::{OrgType, Role};
use std::sync::{Arc, Mutex};

fn critical_report(village: &str) -> Value {
    json!({
        "situations": ["missing"],
        "discovered_at": "2026-11-29T03:00:00Z",
        "child_description": "李小明，男孩，约9岁，穿蓝色外套",
        "village_code": village,
        "description": "孩子放学后未回家",
        "contact_name": "王老师",
        "contact_phone": "13912345678"
    })
}

fn alone_report(village: &str) -> Value {
    json!({
        "situations": ["living_alone"],
        "discovered_at": "2026-11-29T03:00:00Z",
        "child_description": "女孩，约8岁",
        "village_code": village,
        "description": "孩子独自在家三天，邻居送饭",
    })
}

async fn notes(app: &TestApp, user: &User) -> Vec<Value> {
    let (s, r) = app.get(user, "/api/v1/notifications").await;
    assert_eq!(s, 200, "{r}");
    r["notifications"].as_array().cloned().unwrap_or_default()
}

fn kinds(list: &[Value]) -> Vec<String> {
    list.iter().map(|n| n["kind"].as_str().unwrap_or("").to_string()).collect()
}

struct Area {
    app: TestApp,
    teacher: User,
    police: User,
    police_b: User,
    township: User,
    township_b: User,
    admin: User,
}

async fn area_with(app: TestApp) -> Area {
    let teacher = app.user("laoshi", Role::Teacher, OrgType::School, TOWNSHIP_A).await;
    let police = app.user("paichusuo_a", Role::Police, OrgType::PoliceStation, TOWNSHIP_A).await;
    let police_b = app.user("paichusuo_b", Role::Police, OrgType::PoliceStation, TOWNSHIP_B).await;
    let township = app.user("zhen_a", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let township_b = app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let admin = app.user("guanli", Role::Admin, OrgType::CityCivilAffairs, "12").await;
    Area { app, teacher, police, police_b, township, township_b, admin }
}

async fn area() -> Area {
    area_with(TestApp::new().await).await
}

async fn file(app: &TestApp, user: &User, body: &Value) -> i64 {
    let (s, r) = app.post(user, "/api/v1/reports", body).await;
    assert_eq!(s, 201, "file report: {r}");
    r["id"].as_i64().expect("id")
}

async fn step(app: &TestApp, police: &User, id: i64, step: &str, extra: Value) {
    let (_, now) = app.get(police, &format!("/api/v1/reports/{id}")).await;
    let mut body = json!({"step": step, "version": now["version"]});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let (s, r) = app.post(police, &format!("/api/v1/reports/{id}/steps"), &body).await;
    assert_eq!(s, 200, "{step}: {r}");
}

/// Takes a report to the hand-over, which opens the township's assessment.
async fn hand_over(app: &TestApp, police: &User, id: i64) {
    for s in ["accepted", "dispatched", "on_scene"] {
        step(app, police, id, s, json!({})).await;
    }
    for a in ["parents_to_return_or_entrust", "reprimand"] {
        let (s, r) = app.post(police, &format!("/api/v1/reports/{id}/actions"), &json!({"action": a})).await;
        assert_eq!(s, 200, "{a}: {r}");
    }
    step(app, police, id, "disposed", json!({"case_kind": "living_alone"})).await;
    step(app, police, id, "handed_over", json!({})).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_notifies_its_areas_duty_desk_and_the_hand_over_its_township_and_nobody_else() {
    let Area { app, teacher, police, police_b, township, township_b, admin } = area().await;
    // An officer of the district's civil affairs and a director of the village: they may see
    // the area's reports or files, but the acceptance is not theirs.
    let district = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let director = app.user("cun", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let id = file(&app, &teacher, &critical_report(VILLAGE_A)).await;

    let mine = notes(&app, &police).await;
    assert_eq!(kinds(&mine), ["report_to_accept"], "{mine:?}");
    assert_eq!(mine[0]["critical"], true);
    assert_eq!(mine[0]["link"], format!("/reports/{id}"));
    let text = mine[0]["text"].as_str().expect("text");
    assert!(!text.contains("李小明") && !text.contains("王老师") && !text.contains("139"), "no names: {text}");
    for other in [&police_b, &township, &township_b, &teacher, &admin, &district, &director] {
        assert_eq!(notes(&app, other).await, Vec::<Value>::new(), "{}", other.id);
    }

    // A report that is not critical is announced unflagged.
    file(&app, &teacher, &alone_report(VILLAGE_A)).await;
    let (_, list) = app.get(&police, "/api/v1/notifications").await;
    assert_eq!(list["unread"], 2);
    assert_eq!(list["notifications"][0]["critical"], false, "newest first: {list}");

    hand_over(&app, &police, id).await;
    let t = notes(&app, &township).await;
    assert_eq!(kinds(&t), ["hand_over_to_acknowledge"], "{t:?}");
    assert_eq!(notes(&app, &township_b).await, Vec::<Value>::new());
    assert_eq!(notes(&app, &police).await.len(), 2, "the desk hears nothing of its own step");

    // Read: one's own only; another's looks missing.
    let first = t[0]["id"].as_i64().expect("id");
    let (s, _) = app.post(&police, &format!("/api/v1/notifications/{first}/read"), &json!({})).await;
    assert_eq!(s, 404);
    let (s, _) = app.post(&township, &format!("/api/v1/notifications/{first}/read"), &json!({})).await;
    assert_eq!(s, 204);
    let (_, list) = app.get(&township, "/api/v1/notifications").await;
    assert_eq!((list["unread"].as_i64(), list["notifications"][0]["read_at"].is_string()), (Some(0), true));
    let (s, _) = app.post(&police, "/api/v1/notifications/read", &json!({})).await;
    assert_eq!(s, 204);
    let (_, list) = app.get(&police, "/api/v1/notifications").await;
    assert_eq!(list["unread"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_referral_an_import_and_visits_notify_exactly_whose_work_they_are() {
    let Area { app, teacher, police, township, township_b, .. } = area().await;
    let id = file(&app, &teacher, &alone_report(VILLAGE_A)).await;
    hand_over(&app, &police, id).await;
    let assessment = app
        .store(move |s| {
            s.reports
                .read(|c| c.query_opt("SELECT id FROM assessments WHERE report_id = $1", &[id.into()], |r| r.i64(0)))
        })
        .await
        .expect("read")
        .expect("assessment opened by the hand-over");
    let relief = app.org("救助站", OrgType::ReliefAgency, "120114").await;
    let worker = app.user_in("shegong", Role::SocialWorker, relief).await;
    let elsewhere = app.user("shegong_b", Role::SocialWorker, OrgType::ReliefAgency, "120114").await;
    let (s, d) = app
        .post(
            &township,
            &format!("/api/v1/assessments/{assessment}/referrals"),
            &json!({"kind": "minimum_living", "receiving_org_id": relief}),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(kinds(&notes(&app, &worker).await), ["referral_to_decide"]);
    assert_eq!(notes(&app, &elsewhere).await, Vec::<Value>::new(), "another agency hears nothing");

    // An import that ends: its user only.
    let (tid, bid) = (township.id, township_b.id);
    app.store(move |s| {
        let job = s.create_import_job(tid, "a.xlsx", "{}").expect("job");
        s.finish_import_job(job, "finished", Some("{}"), None).expect("finish");
        let failed = s.create_import_job(tid, "b.xlsx", "{}").expect("job");
        s.finish_import_job(failed, "failed", None, Some("坏文件")).expect("fail");
        let _ = bid;
    })
    .await;
    let t = kinds(&notes(&app, &township).await);
    assert!(t.contains(&"import_finished".to_string()) && t.contains(&"import_failed".to_string()), "{t:?}");
    assert!(!kinds(&notes(&app, &township_b).await).iter().any(|k| k.starts_with("import")));

    // A visit: the township's supervisor reviews it; sent back, its author hears.
    let director = app.user("cun", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let supervisor = app.user("dudao", Role::ChildSupervisor, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let supervisor_b = app.user("dudao_b", Role::ChildSupervisor, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let rec = app.create_child(&director, &child("王小红", VILLAGE_A, 1)).await;
    let cid = rec["id"].as_i64().expect("child");
    let visit = json!({"visited_on": "2026-11-29", "kind": "home", "child_seen": true, "lives_with": "entrusted_carer",
        "carer_state": "capable", "safety": "safe", "health": "good", "schooling": "attending", "mood": "good",
        "notes": "孩子在写作业", "guidance": "提醒注意用电安全"});
    let (s, v) = app.post(&director, &format!("/api/v1/children/{cid}/visits"), &visit).await;
    assert_eq!(s, 201, "{v}");
    let vid = v["id"].as_i64().expect("visit");
    assert_eq!(kinds(&notes(&app, &supervisor).await), ["visit_to_review"]);
    assert_eq!(notes(&app, &supervisor_b).await, Vec::<Value>::new());
    assert_eq!(notes(&app, &director).await, Vec::<Value>::new());
    let (s, r) = app
        .post(
            &supervisor,
            &format!("/api/v1/visits/{vid}/review"),
            &json!({"version": 1, "decision": "send_back", "reason": "请补充孩子的健康情况"}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    let d = notes(&app, &director).await;
    assert_eq!(kinds(&d), ["visit_sent_back"]);
    assert!(!d[0]["text"].as_str().unwrap_or("").contains("王小红"));
}

/// A small SMTP server speaking the protocol on 127.0.0.1: keeps every message's data.
async fn smtp_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind smtp");
    let port = listener.local_addr().expect("addr").port();
    let got = Arc::new(Mutex::new(Vec::new()));
    let store = got.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                let _ = w.write_all(b"220 test ESMTP\r\n").await;
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            store.lock().expect("lock").push(std::mem::take(body));
                            data = None;
                            let _ = w.write_all(b"250 queued\r\n").await;
                        } else {
                            body.push_str(&line);
                            body.push('\n');
                        }
                        continue;
                    }
                    let verb = line.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" => b"250-test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go on\r\n"
                        }
                        "QUIT" => {
                            let _ = w.write_all(b"221 bye\r\n").await;
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    let _ = w.write_all(reply).await;
                }
            });
        }
    });
    (port, got)
}

/// A webhook receiver (axum) on `listener`: keeps every JSON body.
fn webhook_receiver(listener: tokio::net::TcpListener, got: Arc<Mutex<Vec<Value>>>) {
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |axum::Json(v): axum::Json<Value>| {
            let got = got.clone();
            async move {
                got.lock().expect("lock").push(v);
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
}

fn delivery(smtp_port: u16) -> shouhu_web::delivery::DeliveryConfig {
    shouhu_web::delivery::DeliveryConfig {
        public_url: "https://shouhu.example.cn".into(),
        smtp_url: Some(format!("smtp://127.0.0.1:{smtp_port}")),
        smtp_from: "shouhu@example.cn".into(),
    }
}

async fn deliver(app: &TestApp, cfg: &shouhu_web::delivery::DeliveryConfig) -> shouhu_web::delivery::RunSummary {
    shouhu_web::delivery::deliver_once(&app.store, &shouhu_web::delivery::http_client(), cfg, "test-server")
        .await
        .expect("delivery run")
}

async fn org_of(app: &TestApp, user: &User) -> i64 {
    let id = user.id;
    app.store(move |s| {
        s.pool.read(|c| c.query_opt("SELECT org_id FROM users WHERE id = $1", &[id.into()], |r| r.i64(0)))
    })
    .await
    .expect("read")
    .expect("user")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outbox_sends_by_email_and_webhook_and_survives_a_receiver_that_is_down() {
    let app =
        TestApp::with_settings("[notify]\nattempts = 3\nfirst_delay_seconds = 60\nmax_delay_seconds = 600\n").await;
    let Area { app, teacher, police, township, admin, .. } = area_with(app).await;
    let (smtp_port, mails) = smtp_server().await;
    // The webhook's port is taken and let go: nothing listens there yet.
    let hook_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let hook_addr = hook_listener.local_addr().expect("addr");
    drop(hook_listener);
    let hooks = Arc::new(Mutex::new(Vec::new()));

    let station = org_of(&app, &police).await;
    let town = org_of(&app, &township).await;
    let (s, r) = app
        .put(
            &admin,
            &format!("/api/v1/orgs/{station}/notify-channel"),
            &json!({"channel": "email", "address": "duty@pcs.example.cn"}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    let (s, r) = app
        .put(
            &admin,
            &format!("/api/v1/orgs/{town}/notify-channel"),
            &json!({"channel": "webhook", "address": "not a url"}),
        )
        .await;
    assert_eq!((s, r["fields"][0]["field"].as_str()), (422, Some("address")), "{r}");
    let (s, _) = app
        .put(&police, &format!("/api/v1/orgs/{town}/notify-channel"), &json!({"channel": "email", "address": "a@b.cn"}))
        .await;
    assert_eq!(s, 403, "the administrator sets channels");
    let hook = format!("http://{hook_addr}/hook");
    let (s, _) = app
        .put(&admin, &format!("/api/v1/orgs/{town}/notify-channel"), &json!({"channel": "webhook", "address": hook}))
        .await;
    assert_eq!(s, 200);

    let id = file(&app, &teacher, &critical_report(VILLAGE_A)).await;
    hand_over(&app, &police, id).await;
    // The relay runs when the notifications are read (and in the background).
    notes(&app, &township).await;
    let cfg = delivery(smtp_port);
    let run = deliver(&app, &cfg).await;
    assert_eq!((run.claimed, run.sent, run.retrying), (2, 1, 1), "{run:?}");
    {
        let mails = mails.lock().expect("lock");
        assert_eq!(mails.len(), 1);
        let m = &mails[0];
        assert!(m.contains("To: duty@pcs.example.cn"), "{m}");
        // The body as the mail client shows it (lettre picks base64 for Chinese text).
        let m = match m.split_once("\n\n") {
            Some((head, body)) if head.contains("Content-Transfer-Encoding: base64") => {
                use base64::Engine;
                let b64: String = body.split_whitespace().collect();
                let bytes = base64::engine::general_purpose::STANDARD.decode(b64).expect("base64 body");
                String::from_utf8(bytes).expect("utf-8 body")
            }
            _ => m.clone(),
        };
        assert!(m.contains("紧急"), "the text: {m}");
        assert!(m.contains(&format!("https://shouhu.example.cn/reports/{id}")), "the link: {m}");
        assert!(!m.contains("李小明") && !m.contains("王老师") && !m.contains("13912345678"), "{m}");
    }
    // Nothing is due before the backoff's first delay.
    app.clock.advance(Duration::seconds(59));
    assert_eq!(deliver(&app, &cfg).await.claimed, 0);
    // The receiver is back; the next attempt delivers.
    let listener = tokio::net::TcpListener::bind(hook_addr).await.expect("rebind the webhook's port");
    webhook_receiver(listener, hooks.clone());
    app.clock.advance(Duration::seconds(1));
    let run = deliver(&app, &cfg).await;
    assert_eq!((run.claimed, run.sent), (1, 1), "{run:?}");
    {
        let hooks = hooks.lock().expect("lock");
        assert_eq!(hooks.len(), 1);
        assert_eq!(hooks[0]["kind"], "hand_over_to_acknowledge");
        assert_eq!(hooks[0]["link"], format!("https://shouhu.example.cn/reports/{id}"));
        assert!(!hooks[0].to_string().contains("李小明"));
    }
    assert_eq!(deliver(&app, &cfg).await.claimed, 0, "sent once");

    // Every attempt is recorded; the administrator sees them.
    let (_, outbox) = app.get(&admin, "/api/v1/notify-outbox").await;
    let hook_msg = outbox
        .as_array()
        .and_then(|a| a.iter().find(|m| m["org_id"] == town))
        .cloned()
        .expect("the township's message");
    assert_eq!((hook_msg["state"].as_str(), hook_msg["attempts"].as_i64()), (Some("sent"), Some(2)));
    let (_, attempts) = app.get(&admin, &format!("/api/v1/notify-outbox/{}/attempts", hook_msg["id"])).await;
    let outcomes: Vec<&str> =
        attempts.as_array().expect("attempts").iter().filter_map(|a| a["outcome"].as_str()).collect();
    assert_eq!(outcomes, ["error", "sent"]);
    assert!(attempts[0]["error"].as_str().is_some_and(|e| !e.is_empty()));
    let (s, _) = app.get(&police, "/api/v1/notify-outbox").await;
    assert_eq!(s, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_is_given_up_after_the_last_attempt_and_shown_failed_and_claimed_once() {
    let app =
        TestApp::with_settings("[notify]\nattempts = 2\nfirst_delay_seconds = 10\nmax_delay_seconds = 10\n").await;
    let Area { app, teacher, police, admin, .. } = area_with(app).await;
    let station = org_of(&app, &police).await;
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/hook", closed.local_addr().expect("addr"));
    drop(closed);
    let (s, _) = app
        .put(&admin, &format!("/api/v1/orgs/{station}/notify-channel"), &json!({"channel": "webhook", "address": url}))
        .await;
    assert_eq!(s, 200);
    file(&app, &teacher, &alone_report(VILLAGE_A)).await;
    notes(&app, &police).await;

    // Two servers: the first claim holds the message; the second finds nothing to send.
    let first = app.store(|s| s.claim_outbox("server-a").expect("claim")).await;
    let second = app.store(|s| s.claim_outbox("server-b").expect("claim")).await;
    assert_eq!((first.len(), second.len()), (1, 0));
    // server-a stops without a word; after the lease another server takes it over.
    app.clock.advance(Duration::seconds(app.store.settings.notify.lease.num_seconds()));
    let cfg = delivery(9);
    let run = deliver(&app, &cfg).await;
    assert_eq!((run.claimed, run.retrying), (1, 1), "{run:?}");
    let item = first.into_iter().next().expect("item");
    let late = app.store(move |s| s.record_attempt("server-a", &item, Ok(())).expect("record")).await;
    assert_eq!(late, shouhu_domain::notify::DeliveryState::Sent, "what server-a would have recorded");
    let (_, outbox) = app.get(&admin, "/api/v1/notify-outbox").await;
    assert_eq!(outbox[0]["state"], "pending", "a lost claim records nothing: {outbox}");

    app.clock.advance(Duration::seconds(10));
    let run = deliver(&app, &cfg).await;
    assert_eq!((run.claimed, run.failed), (1, 1), "{run:?}");
    let (_, failed) = app.get(&admin, "/api/v1/notify-outbox?state=failed").await;
    assert_eq!(failed.as_array().map(Vec::len), Some(1), "{failed}");
    assert_eq!(failed[0]["attempts"], 2);
    app.clock.advance(Duration::seconds(3600));
    assert_eq!(deliver(&app, &cfg).await.claimed, 0, "given up");
    // The notification itself is still in the desk's list.
    assert_eq!(kinds(&notes(&app, &police).await), ["report_to_accept"]);
}

/// The next event of a server-sent stream: (event, id, data).
async fn next_event(res: &mut reqwest::Response, buf: &mut String) -> (String, Option<String>, Value) {
    loop {
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            let field = |name: &str| block.lines().find_map(|l| l.strip_prefix(name).map(str::to_string));
            let Some(event) = field("event: ") else { continue };
            let data: String = block.lines().filter_map(|l| l.strip_prefix("data: ")).collect();
            return (event, field("id: "), serde_json::from_str(&data).unwrap_or(Value::Null));
        }
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(20), res.chunk())
            .await
            .expect("an event within 20 s")
            .expect("stream")
            .expect("stream open");
        buf.push_str(&String::from_utf8_lossy(&chunk));
    }
}

async fn open_stream(app: &TestApp, user: &User, last_event_id: Option<&str>) -> reqwest::Response {
    let mut req = reqwest::Client::new().get(app.url("/api/v1/notifications/stream")).bearer_auth(&user.token);
    if let Some(id) = last_event_id {
        req = req.header("Last-Event-ID", id);
    }
    let res = req.send().await.expect("stream");
    assert_eq!(res.status(), 200);
    res
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_pushes_ones_own_notifications_and_resumes_after_the_last_event() {
    let Area { app, teacher, police, township, .. } = area().await;
    let mut res = open_stream(&app, &police, None).await;
    let mut buf = String::new();
    let (event, _, hello) = next_event(&mut res, &mut buf).await;
    assert_eq!((event.as_str(), hello["sound"].as_bool()), ("hello", Some(true)), "{hello}");
    let mut other = open_stream(&app, &township, None).await;
    let mut other_buf = String::new();
    let (_, _, h) = next_event(&mut other, &mut other_buf).await;
    assert_eq!(h["sound"], false, "only the duty desk has the alarm");

    file(&app, &teacher, &alone_report(VILLAGE_B)).await;
    let id = file(&app, &teacher, &critical_report(VILLAGE_A)).await;
    let (event, first_id, n) = next_event(&mut res, &mut buf).await;
    assert_eq!(
        (event.as_str(), n["link"].as_str(), n["critical"].as_bool()),
        ("notification", Some(&*format!("/reports/{id}")), Some(true))
    );
    drop(res);

    // While the desk is away, two more arrive; on reconnecting with the last id it gets both.
    let a = file(&app, &teacher, &alone_report(VILLAGE_A)).await;
    let b = file(&app, &teacher, &alone_report(VILLAGE_A2)).await;
    let mut res = open_stream(&app, &police, first_id.as_deref()).await;
    let mut buf = String::new();
    assert_eq!(next_event(&mut res, &mut buf).await.0, "hello");
    let (_, _, na) = next_event(&mut res, &mut buf).await;
    let (_, _, nb) = next_event(&mut res, &mut buf).await;
    assert_eq!(
        (na["link"].as_str(), nb["link"].as_str()),
        (Some(&*format!("/reports/{a}")), Some(&*format!("/reports/{b}")))
    );

    // The sound is the user's to turn off.
    let (s, _) = app.put(&police, "/api/v1/notifications/settings", &json!({"sound": false})).await;
    assert_eq!(s, 200);
    let mut res = open_stream(&app, &police, None).await;
    let mut buf = String::new();
    assert_eq!(next_event(&mut res, &mut buf).await.2["sound"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notification_committed_on_one_server_reaches_a_browser_on_another() {
    let Area { app, teacher, police, .. } = area().await;
    // A second server on the same database (on PostgreSQL, woken by NOTIFY; on SQLite, one
    // process is the design, and the poll finds it).
    let second = app.reopen().await.expect("second store");
    let running =
        shouhu::server::start("127.0.0.1:0", second, shouhu_web::Config::default()).await.expect("second server");
    let res = reqwest::Client::new()
        .get(format!("http://{}/api/v1/notifications/stream", running.addr))
        .bearer_auth(&police.token)
        .send()
        .await
        .expect("stream on the second server");
    assert_eq!(res.status(), 200);
    let mut res = res;
    let mut buf = String::new();
    assert_eq!(next_event(&mut res, &mut buf).await.0, "hello");
    let id = file(&app, &teacher, &critical_report(VILLAGE_A)).await;
    let (event, _, n) = next_event(&mut res, &mut buf).await;
    assert_eq!((event.as_str(), n["link"].as_str()), ("notification", Some(&*format!("/reports/{id}"))));
    let _ = running.stop.send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_list_mark_read_set_the_sound_and_the_channel() {
    let Area { app, teacher, police, .. } = area().await;
    let id = file(&app, &teacher, &critical_report(VILLAGE_A)).await;
    let (c, csrf) = crate::pages::browser(&app, "paichusuo_a").await;
    let html = c.get(app.url("/notifications")).send().await.expect("page").text().await.expect("html");
    assert!(html.contains("紧急：辖区内有新的强制报告待受理") && html.contains("id=\"unread-count\">1<"), "{html}");
    assert!(!html.contains("李小明"));
    assert!(
        html.contains("data-notify-stream=\"/api/v1/notifications/stream\""),
        "every signed-in page follows the stream"
    );
    let nid = notes(&app, &police).await[0]["id"].as_i64().expect("id");
    // 查看: marks it read and opens the report.
    let res = c
        .post(app.url(&format!("/notifications/{nid}/read")))
        .form(&[("csrf", csrf.as_str()), ("open", &format!("/reports/{id}"))])
        .send()
        .await
        .expect("open");
    assert_eq!(
        (res.status().as_u16(), res.headers()["location"].to_str().ok()),
        (303, Some(&*format!("/reports/{id}")))
    );
    let html = c.get(app.url("/notifications")).send().await.expect("page").text().await.expect("html");
    assert!(!html.contains("unread-count") && html.contains("已读"), "read: {html}");
    // A link elsewhere is not followed.
    let res = c
        .post(app.url(&format!("/notifications/{nid}/read")))
        .form(&[("csrf", csrf.as_str()), ("open", "//evil.example/")])
        .send()
        .await
        .expect("open");
    assert_eq!(res.headers()["location"], "/notifications");

    // The duty desk's sound, on 我的账号.
    let html = c.get(app.url("/account")).send().await.expect("account").text().await.expect("html");
    assert!(html.contains("id=\"notify-sound\"") && html.contains("value=\"1\" checked"), "on by default");
    let res = c.post(app.url("/account/notify-sound")).form(&[("csrf", csrf.as_str())]).send().await.expect("off");
    assert_eq!(res.status(), 200);
    let id = police.id;
    assert!(!app.store(move |s| s.notify_sound(id).expect("sound")).await, "turned off");
    let (t, _) = crate::pages::browser(&app, "zhen_a").await;
    let html = t.get(app.url("/account")).send().await.expect("account").text().await.expect("html");
    assert!(!html.contains("id=\"notify-sound\""), "only the duty desk has the sound");

    // The administrator sets an organisation's channel; a wrong address is re-shown as typed.
    let (a, acsrf) = crate::pages::browser(&app, "guanli").await;
    let station = org_of(&app, &police).await;
    let res = a
        .post(app.url(&format!("/admin/orgs/{station}/notify-channel")))
        .form(&[("csrf", acsrf.as_str()), ("channel", "email"), ("address", "duty-at-pcs")])
        .send()
        .await
        .expect("refused");
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("html");
    assert!(html.contains("地址格式不正确") && html.contains("value=\"duty-at-pcs\""), "{html}");
    let res = a
        .post(app.url(&format!("/admin/orgs/{station}/notify-channel")))
        .form(&[("csrf", acsrf.as_str()), ("channel", "email"), ("address", "duty@pcs.example.cn")])
        .send()
        .await
        .expect("saved");
    assert_eq!(res.status(), 303);
    let html = a.get(app.url("/admin/orgs")).send().await.expect("orgs").text().await.expect("html");
    assert!(html.contains("value=\"duty@pcs.example.cn\""), "saved");
    let (_, audit) = app
        .get(
            &app.user("guanli2", Role::Admin, OrgType::CityCivilAffairs, "12").await,
            "/api/v1/audit?action=set_notify_channel",
        )
        .await;
    assert!(audit.to_string().contains("set_notify_channel"), "audited: {audit}");
}

/// Decision 215: a report no duty desk has accepted by `reports.late_response_minutes` is
/// announced again to its area's desk, critical (the alarm sounds again), once; an accepted
/// report is not, and no other desk or township hears of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_left_unaccepted_past_its_deadline_is_announced_again_once() {
    // The server's own look waits an hour in tests (the harness): the test looks by hand.
    let Area { app, teacher, police, police_b, township, .. } = area().await;
    let late = file(&app, &teacher, &alone_report(VILLAGE_A)).await;
    let taken = file(&app, &teacher, &alone_report(VILLAGE_A)).await;
    step(&app, &police, taken, "accepted", json!({})).await;
    let check = || app.store(|s| s.announce_late_reports().expect("check"));

    app.clock.advance(Duration::minutes(29));
    assert_eq!(check().await, 0, "before the deadline (30 minutes)");
    app.clock.advance(Duration::minutes(2));
    assert_eq!(check().await, 1, "the unaccepted one");
    assert_eq!(check().await, 0, "once");
    app.store(|s| s.relay_causes().expect("relay")).await;

    let mine = notes(&app, &police).await;
    assert_eq!(kinds(&mine), ["report_to_accept"; 3], "two filed, one late: {mine:?}");
    assert_eq!(mine[0]["link"], format!("/reports/{late}"), "newest first");
    assert_eq!(mine[0]["critical"], true);
    assert_eq!(mine[0]["text"], shouhu_domain::msg::NOTE_REPORT_LATE);
    for other in [&police_b, &township] {
        let heard = notes(&app, other).await;
        assert!(heard.iter().all(|n| n["text"] != shouhu_domain::msg::NOTE_REPORT_LATE), "{heard:?}");
    }
}

/// Decision 216: a notification read more than `notify.keep_days` ago, and an outbox message
/// sent that long ago with its attempts, are deleted after the daily recompute; an unread
/// notification and a message still to be sent stay, however old.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_has_served_is_pruned_after_the_setting_and_the_rest_stays() {
    let Area { app, teacher, police, .. } = area().await;
    file(&app, &teacher, &alone_report(VILLAGE_A)).await;
    let read = notes(&app, &police).await[0]["id"].as_i64().expect("id");
    let (s, _) = app.post(&police, &format!("/api/v1/notifications/{read}/read"), &json!({})).await;
    assert_eq!(s, 204);
    file(&app, &teacher, &alone_report(VILLAGE_A)).await;
    // Its notification now, not when the server's notifier next relays the reports' causes.
    app.store(|s| s.relay_causes().expect("relay")).await;
    // One of the two messages to the station was sent, with its attempt.
    let now = shouhu_domain::clock::Clock::now(&*app.clock);
    app.store(move |s| {
        s.pool.write(|c| {
            let id = c.query_opt("SELECT min(id) FROM notify_outbox", &[], |r| r.i64(0))?.expect("a message");
            c.exec("UPDATE notify_outbox SET state = 'sent', done_at = $1 WHERE id = $2", &[now.into(), id.into()])?;
            c.exec(
                "INSERT INTO notify_attempts (outbox_id, at, channel, address, outcome) \
                 VALUES ($1, $2, 'webhook', 'http://127.0.0.1:9/x', 'sent')",
                &[id.into(), now.into()],
            )
        })
    })
    .await
    .expect("sent");
    let counts = || {
        app.store(|s| {
            s.pool
                .read(|c| {
                    let mut n = |t: &str| c.query_opt(&format!("SELECT count(*) FROM {t}"), &[], |r| r.i64(0));
                    Ok((n("notifications")?, n("notify_outbox")?, n("notify_attempts")?))
                })
                .expect("counts")
        })
    };
    assert_eq!(counts().await, (Some(2), Some(2), Some(1)));
    let prune = || app.store(|s| s.prune_notifications().expect("prune"));

    app.clock.advance(Duration::days(89));
    assert_eq!(prune().await, (0, 0), "kept for the setting's 90 days");
    app.clock.advance(Duration::days(2));
    assert_eq!(prune().await, (1, 1), "the read notification and the sent message");
    assert_eq!(counts().await, (Some(1), Some(1), Some(0)), "the unread and the unsent stay");
    app.clock.advance(Duration::days(400));
    assert_eq!(prune().await, (0, 0), "however old");
}
