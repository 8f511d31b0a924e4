//! ID and phone numbers per role, "显示完整号码" with a reason, and the export for those who
//! keep the ledger, with who, when and a watermark on every sheet (issue 21, decisions 85–88).

use crate::harness::*;
use crate::pages::browser;
use serde_json::{Value, json};
use shouhu_domain::role::{OrgType, Role};

const FATHER_PHONE_OLD: &str = "13812345678";
const FATHER_PHONE: &str = "13900001111";
const MOTHER_PHONE: &str = "022-23456789";
const GUARDIAN_PHONE: &str = "13700002222";

/// A file with every kind of number, changed once (so its history holds an old phone
/// number), and a reader of every role that reads children, all of whom can see it.
struct Setup {
    app: TestApp,
    id: i64,
    /// The child's, the father's, the guardian's ID numbers.
    ids: [String; 3],
    /// (username, role, user)
    readers: Vec<(&'static str, Role, User)>,
}

async fn setup() -> Setup {
    setup_in(TestApp::new().await).await
}

async fn setup_in(app: TestApp) -> Setup {
    let school = app.org("梅厂镇中心小学", OrgType::School, TOWNSHIP_A).await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let mut readers = vec![("zhen", Role::TownshipStaff, township.clone())];
    for (name, role, org_type, region) in [
        ("shi", Role::CityOfficer, OrgType::CityCivilAffairs, "12"),
        ("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114"),
        ("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A),
        ("dudao", Role::ChildSupervisor, OrgType::TownshipGovernment, TOWNSHIP_A),
        ("jing", Role::Police, OrgType::PoliceStation, TOWNSHIP_A),
        ("yisheng", Role::Doctor, OrgType::Hospital, TOWNSHIP_A),
        ("shegong", Role::SocialWorker, OrgType::SocialWorkAgency, TOWNSHIP_A),
    ] {
        readers.push((name, role, app.user(name, role, org_type, region).await));
    }
    readers.push(("laoshi", Role::Teacher, app.user_in("laoshi", Role::Teacher, school).await));
    readers.push(("xiaozhang", Role::SchoolAdmin, app.user_in("xiaozhang", Role::SchoolAdmin, school).await));

    let ids = [
        id_for("120114", "2016-05-04", true, 1),
        id_for("120114", "1985-03-02", true, 2),
        id_for("120115", "1956-07-08", false, 3),
    ];
    let mut file = child("张小明", VILLAGE_A, 1);
    file["id_number"] = json!(ids[0]);
    file["school_org_id"] = json!(school);
    file["father"]["id_number"] = json!(ids[1]);
    file["father"]["phone"] = json!(FATHER_PHONE_OLD);
    file["mother"]["phone"] = json!(MOTHER_PHONE);
    file["entrusted_guardian"] =
        json!({"name": "张奶奶", "id_number": ids[2], "phone": GUARDIAN_PHONE, "relation": "paternal_grandparent"});
    file["guardianship_type"] = json!("good");
    let rec = app.create_child(&township, &file).await;
    let id = rec["id"].as_i64().expect("id");
    let mut changed = rec["file"].clone();
    changed["father"]["phone"] = json!(FATHER_PHONE);
    let (s, body) =
        app.put(&township, &format!("/api/v1/children/{id}"), &json!({"version": 1, "file": changed})).await;
    assert_eq!(s, 200, "{body}");
    Setup { app, id, ids, readers }
}

/// What each role sees in full: (ID numbers, phone numbers). Decision 85.
fn sees(role: Role) -> (bool, bool) {
    match role {
        Role::CityOfficer | Role::DistrictOfficer | Role::TownshipStaff | Role::ChildDirector | Role::Police => {
            (true, true)
        }
        Role::Teacher | Role::SchoolAdmin => (false, true),
        _ => (false, false),
    }
}

async fn page(c: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let res = c.get(app.url(path)).send().await.expect("page");
    (res.status().as_u16(), res.text().await.expect("html"))
}

/// The audit log's rows, newest first: (action, user, child, detail).
async fn audit_rows(app: &TestApp) -> Vec<(String, String, Option<i64>, String)> {
    app.store(|s| {
        s.pool
            .read(|c| {
                c.query("SELECT action, user_name, child_id, detail FROM audit_log ORDER BY id DESC", &[], |r| {
                    Ok((r.text(0)?, r.text(1)?, r.opt_i64(2)?, r.text(3)?))
                })
            })
            .expect("audit")
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_sees_numbers_in_full_or_masked_on_the_page_the_api_the_ledger_and_history() {
    let s = setup().await;
    let (app, id) = (&s.app, s.id);
    let [child_id, father_id, guardian_id] = s.ids.clone();
    let masked_child_id = format!("{}************", &child_id[..6]);
    // The education bureau's officer reads no file (decision 131).
    let file_readers = Role::ALL.iter().filter(|r| r.may_read_children()).count();
    assert_eq!(s.readers.len(), file_readers, "every role that reads files");
    for (username, role, user) in &s.readers {
        let (full_ids, full_phones) = sees(*role);

        // The API's file.
        let (st, rec) = app.get(user, &format!("/api/v1/children/{id}")).await;
        assert_eq!(st, 200, "{username}");
        let f = &rec["file"];
        let id_values = [&f["id_number"], &f["father"]["id_number"], &f["entrusted_guardian"]["id_number"]];
        for (v, full) in id_values.iter().zip([&child_id, &father_id, &guardian_id]) {
            let v = v.as_str().expect("an ID number");
            if full_ids {
                assert_eq!(v, full.as_str(), "{username}");
            } else {
                assert_eq!(v, format!("{}************", &full[..6]), "{username}");
            }
        }
        let phones = [&f["father"]["phone"], &f["mother"]["phone"], &f["entrusted_guardian"]["phone"]];
        let expected = if full_phones {
            [FATHER_PHONE, MOTHER_PHONE, GUARDIAN_PHONE]
        } else {
            ["139****1111", "022-****6789", "137****2222"]
        };
        for (v, e) in phones.iter().zip(expected) {
            assert_eq!(v.as_str(), Some(e), "{username}");
        }
        let listed: Vec<&str> = rec["masked"].as_array().expect("masked").iter().filter_map(Value::as_str).collect();
        let mut want: Vec<&str> = Vec::new();
        if !full_ids {
            want.extend(["id_number", "father.id_number", "entrusted_guardian.id_number"]);
        }
        if !full_phones {
            want.extend(["father.phone", "mother.phone", "entrusted_guardian.phone"]);
        }
        let mut listed_sorted = listed.clone();
        listed_sorted.sort();
        want.sort();
        assert_eq!(listed_sorted, want, "{username}");

        // The API's history: the old number of an earlier version too.
        let (st, hist) = app.get(user, &format!("/api/v1/children/{id}/history")).await;
        assert_eq!(st, 200);
        let change = hist.as_array().expect("rows").iter().find(|h| h["field"] == "father.phone").expect("the change");
        if full_phones {
            assert_eq!(
                (change["old_value"].as_str(), change["new_value"].as_str()),
                (Some(FATHER_PHONE_OLD), Some(FATHER_PHONE))
            );
            assert_eq!(change["masked"], false);
        } else {
            assert_eq!(
                (change["old_value"].as_str(), change["new_value"].as_str()),
                (Some("138****5678"), Some("139****1111"))
            );
            assert_eq!(change["masked"], true);
        }

        // Lists: masked for everyone; a whole ID number finds the file for everyone.
        let (_, list) = app.get(user, "/api/v1/children").await;
        assert_eq!(list["rows"][0]["id_number_masked"], masked_child_id.as_str(), "{username}");
        let (st, found) = app.get(user, &format!("/api/v1/children?q={child_id}")).await;
        assert_eq!(st, 200, "{username}");
        assert_eq!(found["rows"].as_array().expect("rows").len(), 1, "{username} finds the file by its ID number");
        assert_eq!(found["rows"][0]["id_number_masked"], masked_child_id.as_str());
        // Its last digits only for those who see ID numbers: each answer would tell a digit.
        let (st, found) = app.get(user, &format!("/api/v1/children?q={}", &child_id[12..])).await;
        if full_ids {
            assert_eq!((st, found["rows"].as_array().map(Vec::len)), (200, Some(1)), "{username}");
        } else {
            assert_eq!(st, 422, "{username}: {found}");
            assert!(found.to_string().contains("\"q\""));
        }

        // The pages.
        let (c, _) = browser(app, username).await;
        let (st, html) = page(&c, app, &format!("/children/{id}")).await;
        assert_eq!(st, 200);
        assert_eq!(html.contains(child_id.as_str()), full_ids, "{username}: the child page");
        assert_eq!(html.contains(father_id.as_str()), full_ids, "{username}");
        assert_eq!(html.contains(GUARDIAN_PHONE), full_phones, "{username}");
        assert_eq!(html.contains("显示完整号码"), !(full_ids && full_phones), "{username}");
        if !full_ids {
            assert!(html.contains(&masked_child_id), "{username}");
        }
        let (_, html) = page(&c, app, &format!("/children/{id}/history")).await;
        assert_eq!(html.contains(FATHER_PHONE_OLD), full_phones, "{username}: the history page");
        let (_, html) = page(&c, app, "/children").await;
        assert!(html.contains("张小明") && !html.contains(child_id.as_str()), "{username}: the ledger");
        let (_, html) = page(&c, app, &format!("/children?q={child_id}")).await;
        assert!(html.contains("张小明") && !html.contains(&format!(">{child_id}<")), "{username}: the search");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_full_number_needs_a_reason_and_is_audited_without_the_number() {
    let s = setup().await;
    let (app, id) = (&s.app, s.id);
    let doctor = s.readers.iter().find(|r| r.1 == Role::Doctor).expect("doctor").2.clone();
    let path = format!("/api/v1/children/{id}/reveal");

    // Without a reason, or for a field that holds no number: refused, nothing written.
    let before = audit_rows(app).await.len();
    for body in [
        json!({"field": "father.phone"}),
        json!({"field": "father.phone", "reason": "  "}),
        json!({"field": "name", "reason": "核对"}),
    ] {
        let (st, err) = app.post(&doctor, &path, &body).await;
        assert_eq!(st, 422, "{body}: {err}");
        assert!(!err.to_string().contains(FATHER_PHONE));
    }
    let (_, err) = app.post(&doctor, &path, &json!({"field": "father.phone"})).await;
    assert!(err.to_string().contains("\"reason\""), "the field named: {err}");
    assert_eq!(audit_rows(app).await.len(), before, "a refused reveal writes nothing");

    // With a reason: the number, and an audit entry naming the field and the reason only.
    let (st, shown) = app.post(&doctor, &path, &json!({"field": "father.phone", "reason": "急诊需联系监护人"})).await;
    assert_eq!(st, 200, "{shown}");
    assert_eq!(shown, json!({"field": "father.phone", "value": FATHER_PHONE}));
    let (st, shown) =
        app.post(&doctor, &path, &json!({"field": "id_number", "reason": format!("核对 {} 是否一致", s.ids[0])})).await;
    assert_eq!((st, shown["value"].as_str()), (200, Some(s.ids[0].as_str())));
    let rows = audit_rows(app).await;
    let reveals: Vec<_> = rows.iter().filter(|r| r.0 == "reveal_number").collect();
    assert_eq!(reveals.len(), 2);
    assert!(reveals.iter().all(|r| r.2 == Some(id) && r.1.contains("yisheng")));
    assert!(reveals[1].3.contains("父亲") && reveals[1].3.contains("急诊需联系监护人"), "{:?}", reveals[1]);
    assert!(reveals[0].3.contains("身份证号码"), "{:?}", reveals[0]);
    for r in &rows {
        for number in [FATHER_PHONE, FATHER_PHONE_OLD, s.ids[0].as_str(), &s.ids[0][6..14]] {
            assert!(!r.3.contains(number), "the audit log holds no number: {r:?}");
        }
    }
    assert_eq!(shouhu_store::audit::Action::label("reveal_number"), "查看完整号码");

    // The same on the child's page: refused beside the field, then shown for that view.
    let (c, csrf) = browser(app, "yisheng").await;
    let reveal = |field: &'static str, reason: &'static str| {
        c.post(app.url(&format!("/children/{id}/reveal")))
            .form(&[("csrf", csrf.as_str()), ("field", field), ("reason", reason)])
            .send()
    };
    let before = audit_rows(app).await.iter().filter(|r| r.0 == "reveal_number").count();
    let res = reveal("entrusted_guardian.phone", "").await.expect("refused");
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("html");
    assert!(html.contains("id=\"e-reason-entrusted_guardian.phone\""), "the message beside the reason");
    assert!(!html.contains(GUARDIAN_PHONE) && html.contains("137****2222"));
    assert_eq!(audit_rows(app).await.iter().filter(|r| r.0 == "reveal_number").count(), before);
    let res = reveal("entrusted_guardian.phone", "孩子受伤需联系监护人").await.expect("shown");
    assert_eq!(res.status(), 200);
    let html = res.text().await.expect("html");
    assert!(html.contains(&format!("id=\"revealed-entrusted_guardian.phone\">{GUARDIAN_PHONE}<")), "shown in full");
    assert!(!html.contains(FATHER_PHONE), "only the number asked for");
    // For that one view: the page opened again shows it masked.
    let (_, html) = page(&c, app, &format!("/children/{id}")).await;
    assert!(!html.contains(GUARDIAN_PHONE));
    assert_eq!(audit_rows(app).await.iter().filter(|r| r.0 == "reveal_number").count(), before + 1);

    // Out of the reader's area the file looks missing; the administrator reads no file.
    let far = app.user("yisheng_b", Role::Doctor, OrgType::Hospital, TOWNSHIP_B).await;
    let (st, _) = app.post(&far, &path, &json!({"field": "father.phone", "reason": "急诊"})).await;
    assert_eq!(st, 404);
    let admin = app.user("guanli", Role::Admin, OrgType::CityCivilAffairs, "12").await;
    let (st, _) = app.post(&admin, &path, &json!({"field": "father.phone", "reason": "急诊"})).await;
    assert_eq!(st, 403);
}

/// Decision 212: numbers shown in full are counted per user over 24 hours, on the API and
/// the page together; past the setting the reader is told until when and whom to call, the
/// refusal is audited without a number, and the next day's allowance starts afresh.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_shown_in_full_are_limited_per_user_per_day() {
    let s = setup_in(TestApp::with_settings("[limits]\nreveals_per_user_per_day = 2\n").await).await;
    let (app, id) = (&s.app, s.id);
    let doctor = s.readers.iter().find(|r| r.1 == Role::Doctor).expect("doctor").2.clone();
    let worker = s.readers.iter().find(|r| r.1 == Role::SocialWorker).expect("social worker").2.clone();
    let path = format!("/api/v1/children/{id}/reveal");
    let ask = json!({"field": "father.phone", "reason": "急诊需联系监护人"});
    let (st, _) = app.post(&doctor, &path, &ask).await;
    assert_eq!(st, 200);
    let (c, csrf) = browser(app, "yisheng").await;
    let form = [("csrf", csrf.as_str()), ("field", "entrusted_guardian.phone"), ("reason", "孩子受伤需联系监护人")];
    let res = c.post(app.url(&format!("/children/{id}/reveal"))).form(&form).send().await.expect("page");
    assert_eq!(res.status(), 200, "the second, on the page");

    // The third within the day: refused with until when, and no number.
    let (st, err) = app.post(&doctor, &path, &ask).await;
    assert_eq!(st, 429, "{err}");
    assert!(!err.to_string().contains(FATHER_PHONE), "{err}");
    let message = err["message"].as_str().expect("message");
    assert!(message.contains("2次") && message.contains("公安机关"), "{message}");
    let res = c.post(app.url(&format!("/children/{id}/reveal"))).form(&form).send().await.expect("page");
    assert_eq!(res.status(), 429);
    let html = res.text().await.expect("html");
    assert!(html.contains("id=\"reveal-error\"") && html.contains(message), "told on the page");
    assert!(
        html.contains("id=\"e-reason-entrusted_guardian.phone\""),
        "and beside the field, where the form scrolls to"
    );
    assert!(html.contains("/reveal#v-entrusted_guardian.phone\""), "the form's address ends at its field");
    assert!(!html.contains(GUARDIAN_PHONE) && html.contains("137****2222"), "still masked");
    let rows = audit_rows(app).await;
    assert_eq!(rows.iter().filter(|r| r.0 == "reveal_number").count(), 2, "two shown");
    let refused: Vec<_> = rows.iter().filter(|r| r.0 == "refused" && r.3.contains("显示完整号码")).collect();
    assert_eq!(refused.len(), 2, "each refusal audited: {rows:?}");
    assert!(refused.iter().all(|r| r.2 == Some(id) && !r.3.contains(FATHER_PHONE) && !r.3.contains(GUARDIAN_PHONE)));

    // Another reader has their own allowance.
    let (st, _) = app.post(&worker, &path, &ask).await;
    assert_eq!(st, 200, "the social worker's own");
    // A day after the first, the doctor's allowance starts again.
    app.clock.advance(chrono::Duration::hours(24));
    let (st, shown) = app.post(&doctor, &path, &ask).await;
    assert_eq!((st, shown["value"].as_str()), (200, Some(FATHER_PHONE)));
}

/// Decision 212: a reader who sees ID numbers masked has a daily number of searches by a
/// whole ID number (each confirms or rules out a guess at a masked number); past it the
/// search is refused with until when, on the API and the page, and audited. A search by name
/// spends nothing, and a role that sees the numbers in full has no such limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_masked_readers_searches_by_whole_id_number_are_limited_per_day() {
    let s = setup_in(TestApp::with_settings("[limits]\nid_searches_per_user_per_day = 2\n").await).await;
    let (app, id) = (&s.app, s.id);
    let doctor = s.readers.iter().find(|r| r.1 == Role::Doctor).expect("doctor").2.clone();
    let township = s.readers.iter().find(|r| r.1 == Role::TownshipStaff).expect("township").2.clone();
    let by_id = format!("/api/v1/children?q={}", s.ids[0]);
    for _ in 0..2 {
        let (st, found) = app.get(&doctor, &by_id).await;
        assert_eq!((st, found["total"].as_i64()), (200, Some(1)), "{found}");
    }
    let (st, err) = app.get(&doctor, &by_id).await;
    assert_eq!(st, 429, "{err}");
    let message = err["message"].as_str().expect("message").to_string();
    assert!(message.contains("2次") && message.contains("姓名"), "{message}");
    let (st, found) = app.get(&doctor, "/api/v1/children?q=%E5%BC%A0%E5%B0%8F%E6%98%8E").await;
    assert_eq!((st, found["total"].as_i64()), (200, Some(1)), "by name: {found}");
    let (c, _) = browser(app, "yisheng").await;
    let (st, html) = page(&c, app, &format!("/children?q={}", s.ids[0])).await;
    assert_eq!(st, 200);
    assert!(html.contains(&message) && !html.contains("张小明"), "told on the page, nothing found");
    let rows = audit_rows(app).await;
    let refused: Vec<_> = rows.iter().filter(|r| r.0 == "refused" && r.3.contains("身份证号码查找")).collect();
    assert_eq!(refused.len(), 2, "{rows:?}");
    assert!(refused.iter().all(|r| !r.3.contains(&s.ids[0]) && r.1.contains("yisheng")), "{refused:?}");
    // The township sees ID numbers in full: no limit.
    for _ in 0..3 {
        let (st, found) = app.get(&township, &by_id).await;
        assert_eq!((st, found["total"].as_i64(), found["rows"][0]["id"].as_i64()), (200, Some(1), Some(id)));
    }
}

/// The parts of an .xlsx (a zip) as text, by name.
fn xlsx_parts(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut out = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("part");
        let name = f.name().map(|n| n.to_string()).unwrap_or_default();
        let mut text = String::new();
        if f.read_to_string(&mut text).is_ok() {
            out.insert(name, text);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_ledger_keepers_export_and_every_sheet_names_who_and_when() {
    use calamine::Reader;
    let s = setup().await;
    let app = &s.app;
    for (username, role, user) in &s.readers {
        let may = matches!(role, Role::TownshipStaff | Role::DistrictOfficer | Role::CityOfficer);
        let res = reqwest::Client::new()
            .get(app.url("/api/v1/export"))
            .bearer_auth(&user.token)
            .send()
            .await
            .expect("export");
        assert_eq!(res.status().as_u16(), if may { 200 } else { 403 }, "{username}");
        let (c, _) = browser(app, username).await;
        let (_, html) = page(&c, app, "/children").await;
        assert_eq!(html.contains("/export.xlsx"), may, "{username}: the export link");
        let (st, _) = page(&c, app, "/export.xlsx").await;
        assert_eq!(st, if may { 200 } else { 403 }, "{username}");
    }
    let refused = audit_rows(app).await.iter().filter(|r| r.0 == "refused" && r.1.contains("yisheng")).count();
    assert!(refused >= 1, "a refused export is audited");

    // The township's workbook: who and when in its rows, its printed header and footer, and
    // a watermark on each sheet.
    let township = &s.readers[0].2;
    let res = reqwest::Client::new()
        .get(app.url("/api/v1/export"))
        .bearer_auth(&township.token)
        .send()
        .await
        .expect("export");
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.expect("bytes").to_vec();
    let who = "测试用户（zhen的单位）";
    let when = "2026-11-29 12:00";
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.clone())).expect("xlsx");
    for i in 0..2 {
        let sheet = wb.worksheet_range_at(i).expect("a sheet").expect("readable");
        let line = sheet.get_value((1, 0)).map(|c| c.to_string()).unwrap_or_default();
        assert!(line.contains(&format!("导出人：{who}")) && line.contains(when), "sheet {i}: {line}");
    }
    let ledger = wb.worksheet_range_at(0).expect("ledger").expect("readable");
    let text: String = ledger.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect::<Vec<_>>().join("|");
    assert!(text.contains(&s.ids[0]) && text.contains(FATHER_PHONE), "the ledger keeper's export is in full");
    let parts = xlsx_parts(&bytes);
    for sheet in ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"] {
        let xml = &parts[sheet];
        let header = xml.split("<oddHeader>").nth(1).and_then(|h| h.split("</oddHeader>").next()).expect("a header");
        assert!(header.contains(who) && header.contains(when), "{sheet}: {header}");
        let footer = xml.split("<oddFooter>").nth(1).and_then(|h| h.split("</oddFooter>").next()).expect("a footer");
        assert!(footer.contains(who) && footer.contains("&amp;P"), "{sheet}: {footer}");
    }
    for drawing in ["xl/drawings/drawing1.xml", "xl/drawings/drawing2.xml"] {
        let xml = parts.get(drawing).unwrap_or_else(|| panic!("{drawing}: no watermark"));
        assert!(xml.contains(who) && xml.contains(when) && xml.contains("内部资料 注意保密"), "{drawing}");
    }
    let rows = audit_rows(app).await;
    let export = rows.iter().find(|r| r.0 == "export" && r.1.contains("zhen")).expect("the export is audited");
    assert!(export.3.contains("1 files"), "{export:?}");

    // The command line: the same rule.
    let out = app.work_dir().join("cli.xlsx");
    let store = app.store.clone();
    let o = out.clone();
    let refused =
        blocking(move || shouhu::census_cli::export(&store, "yisheng", &o, "").expect_err("a doctor may not export"))
            .await;
    assert!(refused.to_string().contains("无权"), "{refused}");
    assert!(!out.exists());
    let store = app.store.clone();
    let o = out.clone();
    blocking(move || shouhu::census_cli::export(&store, "qu", &o, "").expect("the district exports")).await;
    let parts = xlsx_parts(&std::fs::read(&out).expect("written"));
    assert!(parts["xl/drawings/drawing1.xml"].contains("测试用户（qu的单位）"));
}
