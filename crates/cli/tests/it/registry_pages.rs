//! The registry's and the administrator's pages as people met them (issue 16): where the
//! administrator lands, the links they are shown, organisations by region name.

use crate::harness::*;
use crate::pages::browser;
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
