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
fn operation(method: &str, path: &str) -> Option<(String, &'static Value)> {
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
