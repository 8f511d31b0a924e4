//! The registry's and the administrator's pages as people met them (issue 16): where the
//! administrator lands, the links they are shown, organisations by region name, and the
//! ledger's export following what the ledger shows.

use crate::harness::*;
use crate::pages::browser;
use serde_json::json;
use shouhu_domain::role::{OrgType, Role};

/// The targets of a page's links (`href="/…"`), without fragments.
fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|h| h.starts_with('/'))
        .map(|h| h.replace("&amp;", "&").replace("&#38;", "&"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_administrator_lands_on_administration_and_is_shown_no_forbidden_link() {
    let app = TestApp::new().await;
    app.user("guanli", Role::Admin, OrgType::CityCivilAffairs, "12").await;
    let (c, _) = browser(&app, "guanli").await;
    let res = c.get(app.url("/")).send().await.expect("home");
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/admin/users");
    let res = c.get(app.url("/login")).send().await.expect("login again");
    assert_eq!(res.headers()["location"], "/admin/users");
    for page in ["/admin/users", "/admin/orgs", "/admin/audit"] {
        let html = c.get(app.url(page)).send().await.expect("page").text().await.expect("html");
        for link in links(&html) {
            let status = c.get(app.url(&link)).send().await.expect("link").status().as_u16();
            assert_ne!(status, 403, "{page} links to {link}, which answers 403");
            assert!(status < 400, "{page} links to {link}, which answers {status}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organisations_are_placed_by_a_region_name_as_the_report_form_takes_villages() {
    let app = TestApp::new().await;
    app.user("guanli", Role::Admin, OrgType::CityCivilAffairs, "12").await;
    let (c, csrf) = browser(&app, "guanli").await;
    let post = |name: &'static str, region: &'static str| {
        c.post(app.url("/admin/orgs"))
            .form(&[("csrf", csrf.as_str()), ("name", name), ("org_type", "school"), ("region_code", region)])
            .send()
    };
    let res = post("梅厂镇中心小学", "武清区梅厂镇").await.expect("create");
    assert_eq!(res.status(), 303);
    let res = post("天津市某学校", "天津市 武清区 / 梅厂镇").await.expect("create");
    assert_eq!(res.status(), 303);
    let res = post("无处小学", "没有这个镇").await.expect("refused");
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("html").contains("没有这个地区"));
    let res = post("多处小学", "村委会").await.expect("refused");
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("html").contains("有多个地区"));
    let orgs = app.store(|s| s.list_orgs().expect("orgs")).await;
    let placed: Vec<(&str, &str)> = orgs
        .iter()
        .filter(|o| o.name.contains("小学") || o.name.contains("学校"))
        .map(|o| (o.name.as_str(), o.region_code.as_str()))
        .collect();
    assert_eq!(placed, vec![("梅厂镇中心小学", TOWNSHIP_A), ("天津市某学校", TOWNSHIP_A)]);
    // The city's organisation names its region.
    let html = c.get(app.url("/admin/orgs")).send().await.expect("orgs").text().await.expect("html");
    assert!(html.contains("<td>天津市</td>"), "the city is named");
    assert!(!html.contains("（12）"));
}

/// The names in the ledger sheet of an export.
async fn exported(app: &TestApp, user: &User, query: &str) -> Vec<String> {
    use calamine::Reader;
    let res = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/export{query}")))
        .bearer_auth(&user.token)
        .send()
        .await
        .expect("export");
    assert_eq!(res.status(), 200, "{query}");
    let bytes = res.bytes().await.expect("bytes");
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("xlsx");
    let sheet = wb.worksheet_range_at(0).expect("a sheet").expect("readable");
    let mut names: Vec<String> = sheet.rows().skip(3).map(|r| r[0].to_string()).collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_export_holds_what_the_ledger_shows_for_the_same_query() {
    let app = TestApp::new().await;
    let u = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    app.create_child(&u, &child("钱一", VILLAGE_A, 31)).await;
    app.create_child(&u, &child("钱二", VILLAGE_A2, 32)).await;
    let closed = app.create_child(&u, &child("孙三", VILLAGE_A, 33)).await;
    let id = closed["id"].as_i64().expect("id");
    let (s, _) =
        app.post(&u, &format!("/api/v1/children/{id}/close"), &json!({"version": 1, "reason": "moved_out"})).await;
    assert_eq!(s, 200);

    // As the ledger: the open files by default, the closed ones when asked, a village's.
    assert_eq!(exported(&app, &u, "").await, vec!["钱一", "钱二"]);
    assert_eq!(exported(&app, &u, "?status=closed").await, vec!["孙三"]);
    assert_eq!(exported(&app, &u, &format!("?status=all&region={VILLAGE_A}")).await, vec!["孙三", "钱一"]);
    // A search: its matches (open and closed alike, as the search shows them).
    assert_eq!(exported(&app, &u, &format!("?q={}", "%E5%AD%99%E4%B8%89")).await, vec!["孙三"]);

    // The ledger's export link carries the ledger's query.
    let (c, _) = browser(&app, "zhen").await;
    let html = c
        .get(app.url(&format!("/children?status=all&region={VILLAGE_A}")))
        .send()
        .await
        .expect("ledger")
        .text()
        .await
        .expect("html");
    let export = links(&html).into_iter().find(|l| l.starts_with("/export.xlsx")).expect("export link");
    assert_eq!(export, format!("/export.xlsx?region={VILLAGE_A}&status=all"));
    let res = c.get(app.url(&export)).send().await.expect("export");
    assert_eq!(res.status(), 200);
}
