//! Creating, changing, closing and reading children's files over the API.

use crate::harness::*;
use serde_json::{Value, json};
use shouhu_domain::role::{OrgType, Role};

async fn township_app() -> (TestApp, User) {
    let app = TestApp::new().await;
    let u = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    (app, u)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_created_file_derives_age_category_and_keeps_a_creation_entry() {
    let (app, u) = township_app().await;
    let rec = app.create_child(&u, &child("张小明", VILLAGE_A, 1)).await;
    assert_eq!(rec["version"], 1);
    assert_eq!(rec["district_code"], "120114");
    assert_eq!(rec["derived"]["age"], 10);
    assert_eq!(rec["derived"]["age_band"], "6_13");
    assert_eq!(rec["derived"]["category"], "both_away");
    let id = rec["id"].as_i64().expect("id");
    let (status, hist) = app.get(&u, &format!("/api/v1/children/{id}/history")).await;
    assert_eq!(status, 200);
    assert_eq!(hist[0]["field"], "*");
    assert_eq!(hist[0]["version"], 1);
}

/// A file's village is always a region (decision 222): whatever writes it, the database
/// refuses a file written into or moved to a code that is no region, and a region is never
/// deleted or given another code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_is_never_in_a_village_that_is_no_region() {
    let (app, u) = township_app().await;
    let rec = app.create_child(&u, &child("李村", VILLAGE_A, 3)).await;
    let id = rec["id"].as_i64().expect("id");
    const NO_REGION: &str = "120114101999";
    let refused = app
        .store(move |s| {
            let moved = s.pool.write(|c| {
                c.exec("UPDATE children SET village_code = $1 WHERE id = $2", &[NO_REGION.into(), id.into()])
            });
            let written = s.pool.write(|c| {
                c.exec(
                    "INSERT INTO children (district_code, id, version, village_code, name, category, warnings, closed, \
                     data, created_at, updated_at) SELECT district_code, id + 1, version, $1, name, category, warnings, \
                     closed, data, created_at, updated_at FROM children WHERE id = $2",
                    &[NO_REGION.into(), id.into()],
                )
            });
            let deleted = s.pool.write(|c| c.exec("DELETE FROM regions WHERE code = $1", &[VILLAGE_B.into()]));
            let recoded =
                s.pool.write(|c| c.exec("UPDATE regions SET code = $1 WHERE code = $2", &[NO_REGION.into(), VILLAGE_B.into()]));
            [moved.is_err(), written.is_err(), deleted.is_err(), recoded.is_err()]
        })
        .await;
    assert_eq!(refused, [true; 4], "moved, written, region deleted, region re-coded");
    // The same village written the ordinary way still is one.
    let (status, body) = app.get(&u, &format!("/api/v1/children/{id}")).await;
    assert_eq!((status, body["file"]["village_code"].as_str()), (200, Some(VILLAGE_A)));
    assert_eq!(app.count_children().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_id_number_twice_names_the_existing_file() {
    let (app, u) = township_app().await;
    let first = app.create_child(&u, &child("王一", VILLAGE_A, 7)).await;
    let mut again = child("王一二", VILLAGE_A2, 7);
    again["id_number"] = json!(first["file"]["id_number"].as_str().expect("id").to_lowercase());
    let (status, body) = app.post(&u, "/api/v1/children", &again).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "duplicate");
    assert_eq!(body["existing_id"], first["id"]);
    assert_eq!(body["fields"][0]["field"], "id_number");
    assert_eq!(app.count_children().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_records_who_changed_which_field_from_what_to_what() {
    let (app, u) = township_app().await;
    let rec = app.create_child(&u, &child("李四", VILLAGE_A, 2)).await;
    let id = rec["id"].as_i64().expect("id");
    let mut file = rec["file"].clone();
    file["address"] = json!("五组3号");
    file["father"]["phone"] = json!("139 0000 1111");
    let (status, updated) = app.put(&u, &format!("/api/v1/children/{id}"), &json!({"version": 1, "file": file})).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["file"]["father"]["phone"], "13900001111");
    let (_, hist) = app.get(&u, &format!("/api/v1/children/{id}/history")).await;
    let changes: Vec<(String, String, String)> = hist
        .as_array()
        .expect("array")
        .iter()
        .filter(|h| h["version"] == 2)
        .map(|h| {
            (
                h["field"].as_str().unwrap_or("").to_string(),
                h["old_value"].as_str().unwrap_or("").to_string(),
                h["new_value"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        vec![
            ("address".into(), "三组12号".into(), "五组3号".into()),
            ("father.phone".into(), "13812345678".into(), "13900001111".into()),
        ]
    );
    assert!(hist[0]["user_name"].as_str().expect("user").contains("zhen"));
    assert_eq!(hist[0]["source"], "api");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_save_from_a_stale_version_is_refused_and_changes_nothing() {
    let (app, u) = township_app().await;
    let rec = app.create_child(&u, &child("赵五", VILLAGE_A, 3)).await;
    let id = rec["id"].as_i64().expect("id");
    let mut first = rec["file"].clone();
    first["address"] = json!("第一人的修改");
    let mut second = rec["file"].clone();
    second["address"] = json!("第二人的修改");
    let (s1, _) = app.put(&u, &format!("/api/v1/children/{id}"), &json!({"version": 1, "file": first})).await;
    assert_eq!(s1, 200);
    let (s2, body) = app.put(&u, &format!("/api/v1/children/{id}"), &json!({"version": 1, "file": second})).await;
    assert_eq!(s2, 409);
    assert_eq!(body["code"], "stale");
    assert_eq!(body["current_version"], 2);
    assert!(body["message"].as_str().expect("message").contains("已被他人修改"));
    let (_, now) = app.get(&u, &format!("/api/v1/children/{id}")).await;
    assert_eq!(now["file"]["address"], "第一人的修改");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_file_is_kept_cannot_be_edited_and_can_be_reopened() {
    let (app, u) = township_app().await;
    let rec = app.create_child(&u, &child("钱六", VILLAGE_A, 4)).await;
    let id = rec["id"].as_i64().expect("id");
    let (s, body) =
        app.post(&u, &format!("/api/v1/children/{id}/close"), &json!({"version": 1, "reason": "other"})).await;
    assert_eq!(s, 422, "other needs a note: {body}");
    assert_eq!(body["fields"][0]["field"], "note");
    let (s, closed) =
        app.post(&u, &format!("/api/v1/children/{id}/close"), &json!({"version": 1, "reason": "moved_out"})).await;
    assert_eq!(s, 200, "{closed}");
    assert_eq!(closed["status"]["state"], "closed");
    assert_eq!(closed["status"]["reason"], "moved_out");
    let (s, _) = app.put(&u, &format!("/api/v1/children/{id}"), &json!({"version": 2, "file": rec["file"]})).await;
    assert_eq!(s, 409);
    let (_, ledger) = app.get(&u, "/api/v1/children").await;
    assert_eq!(ledger["total"], 0, "closed files leave the open ledger");
    let (_, ledger) = app.get(&u, "/api/v1/children?status=closed").await;
    assert_eq!(ledger["total"], 1);
    let (_, found) = app.get(&u, "/api/v1/children?q=钱六").await;
    assert_eq!(found["rows"][0]["closed"], true, "search finds closed files, marked closed");
    let (s, reopened) = app.post(&u, &format!("/api/v1/children/{id}/reopen"), &json!({"version": 2})).await;
    assert_eq!(s, 200);
    assert_eq!(reopened["status"]["state"], "open");
    let (_, hist) = app.get(&u, &format!("/api/v1/children/{id}/history")).await;
    assert_eq!(hist.as_array().expect("array").iter().filter(|h| h["field"] == "status").count(), 2);
}

/// The history's status entries of a file: (version, source).
async fn status_changes(app: &TestApp, u: &User, id: i64) -> Vec<(i64, String)> {
    let (status, hist) = app.get(u, &format!("/api/v1/children/{id}/history")).await;
    assert_eq!(status, 200, "{hist}");
    let mut rows: Vec<(i64, String)> = hist
        .as_array()
        .expect("array")
        .iter()
        .filter(|h| h["field"] == "status")
        .map(|h| (h["version"].as_i64().expect("version"), h["source"].as_str().expect("source").to_string()))
        .collect();
    rows.sort();
    rows
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_close_and_a_reopen_record_whether_they_came_from_the_api_or_the_pages() {
    let (app, u) = township_app().await;
    let id = app.create_child(&u, &child("孙七", VILLAGE_A, 5)).await["id"].as_i64().expect("id");
    let (s, body) =
        app.post(&u, &format!("/api/v1/children/{id}/close"), &json!({"version": 1, "reason": "moved_out"})).await;
    assert_eq!(s, 200, "{body}");
    let (s, body) = app.post(&u, &format!("/api/v1/children/{id}/reopen"), &json!({"version": 2})).await;
    assert_eq!(s, 200, "{body}");
    let (web, csrf) = crate::pages::browser(&app, "zhen").await;
    let res = web
        .post(app.url(&format!("/children/{id}/close")))
        .form(&[("csrf", csrf.as_str()), ("version", "3"), ("reason", "moved_out")])
        .send()
        .await
        .expect("close page");
    assert_eq!(res.status(), 303);
    let res = web
        .post(app.url(&format!("/children/{id}/reopen")))
        .form(&[("csrf", csrf.as_str()), ("version", "4")])
        .send()
        .await
        .expect("reopen page");
    assert_eq!(res.status(), 303);
    assert_eq!(
        status_changes(&app, &u, id).await,
        vec![(2, "api".into()), (3, "api".into()), (4, "web".into()), (5, "web".into())]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_close_whose_update_writes_no_row_is_stale_and_leaves_no_trace() {
    let (app, u) = township_app().await;
    let id = app.create_child(&u, &child("周八", VILLAGE_A, 6)).await["id"].as_i64().expect("id");
    // The row is read at the version the caller names but the UPDATE changes nothing, as when
    // another writer got there between the read and the write (PostgreSQL re-checks the
    // WHERE after waiting for the row): a trigger drops the update.
    app.store(|s| {
        s.pool.write(|c| {
            if c.is_sqlite() {
                c.batch("CREATE TRIGGER lose_close BEFORE UPDATE OF closed ON children BEGIN SELECT RAISE(IGNORE); END")
            } else {
                c.batch(
                    "CREATE FUNCTION lose_close() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END'; \
                     CREATE TRIGGER lose_close BEFORE UPDATE OF closed ON children FOR EACH ROW EXECUTE FUNCTION lose_close()",
                )
            }
        })
    })
    .await
    .expect("trigger");
    let (s, body) =
        app.post(&u, &format!("/api/v1/children/{id}/close"), &json!({"version": 1, "reason": "moved_out"})).await;
    assert_eq!(s, 409, "{body}");
    assert_eq!(body["code"], "stale");
    assert_eq!(status_changes(&app, &u, id).await, vec![], "no history for a change that was not made");
    let (_, now) = app.get(&u, &format!("/api/v1/children/{id}")).await;
    assert_eq!(now["status"]["state"], "open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_close_that_loses_its_version_to_another_writer_is_stale_not_a_server_error() {
    let (app, u) = township_app().await;
    let rec = app.create_child(&u, &child("吴九", VILLAGE_A, 7)).await;
    let id = rec["id"].as_i64().expect("id");
    let district = rec["district_code"].as_str().expect("district").to_string();
    // Another writer has already written the history of version 2 (the unique key the close
    // writes), as a concurrent writer would have.
    app.store(move |s| {
        s.pool.write(|c| {
            c.exec(
                "INSERT INTO child_history (district_code, child_id, version, seq, changed_at, user_id, user_name, source, field, old_value, new_value) \
                 VALUES ($1, $2, 2, 0, $3, NULL, 'other', 'api', 'address', NULL, 'x')",
                &[district.as_str().into(), id.into(), chrono::Utc::now().into()],
            )
        })
    })
    .await
    .expect("history row");
    let (s, body) =
        app.post(&u, &format!("/api/v1/children/{id}/close"), &json!({"version": 1, "reason": "moved_out"})).await;
    assert_eq!(s, 409, "{body}");
    assert_eq!(body["code"], "stale");
    let (_, now) = app.get(&u, &format!("/api/v1/children/{id}")).await;
    assert_eq!(now["status"]["state"], "open", "nothing of the close was kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_closes_of_one_version_close_once_and_the_others_are_stale() {
    let (app, u) = township_app().await;
    let id = app.create_child(&u, &child("郑十", VILLAGE_A, 8)).await["id"].as_i64().expect("id");
    let app = std::sync::Arc::new(app);
    let tries: Vec<_> = (0..8)
        .map(|_| {
            let (app, u) = (app.clone(), u.clone());
            tokio::spawn(async move {
                app.post(&u, &format!("/api/v1/children/{id}/close"), &json!({"version": 1, "reason": "moved_out"}))
                    .await
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tries {
        let (s, body) = t.await.expect("request");
        assert!(s == 200 || (s == 409 && body["code"] == "stale"), "{s} {body}");
        statuses.push(s);
    }
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert_eq!(status_changes(&app, &u, id).await, vec![(2, "api".into())]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_names_the_field_and_changes_nothing() {
    let (app, u) = township_app().await;
    let cases: Vec<(Value, u16, &str)> = vec![
        // Wrong check character.
        (
            {
                let mut c = child("甲", VILLAGE_A, 5);
                c["id_number"] = json!("120114201605040110");
                c
            },
            422,
            "id_number",
        ),
        // A birth date in the future.
        (
            {
                let mut c = child("乙", VILLAGE_A, 5);
                c["birth_date"] = json!("2027-01-01");
                c["id_number"] = Value::Null;
                c
            },
            422,
            "birth_date",
        ),
        // An impossible date.
        (
            {
                let mut c = child("丙", VILLAGE_A, 5);
                c["birth_date"] = json!("2016-02-30");
                c
            },
            400,
            "birth_date",
        ),
        // A village that does not exist.
        (
            {
                let mut c = child("丁", VILLAGE_A, 5);
                c["village_code"] = json!("120114101999");
                c
            },
            422,
            "village_code",
        ),
        // A village outside the user's township.
        (
            {
                let mut c = child("戊", VILLAGE_B, 5);
                c["village_code"] = json!(VILLAGE_B);
                c
            },
            422,
            "village_code",
        ),
        // Unknown fields are refused, and named.
        (
            {
                let mut c = child("己", VILLAGE_A, 5);
                c["father"]["salary"] = json!(1);
                c
            },
            400,
            "father.salary",
        ),
        // Birth date disagrees with the ID number.
        (
            {
                let mut c = child("庚", VILLAGE_A, 5);
                c["birth_date"] = json!("2016-05-05");
                c
            },
            422,
            "birth_date",
        ),
        // An option that is not on the list.
        (
            {
                let mut c = child("辛", VILLAGE_A, 5);
                c["schooling"] = json!("university");
                c
            },
            400,
            "schooling",
        ),
    ];
    for (body, want_status, want_field) in cases {
        let (status, err) = app.post(&u, "/api/v1/children", &body).await;
        assert_eq!(status, want_status, "{want_field}: {err}");
        let fields: Vec<&str> =
            err["fields"].as_array().expect("fields").iter().filter_map(|f| f["field"].as_str()).collect();
        assert!(fields.contains(&want_field), "{want_field} not in {fields:?}: {err}");
        assert!(!err["message"].as_str().unwrap_or("").is_empty());
    }
    assert_eq!(app.count_children().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ten_megabyte_body_is_refused_without_a_server_error() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (app, u) = township_app().await;
    // Raw HTTP: the server answers as soon as it sees the length, before the body arrives.
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut s = tokio::net::TcpStream::connect(&addr).await.expect("connect");
    let head = format!(
        "POST /api/v1/children HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        u.token,
        10 * 1024 * 1024
    );
    s.write_all(head.as_bytes()).await.expect("write head");
    let _ = s.write_all(&[b' '; 65536]).await;
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf).await;
    let text = String::from_utf8_lossy(&buf);
    assert!(text.starts_with("HTTP/1.1 413") || text.starts_with("HTTP/1.1 400"), "{text}");
    assert!(text.contains("过大"), "{text}");
    assert_eq!(app.count_children().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overlong_field_is_named() {
    let (app, u) = township_app().await;
    let mut c = child("长", VILLAGE_A, 6);
    c["notes"] = json!("字".repeat(50_000));
    let (status, body) = app.post(&u, "/api/v1/children", &c).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["fields"][0]["field"], "notes");
    assert_eq!(body["fields"][0]["message"], "不能超过2000个字");
    assert_eq!(app.count_children().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quotes_and_sql_metacharacters_are_stored_as_typed() {
    let (app, u) = township_app().await;
    let mut c = child("O'Brien\"; DROP TABLE children;--", VILLAGE_A, 8);
    c["address"] = json!("'); DELETE FROM users; -- <script>alert(1)</script>");
    let rec = app.create_child(&u, &c).await;
    let id = rec["id"].as_i64().expect("id");
    let (_, got) = app.get(&u, &format!("/api/v1/children/{id}")).await;
    assert_eq!(got["file"]["name"], "O'Brien\"; DROP TABLE children;--");
    assert_eq!(got["file"]["address"], "'); DELETE FROM users; -- <script>alert(1)</script>");
    assert_eq!(app.count_children().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warnings_follow_the_law_and_filter_the_ledger() {
    let (app, u) = township_app().await;
    // Born 2021-03-01: five years old, living alone and unattended.
    let mut small = child("小孤", VILLAGE_A, 9);
    small["birth_date"] = json!("2021-03-01");
    small["id_number"] = json!(id_for("120114", "2021-03-01", true, 9));
    small["lives_alone"] = json!(true);
    small["unattended"] = json!(true);
    // An entrusted guardian of 17.
    let mut teen = child("小青", VILLAGE_A, 10);
    teen["entrusted_guardian"] =
        json!({"name": "表哥", "id_number": id_for("120114", "2009-06-01", true, 3), "relation": "other_relative"});
    let rec = app.create_child(&u, &small).await;
    let ws: Vec<&str> =
        rec["derived"]["warnings"].as_array().expect("warnings").iter().filter_map(|w| w.as_str()).collect();
    assert_eq!(ws, vec!["under16_living_alone", "under8_unattended"]);
    assert_eq!(rec["derived"]["age_band"], "0_5");
    let rec = app.create_child(&u, &teen).await;
    // No written notice nor confirmation recorded for that carer either ([UPL] 23).
    assert_eq!(rec["derived"]["warnings"], json!(["entrusted_guardian_minor", "entrusted_care_incomplete"]));
    app.create_child(&u, &child("平安", VILLAGE_A, 11)).await;

    let (_, p) = app.get(&u, "/api/v1/children?warning=under8_unattended").await;
    assert_eq!(p["total"], 1);
    assert_eq!(p["rows"][0]["name"], "小孤");
    let (_, p) = app.get(&u, "/api/v1/children?age_band=0_5").await;
    assert_eq!(p["total"], 1);
    let (_, p) = app.get(&u, "/api/v1/children?age_band=6_13").await;
    assert_eq!(p["total"], 2);
    let (_, p) = app.get(&u, "/api/v1/children?category=both_away&per_page=2").await;
    assert_eq!(p["total"], 3);
    assert_eq!(p["rows"].as_array().expect("rows").len(), 2);
    let (_, p2) = app.get(&u, "/api/v1/children?category=both_away&per_page=2&page=2").await;
    assert_eq!(p2["rows"].as_array().expect("rows").len(), 1);
    // ID numbers are masked in lists.
    let masked = p["rows"][0]["id_number_masked"].as_str().expect("masked");
    assert!(masked.contains("***********"), "{masked}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_describes_the_routes() {
    let (app, u) = township_app().await;
    let (status, doc) = app.get(&u, "/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    for path in ["/api/v1/children", "/api/v1/children/{id}", "/api/v1/children/{id}/history", "/api/v1/tokens"] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert!(doc["components"]["schemas"]["ChildFile"].is_object());
    assert!(doc["components"]["schemas"]["ApiErrorBody"].is_object());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_paths_queries_and_bodies_get_clear_answers() {
    let (app, u) = township_app().await;
    let (s, body) = app.get(&u, "/api/v1/children/not-a-number").await;
    assert_eq!(s, 404);
    assert_eq!(body["code"], "not_found");
    let (s, body) = app.get(&u, "/api/v1/children?page=abc").await;
    assert_eq!(s, 400);
    assert_eq!(body["fields"][0]["field"], "page");
    let (s, body) = app.get(&u, "/api/v1/nothing-here").await;
    assert_eq!(s, 404);
    assert_eq!(body["code"], "not_found");
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/children"))
        .bearer_auth(&u.token)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["code"], "bad_request");
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/children"))
        .bearer_auth(&u.token)
        .body("name=x")
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 400, "not JSON");
}

/// The warnings of a file as the API shows them.
fn warning_codes(rec: &Value) -> Vec<String> {
    rec["derived"]["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter_map(|w| w.as_str().map(String::from))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warnings_follow_from_every_fact_of_the_file_and_the_ledger_filter_agrees() {
    let (app, u) = township_app().await;
    let small = |name: &str, seq: u32| {
        let mut f = child(name, VILLAGE_A, seq);
        f["birth_date"] = json!("2021-03-01");
        f["id_number"] = json!(id_for("120114", "2021-03-01", true, seq));
        f
    };
    // Five and living alone, the "unattended" box left unticked: living alone is being
    // without care too ([UPL] 21).
    let mut alone = small("独居", 21);
    alone["lives_alone"] = json!(true);
    // Five, census type 无人监护, nothing else ticked.
    let mut no_guardian = small("无监护", 22);
    no_guardian["guardianship_type"] = json!("no_guardian");
    // Five, both parents away, nobody entrusted and no type stated: nobody has the child.
    let mut nobody = small("无人", 23);
    nobody.as_object_mut().expect("object").remove("guardianship_type");
    // An entrusted carer the census says lacks the capacity to care ([UPL] 22).
    let mut weak = child("能力不足", VILLAGE_A, 24);
    weak["guardianship_type"] = json!("entrusted_lacks_capacity");
    weak["entrusted_guardian"] = json!({"name": "外婆", "relation": "maternal_grandparent"});

    let rec = app.create_child(&u, &alone).await;
    assert_eq!(warning_codes(&rec), ["under16_living_alone", "under8_unattended"]);
    let rec = app.create_child(&u, &no_guardian).await;
    assert_eq!(warning_codes(&rec), ["under8_unattended", "no_guardian"]);
    let rec = app.create_child(&u, &nobody).await;
    assert_eq!(warning_codes(&rec), ["under8_unattended", "no_guardian"]);
    let rec = app.create_child(&u, &weak).await;
    assert_eq!(warning_codes(&rec), ["entrusted_guardian_disqualified", "entrusted_care_incomplete"]);
    // A five-year-old whose file says care is good is not flagged.
    let rec = app.create_child(&u, &small("有人照料", 25)).await;
    assert_eq!(warning_codes(&rec), Vec::<String>::new());

    // The stored bits the ledger filters on agree with what the file shows.
    let names = |p: &Value| -> Vec<String> {
        let mut v: Vec<String> =
            p["rows"].as_array().expect("rows").iter().filter_map(|r| r["name"].as_str().map(String::from)).collect();
        v.sort();
        v
    };
    let (_, p) = app.get(&u, "/api/v1/children?warning=under8_unattended").await;
    assert_eq!(names(&p), ["无人", "无监护", "独居"]);
    let (_, p) = app.get(&u, "/api/v1/children?warning=no_guardian").await;
    assert_eq!(names(&p), ["无人", "无监护"]);
    let (_, p) = app.get(&u, "/api/v1/children?warning=entrusted_guardian_disqualified").await;
    assert_eq!(names(&p), ["能力不足"]);
    let (_, p) = app.get(&u, "/api/v1/children").await;
    for row in p["rows"].as_array().expect("rows") {
        let (_, full) = app.get(&u, &format!("/api/v1/children/{}", row["id"])).await;
        assert_eq!(row["warnings"], full["derived"]["warnings"], "ledger and file agree for {}", row["name"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_with_direction_overrides_or_controls_are_refused_by_field() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let mut file = child("张\u{202E}三", VILLAGE_A, 1);
    file["mother"]["name"] = json!("李\u{2067}四");
    file["entrusted_guardian"] = json!({"name": "王\u{200F}五"});
    let (s, r) = app.post(&zhen, "/api/v1/children", &file).await;
    assert_eq!(s, 422, "{r}");
    for field in ["name", "mother.name", "entrusted_guardian.name"] {
        let e = r["fields"].as_array().and_then(|f| f.iter().find(|e| e["field"] == field)).cloned();
        assert_eq!(e.map(|e| e["message"].clone()), Some(json!(shouhu_domain::msg::NAME_CHARS)), "{field}: {r}");
    }
    assert_eq!(app.count_children().await, 0);
}

/// A page number typed into an address can be any number: past the end it is an empty
/// page, on the API and the pages, never a server error (an overflow found by fuzzing the
/// API with schemathesis).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_page_number_past_the_end_is_an_empty_page() {
    let (app, zhen) = township_app().await;
    app.create_child(&zhen, &child("张小明", VILLAGE_A, 1)).await;
    let admin = app.user("guanli", Role::Admin, OrgType::CityCivilAffairs, "12").await;
    for page in ["2", "4294967295"] {
        let (s, body) = app.get(&zhen, &format!("/api/v1/children?page={page}")).await;
        assert_eq!((s, body["rows"].as_array().map(Vec::len)), (200, Some(0)), "{page}: {body}");
        let (s, body) = app.get(&zhen, &format!("/api/v1/reports?page={page}")).await;
        assert_eq!((s, body), (200, serde_json::json!([])), "{page}");
    }
    let (s, body) = app.get(&admin, "/api/v1/audit?page=9223372036854775807").await;
    assert_eq!((s, body), (200, serde_json::json!([])));
    let (c, _) = crate::pages::browser(&app, "zhen").await;
    for path in ["/children?page=4294967295", "/reports?view=all&page=9223372036854775807"] {
        let res = c.get(app.url(path)).send().await.expect("page");
        assert_eq!(res.status(), 200, "{path}");
    }
    let (c, _) = crate::pages::browser(&app, "guanli").await;
    let res = c.get(app.url("/admin/audit?page=9223372036854775807")).send().await.expect("page");
    assert_eq!(res.status(), 200);
}

/// A day far outside the calendar (chrono reads years up to ±262,143) asked of a count or a
/// list is refused with what is wrong, on the API and the pages, never a server error (found
/// by probing the API).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_far_outside_the_calendar_is_refused_with_what_is_wrong() {
    let (app, zhen) = township_app().await;
    let admin = app.user("guanli", Role::Admin, OrgType::CityCivilAffairs, "12").await;
    for day in ["-262143-01-01", "+262142-12-31", "1066-10-14"] {
        for (u, path, field) in [
            (&zhen, format!("/api/v1/reports/stats?from={day}"), "from"),
            (&zhen, format!("/api/v1/reports/stats?to={day}"), "to"),
            (&zhen, format!("/api/v1/dropout-table?since={day}"), "since"),
            (&admin, format!("/api/v1/audit?from={day}&to={day}"), "from"),
        ] {
            let (s, body) = app.get(u, &path.replace('+', "%2B")).await;
            assert_eq!(s, 422, "{path}: {body}");
            assert_eq!(body["fields"][0]["field"], field, "{path}: {body}");
            assert_eq!(body["fields"][0]["message"], shouhu_domain::msg::DATE_OUT_OF_RANGE, "{path}");
        }
    }
    let (c, _) = crate::pages::browser(&app, "zhen").await;
    for path in ["/statistics?from=-262143-01-01", "/reports/stats?from=1066-10-14&to=2026-12-01"] {
        let res = c.get(app.url(path)).send().await.expect("page");
        assert_eq!(res.status(), 200, "{path}");
        let html = res.text().await.expect("html");
        assert!(html.contains(shouhu_domain::msg::DATE_OUT_OF_RANGE), "{path}: told what is wrong");
    }
    let (c, _) = crate::pages::browser(&app, "guanli").await;
    let res = c.get(app.url("/admin/audit?from=-262143-01-01")).send().await.expect("page");
    let status = res.status();
    let html = res.text().await.expect("html");
    assert!(status.is_success() || status == 422, "{status}");
    assert!(html.contains(shouhu_domain::msg::DATE_OUT_OF_RANGE), "the audit page says what is wrong");
}
