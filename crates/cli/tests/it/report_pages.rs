//! The report pages: a reporter's form that keeps what was typed, one report for a double
//! submit, the public page's human check, and a duty desk moving a report on through its page.

use crate::harness::*;
use crate::pages::browser;
use serde_json::json;
use shouhu_domain::role::{OrgType, Role};

/// The value of the hidden or text input named `name`.
fn input_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("field {name} in the page")) + marker.len();
    html[start..].split('"').next().expect("value").to_string()
}

fn receipt_of(location: &str) -> String {
    let q = location.split_once("receipt=").map(|(_, r)| r).expect("receipt in the address");
    q.split('&').next().expect("receipt").to_string()
}

async fn count_reports(app: &TestApp) -> i64 {
    app.store(|s| s.reports.read(|c| c.query_opt("SELECT count(*) FROM reports", &[], |r| r.i64(0))))
        .await
        .expect("count")
        .unwrap_or(0)
}

async fn page(c: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let res = c.get(app.url(path)).send().await.expect("get");
    (res.status().as_u16(), res.text().await.expect("html"))
}

/// Noon in China is the test clock's now: an hour before it.
const DISCOVERED: &str = "2026-11-29T11:00";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_form_names_each_wrong_field_and_keeps_what_was_typed() {
    let app = TestApp::new().await;
    app.user("laoshi", Role::Teacher, OrgType::School, TOWNSHIP_A).await;
    let (c, csrf) = browser(&app, "laoshi").await;
    let (s, form) = page(&c, &app, "/reports/new").await;
    assert_eq!(s, 200);
    assert!(form.contains("id=\"nav-new-report\""), "the nav offers the form to a reporter");
    assert_eq!(form.matches("name=\"situations\"").count(), 16, "every situation is a checkbox");
    let key = input_value(&form, "idempotency_key");
    assert!(key.len() >= 32, "a random key made with the form: {key}");
    let res = c
        .post(app.url("/reports/new"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("idempotency_key", key.as_str()),
            ("situations", "missing"),
            ("situations", "living_alone"),
            // Half past one in China: ninety minutes after now.
            ("discovered_at", "2026-11-29T13:30"),
            ("child_description", "男孩，约9岁，穿蓝色外套"),
            ("village_code", ""),
            ("description", "  "),
            ("contact_name", "王老师"),
            ("contact_phone", "123"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("html");
    assert!(html.contains("id=\"e-discovered_at\">发现时间不能晚于现在"), "time error beside its field");
    assert!(html.contains("id=\"e-village_code\">儿童不在档案中时"), "village error beside its field");
    assert!(html.contains("id=\"e-description\">此项为必填项"), "description error beside its field");
    assert!(html.contains("id=\"e-contact_phone\">电话号码格式不正确"), "phone error beside its field");
    assert!(!html.contains("id=\"e-situations\""), "the situations were right");
    assert!(html.contains("href=\"#f-description\""), "the summary links to the field");
    assert!(html.contains("value=\"missing\" checked") && html.contains("value=\"living_alone\" checked"));
    assert!(!html.contains("value=\"domestic_violence\" checked"), "only what was ticked");
    assert!(html.contains("value=\"2026-11-29T13:30\""), "the time typed is kept");
    assert!(html.contains(">男孩，约9岁，穿蓝色外套</textarea>"), "the description of the child is kept");
    assert!(html.contains("value=\"王老师\"") && html.contains("value=\"123\""), "contact kept");
    assert_eq!(input_value(&html, "idempotency_key"), key, "the same submission, corrected, is still one report");
    assert_eq!(count_reports(&app).await, 0);

    // A village named by its name is found; an unknown one is named as wrong.
    let res = c
        .post(app.url("/reports/new"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("idempotency_key", key.as_str()),
            ("situations", "living_alone"),
            ("discovered_at", DISCOVERED),
            ("child_description", "男孩"),
            ("village_code", "不存在的村"),
            ("description", "独自在家"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("html").contains("id=\"e-village_code\">没有这个村（居）代码"));
    let res = c
        .post(app.url("/reports/new"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("idempotency_key", key.as_str()),
            ("situations", "living_alone"),
            ("discovered_at", DISCOVERED),
            ("child_description", "男孩"),
            ("village_code", "梅厂镇郭罗庄村"),
            ("description", "独自在家"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 303);
    let village = app
        .store(|s| s.reports.read(|c| c.query_opt("SELECT village_code FROM reports", &[], |r| r.text(0))))
        .await
        .expect("read");
    assert_eq!(village.as_deref(), Some(VILLAGE_A));

    // Without the session's token nothing is filed.
    let res = c
        .post(app.url("/reports/new"))
        .form(&[("csrf", "forged"), ("situations", "living_alone"), ("description", "x")])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_double_submit_of_the_report_form_files_one_report() {
    let app = TestApp::new().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let child = app.create_child(&director, &child("甲乙", VILLAGE_A, 1)).await;
    let id = child["id"].as_i64().expect("id");
    let (c, csrf) = browser(&app, "zhuren").await;
    let (_, file) = page(&c, &app, &format!("/children/{id}")).await;
    assert!(file.contains(&format!("href=\"/reports/new?child_id={id}\"")), "the child's page offers a report");
    let (_, form) = page(&c, &app, &format!("/reports/new?child_id={id}")).await;
    assert_eq!(input_value(&form, "child_id"), id.to_string(), "the child is filled in");
    assert!(form.contains("id=\"child-hint\">") && form.contains("甲乙"), "and named");
    let key = input_value(&form, "idempotency_key");
    let id_text = id.to_string();
    let fields = [
        ("csrf", csrf.as_str()),
        ("idempotency_key", key.as_str()),
        ("situations", "guardian_not_performing"),
        ("discovered_at", DISCOVERED),
        ("child_id", id_text.as_str()),
        ("description", "孩子多日未上学，祖母卧病在床"),
    ];
    let send = || c.post(app.url("/reports/new")).form(&fields).send();
    // A double tap: both at once, then a third time.
    let (a, b) = tokio::join!(send(), send());
    let (a, b) = (a.expect("first"), b.expect("second"));
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (303, 303));
    let third = send().await.expect("third");
    assert_eq!(third.status(), 303);
    let locations: Vec<String> =
        [&a, &b, &third].iter().map(|r| r.headers()["location"].to_str().expect("location").to_string()).collect();
    let receipt = receipt_of(&locations[0]);
    assert!(locations.iter().all(|l| receipt_of(l) == receipt), "one receipt: {locations:?}");
    assert!(locations.iter().filter(|l| l.contains("repeated=1")).count() >= 2, "the repeats say so: {locations:?}");
    assert_eq!(count_reports(&app).await, 1);

    let (s, html) = page(&c, &app, &locations[2]).await;
    assert_eq!(s, 200);
    assert!(html.contains("报告已送达派出所") && html.contains(&receipt), "the receipt page shows the number");
    assert!(html.contains("id=\"report-repeated\""), "and that it was already received");
    let (_, mine) = page(&c, &app, "/reports").await;
    assert!(mine.contains(&receipt) && mine.contains("已报告"), "the reporter's own list shows it");
    assert!(!mine.contains("data-live"), "a reporter's list is not a live desk");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_page_refuses_a_wrong_answer_and_loses_nothing() {
    let app = TestApp::new().await;
    let c = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let (_, login) = page(&c, &app, "/login").await;
    assert!(login.contains("href=\"/report\""), "the sign-in page leads the public to the report page");
    let (s, form) = page(&c, &app, "/report").await;
    assert_eq!(s, 200);
    assert!(!form.contains("name=\"child_id\""), "the public cannot name a registry file");
    let token = input_value(&form, "challenge_token");
    let question = input_value(&form, "challenge_question");
    let right: u32 = question.split(|ch: char| !ch.is_ascii_digit()).filter_map(|n| n.parse::<u32>().ok()).sum();
    let key = input_value(&form, "idempotency_key");
    let wrong = (right + 1).to_string();
    let mut fields = vec![
        ("idempotency_key", key.clone()),
        ("situations", "abandoned_unattended".to_string()),
        ("discovered_at", DISCOVERED.to_string()),
        ("child_description", "女孩，五六岁".to_string()),
        ("village_code", VILLAGE_A.to_string()),
        ("description", "村口小卖部门前，一个人哭了很久".to_string()),
        ("challenge_token", token.clone()),
        ("challenge_question", question.clone()),
        ("challenge_answer", wrong.clone()),
    ];
    let res = c.post(app.url("/report")).form(&fields).send().await.expect("post");
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("html");
    assert!(html.contains("id=\"e-challenge_answer\">验证题答案不正确"), "the check's error beside the answer");
    assert!(html.contains(">村口小卖部门前，一个人哭了很久</textarea>"), "the report is kept");
    assert!(html.contains("value=\"abandoned_unattended\" checked"));
    assert!(html.contains("name=\"challenge_answer\" value=\"\""), "a new question, not yet answered");
    assert_eq!(count_reports(&app).await, 0);

    // The new question answered: filed, with a receipt to follow it by.
    let question = input_value(&html, "challenge_question");
    let right: u32 = question.split(|ch: char| !ch.is_ascii_digit()).filter_map(|n| n.parse::<u32>().ok()).sum();
    fields[6].1 = input_value(&html, "challenge_token");
    fields[7].1 = question;
    fields[8].1 = right.to_string();
    let res = c.post(app.url("/report")).form(&fields).send().await.expect("post");
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().expect("location").to_string();
    assert!(location.starts_with("/report/receipt?"), "{location}");
    let receipt = receipt_of(&location);
    let (s, html) = page(&c, &app, &location).await;
    assert_eq!(s, 200);
    assert!(html.contains(&receipt) && html.contains("报告已送达派出所"));
    let (s, html) = page(&c, &app, &format!("/report/status?receipt={}", receipt.to_lowercase())).await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"report-step\">已报告"), "the step, by the receipt number");
    let (s, html) = page(&c, &app, "/report/status?receipt=20261129-AAAAA-AAAAA").await;
    assert_eq!(s, 404);
    assert!(html.contains("没有找到这个回执编号"));
    assert_eq!(count_reports(&app).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duty_desk_moves_a_report_on_through_its_page() {
    let app = TestApp::new().await;
    let teacher = app.user("laoshi", Role::Teacher, OrgType::School, TOWNSHIP_A).await;
    app.user("paichusuo_a", Role::Police, OrgType::PoliceStation, TOWNSHIP_A).await;
    app.user("paichusuo_b", Role::Police, OrgType::PoliceStation, TOWNSHIP_B).await;
    let body = json!({
        "situations": ["living_alone"],
        "discovered_at": "2026-11-29T03:00:00Z",
        "child_description": "男孩，约9岁",
        "village_code": VILLAGE_A,
        "description": "孩子独自在家三天",
        "contact_name": "王老师",
        "contact_phone": "13912345678"
    });
    let (s, r) = app.post(&teacher, "/api/v1/reports", &body).await;
    assert_eq!(s, 201, "{r}");
    let id = r["id"].as_i64().expect("id");
    let receipt = r["receipt"].as_str().expect("receipt").to_string();

    let (desk, csrf) = browser(&app, "paichusuo_a").await;
    let (_, queue) = page(&desk, &app, "/reports").await;
    assert!(queue.contains(&format!("id=\"report-{id}\"")) && queue.contains("data-live=\"1\""), "the live queue");
    assert!(queue.contains("已报告") && queue.contains("较急"), "step and urgency in the row");
    let (s, html) = page(&desk, &app, &format!("/reports/{id}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("data-step=\"accepted\">受理"), "exactly the next step's button");
    assert!(html.contains("id=\"report-reporter\"") && html.contains("13912345678"), "the police see who reported");
    assert!(!html.contains("id=\"action-form\""), "no actions before the police are on scene");

    let post = |path: String, fields: Vec<(&'static str, String)>| {
        let (c, url) = (desk.clone(), app.url(&path));
        async move {
            let res = c.post(url).form(&fields).send().await.expect("post");
            let status = res.status().as_u16();
            let location = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
            (status, location, res.text().await.unwrap_or_default())
        }
    };
    let step_path = format!("/reports/{id}/step");
    let step = |step: &'static str, version: i64, kind: &'static str| {
        let mut f = vec![("csrf", csrf.clone()), ("step", step.to_string()), ("version", version.to_string())];
        if !kind.is_empty() {
            f.push(("case_kind", kind.to_string()));
        }
        post(step_path.clone(), f)
    };
    let (s, location, _) = step("accepted", 1, "").await;
    assert_eq!((s, location.as_str()), (303, format!("/reports/{id}?saved=1").as_str()));
    let (s, _, html) = step("dispatched", 1, "").await;
    assert_eq!(s, 409, "a page left open while another officer acted");
    assert!(html.contains("该报告刚被他人更新") && html.contains("data-step=\"dispatched\""), "says so, shows the now");
    assert_eq!(step("dispatched", 2, "").await.0, 303);
    assert_eq!(step("on_scene", 3, "").await.0, 303);

    let (_, html) = page(&desk, &app, &format!("/reports/{id}")).await;
    assert!(html.contains("id=\"action-form\""), "on scene: the actions can be recorded");
    assert!(html.contains("<option value=\"living_alone\" selected>"), "the likely kind of case is preselected");
    let (s, _, html) = step("disposed", 4, "living_alone").await;
    assert_eq!(s, 422);
    assert!(
        html.contains("id=\"e-case_kind\">处置尚未记录以下必须的措施") && html.contains("训诫"),
        "names what is missing"
    );

    let action_path = format!("/reports/{id}/action");
    let (s, _, html) = post(
        action_path.clone(),
        vec![("csrf", csrf.clone()), ("action", "temporary_care".into()), ("note", "送至祖母家".into())],
    )
    .await;
    assert_eq!(s, 422);
    assert!(html.contains("id=\"e-carer\">临时照料时请选择照料人或机构"), "the carer is asked for");
    assert!(html.contains(">送至祖母家</textarea>"), "the note is kept");
    for a in ["parents_to_return_or_entrust", "reprimand"] {
        let (s, _, html) = post(action_path.clone(), vec![("csrf", csrf.clone()), ("action", a.into())]).await;
        assert_eq!(s, 303, "{a}: {html}");
    }
    assert_eq!(step("disposed", 4, "living_alone").await.0, 303);
    assert_eq!(step("handed_over", 5, "").await.0, 303);
    let (_, html) = page(&desk, &app, &format!("/reports/{id}")).await;
    assert!(html.contains("已通报乡镇（街道）") && html.contains("id=\"assessment-due\">2026-12-06 12:00"));
    assert!(!html.contains("id=\"next-step\""), "nothing left for the desk");
    assert!(html.contains("训诫") && html.contains("2026-11-29 12:00"), "the timeline, in China time");
    let (_, queue) = page(&desk, &app, "/reports").await;
    assert!(!queue.contains(&format!("id=\"report-{id}\"")), "handed over leaves the queue");
    let (_, all) = page(&desk, &app, "/reports?view=all").await;
    assert!(all.contains(&receipt), "but not the list of all reports");

    // Another station's desk: the same page as for no report at all.
    let (other, other_csrf) = browser(&app, "paichusuo_b").await;
    let (s1, missing) = page(&other, &app, "/reports/999999").await;
    let (s2, out_of_scope) = page(&other, &app, &format!("/reports/{id}")).await;
    assert_eq!((s1, s2), (404, 404));
    assert_eq!(missing, out_of_scope);
    let res = other
        .post(app.url(&step_path))
        .form(&[("csrf", other_csrf.as_str()), ("step", "accepted"), ("version", "1")])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 404);

    // The teacher sees the outcome, not who reported nor which officers.
    let (t, _) = browser(&app, "laoshi").await;
    let (_, html) = page(&t, &app, &format!("/reports/{id}")).await;
    assert!(html.contains("已通报乡镇（街道）") && !html.contains("id=\"report-reporter\""));
    assert!(!html.contains("id=\"duty-desk\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_page_keeps_the_report_when_the_address_is_over_its_limit() {
    let app = TestApp::new().await;
    let c = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let mut last = (0u16, String::new());
    for i in 0..=app.store.settings.public_reports.per_address_per_hour {
        let (_, form) = page(&c, &app, "/report").await;
        let question = input_value(&form, "challenge_question");
        let right: u32 = question.split(|ch: char| !ch.is_ascii_digit()).filter_map(|n| n.parse::<u32>().ok()).sum();
        let fields = vec![
            ("idempotency_key", input_value(&form, "idempotency_key")),
            ("situations", "missing".to_string()),
            ("discovered_at", DISCOVERED.to_string()),
            ("child_description", format!("第{i}个孩子")),
            ("village_code", VILLAGE_A.to_string()),
            ("description", "走失".to_string()),
            ("challenge_token", input_value(&form, "challenge_token")),
            ("challenge_question", question),
            ("challenge_answer", right.to_string()),
        ];
        let res = c.post(app.url("/report")).form(&fields).send().await.expect("post");
        last = (res.status().as_u16(), res.text().await.expect("html"));
    }
    assert_eq!(last.0, 429);
    assert!(
        last.1.contains("110")
            && last
                .1
                .contains(&format!(">第{}个孩子</textarea>", app.store.settings.public_reports.per_address_per_hour))
    );
    assert_eq!(count_reports(&app).await, i64::from(app.store.settings.public_reports.per_address_per_hour));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_is_attached_on_the_report_page_and_a_disguised_file_is_refused() {
    let app = TestApp::new().await;
    let teacher = app.user("laoshi", Role::Teacher, OrgType::School, TOWNSHIP_A).await;
    let body = json!({
        "situations": ["living_alone"], "discovered_at": "2026-11-29T03:00:00Z",
        "child_description": "男孩，约9岁", "village_code": VILLAGE_A, "description": "孩子独自在家三天"
    });
    let (s, r) = app.post(&teacher, "/api/v1/reports", &body).await;
    assert_eq!(s, 201, "{r}");
    let id = r["id"].as_i64().expect("id");
    let (c, csrf) = browser(&app, "laoshi").await;
    let send = |name: &'static str, bytes: Vec<u8>, csrf: String| {
        let (c, url) = (c.clone(), app.url(&format!("/reports/{id}/attachments")));
        async move {
            let part = reqwest::multipart::Part::bytes(bytes).file_name(name);
            let form = reqwest::multipart::Form::new().text("csrf", csrf).part("file", part);
            let res = c.post(url).multipart(form).send().await.expect("upload");
            (res.status().as_u16(), res.text().await.unwrap_or_default())
        }
    };
    let (s, html) = send("photo.jpg", b"MZ\x90\x00program".to_vec(), csrf.clone()).await;
    assert_eq!(s, 422, "a program named .jpg");
    assert!(html.contains("id=\"e-file\"") && html.contains("内容不是这些格式"), "the page says what is wrong");
    let (s, _) = send("photo.jpg", vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3], "forged".into()).await;
    assert_eq!(s, 403, "the form's CSRF token is checked");
    let (s, _) = send("照片.jpg", vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3], csrf).await;
    assert_eq!(s, 303);
    let (_, html) = page(&c, &app, &format!("/reports/{id}")).await;
    assert!(html.contains("照片.jpg") && html.contains("JPEG 图片"), "listed on the report's page");
    let link = format!("/reports/{id}/attachments/");
    let start = html.find(&link).expect("download link");
    let aid: String = html[start + link.len()..].chars().take_while(char::is_ascii_digit).collect();
    let res = c.get(app.url(&format!("{link}{aid}"))).send().await.expect("download");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert_eq!(res.bytes().await.expect("bytes").to_vec(), vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_accountability_page_counts_late_reports_per_unit_for_civil_affairs_only() {
    let app = TestApp::new().await;
    let teacher = app.user("laoshi", Role::Teacher, OrgType::School, TOWNSHIP_A).await;
    app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let late = json!({
        "situations": ["living_alone"], "discovered_at": "2026-11-27T03:00:00Z",
        "child_description": "男孩，约9岁", "village_code": VILLAGE_A, "description": "孩子独自在家三天"
    });
    let (s, r) = app.post(&teacher, "/api/v1/reports", &late).await;
    assert_eq!(s, 201, "{r}");
    let (c, _) = browser(&app, "qu").await;
    let (s, html) = page(&c, &app, "/reports/stats?from=2026-11-29&to=2026-11-29").await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"stats-total\">1<") && html.contains("id=\"stats-late\">1<"), "counted: {html}");
    assert!(html.contains("laoshi的单位") && html.contains("学校"), "by reporting unit");
    let (s, html) = page(&c, &app, "/reports/stats?from=2026-13-01").await;
    assert_eq!(s, 200);
    assert!(html.contains("日期格式应为"), "a wrong date is named");
    let (t, _) = browser(&app, "laoshi").await;
    let (s, _) = page(&t, &app, "/reports/stats").await;
    assert_eq!(s, 403, "a teacher is not an overseer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_township_links_a_described_child_to_its_file_on_the_report_page() {
    let app = TestApp::new().await;
    let teacher = app.user("laoshi", Role::Teacher, OrgType::School, TOWNSHIP_A).await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let body = json!({
        "situations": ["living_alone"], "discovered_at": "2026-11-29T03:00:00Z",
        "child_description": "男孩，约9岁", "village_code": VILLAGE_A, "description": "孩子独自在家三天"
    });
    let (_, r) = app.post(&teacher, "/api/v1/reports", &body).await;
    let id = r["id"].as_i64().expect("id");
    let rec = app.create_child(&township, &child("赵小刚", VILLAGE_A, 5)).await;
    let (c, csrf) = browser(&app, "zhen").await;
    let (_, html) = page(&c, &app, &format!("/reports/{id}")).await;
    assert!(html.contains("id=\"link-child-form\""));
    let res = c
        .post(app.url(&format!("/reports/{id}/child")))
        .form(&[("csrf", csrf.as_str()), ("child_id", "abc")])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap_or_default().contains("id=\"e-link-child\""), "the field is named");
    let child_id = rec["id"].to_string();
    let res = c
        .post(app.url(&format!("/reports/{id}/child")))
        .form(&[("csrf", csrf.as_str()), ("child_id", child_id.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 303);
    let (_, html) = page(&c, &app, &format!("/reports/{id}")).await;
    assert!(html.contains("赵小刚") && !html.contains("id=\"link-child-form\""), "linked, and the form is gone");
}
