//! The casework pages: an assessment opened from a child's page and completed through its
//! form (a refused form keeps what was typed and names the field), the plan, the guardian's
//! conduct record and the grounds it meets, an application followed to a new guardian, the
//! referrals an organisation receives, and an assessment out of scope answered like a
//! missing one.

use crate::harness::*;
use crate::pages::browser;
use shouhu_domain::role::{OrgType, Role};

async fn page(c: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let res = c.get(app.url(path)).send().await.expect("get");
    (res.status().as_u16(), res.text().await.expect("html"))
}

/// Posts a form; answers the status, the redirect's target and the page.
async fn post(c: &reqwest::Client, app: &TestApp, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
    let res = c.post(app.url(path)).form(fields).send().await.expect("post");
    let status = res.status().as_u16();
    let location = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (status, location, res.text().await.unwrap_or_default())
}

/// The id in `/assessments/{id}…`.
fn assessment_of(location: &str) -> i64 {
    let rest = location.strip_prefix("/assessments/").expect("an assessment's page");
    rest.split(|c: char| !c.is_ascii_digit()).next().and_then(|n| n.parse().ok()).expect("id")
}

/// The township opens an assessment of a child of its ledger from the child's page.
async fn opened(app: &TestApp, c: &reqwest::Client, csrf: &str, child_id: i64) -> i64 {
    let (_, file) = page(c, app, &format!("/children/{child_id}")).await;
    assert!(file.contains("id=\"open-assessment\""), "the child's page offers 发起评估");
    let child = child_id.to_string();
    let (s, location, _) = post(c, app, "/assessments", &[("csrf", csrf), ("child_id", &child)]).await;
    assert_eq!(s, 303);
    assessment_of(&location)
}

const TODAY: &str = "2026-11-29";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completing_an_assessment_keeps_what_was_typed_and_names_the_field() {
    let app = TestApp::new().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let child = app.create_child(&director, &child("张小明", VILLAGE_A, 1)).await;
    let child_id = child["id"].as_i64().expect("id");
    let (c, csrf) = browser(&app, "zhen").await;
    let (_, ledger) = page(&c, &app, "/children").await;
    assert!(ledger.contains("id=\"nav-assessments\""), "the township has 评估帮扶 in its menu");
    let (_, zhuren_page) = page(&browser(&app, "zhuren").await.0, &app, &format!("/children/{child_id}")).await;
    assert!(!zhuren_page.contains("id=\"open-assessment\""), "a village director does not assess");

    let id = opened(&app, &c, &csrf, child_id).await;
    let (s, list) = page(&c, &app, "/assessments").await;
    assert_eq!(s, 200);
    assert!(list.contains(&format!("id=\"assessment-{id}\"")) && list.contains("待评估"), "listed as open");
    let path = format!("/assessments/{id}");
    let (s, html) = page(&c, &app, &path).await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"complete-form\"") && html.contains(&format!("href=\"/children/{child_id}\"")));
    assert_eq!(html.matches("name=\"participants.").count(), 8, "four rows of party and name");

    let complete = format!("{path}/complete");
    let (s, _, html) = post(
        &c,
        &app,
        &complete,
        &[
            ("csrf", &csrf),
            ("version", "1"),
            ("safety", "at_risk"),
            ("guardianship", "poor"),
            ("physical", ""),
            ("mental", "concern"),
            ("participants.0.party", "township"),
            ("participants.0.name", "梅厂镇 王某"),
            ("participants.1.party", "police"),
            ("participants.1.name", "  "),
            ("participants.2.party", ""),
            ("participants.2.name", ""),
        ],
    )
    .await;
    assert_eq!(s, 422);
    assert!(html.contains("id=\"e-physical\">此项为必填项"), "the missing answer beside its field");
    assert!(html.contains("id=\"e-participants.1.name\">此项为必填项"), "the second row's empty name");
    assert!(!html.contains("id=\"e-participants.2."), "an empty row is ignored");
    assert!(html.contains("href=\"#f-physical\""), "the summary links to the field");
    assert!(html.contains("<option value=\"at_risk\" selected>") && html.contains("<option value=\"poor\" selected>"));
    assert!(html.contains("<option value=\"concern\" selected>"), "the answers given are kept");
    assert!(html.contains("value=\"梅厂镇 王某\"") && html.contains("<option value=\"police\" selected>"));

    let (s, _, html) =
        post(&c, &app, &complete, &[("csrf", &csrf), ("version", "1"), ("safety", "safe"), ("physical", "good")]).await;
    assert_eq!(s, 422);
    assert!(html.contains("id=\"e-participants\">请填写参与评估的单位和人员"), "nobody took part: {html}");

    let answers = [
        ("csrf", csrf.as_str()),
        ("version", "1"),
        ("safety", "at_risk"),
        ("guardianship", "poor"),
        ("physical", "good"),
        ("mental", "concern"),
        ("participants.0.party", "township"),
        ("participants.0.name", "梅厂镇 王某"),
        ("participants.2.party", "police"),
        ("participants.2.name", "梅厂派出所 李某"),
    ];
    let (s, location, _) = post(&c, &app, &complete, &answers).await;
    assert_eq!((s, location.as_str()), (303, format!("{path}?saved=complete#assessment-summary").as_str()));
    let (_, html) = page(&c, &app, &path).await;
    assert!(html.contains("id=\"risk-level\"><strong>中风险"), "the risk level");
    assert!(html.contains("存在安全隐患") && html.contains("监护情况差"), "with its reasons");
    assert!(html.contains("梅厂派出所 李某") && !html.contains("id=\"complete-form\""), "done once");
    let (s, _, html) = post(&c, &app, &complete, &answers).await;
    assert_eq!(s, 409, "a page left open after it was completed");
    assert!(html.contains("该评估刚被他人更新"), "says so");

    // A service: the outcome is asked for when it is completed.
    let services = format!("{path}/services");
    let (s, _, html) =
        post(&c, &app, &services, &[("csrf", &csrf), ("kind", "day_care"), ("provider", " "), ("start_date", "29/11")])
            .await;
    assert_eq!(s, 422);
    assert!(html.contains("id=\"e-provider\">此项为必填项") && html.contains("id=\"e-start_date\">日期格式"));
    assert!(html.contains("<option value=\"day_care\" selected>") && html.contains("value=\"29/11\""));
    let (s, location, _) = post(
        &c,
        &app,
        &services,
        &[("csrf", &csrf), ("kind", "psychological_support"), ("provider", "武清区阳光社工"), ("start_date", TODAY)],
    )
    .await;
    assert_eq!((s, location.as_str()), (303, format!("{path}?saved=services#services").as_str()));
    let (_, html) = page(&c, &app, &location).await;
    assert!(html.contains("政府购买服务") && html.contains("武清区阳光社工") && html.contains("id=\"saved\""));
    let service = app
        .store(|s| s.reports.read(|c| c.query_opt("SELECT id FROM services", &[], |r| r.i64(0))))
        .await
        .expect("read")
        .expect("a service");
    let move_path = format!("{path}/services/{service}");
    assert_eq!(post(&c, &app, &move_path, &[("csrf", &csrf), ("status", "in_progress")]).await.0, 303);
    let (s, _, html) = post(&c, &app, &move_path, &[("csrf", &csrf), ("status", "completed"), ("outcome", "")]).await;
    assert_eq!(s, 422);
    assert!(html.contains(&format!("id=\"e-outcome-{service}\">服务完成或中止时，请填写结果")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_conduct_record_and_an_application_through_the_page() {
    let app = TestApp::new().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    app.user("paichusuo", Role::Police, OrgType::PoliceStation, TOWNSHIP_A).await;
    app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let child = app.create_child(&director, &child("张小明", VILLAGE_A, 1)).await;
    let child_id = child["id"].as_i64().expect("id");
    let (township, t_csrf) = browser(&app, "zhen").await;
    let id = opened(&app, &township, &t_csrf, child_id).await;
    let path = format!("/assessments/{id}");
    let conduct = format!("{path}/conduct");

    // The police: a measure without its evidence is refused, with everything kept.
    let (police, p_csrf) = browser(&app, "paichusuo").await;
    let (s, html) = page(&police, &app, &path).await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"conduct-form\"") && !html.contains("id=\"complete-form\""), "the police record");
    let measure = |evidence: &'static str| {
        vec![
            ("csrf", p_csrf.clone()),
            ("guardian", "父亲 张某".to_string()),
            ("standing", "father".to_string()),
            ("date", TODAY.to_string()),
            ("kind", "criticism_education".to_string()),
            ("conduct", "begging".to_string()),
            ("evidence", evidence.to_string()),
        ]
    };
    let fields = measure("  ");
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (s, _, html) = post(&police, &app, &conduct, &pairs).await;
    assert_eq!(s, 422);
    assert!(html.contains("id=\"e-evidence\">此项为必填项"), "the evidence is named");
    assert!(html.contains("href=\"#f-evidence\""));
    assert!(html.contains("value=\"父亲 张某\"") && html.contains("value=\"2026-11-29\""), "kept");
    assert!(html.contains("<option value=\"criticism_education\" selected>"));
    assert!(html.contains("<option value=\"begging\" selected>"));
    let fields = measure("梅厂派出所批评教育记录 第1号");
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(post(&police, &app, &conduct, &pairs).await.1, format!("{path}?saved=conduct#conduct"));

    // The township records what the guardian did, not measures.
    let (s, _, html) = post(
        &township,
        &app,
        &conduct,
        &[
            ("csrf", &t_csrf),
            ("guardian", "父亲 张某"),
            ("standing", "father"),
            ("date", TODAY),
            ("kind", "reprimand"),
            ("conduct", "begging"),
            ("evidence", "镇政府记录"),
        ],
    )
    .await;
    assert_eq!(s, 422);
    assert!(html.contains("id=\"e-conduct-kind\">批评教育、训诫、处罚等措施由公安机关记录"));
    let (s, _, _) = post(
        &township,
        &app,
        &conduct,
        &[
            ("csrf", &t_csrf),
            ("guardian", "父亲 张某"),
            ("standing", "father"),
            ("date", TODAY),
            ("kind", "incident"),
            ("conduct", "abuse"),
            ("serious_harm", "1"),
            ("evidence", "镇卫生院伤情记录 2026-118"),
        ],
    )
    .await;
    assert_eq!(s, 303);
    let (_, html) = page(&township, &app, &path).await;
    assert!(html.contains("id=\"ground-g1_serious_harm\" data-met=\"1\""), "serious abuse meets the 2014 ground");
    assert!(html.contains("id=\"ground-s3_violence_abuse_abandonment\" data-met=\"1\""), "and the seed's");
    assert!(html.contains("id=\"ground-g5_begging\" data-met=\"0\""), "one round of education is not yet three");
    assert!(html.contains("严重损害") && html.contains("镇卫生院伤情记录"), "the record with its flag and evidence");
    assert!(!html.contains("id=\"carer-not-guardian\""), "no carer's conduct yet: nothing to explain");

    // The entrusted grandmother's conduct is recorded, not held against her as a guardian,
    // and the page says why; whose conduct it is must be said.
    let carer = |standing: &'static str| {
        vec![
            ("csrf", t_csrf.clone()),
            ("guardian", "外婆 李某".to_string()),
            ("standing", standing.to_string()),
            ("date", TODAY.to_string()),
            ("kind", "incident".to_string()),
            ("conduct", "violent_injury".to_string()),
            ("serious_harm", "1".to_string()),
            ("evidence", "镇卫生院伤情记录 2026-120".to_string()),
        ]
    };
    let fields = carer("");
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (s, _, html) = post(&township, &app, &conduct, &pairs).await;
    assert_eq!(s, 422);
    assert!(html.contains("id=\"e-standing\">此项为必填项") && html.contains("href=\"#f-standing\""), "named");
    assert!(html.contains("value=\"外婆 李某\""), "the rest is kept");
    let fields = carer("entrusted_carer");
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(post(&township, &app, &conduct, &pairs).await.0, 303);
    let (_, html) = page(&township, &app, &path).await;
    assert!(html.contains("外婆 李某（受委托照护人（被委托人））") && html.contains("非监护人，不作为撤销依据"));
    assert!(html.contains("id=\"carer-not-guardian\">受委托照护人不是监护人（未成年人保护法第二十二条"), "why");
    assert!(html.contains("镇卫生院伤情记录 2026-120"), "the carer's record is on the page");
    let g1 = html.split("id=\"ground-g1_serious_harm\"").nth(1).and_then(|t| t.split("</li>").next()).unwrap_or("");
    assert_eq!(g1.matches("class=\"evidence\"").count(), 1, "the father's record only: {g1}");

    // The district applies: a neighbour may not, civil affairs may.
    let (district, d_csrf) = browser(&app, "qu").await;
    let (_, html) = page(&district, &app, &path).await;
    assert!(html.contains("id=\"application-form\"") && html.contains("value=\"g1_serious_harm\""));
    assert!(!html.contains("name=\"grounds\" value=\"g5_begging\""), "only met grounds can be relied on");
    let applications = format!("{path}/applications");
    let apply = |applicant: &'static str| {
        vec![
            ("csrf", d_csrf.clone()),
            ("applicant", applicant.to_string()),
            ("applicant_name", "武清区民政局".to_string()),
            ("grounds", "g1_serious_harm".to_string()),
            ("court", "武清区人民法院".to_string()),
            ("filed_on", TODAY.to_string()),
        ]
    };
    let fields = apply("neighbour");
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (s, _, html) = post(&district, &app, &applications, &pairs).await;
    assert_eq!(s, 422);
    assert!(html.contains("id=\"e-applicant\">依法不能由该申请人向法院申请撤销监护人资格"), "{html}");
    assert!(html.contains("<option value=\"neighbour\" selected>") && html.contains("value=\"武清区人民法院\""));
    assert!(html.contains("value=\"g1_serious_harm\" checked"), "the ground ticked is kept");
    let n: i64 = app
        .store(|s| s.reports.read(|c| c.query_opt("SELECT count(*) FROM revocation_applications", &[], |r| r.i64(0))))
        .await
        .expect("count")
        .unwrap_or(0);
    assert_eq!(n, 0, "nothing filed");
    let fields = apply("civil_affairs");
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(post(&district, &app, &applications, &pairs).await.0, 303);
    let application = app
        .store(|s| s.reports.read(|c| c.query_opt("SELECT id FROM revocation_applications", &[], |r| r.i64(0))))
        .await
        .expect("read")
        .expect("an application");
    let step_path = format!("{applications}/{application}");
    for (state, version) in [("accepted", "1"), ("heard", "2"), ("revoked", "3")] {
        let (s, _, html) = post(
            &district,
            &app,
            &step_path,
            &[("csrf", &d_csrf), ("state", state), ("version", version), ("date", TODAY)],
        )
        .await;
        assert_eq!(s, 303, "{state}: {html}");
    }
    let (_, html) = page(&district, &app, &path).await;
    assert!(html.contains("判决撤销监护人资格") && html.contains(&format!("id=\"f-ng_name-{application}\"")));
    let (s, _, html) = post(
        &district,
        &app,
        &step_path,
        &[("csrf", &d_csrf), ("state", "guardian_appointed"), ("version", "4"), ("new_guardian_phone", "13700001111")],
    )
    .await;
    assert_eq!(s, 422);
    assert!(html.contains(&format!("id=\"e-ng_name-{application}\">此项为必填项")), "the new guardian's name");
    assert!(html.contains("value=\"13700001111\""), "the phone is kept");
    let (s, _, _) = post(
        &district,
        &app,
        &step_path,
        &[
            ("csrf", &d_csrf),
            ("state", "guardian_appointed"),
            ("version", "4"),
            ("new_guardian_name", "李桂兰"),
            ("new_guardian_relation", "maternal_grandparent"),
            ("new_guardian_phone", "13700001111"),
            ("maintenance_owed", "父亲每月支付抚养费800元"),
        ],
    )
    .await;
    assert_eq!(s, 303);
    let (_, html) = page(&district, &app, &path).await;
    assert!(html.contains("已另行指定监护人") && html.contains("李桂兰（外祖父母） 13700001111"));
    let (_, file) = page(&district, &app, &format!("/children/{child_id}")).await;
    assert!(file.contains("李桂兰"), "the new guardian is in the child's file");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_referral_is_decided_on_the_receiving_organisations_page() {
    let app = TestApp::new().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let child = app.create_child(&director, &child("张小明", VILLAGE_A, 1)).await;
    let (township, t_csrf) = browser(&app, "zhen").await;
    let id = opened(&app, &township, &t_csrf, child["id"].as_i64().expect("id")).await;
    let path = format!("/assessments/{id}");
    let org = app
        .store(|s| s.list_orgs().expect("orgs").into_iter().find(|o| o.name == "qu的单位").map(|o| o.id))
        .await
        .expect("the district's organisation");
    let (_, html) = page(&township, &app, &path).await;
    assert!(html.contains(&format!("<option value=\"{org}\">qu的单位（区民政局）")), "offered as a receiver");
    assert!(!html.contains("zhuren的单位"), "a village committee decides no assistance");
    let org = org.to_string();
    let referrals = format!("{path}/referrals");
    let (s, _, html) = post(&township, &app, &referrals, &[("csrf", &t_csrf), ("note", "父亲无固定收入")]).await;
    assert_eq!(s, 422);
    assert!(html.contains("id=\"e-referral-kind\">此项为必填项") && html.contains("id=\"e-receiving_org_id\">"));
    assert!(html.contains(">父亲无固定收入</textarea>"));
    let (s, _, _) = post(
        &township,
        &app,
        &referrals,
        &[("csrf", &t_csrf), ("kind", "minimum_living"), ("receiving_org_id", &org), ("note", "父亲无固定收入")],
    )
    .await;
    assert_eq!(s, 303);

    let (district, d_csrf) = browser(&app, "qu").await;
    let (s, html) = page(&district, &app, "/referrals").await;
    assert_eq!(s, 200);
    assert!(html.contains("最低生活保障") && html.contains("data-state=\"accepted\">受理"));
    let referral = app
        .store(|s| s.reports.read(|c| c.query_opt("SELECT id FROM referrals", &[], |r| r.i64(0))))
        .await
        .expect("read")
        .expect("a referral");
    let decide = format!("/referrals/{referral}");
    let (s, _, html) =
        post(&district, &app, &decide, &[("csrf", &d_csrf), ("state", "declined"), ("reason", "")]).await;
    assert_eq!(s, 422);
    assert!(html.contains(&format!("id=\"e-reason-{referral}\">不予受理或不符合条件时，请填写原因")));
    let (s, location, _) = post(&district, &app, &decide, &[("csrf", &d_csrf), ("state", "accepted")]).await;
    assert_eq!((s, location.as_str()), (303, format!("/referrals?saved=1#referral-{referral}").as_str()));
    let (_, html) = page(&district, &app, "/referrals").await;
    assert!(html.contains("已受理") && html.contains("data-state=\"granted\">批准救助"));
    let (s, _, _) = post(&township, &app, &decide, &[("csrf", &t_csrf), ("state", "granted")]).await;
    assert_eq!(s, 404, "only the receiving organisation decides");
    let (_, html) = page(&township, &app, &path).await;
    assert!(html.contains("已受理") && html.contains("qu的单位"), "the township sees how it went");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assessment_out_of_scope_is_the_same_page_as_a_missing_one() {
    let app = TestApp::new().await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    app.user("laoshi", Role::Teacher, OrgType::School, TOWNSHIP_A).await;
    let child = app.create_child(&director, &child("张小明", VILLAGE_A, 1)).await;
    let (township, t_csrf) = browser(&app, "zhen").await;
    let id = opened(&app, &township, &t_csrf, child["id"].as_i64().expect("id")).await;

    let (other, o_csrf) = browser(&app, "zhen_b").await;
    let (s1, missing) = page(&other, &app, "/assessments/999999").await;
    let (s2, out_of_scope) = page(&other, &app, &format!("/assessments/{id}")).await;
    assert_eq!((s1, s2), (404, 404));
    assert_eq!(missing, out_of_scope);
    let (s, _, html) = post(
        &other,
        &app,
        &format!("/assessments/{id}/conduct"),
        &[
            ("csrf", &o_csrf),
            ("guardian", "父亲"),
            ("standing", "father"),
            ("date", TODAY),
            ("kind", "incident"),
            ("conduct", "abuse"),
            ("evidence", "x"),
        ],
    )
    .await;
    assert_eq!(s, 404);
    assert_eq!(html, missing, "a form posted to it too");
    let (_, list) = page(&other, &app, "/assessments?view=all").await;
    assert!(!list.contains(&format!("id=\"assessment-{id}\"")), "not in the other township's list");
    let (s, _) = page(&other, &app, "/assessments/abc").await;
    assert_eq!(s, 404);

    // A teacher has no casework pages; a forged form changes nothing.
    let (teacher, _) = browser(&app, "laoshi").await;
    let (_, ledger) = page(&teacher, &app, "/children").await;
    assert!(!ledger.contains("id=\"nav-assessments\""));
    assert_eq!(page(&teacher, &app, "/assessments").await.0, 403);
    let (s, _, _) = post(
        &township,
        &app,
        &format!("/assessments/{id}/complete"),
        &[("csrf", "forged"), ("version", "1"), ("safety", "safe")],
    )
    .await;
    assert_eq!(s, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_guardianship_is_recorded_on_the_page_by_civil_affairs_on_a_ground_of_its_article() {
    let app = TestApp::new().await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let child = app.create_child(&township, &child("王小丫", VILLAGE_A, 4)).await;
    let (c, csrf) = browser(&app, "zhen").await;
    let id = opened(&app, &c, &csrf, child["id"].as_i64().expect("id")).await;
    let path = format!("/assessments/{id}");
    let (_, html) = page(&c, &app, &path).await;
    assert!(!html.contains("id=\"placement-form\""), "a township does not take state guardianship");

    let (d, dcsrf) = browser(&app, "qu").await;
    let (_, html) = page(&d, &app, &path).await;
    assert!(html.contains("id=\"placement-form\""), "civil affairs does");
    let form = |ground: &'static str| {
        [
            ("csrf", dcsrf.clone()),
            ("kind", "temporary_state".into()),
            ("ground", ground.into()),
            ("placed_with", "武清区儿童福利院".into()),
            ("start_date", TODAY.into()),
        ]
    };
    let wrong = form("guardian_dead");
    let fields: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (s, _, html) = post(&d, &app, &format!("{path}/placements"), &fields).await;
    assert_eq!(s, 422);
    assert!(html.contains("id=\"e-placement-ground\"") && html.contains("武清区儿童福利院"), "named and kept");
    let right = form("guardian_missing");
    let fields: Vec<(&str, &str)> = right.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (s, _, _) = post(&d, &app, &format!("{path}/placements"), &fields).await;
    assert_eq!(s, 303);
    let (_, html) = page(&d, &app, &path).await;
    assert!(html.contains("临时监护（民政部门）") && html.contains("监护人下落不明"), "shown on the case");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_childs_file_shows_its_cases_and_the_grounds_met_to_those_who_see_casework() {
    let app = TestApp::new().await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let police = app.user("paichusuo", Role::Police, OrgType::PoliceStation, TOWNSHIP_A).await;
    app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let child = app.create_child(&township, &child("刘小军", VILLAGE_A, 6)).await;
    let child_id = child["id"].as_i64().expect("id");
    let (s, d) = app.post(&township, "/api/v1/assessments", &serde_json::json!({"child_id": child_id})).await;
    assert_eq!(s, 201, "{d}");
    let id = d["id"].as_i64().expect("id");
    let abuse = serde_json::json!({"guardian": "张某", "standing": "father", "date": TODAY, "kind": "incident", "conduct": "abuse",
        "serious_harm": true, "evidence": "医院诊断证明"});
    let (s, r) = app.post(&police, &format!("/api/v1/assessments/{id}/conduct"), &abuse).await;
    assert_eq!(s, 201, "{r}");
    let (c, _) = browser(&app, "zhen").await;
    let (_, html) = page(&c, &app, &format!("/children/{child_id}")).await;
    assert!(html.contains(&format!("id=\"case-{id}\"")), "the case is on the child's file");
    assert!(
        html.contains("实施家庭暴力、虐待或遗弃导致身心健康严重受损") && html.contains("已满足"),
        "with the ground met"
    );
    let (d, _) = browser(&app, "zhuren").await;
    let (_, html) = page(&d, &app, &format!("/children/{child_id}")).await;
    assert!(!html.contains("id=\"child-cases\""), "a village director does not see casework");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn district_civil_affairs_has_the_list_of_cases_meeting_revocation_grounds() {
    let app = TestApp::new().await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let police = app.user("paichusuo", Role::Police, OrgType::PoliceStation, TOWNSHIP_A).await;
    app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    app.user("baodi", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120115").await;
    let child = app.create_child(&township, &child("孙小梅", VILLAGE_A, 7)).await;
    let (_, d) = app.post(&township, "/api/v1/assessments", &serde_json::json!({"child_id": child["id"]})).await;
    let id = d["id"].as_i64().expect("id");
    let abandoned = serde_json::json!({"guardian": "王某", "standing": "mother", "date": TODAY, "kind": "incident", "conduct": "abandonment",
        "serious_harm": true, "evidence": "村委会证明"});
    let (s, r) = app.post(&police, &format!("/api/v1/assessments/{id}/conduct"), &abandoned).await;
    assert_eq!(s, 201, "{r}");
    let (c, _) = browser(&app, "qu").await;
    let (s, html) = page(&c, &app, "/revocation-grounds").await;
    assert_eq!(s, 200);
    assert!(html.contains(&format!("id=\"grounds-{id}\"")) && html.contains("已满足"), "listed with the ground met");
    let (o, _) = browser(&app, "baodi").await;
    let (_, html) = page(&o, &app, "/revocation-grounds").await;
    assert!(
        html.contains("id=\"no-grounds\"") && !html.contains(&format!("id=\"grounds-{id}\"")),
        "not another district's"
    );
}
