//! The settings document (decision 52): its values reach the rules, the city reads them on a
//! page, and a wrong document stops start-up naming the key.

use crate::harness::*;
use crate::pages::browser;
use serde_json::json;
use shouhu_domain::role::{OrgType, Role};

/// A report discovered three minutes after the test clock's now (a phone clock running fast).
fn report_from_a_fast_clock() -> serde_json::Value {
    json!({
        "situations": ["living_alone"],
        "discovered_at": "2026-11-29T04:03:00Z",
        "child_description": "男孩，约9岁",
        "village_code": VILLAGE_A,
        "description": "孩子独自在家"
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_setting_changes_the_rule_it_names() {
    let app = TestApp::new().await;
    let teacher = app.user("laoshi", Role::Teacher, OrgType::School, TOWNSHIP_A).await;
    let (s, r) = app.post(&teacher, "/api/v1/reports", &report_from_a_fast_clock()).await;
    assert_eq!(s, 201, "five minutes' allowance by default: {r}");

    let strict = TestApp::with_settings("[reports]\ndiscovery_clock_skew_minutes = 0\n").await;
    let teacher = strict.user("laoshi", Role::Teacher, OrgType::School, TOWNSHIP_A).await;
    let (s, r) = strict.post(&teacher, "/api/v1/reports", &report_from_a_fast_clock()).await;
    assert_eq!(s, 422, "{r}");
    assert_eq!(r["fields"][0]["field"], "discovered_at", "{r}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_city_reads_the_settings_and_others_may_not() {
    let app = TestApp::with_settings("[reports]\nassessment_days = 10\n").await;
    app.user("shi", Role::CityOfficer, OrgType::CityCivilAffairs, "12").await;
    app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let (city, _) = browser(&app, "shi").await;
    let res = city.get(app.url("/settings")).send().await.expect("get");
    assert_eq!(res.status(), 200);
    let html = res.text().await.expect("html");
    let card = html.split("data-key=\"reports.assessment_days\"").nth(1).expect("the setting is listed");
    let card = card.split("</li>").next().unwrap_or("");
    assert!(card.contains("10</span> 天"), "the value in force, with its unit: {card}");
    assert!(card.contains("默认值：7"), "and the default it differs from: {card}");
    assert!(html.contains("data-key=\"age.rule\"") && html.contains("生日的第二天"), "choices by their names");

    let (township, _) = browser(&app, "zhen").await;
    let res = township.get(app.url("/settings")).send().await.expect("get");
    assert_eq!(res.status(), 403);
}

/// Runs the real binary with a data folder holding `toml` as its settings document.
pub(crate) async fn start_with(toml: Option<&str>) -> (std::process::Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("dir");
    if let Some(t) = toml {
        std::fs::write(dir.path().join("shouhu.toml"), t).expect("write");
    }
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_shouhu"))
        .args(["--data-dir", &dir.path().display().to_string(), "user", "create-admin"])
        .args(["--username", "root", "--display-name", "管理员"])
        .env("SHOUHU_ADMIN_PASSWORD", "Guo-luo zhuang 2026 ce")
        .env_remove("SHOUHU_SETTINGS")
        .env_remove("SHOUHU_DATABASE_URL")
        .output()
        .await
        .expect("run shouhu");
    (out, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_settings_document_stops_start_up_naming_the_key() {
    let (out, dir) = start_with(Some("[reports]\nassessment_days = 0\n")).await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("reports.assessment_days") && err.contains("1 到 90"), "{err}");
    assert!(!dir.path().join("shouhu.db").exists(), "nothing was opened or created");

    let (out, _dir) = start_with(Some("[reports]\nassesment_days = 7\n")).await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("reports.assesment_days"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_start_writes_every_setting_with_its_default() {
    let (out, dir) = start_with(None).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(dir.path().join("shouhu.toml")).expect("written");
    for spec in shouhu_domain::settings::SPECS {
        let name = spec.key.split_once('.').map_or(spec.key, |(_, n)| n);
        assert!(text.contains(&format!("\n{name} = ")), "{} is in the document", spec.key);
    }
    assert!(text.contains("Source: [U]") && text.contains("Unit: days"), "with source and unit");
    let (out, _) = start_with(Some(&text)).await;
    assert!(out.status.success(), "and it reads back");
}
