//! The OpenAPI document against the server (issue 16).
//!
//! - The whole document is kept as a snapshot beside this file (`snapshots/openapi.json`),
//!   compared byte for byte, so that a change to it shows in review; run with
//!   `SHOUHU_UPDATE_SNAPSHOTS=1` to write it anew.
//! - Every enum in it lists codes, as the server speaks them.
//! - Every JSON response the suite receives through the harness is validated against the
//!   document ([`check`]): its status must be documented for its operation, and its body
//!   must match the schema documented for that status, objects closed to fields the
//!   document does not name.

use jsonschema::Validator;
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/snapshots/openapi.json");

/// The document as the server builds it.
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::to_value(shouhu_web::api::router().1).expect("the document as JSON"))
}

/// The document's schemas as JSON Schema definitions (`#/$defs/…`), every object closed to
/// properties it does not list: a field the server sends and the document does not name is
/// drift too.
fn definitions() -> &'static Value {
    static DEFS: OnceLock<Value> = OnceLock::new();
    DEFS.get_or_init(|| {
        let mut schemas = document()["components"]["schemas"].clone();
        let parts = all_of_refs(document());
        if let Value::Object(m) = &mut schemas {
            for (name, s) in m.iter_mut() {
                close(s, parts.contains(name));
            }
        }
        retarget(schemas)
    })
}

/// `#/components/schemas/X` → `#/$defs/X`.
fn retarget(v: Value) -> Value {
    let text = v.to_string().replace("#/components/schemas/", "#/$defs/");
    serde_json::from_str(&text).expect("JSON")
}

/// Every object schema is closed to properties it does not list. A schema made of parts
/// (`allOf`, serde's `flatten`) is closed as a whole (`unevaluatedProperties`), its parts
/// and the named schemas used as parts not on their own.
fn all_of_refs(v: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    fn walk(v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::Array(parts)) = m.get("allOf") {
                    for p in parts {
                        if let Some(r) = p.get("$ref").and_then(Value::as_str) {
                            out.insert(r.rsplit('/').next().unwrap_or(r).to_string());
                        }
                    }
                }
                m.values().for_each(|v| walk(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    walk(v, &mut out);
    out
}

fn close(v: &mut Value, is_part: bool) {
    match v {
        Value::Object(m) => {
            if m.contains_key("allOf") {
                m.entry("unevaluatedProperties").or_insert(Value::Bool(false));
            } else if !is_part && m.contains_key("properties") && !m.contains_key("additionalProperties") {
                m.insert("additionalProperties".into(), Value::Bool(false));
            }
            for (k, child) in m.iter_mut() {
                match (k.as_str(), child) {
                    ("allOf", Value::Array(items)) => items.iter_mut().for_each(|i| close(i, true)),
                    (_, child) => close(child, false),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| close(i, false)),
        _ => {}
    }
}

/// The document's path template that a request path stands for, and its operation. A
/// literal segment beats a parameter (`/reports/stats` is not `/reports/{id}`).
pub fn operation(method: &str, path: &str) -> Option<(String, &'static Value)> {
    let path = path.split('?').next().unwrap_or(path);
    let segs: Vec<&str> = path.split('/').collect();
    let mut best: Option<(usize, &String, &Value)> = None;
    for (tmpl, item) in document()["paths"].as_object()? {
        let t: Vec<&str> = tmpl.split('/').collect();
        if t.len() != segs.len() {
            continue;
        }
        let mut literal = 0;
        let fits = t.iter().zip(&segs).all(|(a, b)| {
            if a.starts_with('{') {
                !b.is_empty()
            } else {
                literal += 1;
                a == b
            }
        });
        let Some(op) = item.get(method.to_ascii_lowercase()) else { continue };
        if fits && best.is_none_or(|(n, _, _)| literal > n) {
            best = Some((literal, tmpl, op));
        }
    }
    best.map(|(_, t, op)| (t.clone(), op))
}

fn validator(key: &str, schema: &Value) -> Arc<Validator> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Validator>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(v) = cache.lock().expect("cache").get(key) {
        return v.clone();
    }
    let mut schema = schema.clone();
    close(&mut schema, true);
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": definitions(),
        "allOf": [retarget(schema)],
        "unevaluatedProperties": false,
    });
    let v = Arc::new(jsonschema::validator_for(&root).unwrap_or_else(|e| panic!("{key}: not a valid schema: {e}")));
    cache.lock().expect("cache").insert(key.to_string(), v.clone());
    v
}

/// Checks one response against the document: the operation exists, the status is
/// documented for it, and a JSON body matches the status's schema. Panics naming what does
/// not fit.
pub fn check(method: &str, path: &str, status: u16, content_type: &str, body: &Value) {
    if path.split('?').next() == Some("/api/v1/openapi.json") {
        return; // The document itself, checked by the snapshot.
    }
    let Some((tmpl, op)) = operation(method, path) else {
        // A path the API does not have: 404 (or 405 for a method it does not take), with
        // the error body every error has.
        assert!(matches!(status, 404 | 405), "{method} {path}: not in the OpenAPI document, answered {status}");
        let v = validator("ApiErrorBody", &json!({"$ref": "#/components/schemas/ApiErrorBody"}));
        assert!(v.is_valid(body), "{method} {path} → {status}: not an error body: {body}");
        return;
    };
    let what = format!("{method} {tmpl} → {status}");
    // An error status the operation does not list is its `default` response.
    let listed = op["responses"].get(status.to_string());
    let Some(resp) = listed.or(op["responses"].get("default").filter(|_| status >= 400)) else {
        panic!("{what}: the status is not documented for this operation (answered {body})");
    };
    let json_body = content_type.starts_with("application/json");
    let documented = resp.get("content").and_then(Value::as_object);
    match documented.and_then(|c| c.get("application/json")) {
        Some(media) if json_body => {
            let schema = media.get("schema").unwrap_or(&Value::Null);
            let v = validator(&what, schema);
            let errors: Vec<String> = v.iter_errors(body).map(|e| format!("{} at {}", e, e.instance_path())).collect();
            assert!(
                errors.is_empty(),
                "{what}: the body does not match the document:\n{}\nbody: {body}",
                errors.join("\n")
            );
        }
        Some(_) => panic!("{what}: documented as JSON, answered {content_type:?}"),
        None if json_body && !body.is_null() => {
            panic!("{what}: answered a JSON body the document does not describe: {body}")
        }
        None => {
            // A body that is not JSON (a file, an event stream) must be documented under its
            // media type when the document names one.
            if let Some(c) = documented.filter(|c| !c.is_empty()) {
                let base = content_type.split(';').next().unwrap_or("").trim();
                assert!(c.contains_key(base), "{what}: answered {content_type:?}, documented {:?}", c.keys());
            }
        }
    }
}

/// Reads a response, checks it against the document, and gives its status and JSON body
/// (`Null` when it has none).
pub async fn checked(method: &str, path: &str, res: reqwest::Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let ct = res.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let body = if ct.starts_with("application/json") {
        res.json().await.unwrap_or(Value::Null)
    } else {
        let _ = res.bytes().await;
        Value::Null
    };
    check(method, path, status, &ct, &body);
    (status, body)
}

/// Every string enum in the document, with where it is.
fn enums(at: &str, v: &Value, out: &mut Vec<(String, Vec<String>)>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Array(items)) = m.get("enum") {
                out.push((at.to_string(), items.iter().filter_map(|i| i.as_str().map(String::from)).collect()));
            }
            for (k, v) in m {
                enums(&format!("{at}/{k}"), v, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                enums(&format!("{at}/{i}"), v, out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_enum_lists_codes_not_rust_names() {
    let mut all = Vec::new();
    enums("#", document(), &mut all);
    assert!(all.len() > 30, "the document's enums: {}", all.len());
    let wrong: Vec<String> = all
        .iter()
        .filter(|(_, vals)| {
            vals.iter().any(|v| !v.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'))
        })
        .map(|(at, vals)| format!("{at}: {vals:?}"))
        .collect();
    assert!(wrong.is_empty(), "enums listing names the server does not speak:\n{}", wrong.join("\n"));
    // A code list's schema is exactly its codes, in order.
    let schemas = &document()["components"]["schemas"];
    let codes = |s: &str| schemas[s]["enum"].clone();
    assert_eq!(
        codes("GuardianshipType"),
        json!(["no_guardian", "parent_incapable", "entrusted_lacks_capacity", "fair", "good"])
    );
    assert_eq!(codes("CloseReason")[0], "turned_16");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_is_the_snapshot_and_is_what_is_served() {
    let app = crate::harness::TestApp::new().await;
    let res = reqwest::get(app.url("/api/v1/openapi.json")).await.expect("request");
    assert_eq!(res.status(), 200);
    let served: Value = res.json().await.expect("json");
    assert_eq!(&served, document(), "the served document is the one the router builds");
    let text = format!("{}\n", serde_json::to_string_pretty(&served).expect("text"));
    if std::env::var("SHOUHU_UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(std::path::Path::new(SNAPSHOT).parent().expect("folder")).expect("mkdir");
        std::fs::write(SNAPSHOT, &text).expect("write the snapshot");
        return;
    }
    let kept = std::fs::read_to_string(SNAPSHOT).unwrap_or_default();
    if kept != text {
        let line = kept
            .lines()
            .zip(text.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(kept.lines().count().min(text.lines().count()));
        panic!(
            "the OpenAPI document differs from {SNAPSHOT} from line {}:\n  kept:   {}\n  served: {}\n\
             If the change is meant, run the test with SHOUHU_UPDATE_SNAPSHOTS=1 and commit the file.",
            line + 1,
            kept.lines().nth(line).unwrap_or("(end)"),
            text.lines().nth(line).unwrap_or("(end)")
        );
    }
}

/// Every operation the document lists, as `METHOD /template`.
fn documented_operations() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (tmpl, item) in document()["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("operations").keys() {
            out.insert(format!("{} {tmpl}", method.to_ascii_uppercase()));
        }
    }
    out
}

/// Sends requests through one client, checks every answer against the document, and keeps
/// which operations answered with success.
struct Caller<'a> {
    app: &'a crate::harness::TestApp,
    done: BTreeSet<String>,
}

impl Caller<'_> {
    async fn call(&mut self, token: Option<&str>, req: reqwest::RequestBuilder, method: &str, path: &str) -> Value {
        let req = match token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        let (status, body) = checked(method, path, req.send().await.expect("request")).await;
        assert!((200..300).contains(&status), "{method} {path} answered {status}: {body}");
        let (tmpl, _) = operation(method, path).expect("a documented operation");
        self.done.insert(format!("{method} {tmpl}"));
        body
    }

    async fn get(&mut self, user: &crate::harness::User, path: &str) -> Value {
        let req = reqwest::Client::new().get(self.app.url(path));
        self.call(Some(&user.token), req, "GET", path).await
    }

    async fn send(&mut self, user: Option<&crate::harness::User>, method: &str, path: &str, body: &Value) -> Value {
        let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let req = reqwest::Client::new().request(m, self.app.url(path)).json(body);
        self.call(user.map(|u| u.token.as_str()), req, method, path).await
    }
}

/// One real request of every operation of the document, each answered with success and
/// checked against the document; a new operation without a request here fails the test.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_answers_as_documented() {
    use crate::harness::*;
    use shouhu_domain::role::{OrgType, Role};
    let app = TestApp::new().await;
    let admin = app.user("guanli", Role::Admin, OrgType::CityCivilAffairs, "12").await;
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    let township = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let police = app.user("jing", Role::Police, OrgType::PoliceStation, TOWNSHIP_A).await;
    let district = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let mut c = Caller { app: &app, done: BTreeSet::new() };

    // Accounts and organisations.
    c.send(None, "POST", "/api/v1/tokens", &json!({"username": "zhen", "password": PASSWORD})).await;
    c.get(&township, "/api/v1/me").await;
    let org = c
        .send(
            Some(&admin),
            "POST",
            "/api/v1/orgs",
            &json!({"name": "梅厂镇卫生院", "org_type": "hospital", "region_code": TOWNSHIP_A}),
        )
        .await;
    c.get(&admin, "/api/v1/orgs").await;
    let made = c
        .send(
            Some(&admin),
            "POST",
            "/api/v1/users",
            &json!({"username": "yisheng", "display_name": "医生", "org_id": org["id"], "role": "doctor"}),
        )
        .await;
    c.get(&admin, "/api/v1/users").await;
    let city = app.user("shi", Role::CityOfficer, OrgType::CityCivilAffairs, "12").await;
    c.get(&city, "/api/v1/approvals").await;
    let yisheng = made["id"].as_i64().expect("id");
    c.send(Some(&city), "POST", &format!("/api/v1/users/{yisheng}/approve"), &Value::Null).await;
    // Into the administrator's own unit: an administrator belongs in the city's civil affairs
    // (decision 211), and the change needs no approval.
    let admin_org = c.get(&admin, "/api/v1/me").await["org_id"].clone();
    c.send(
        Some(&admin),
        "POST",
        &format!("/api/v1/users/{yisheng}/role"),
        &json!({"role": "admin", "org_id": admin_org}),
    )
    .await;
    c.send(Some(&admin), "POST", &format!("/api/v1/users/{yisheng}/reset"), &Value::Null).await;
    let mine = c
        .send(None, "POST", "/api/v1/tokens", &json!({"username": "zhen", "password": PASSWORD, "expires_in_days": 1}))
        .await;
    c.get(&township, "/api/v1/tokens").await;
    c.send(Some(&township), "DELETE", &format!("/api/v1/tokens/{}", mine["id"]), &Value::Null).await;
    let cun = app.user("cun", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_A).await;
    c.send(
        Some(&cun),
        "POST",
        "/api/v1/me/password",
        &json!({"current_password": PASSWORD, "new_password": "Guo-luo zhuang 2026 ce"}),
    )
    .await;
    c.send(Some(&cun), "POST", "/api/v1/me/sign-out-everywhere", &json!({})).await;
    c.send(Some(&admin), "POST", &format!("/api/v1/users/{}/second-factor/reset", director.id), &Value::Null).await;
    c.get(&township, &format!("/api/v1/regions/{TOWNSHIP_A}")).await;

    // The registry.
    let rec = c.send(Some(&township), "POST", "/api/v1/children", &child("张小明", VILLAGE_A, 1)).await;
    let id = rec["id"].as_i64().expect("id");
    let mut file = rec["file"].clone();
    file["address"] = json!("二组3号");
    let rec = c
        .send(
            Some(&township),
            "PUT",
            &format!("/api/v1/children/{id}"),
            &json!({"version": rec["version"], "file": file}),
        )
        .await;
    c.get(&township, "/api/v1/children").await;
    c.get(&township, &format!("/api/v1/children/{id}")).await;
    c.get(&township, &format!("/api/v1/children/{id}/history")).await;
    let rec = c
        .send(
            Some(&township),
            "POST",
            &format!("/api/v1/children/{id}/close"),
            &json!({"version": rec["version"], "reason": "moved_out"}),
        )
        .await;
    c.send(Some(&township), "POST", &format!("/api/v1/children/{id}/reopen"), &json!({"version": rec["version"]}))
        .await;
    c.send(
        Some(&police),
        "POST",
        &format!("/api/v1/children/{id}/reveal"),
        &json!({"field": "father.phone", "reason": "联系监护人"}),
    )
    .await;
    // Entrusted care and the parents' contacts ([UPL] 22–23).
    let mut entrusted = child("王小红", VILLAGE_A, 2);
    entrusted["entrusted_guardian"] = json!({"name": "王桂兰", "relation": "paternal_grandparent"});
    let carer = c.send(Some(&township), "POST", "/api/v1/children", &entrusted).await;
    let eid = carer["id"].as_i64().expect("id");
    c.send(
        Some(&township),
        "PUT",
        &format!("/api/v1/children/{eid}/entrusted-care"),
        &json!({"version": carer["version"], "confirmed_on": "2026-11-20",
            "care": {"signed_by_parents": true, "signed_by_carer": true, "guided_by": "赵敏"}}),
    )
    .await;
    c.send(
        Some(&township),
        "POST",
        &format!("/api/v1/children/{eid}/contacts"),
        &json!({"contact_on": "2026-11-28", "channel": "video", "who": "mother"}),
    )
    .await;
    c.get(&township, &format!("/api/v1/children/{eid}/contacts")).await;
    // Printable documents (issue 22).
    c.get(&township, &format!("/api/v1/children/{eid}/documents/census-form")).await;
    c.get(&township, &format!("/api/v1/children/{eid}/documents/entrusted-confirmation")).await;
    c.get(&township, &format!("/api/v1/documents/census-forms?region={VILLAGE_A}")).await;
    let code = app
        .store(|s| s.pool.read(|c| c.query_opt("SELECT code FROM issued_documents LIMIT 1", &[], |r| r.text(0))))
        .await
        .expect("read")
        .expect("a document");
    let req = reqwest::Client::new().get(app.url(&format!("/api/v1/verify/{code}")));
    c.call(None, req, "GET", &format!("/api/v1/verify/{code}")).await;
    c.get(&admin, "/api/v1/audit").await;
    c.get(
        &admin,
        &format!("/api/v1/audit?user=zhen&child={id}&action=view_child&from=2026-11-29&to=2026-11-29&page=1"),
    )
    .await;

    // A census file in, its error report, and the ledger out.
    let csv = format!(
        "姓名,性别,出生日期,身份证号码,现居住地址,所在村（居）\n王五,男,2016-05-04,{},一组,{VILLAGE_A}\n李四,男,2016-05-04,1,一组,{VILLAGE_A}\n",
        id_for("120114", "2016-05-04", true, 7)
    );
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("梅厂镇.csv"));
    let req = reqwest::Client::new().post(app.url("/api/v1/imports")).multipart(form);
    let job = c.call(Some(&township.token), req, "POST", "/api/v1/imports").await;
    let job_id = job["id"].as_i64().expect("job");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let j = c.get(&township, &format!("/api/v1/imports/{job_id}")).await;
        if j["state"] != "running" {
            assert_eq!(j["state"], "done", "{j}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the import did not end");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    c.get(&township, &format!("/api/v1/imports/{job_id}/report")).await;
    c.get(&township, "/api/v1/export").await;

    // A report from a member and one from the public, the desk's part, and the hand-over.
    let report = c
        .send(Some(&director), "POST", "/api/v1/reports", &json!({"situations": ["guardian_not_performing"], "discovered_at": "2026-11-29T02:00:00Z", "child_id": id, "description": "孩子独自在家"}))
        .await;
    let rid = report["id"].as_i64().expect("report");
    let ch = c.send(None, "GET", "/api/v1/public/challenge", &Value::Null).await;
    let answer: u32 = ch["question"]
        .as_str()
        .unwrap_or("")
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|s| s.parse::<u32>().ok())
        .sum();
    let public = c
        .send(None, "POST", "/api/v1/public/reports", &json!({"situations": ["living_alone"], "discovered_at": "2026-11-29T03:00:00Z", "child_description": "男孩，约9岁", "village_code": VILLAGE_A, "description": "孩子独自在家", "challenge_token": ch["token"], "challenge_answer": answer.to_string()}))
        .await;
    c.send(None, "GET", &format!("/api/v1/public/reports/{}", public["receipt"].as_str().unwrap_or("")), &Value::Null)
        .await;
    c.get(&police, "/api/v1/reports").await;
    c.get(&police, "/api/v1/reports/stats").await;
    c.get(&police, "/api/v1/report-events?after=0").await;
    let stream = reqwest::Client::new()
        .get(app.url("/api/v1/reports/stream"))
        .bearer_auth(&police.token)
        .send()
        .await
        .expect("stream");
    let ct =
        stream.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    check("GET", "/api/v1/reports/stream", stream.status().as_u16(), &ct, &Value::Null);
    assert_eq!(stream.status(), 200);
    c.done.insert("GET /api/v1/reports/stream".into());
    drop(stream);
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    jpeg.extend(std::iter::repeat_n(7u8, 100));
    let path = format!("/api/v1/reports/{rid}/attachments?name=a.jpg");
    let req = reqwest::Client::new().post(app.url(&path)).header("content-type", "application/octet-stream").body(jpeg);
    let att = c.call(Some(&director.token), req, "POST", &path).await;
    let att_id = att["id"].as_i64().expect("attachment");
    c.get(&police, &format!("/api/v1/reports/{rid}/attachments/{att_id}")).await;
    c.send(Some(&police), "POST", &format!("/api/v1/reports/{}/commend", public["id"]), &json!({})).await;
    c.send(Some(&township), "POST", &format!("/api/v1/reports/{}/child", public["id"]), &json!({"child_id": id})).await;
    for step in ["accepted", "dispatched", "on_scene"] {
        let now = c.get(&police, &format!("/api/v1/reports/{rid}")).await;
        c.send(
            Some(&police),
            "POST",
            &format!("/api/v1/reports/{rid}/steps"),
            &json!({"step": step, "version": now["version"]}),
        )
        .await;
    }
    for a in ["parents_contacted", "parents_to_return_or_entrust"] {
        c.send(Some(&police), "POST", &format!("/api/v1/reports/{rid}/actions"), &json!({"action": a})).await;
    }
    for (step, extra) in [("disposed", json!({"case_kind": "guardian_incapable"})), ("handed_over", json!({}))] {
        let now = c.get(&police, &format!("/api/v1/reports/{rid}")).await;
        let mut body = json!({"step": step, "version": now["version"]});
        body.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
        c.send(Some(&police), "POST", &format!("/api/v1/reports/{rid}/steps"), &body).await;
    }
    c.get(&police, &format!("/api/v1/reports/{rid}/documents/receipt")).await;
    c.get(&police, &format!("/api/v1/reports/{rid}/documents/handover")).await;

    // Casework: the assessment the hand-over opened, one opened directly, the plan, the
    // conduct record, an application and a placement.
    let open = c.get(&township, "/api/v1/assessments").await;
    let aid = open[0]["id"].as_i64().expect("the hand-over's assessment");
    let other = c.send(Some(&township), "POST", "/api/v1/assessments", &json!({"child_id": id})).await;
    let a = format!("/api/v1/assessments/{aid}");
    c.get(&township, &a).await;
    let answers = json!({"safety": "at_risk", "guardianship": "poor", "physical": "good", "mental": "concern"});
    let participants = json!([{"party": "township", "name": "梅厂镇 王某"}]);
    c.send(
        Some(&township),
        "POST",
        &format!("{a}/complete"),
        &json!({"version": 1, "answers": answers, "participants": participants}),
    )
    .await;
    let d = c
        .send(
            Some(&township),
            "POST",
            &format!("{a}/services"),
            &json!({"kind": "day_care", "provider": "镇妇联儿童之家", "start_date": "2026-11-29"}),
        )
        .await;
    c.send(
        Some(&township),
        "POST",
        &format!("{a}/services/{}", d["services"][0]["id"]),
        &json!({"status": "in_progress"}),
    )
    .await;
    let orgs = app.store(|s| s.list_orgs().expect("orgs")).await;
    let district_org = orgs.iter().find(|o| o.name == "qu的单位").map(|o| o.id).expect("org");
    let d = c
        .send(
            Some(&township),
            "POST",
            &format!("{a}/referrals"),
            &json!({"kind": "minimum_living", "receiving_org_id": district_org}),
        )
        .await;
    c.get(&district, "/api/v1/referrals").await;
    c.send(
        Some(&district),
        "POST",
        &format!("/api/v1/referrals/{}", d["referrals"][0]["id"]),
        &json!({"state": "accepted"}),
    )
    .await;
    for day in ["2026-11-29"] {
        c.send(Some(&police), "POST", &format!("{a}/conduct"), &json!({"guardian": "张某", "standing": "father", "date": day, "kind": "criticism_education", "conduct": "begging", "evidence": "询问笔录"})).await;
    }
    c.send(Some(&township), "POST", &format!("{a}/conduct"), &json!({"guardian": "张某", "standing": "father", "date": "2026-11-29", "kind": "incident", "conduct": "abuse", "serious_harm": true, "evidence": "医院诊断证明"})).await;
    c.get(&district, "/api/v1/revocation-grounds").await;
    let d = c.send(Some(&district), "POST", &format!("{a}/applications"), &json!({"applicant": "civil_affairs", "applicant_name": "武清区民政局", "grounds": ["g1_serious_harm"], "court": "武清区人民法院", "filed_on": "2026-11-29"})).await;
    c.send(
        Some(&district),
        "POST",
        &format!("{a}/applications/{}", d["applications"][0]["id"]),
        &json!({"state": "accepted", "version": 1, "date": "2026-11-29"}),
    )
    .await;
    c.send(Some(&district), "POST", &format!("/api/v1/assessments/{}/placements", other["id"]), &json!({"kind": "temporary_state", "ground": "guardian_missing", "placed_with": "武清区儿童福利院", "start_date": "2026-11-29"})).await;
    // The casework's papers and the census summary (issue 22).
    c.get(&township, &format!("{a}/documents/report")).await;
    c.get(&township, &format!("{a}/documents/plan")).await;
    c.get(&township, &format!("{a}/referrals/{}/documents/letter", d["referrals"][0]["id"])).await;
    c.get(&district, &format!("{a}/applications/{}/documents/application", d["applications"][0]["id"])).await;
    c.get(&district, "/api/v1/documents/census-summary").await;

    // Visits (issue 17): a director's visit, its correction and versions, the due list, the
    // supervisor's review and page, and what the director sees of the cases.
    let supervisor = app.user("dudao", Role::ChildSupervisor, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let visit = json!({"visited_on": "2026-11-29", "kind": "home", "child_seen": true, "lives_with": "entrusted_carer",
        "carer_state": "capable", "safety": "safe", "health": "good", "schooling": "attending", "mood": "good"});
    let path = format!("/api/v1/children/{id}/visits");
    let req = reqwest::Client::new().post(app.url(&path)).header("idempotency-key", "v-1").json(&visit);
    let v = c.call(Some(&director.token), req, "POST", &path).await;
    c.get(&director, &path).await;
    let mut corrected = visit.clone();
    corrected["notes"] = json!("补记：孩子说周末去外婆家");
    let v = c
        .send(
            Some(&director),
            "PUT",
            &format!("/api/v1/visits/{}", v["id"]),
            &json!({"version": v["version"], "visit": corrected}),
        )
        .await;
    c.get(&director, &format!("/api/v1/visits/{}/versions", v["id"])).await;
    c.get(&director, "/api/v1/visits/due").await;
    c.get(&supervisor, "/api/v1/visits/review").await;
    c.send(
        Some(&supervisor),
        "POST",
        &format!("/api/v1/visits/{}/review", v["id"]),
        &json!({"version": v["version"], "decision": "accept"}),
    )
    .await;
    c.get(&supervisor, "/api/v1/supervision").await;
    c.get(&director, &format!("/api/v1/children/{id}/case-status")).await;
    // The daily recompute and the files of children who reached 16 (issue 17).
    let mut older = child("钱十六", VILLAGE_A, 40);
    older["birth_date"] = json!("2010-01-01");
    older["id_number"] = json!(id_for("120114", "2010-01-01", true, 40));
    let older = c.send(Some(&township), "POST", "/api/v1/children", &older).await;
    c.get(&township, "/api/v1/turned16").await;
    c.send(
        Some(&township),
        "POST",
        &format!("/api/v1/children/{}/keep-past-16", older["id"]),
        &json!({"version": older["version"], "reason": "个案尚未结案"}),
    )
    .await;
    app.store(|s| {
        s.recompute(&shouhu_store::recompute::Options { server: "t".into(), ..Default::default() }).map(|_| ())
    })
    .await
    .expect("recompute");
    c.get(&city, "/api/v1/recompute").await;
    // Dropout control (issue 18): a school's case through to the bureau's measure.
    let school = app.org("梅厂镇中心小学", OrgType::School, TOWNSHIP_A).await;
    let teacher = app.user_in("laoshi", Role::Teacher, school).await;
    let bureau_org = app.org("武清区教育局", OrgType::DistrictEducationBureau, "120114").await;
    let bureau = app.user_in("jiaoyu", Role::EducationOfficer, bureau_org).await;
    let mut pupil = child("辍学生", VILLAGE_A, 77);
    pupil["school_org_id"] = json!(school);
    let pupil = app.create_child(&township, &pupil).await;
    let case = c
        .send(
            Some(&teacher),
            "POST",
            "/api/v1/dropout-cases",
            &json!({"child_id": pupil["id"], "first_absent_on": "2026-11-20", "reasons": ["work"]}),
        )
        .await;
    let dc = format!("/api/v1/dropout-cases/{}", case["summary"]["id"]);
    c.send(
        Some(&teacher),
        "POST",
        &format!("{dc}/steps"),
        &json!({"version": 1, "step": "notified", "date": "2026-11-21", "channel": "phone", "told": ["father"]}),
    )
    .await;
    c.send(Some(&teacher), "POST", &format!("{dc}/steps"), &json!({"version": 2, "step": "persuasion", "date": "2026-11-22", "parties": ["school", "family"], "outcome": "failed"})).await;
    c.send(
        Some(&teacher),
        "POST",
        &format!("{dc}/steps"),
        &json!({"version": 3, "step": "reported", "date": "2026-11-23"}),
    )
    .await;
    c.get(&teacher, "/api/v1/dropout-cases").await;
    c.get(&bureau, "/api/v1/dropout-cases?view=reported").await;
    c.get(&bureau, &dc).await;
    c.get(&teacher, &format!("{dc}/documents/report")).await;
    c.send(
        Some(&bureau),
        "POST",
        &format!("{dc}/steps"),
        &json!({"version": 4, "step": "measure", "date": "2026-11-24", "measure": "financial_aid"}),
    )
    .await;
    c.get(&bureau, "/api/v1/dropout-table").await;
    // The to-do list (issue 19): the school's open case, the township's files and cases.
    c.get(&teacher, "/api/v1/tasks").await;
    c.get(&township, "/api/v1/tasks?state=overdue").await;
    c.get(&township, "/api/v1/tasks/counts").await;
    let roll =
        format!("姓名,身份证号码,年级,班级\n辍学生,{},四年级,1班\n", id_for(&VILLAGE_A[..6], "2016-05-04", true, 77));
    let form = reqwest::multipart::Form::new()
        .text("term", "2026年秋季学期")
        .part("file", reqwest::multipart::Part::bytes(roll.into_bytes()).file_name("roll.csv"));
    let req = reqwest::Client::new().post(app.url("/api/v1/school-rosters")).multipart(form);
    let roster = c.call(Some(&teacher.token), req, "POST", "/api/v1/school-rosters").await;
    c.get(&township, "/api/v1/school-rosters").await;
    c.get(&teacher, &format!("/api/v1/school-rosters/{}", roster["summary"]["id"])).await;

    // Notifications (issue 19): the desk has heard of the reports filed above.
    let listed = c.get(&police, "/api/v1/notifications").await;
    let nid = listed["notifications"][0]["id"].as_i64().expect("a notification");
    c.send(Some(&police), "POST", &format!("/api/v1/notifications/{nid}/read"), &Value::Null).await;
    c.send(Some(&police), "POST", "/api/v1/notifications/read", &Value::Null).await;
    c.get(&police, "/api/v1/notifications/settings").await;
    c.send(Some(&police), "PUT", "/api/v1/notifications/settings", &json!({"sound": false})).await;
    let stream = reqwest::Client::new()
        .get(app.url("/api/v1/notifications/stream"))
        .bearer_auth(&police.token)
        .send()
        .await
        .expect("stream");
    let ct =
        stream.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    check("GET", "/api/v1/notifications/stream", stream.status().as_u16(), &ct, &Value::Null);
    assert_eq!(stream.status(), 200);
    c.done.insert("GET /api/v1/notifications/stream".into());
    drop(stream);
    c.get(&admin, &format!("/api/v1/orgs/{}/notify-channel", org["id"])).await;
    c.send(
        Some(&admin),
        "PUT",
        &format!("/api/v1/orgs/{}/notify-channel", org["id"]),
        &json!({"channel": "webhook", "address": "http://127.0.0.1:9/hook"}),
    )
    .await;
    let outbox = c.get(&admin, "/api/v1/notify-outbox").await;
    c.get(&admin, &format!("/api/v1/notify-outbox/{}/attempts", outbox[0]["id"])).await;

    // Oversight (issue 20): the register, a measure, a commendation, a meeting and its task.
    let unit = format!("police-{TOWNSHIP_A}");
    c.get(&district, "/api/v1/accountability").await;
    c.get(&district, &format!("/api/v1/accountability/units/{unit}")).await;
    c.send(
        Some(&city),
        "POST",
        "/api/v1/accountability/measures",
        &json!({"unit_key": unit, "kind": "interview", "on": "2026-11-29", "basis": "强制报告逾期未受理"}),
    )
    .await;
    c.get(&city, "/api/v1/accountability/measures").await;
    c.send(
        Some(&city),
        "POST",
        "/api/v1/commendations",
        &json!({"kind": "praise", "reporter_name": "王大伯", "on": "2026-11-29", "basis": "发现后及时报告"}),
    )
    .await;
    c.get(&district, "/api/v1/commendations").await;
    c.get(&city, "/api/v1/meetings/people").await;
    let me = c.get(&township, "/api/v1/me").await;
    let meeting = c
        .send(
            Some(&city),
            "POST",
            "/api/v1/meetings",
            &json!({"held_on": "2026-11-28", "title": "联席会议", "attendee_org_ids": [me["org_id"]],
                "decisions": [{"text": "摸清底数", "tasks": [{"org_id": me["org_id"], "owner_user_id": township.id,
                    "title": "核查名单", "due_on": "2026-12-31"}]}]}),
        )
        .await;
    c.get(&city, "/api/v1/meetings").await;
    c.get(&city, &format!("/api/v1/meetings/{}", meeting["id"])).await;
    c.get(&city, "/api/v1/meeting-tasks/overdue").await;
    let meeting_task = meeting["decisions"][0]["tasks"][0]["id"].as_i64().expect("a task");
    c.get(&township, &format!("/api/v1/meeting-tasks/{meeting_task}")).await;
    c.send(
        Some(&township),
        "POST",
        &format!("/api/v1/meeting-tasks/{meeting_task}/progress"),
        &json!({"note": "已开始核查", "status": "in_progress"}),
    )
    .await;
    // Census rounds (issue 20): opened by the city, signed off by the township, accepted by
    // the district.
    let round = c
        .send(
            Some(&city),
            "POST",
            "/api/v1/census-rounds",
            &json!({"name": "2026年下半年", "reference_date": "2026-11-01", "deadline": "2026-12-10"}),
        )
        .await;
    let rid = round["round"]["id"].as_i64().expect("round");
    c.get(&city, "/api/v1/census-rounds").await;
    c.get(&district, &format!("/api/v1/census-rounds/{rid}")).await;
    let ret = c.get(&township, &format!("/api/v1/census-rounds/{rid}/returns/{TOWNSHIP_A}")).await;
    let signed = c
        .send(
            Some(&township),
            "POST",
            &format!("/api/v1/census-rounds/{rid}/returns/{TOWNSHIP_A}/sign-off"),
            &json!({"version": ret["return"]["version"], "unit_head": "王主任", "reviewer": "李审核",
                "filler": "张填表", "signed_on": "2026-11-29"}),
        )
        .await;
    c.send(
        Some(&district),
        "POST",
        &format!("/api/v1/census-rounds/{rid}/returns/{TOWNSHIP_A}/review"),
        &json!({"version": signed["version"], "decision": "accept"}),
    )
    .await;
    c.get(&district, &format!("/api/v1/census-rounds/trends?unit={TOWNSHIP_A}")).await;

    // Every kind of attachment is served with a type the download documents.
    let served =
        &document()["paths"]["/api/v1/reports/{id}/attachments/{attachment_id}"]["get"]["responses"]["200"]["content"];
    for kind in shouhu_domain::report::AttachmentKind::ALL {
        assert!(
            served.get(kind.content_type()).is_some(),
            "{} is not documented for the download",
            kind.content_type()
        );
    }

    let missing: Vec<String> = documented_operations().difference(&c.done).cloned().collect();
    assert!(missing.is_empty(), "operations no request here reached with success: {missing:?}");
}
