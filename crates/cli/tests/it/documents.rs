//! Printable documents (文书, issue 22): each document rendered from demo-like files and read
//! back with a PDF text extractor (its Chinese strings, number, code, no missing glyph, page
//! count), the public verification, the scope (404), the refusal of a character the font
//! lacks, the audit trail and the per-address limit.

use crate::harness::*;
use serde_json::{Value, json};
use shouhu_domain::role::{OrgType, Role};
use shouhu_store::db::Val;

/// A PDF fetched with the user's token: status, bytes (or the error body as text).
async fn pdf(app: &TestApp, u: &User, path: &str) -> (u16, String, Vec<u8>) {
    let res = reqwest::Client::new().get(app.url(path)).bearer_auth(&u.token).send().await.expect("request");
    let status = res.status().as_u16();
    let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (status, ct, res.bytes().await.expect("body").to_vec())
}

/// The text of a PDF and its page count.
fn read(bytes: &[u8]) -> (String, usize) {
    let text = pdf_extract::extract_text_from_mem(bytes).expect("text extracts");
    let pages = lopdf::Document::load_mem(bytes).expect("parses").get_pages().len();
    // The extractor breaks lines inside table cells; the checks read the text as one run.
    (text.chars().filter(|c| !c.is_whitespace()).collect(), pages)
}

fn assert_no_missing_glyph(text: &str) {
    assert!(!text.contains('\u{FFFD}'), "a character came back as U+FFFD: {text}");
}

/// The document's number and code, from the register (the latest issued).
async fn last_issued(app: &TestApp) -> (String, String, String) {
    app.store(|s| {
        s.pool
            .read(|c| {
                c.query_opt("SELECT number, code, kind FROM issued_documents ORDER BY id DESC LIMIT 1", &[], |r| {
                    Ok((r.text(0)?, r.text(1)?, r.text(2)?))
                })
            })
            .expect("read")
            .expect("a document was issued")
    })
    .await
}

async fn count(app: &TestApp, sql: &'static str, params: Vec<Val>) -> i64 {
    app.store(move |s| s.pool.read(|c| c.query_opt(sql, &params, |r| r.i64(0))).expect("read").expect("a row")).await
}

fn display(code: &str) -> String {
    shouhu_domain::document::display_code(code)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_childs_file_prints_as_the_census_form_with_its_number_code_and_rare_characters() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    // 喆 and 堃 are outside GB 2312; 𠇔 is in Extension B (one the font has).
    let mut f = child("李喆堃", VILLAGE_A, 1);
    f["father"]["name"] = json!("李𠇔");
    f["paternal_grandmother"] = json!({"name": "王桂兰", "birth_date": "1950-02-03"});
    f["health"] = json!("healthy");
    f["schooling"] = json!("primary");
    f["school_name"] = json!("梅厂镇中心小学");
    f["income_sources"] = json!(["wages", "farming"]);
    let rec = app.create_child(&zhen, &f).await;
    let id = rec["id"].as_i64().expect("id");

    let (status, ct, bytes) = pdf(&app, &zhen, &format!("/api/v1/children/{id}/documents/census-form")).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(ct, "application/pdf");
    assert!(bytes.len() < 200 * 1024, "a one-page form is under 200 KB: {} bytes", bytes.len());
    let (text, pages) = read(&bytes);
    assert_eq!(pages, 1, "the form fits one A4 page");
    assert_no_missing_glyph(&text);
    let (number, code, kind) = last_issued(&app).await;
    assert_eq!(kind, "census_form");
    assert!(number.starts_with("留登〔"), "{number}");
    for s in [
        "农村留守儿童信息登记表",
        "李喆堃",
        "李𠇔",
        "王桂兰",
        "梅厂镇中心小学",
        "监护类型",
        "单位负责人",
        "审核人",
        "填表人",
        "第1页共1页",
        number.as_str(),
        display(&code).as_str(),
    ] {
        assert!(text.contains(s), "the form has {s}: {text}");
    }
    // The chosen boxes are ticked: 健康 and 小学 carry a √.
    assert!(text.contains('√'), "{text}");
    // The ID number is printed as the role reads it (the township sees it in full).
    assert!(text.contains(rec["file"]["id_number"].as_str().expect("id")), "{text}");

    // Audited, with the number; the second print has the next number.
    let audited = count(
        &app,
        "SELECT count(*) FROM audit_log WHERE action = 'issue_document' AND child_id = $1",
        vec![id.into()],
    )
    .await;
    assert_eq!(audited, 1);
    let (status, _, _) = pdf(&app, &zhen, &format!("/api/v1/children/{id}/documents/census-form")).await;
    assert_eq!(status, 200);
    let (second, second_code, _) = last_issued(&app).await;
    assert_ne!(second, number);
    assert_ne!(second_code, code);
    assert!(second.ends_with("-0002"), "{second}");

    // Verification: issued, when and by whom; nothing about the child.
    let (status, v) = app.get(&zhen, &format!("/api/v1/verify/{}", display(&code).to_lowercase())).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["issued"], true);
    assert_eq!(v["number"], json!(number));
    assert_eq!(v["title"], "农村留守儿童信息登记表");
    assert!(v["unit"].as_str().is_some_and(|u| !u.is_empty()), "{v}");
    assert!(!v.to_string().contains("李喆堃"), "{v}");
    let (status, v) = app.get(&zhen, "/api/v1/verify/0000-0000-0000").await;
    assert_eq!((status, &v["issued"]), (200, &json!(false)));

    // The public page, without signing in.
    let html = reqwest::get(app.url(&format!("/verify/{code}"))).await.expect("get").text().await.expect("text");
    assert!(html.contains(&number) && !html.contains("李喆堃"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_outside_the_scope_is_missing_and_a_character_the_font_lacks_is_named() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let other = app.user("zhenb", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let id = app.create_child(&zhen, &child("张小明", VILLAGE_A, 1)).await["id"].as_i64().expect("id");

    let (status, _, _) = pdf(&app, &other, &format!("/api/v1/children/{id}/documents/census-form")).await;
    assert_eq!(status, 404);
    let (status, _, _) = pdf(&app, &other, "/api/v1/children/999999/documents/census-form").await;
    assert_eq!(status, 404);
    let (status, _, _) = pdf(&app, &other, &format!("/api/v1/children/{id}/documents/entrusted-confirmation")).await;
    assert_eq!(status, 404);

    // 𠀀 (U+20000) is not in the font: refused, naming it and the field; nothing issued.
    let mut f = child("张小明", VILLAGE_A, 2);
    f["mother"]["name"] = json!("王𠀀");
    let id2 = app.create_child(&zhen, &f).await["id"].as_i64().expect("id");
    let (status, _, body) = pdf(&app, &zhen, &format!("/api/v1/children/{id2}/documents/census-form")).await;
    assert_eq!(status, 400);
    let body: Value = serde_json::from_slice(&body).expect("json");
    let m = body["message"].as_str().unwrap_or_default();
    assert!(m.contains('𠀀') && m.contains("U+20000") && m.contains("母亲姓名"), "{body}");
    assert_eq!(count(&app, "SELECT count(*) FROM issued_documents", vec![]).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledgers_selection_prints_as_one_pdf_a_page_per_child() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let teacher = app.user("laoshi", Role::Teacher, OrgType::School, TOWNSHIP_A).await;
    for (i, n) in ["赵一", "钱二", "孙三"].iter().enumerate() {
        app.create_child(&zhen, &child(n, VILLAGE_A, i as u32 + 1)).await;
    }
    app.create_child(&zhen, &child("周四", VILLAGE_A2, 9)).await;

    let (status, _, bytes) = pdf(&app, &zhen, &format!("/api/v1/documents/census-forms?region={VILLAGE_A}")).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    let (text, pages) = read(&bytes);
    assert_eq!(pages, 3);
    assert_no_missing_glyph(&text);
    for n in ["赵一", "钱二", "孙三", "第3页共3页"] {
        assert!(text.contains(n), "{n}: {text}");
    }
    assert!(!text.contains("周四"), "another village's file is not selected");
    let (_, _, kind) = last_issued(&app).await;
    assert_eq!(kind, "census_forms");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'issue_document' AND detail LIKE '%3 files%'",
            vec![]
        )
        .await,
        1
    );

    let (status, _, _) = pdf(&app, &teacher, "/api/v1/documents/census-forms").await;
    assert_eq!(status, 403, "the ledger's forms are for those who keep the ledger");
    let (status, _, _) = pdf(&app, &zhen, "/api/v1/documents/census-forms?region=120114102201").await;
    assert_eq!(status, 400, "nothing selected");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_entrusted_guardianship_confirmation_names_parents_carer_and_child() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let mut f = child("李小花", VILLAGE_A, 1);
    f["father"]["name"] = json!("李建国");
    f["mother"]["name"] = json!("张秀英");
    f["entrusted_guardian"] = json!({"name": "王桂兰", "relation": "paternal_grandparent", "address": "三组12号"});
    let id = app.create_child(&zhen, &f).await["id"].as_i64().expect("id");
    let plain = app.create_child(&zhen, &child("赵一", VILLAGE_A, 2)).await["id"].as_i64().expect("id");

    let (status, _, bytes) = pdf(&app, &zhen, &format!("/api/v1/children/{id}/documents/entrusted-confirmation")).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    let (text, pages) = read(&bytes);
    assert_eq!(pages, 1);
    assert_no_missing_glyph(&text);
    let (number, _, kind) = last_issued(&app).await;
    assert_eq!(kind, "entrusted_confirmation");
    for s in ["委托监护确认书", "李建国", "张秀英", "王桂兰", "李小花", "第二十二条", "受委托人签字", number.as_str()]
    {
        assert!(text.contains(s), "{s}: {text}");
    }

    let (status, _, _) = pdf(&app, &zhen, &format!("/api/v1/children/{plain}/documents/entrusted-confirmation")).await;
    assert_eq!(status, 404, "no carer, nothing to confirm");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verification_is_limited_per_address() {
    let app = TestApp::with_settings("[documents]\nverify_per_address_per_hour = 2\n").await;
    for _ in 0..2 {
        let res = reqwest::get(app.url("/api/v1/verify/0000-0000-0000")).await.expect("get");
        assert_eq!(res.status().as_u16(), 200);
    }
    let res = reqwest::get(app.url("/api/v1/verify/0000-0000-0000")).await.expect("get");
    assert_eq!(res.status().as_u16(), 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reports_receipt_and_the_polices_handover_notice_print_with_the_disposal() {
    let app = TestApp::new().await;
    let teacher = app.user("laoshi", Role::Teacher, OrgType::School, TOWNSHIP_A).await;
    let police = app.user("paichusuo_a", Role::Police, OrgType::PoliceStation, TOWNSHIP_A).await;
    let police_b = app.user("paichusuo_b", Role::Police, OrgType::PoliceStation, TOWNSHIP_B).await;
    let body = json!({
        "situations": ["living_alone"],
        "discovered_at": "2026-11-29T03:00:00Z",
        "child_description": "男孩，约9岁，穿蓝色外套",
        "village_code": VILLAGE_A,
        "description": "孩子独自在家三天，邻居送饭",
        "contact_name": "王老师",
        "contact_phone": "13912345678"
    });
    let (s, receipt) = app.post(&teacher, "/api/v1/reports", &body).await;
    assert_eq!(s, 201, "{receipt}");
    let id = receipt["id"].as_i64().expect("id");
    let number = receipt["receipt"].as_str().expect("receipt").to_string();

    let (status, _, bytes) = pdf(&app, &teacher, &format!("/api/v1/reports/{id}/documents/receipt")).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    let (text, pages) = read(&bytes);
    assert_eq!(pages, 1);
    assert_no_missing_glyph(&text);
    for s in ["强制报告回执", number.as_str(), "男孩，约9岁", "单独居住", "依法保密"] {
        assert!(text.contains(s), "{s}: {text}");
    }
    assert!(!text.contains("王老师"), "the reporter is not named");
    let (status, _, _) = pdf(&app, &police_b, &format!("/api/v1/reports/{id}/documents/receipt")).await;
    assert_eq!(status, 404, "another station's report is missing");
    let (status, _, _) = pdf(&app, &police, &format!("/api/v1/reports/{id}/documents/handover")).await;
    assert_eq!(status, 409, "not handed over yet");

    let step = |s: &'static str, extra: Value| {
        let (app, police) = (&app, &police);
        async move {
            let (_, now) = app.get(police, &format!("/api/v1/reports/{id}")).await;
            let mut body = json!({"step": s, "version": now["version"]});
            if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
                b.extend(e.clone());
            }
            let (code, r) = app.post(police, &format!("/api/v1/reports/{id}/steps"), &body).await;
            assert_eq!(code, 200, "{s}: {r}");
        }
    };
    for s in ["accepted", "dispatched", "on_scene"] {
        step(s, json!({})).await;
    }
    for a in ["parents_to_return_or_entrust", "reprimand"] {
        let (code, r) = app.post(&police, &format!("/api/v1/reports/{id}/actions"), &json!({"action": a})).await;
        assert_eq!(code, 200, "{a}: {r}");
    }
    step("disposed", json!({"case_kind": "living_alone"})).await;
    step("handed_over", json!({})).await;

    let (status, _, bytes) = pdf(&app, &police, &format!("/api/v1/reports/{id}/documents/handover")).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    let (text, pages) = read(&bytes);
    assert_eq!(pages, 1);
    assert_no_missing_glyph(&text);
    let (number, _, kind) = last_issued(&app).await;
    assert_eq!(kind, "handover_notice");
    for s in ["移交通知书", "梅厂镇人民政府", "训诫", "移交人签字", "接收人签字", number.as_str()]
    {
        assert!(text.contains(s), "{s}: {text}");
    }
}

// The casework's papers and the census summary (issue 22, decisions 183–186).

/// Reads back a document fetched as `path`: 200, a PDF of `pages` pages without a missing
/// glyph, of `kind` in the register; its text (whitespace removed) and number.
async fn issued(app: &TestApp, u: &User, path: &str, kind: &str, pages: usize) -> (String, String) {
    let (status, ct, bytes) = pdf(app, u, path).await;
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&bytes));
    assert_eq!(ct, "application/pdf");
    let (text, n) = read(&bytes);
    assert_eq!(n, pages, "{path}: {text}");
    assert_no_missing_glyph(&text);
    let (number, code, k) = last_issued(app).await;
    // To look at (pdftoppm): `SHOUHU_DOCUMENTS_OUT=dir`.
    if let Ok(dir) = std::env::var("SHOUHU_DOCUMENTS_OUT") {
        let _ = std::fs::write(std::path::Path::new(&dir).join(format!("it-{k}-{number}.pdf")), &bytes);
    }
    assert_eq!(k, kind);
    assert!(text.contains(&number) && text.contains(&display(&code)), "{number}: {text}");
    (text, number)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cases_assessment_report_plan_referral_letter_and_court_application_print() {
    let app = TestApp::new().await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let district = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let police = app.user("paichusuo", Role::Police, OrgType::PoliceStation, TOWNSHIP_A).await;
    let other = app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let mut f = child("李喆堃", VILLAGE_A, 1);
    f["sex"] = json!("male");
    let child_id = app.create_child(&township, &f).await["id"].as_i64().expect("id");
    let (s, d) = app.post(&township, "/api/v1/assessments", &json!({"child_id": child_id})).await;
    assert_eq!(s, 201, "{d}");
    let id = d["id"].as_i64().expect("id");
    let case = format!("/api/v1/assessments/{id}");

    let (status, _, _) = pdf(&app, &township, &format!("{case}/documents/report")).await;
    assert_eq!(status, 409, "no report before the assessment is done");
    let (status, _, _) = pdf(&app, &township, &format!("{case}/documents/plan")).await;
    assert_eq!(status, 409, "no plan with nothing in it");
    assert_eq!(count(&app, "SELECT count(*) FROM issued_documents", vec![]).await, 0);

    let answers = json!({"safety": "at_risk", "guardianship": "poor", "physical": "good", "mental": "concern"});
    let participants =
        json!([{"party": "township", "name": "梅厂镇 王某"}, {"party": "police", "name": "梅厂派出所 李某"}]);
    let (s, d) = app
        .post(
            &township,
            &format!("{case}/complete"),
            &json!({"version": 1, "answers": answers, "participants": participants}),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    let (text, number) = issued(&app, &township, &format!("{case}/documents/report"), "assessment_report", 1).await;
    assert!(number.starts_with("评估〔"), "{number}");
    for s in [
        "调查评估报告",
        "李喆堃",
        "男",
        "郭罗庄村",
        "梅厂镇王某",
        "梅厂派出所李某",
        "存在安全隐患",
        "中风险",
        "监护情况差",
        "身体或心理健康需要关注",
        "评估人员签字",
        &format!("评估第{id}号"),
    ] {
        assert!(text.contains(s), "the report has {s}: {text}");
    }

    // The plan: a service and a referral to the district's civil affairs.
    let (s, d) = app
        .post(
            &township,
            &format!("{case}/services"),
            &json!({"kind": "guardianship_guidance", "provider": "阳光社工服务中心", "start_date": "2026-11-29"}),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    let orgs = app.store(|s| s.list_orgs().expect("orgs")).await;
    let receiver = orgs.iter().find(|o| o.name == "qu的单位").map(|o| o.id).expect("org");
    let (s, d) = app
        .post(
            &township,
            &format!("{case}/referrals"),
            &json!({"kind": "minimum_living", "receiving_org_id": receiver, "note": "父亲无固定收入"}),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    let referral = d["referrals"][0]["id"].as_i64().expect("id");
    let (text, _) = issued(&app, &township, &format!("{case}/documents/plan"), "assistance_plan", 1).await;
    for s in [
        "帮扶计划",
        "李喆堃",
        "监护指导",
        "政府购买服务",
        "阳光社工服务中心",
        "最低生活保障",
        "qu的单位",
        "儿童主任签字",
    ] {
        assert!(text.contains(s), "the plan has {s}: {text}");
    }

    // The referral letter says only what a referral discloses.
    let (text, number) =
        issued(&app, &township, &format!("{case}/referrals/{referral}/documents/letter"), "referral_letter", 1).await;
    assert!(number.starts_with("转介〔"), "{number}");
    for s in ["转介函", "qu的单位：", "最低生活保障", "李喆堃", "郭罗庄村", "父亲无固定收入", "依法保密"]
    {
        assert!(text.contains(s), "the letter has {s}: {text}");
    }
    for s in ["中风险", "存在安全隐患", "监护指导"] {
        assert!(!text.contains(s), "the letter leaves out {s}: {text}");
    }
    let (status, _, _) = pdf(&app, &township, &format!("{case}/referrals/999999/documents/letter")).await;
    assert_eq!(status, 404);

    // The court application: the ground met, its day and evidence.
    let mut abuse = json!({"guardian": "李建国", "standing": "father", "date": "2026-11-29", "kind": "incident",
        "conduct": "abuse", "evidence": "派出所询问笔录、伤情鉴定意见书", "serious_harm": true});
    let (s, r) = app.post(&police, &format!("{case}/conduct"), &abuse).await;
    assert_eq!(s, 201, "{r}");
    abuse["guardian"] = json!("外婆 王某");
    abuse["standing"] = json!("entrusted_carer");
    abuse["evidence"] = json!("外婆的记录不作为证据");
    let (s, r) = app.post(&police, &format!("{case}/conduct"), &abuse).await;
    assert_eq!(s, 201, "{r}");
    let application = json!({"applicant": "civil_affairs", "applicant_name": "武清区民政局",
        "grounds": ["s3_violence_abuse_abandonment"], "court": "天津市武清区人民法院", "filed_on": "2026-11-29"});
    let (s, d) = app.post(&district, &format!("{case}/applications"), &application).await;
    assert_eq!(s, 201, "{d}");
    let application_id = d["applications"][0]["id"].as_i64().expect("id");
    let (text, number) = issued(
        &app,
        &district,
        &format!("{case}/applications/{application_id}/documents/application"),
        "revocation_application",
        1,
    )
    .await;
    assert!(number.starts_with("撤监〔"), "{number}");
    for s in [
        "撤销监护人资格申请书",
        "武清区民政局",
        "民政部门",
        "李建国（父亲）",
        "李喆堃",
        "实施家庭暴力、虐待或遗弃导致身心健康严重受损",
        "天津市实施意见二(五)(3)",
        "2026年11月29日成立",
        "证据清单",
        "派出所询问笔录、伤情鉴定意见书",
        "天津市武清区人民法院",
        "申请人（签名或盖章）",
        "二〇二六年十一月二十九日",
    ] {
        assert!(text.contains(s), "the application has {s}: {text}");
    }
    assert!(!text.contains("外婆"), "a carer is neither respondent nor evidence: {text}");

    // Every paper was audited with the case's child.
    let audited = count(
        &app,
        "SELECT count(*) FROM audit_log WHERE action = 'issue_document' AND child_id = $1",
        vec![child_id.into()],
    )
    .await;
    assert_eq!(audited, 4);

    // Another township's user finds none of it.
    for path in [
        format!("{case}/documents/report"),
        format!("{case}/documents/plan"),
        format!("{case}/referrals/{referral}/documents/letter"),
        format!("{case}/applications/{application_id}/documents/application"),
    ] {
        let (status, _, _) = pdf(&app, &other, &path).await;
        assert_eq!(status, 404, "{path}");
    }
    assert_eq!(count(&app, "SELECT count(*) FROM issued_documents", vec![]).await, 4);

    // The case's page offers each paper, and its link downloads it.
    let (c, _) = crate::pages::browser(&app, "qu").await;
    let html = c.get(app.url(&format!("/assessments/{id}"))).send().await.expect("get").text().await.expect("html");
    for link in [
        "id=\"print-assessment-report\"".to_string(),
        "id=\"print-assistance-plan\"".to_string(),
        format!("id=\"print-referral-letter-{referral}\""),
        format!("id=\"print-application-{application_id}\""),
    ] {
        assert!(html.contains(&link), "the case's page has {link}");
    }
    let res = c.get(app.url(&format!("/assessments/{id}/applications/{application_id}/application.pdf"))).send().await;
    let res = res.expect("get");
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.bytes().await.expect("body").get(..5), Some(&b"%PDF-"[..]));
    let (c, _) = crate::pages::browser(&app, "zhen_b").await;
    let res = c.get(app.url(&format!("/assessments/{id}/report.pdf"))).send().await.expect("get");
    assert_eq!(res.status().as_u16(), 404, "another township's case is missing from the page's link too");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_census_summary_of_a_scope_prints_across_a4_with_its_32_columns() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let zhen_b = app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let district = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let teacher = app.user("laoshi", Role::Teacher, OrgType::School, TOWNSHIP_A).await;
    for (i, n) in ["赵一", "钱二"].iter().enumerate() {
        app.create_child(&zhen, &child(n, VILLAGE_A, i as u32 + 1)).await;
    }
    app.create_child(&zhen, &child("孙三", VILLAGE_A2, 3)).await;
    app.create_child(&zhen_b, &child("周四", VILLAGE_B, 4)).await;

    let (text, number) = issued(&app, &district, "/api/v1/documents/census-summary", "census_summary", 1).await;
    assert!(number.starts_with("留汇〔"), "{number}");
    let mut want = vec![
        "农村留守儿童摸底排查汇总表",
        "武清区",
        "梅厂镇",
        "120114101",
        "大碱厂镇",
        "120114102",
        "乡镇（街道）",
        "区划代码",
    ];
    let headers = shouhu_census::summary::headers();
    let printed: Vec<String> = headers.iter().map(|h| h.replace('\u{2013}', "-")).collect();
    want.extend(printed.iter().map(String::as_str));
    let groups = shouhu_census::summary::groups();
    want.extend(groups.iter().map(|(g, _)| *g));
    for s in want {
        assert!(text.contains(s), "the summary has {s}: {text}");
    }
    assert!(!text.contains("赵一"), "counts, not names");

    // The township's own scope, and the ledger's filter.
    let (text, _) =
        issued(&app, &zhen, &format!("/api/v1/documents/census-summary?region={VILLAGE_A}"), "census_summary", 1).await;
    assert!(text.contains("梅厂镇") && !text.contains("大碱厂镇"), "{text}");
    assert!(text.contains("按台账筛选条件"), "{text}");
    let audited = count(
        &app,
        "SELECT count(*) FROM audit_log WHERE action = 'issue_document' AND detail LIKE 'census_summary%2 files'",
        vec![],
    )
    .await;
    assert_eq!(audited, 1, "the filtered summary counts two files");
    let (status, _, _) = pdf(&app, &teacher, "/api/v1/documents/census-summary").await;
    assert_eq!(status, 403, "the summary is for those who keep the ledger");
    let (c, _) = crate::pages::browser(&app, "zhen").await;
    let html = c.get(app.url("/children")).send().await.expect("get").text().await.expect("html");
    assert!(html.contains("id=\"print-census-summary\""), "the ledger offers the summary");
    let res = c.get(app.url(&format!("/children/summary.pdf?region={VILLAGE_A}"))).send().await.expect("get");
    assert_eq!(res.status().as_u16(), 200);
}
