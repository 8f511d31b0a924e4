//! Encryption at rest (decisions 96–99): no ID or phone number is in the database files or
//! tables after the ways they come in; the blind index still finds and refuses; a wrong key
//! stops start-up; a rotation re-encrypts everything in resumable batches while reads go on;
//! and a database from before encryption is sealed at start-up.

use crate::harness::*;
use serde_json::{Value, json};
use shouhu::keys_cli::{RotateOpts, retire, rotate};
use shouhu_domain::role::{OrgType, Role};
use shouhu_store::Store;
use shouhu_store::crypto::{self, Stored};
use shouhu_store::db::Val;
use std::time::Duration;

const CSV_HEADER: &str =
    "姓名,性别,出生日期,身份证号码,现居住地址,所在村（居）,父亲外出务工,母亲外出务工,监护类型,父亲联系电话";

/// Every row of every table of the app's databases as text (PostgreSQL), or the bytes of
/// the database files and their logs (SQLite).
async fn everything_stored(app: &TestApp) -> Vec<u8> {
    if let Some(path) = app.db_url.strip_prefix("sqlite://") {
        let path = std::path::PathBuf::from(path);
        let dir = path.parent().expect("folder").to_path_buf();
        let mut all = Vec::new();
        for name in ["shouhu.db", "shouhu.db-wal", "shouhu-reports.db", "shouhu-reports.db-wal"] {
            if let Ok(bytes) = std::fs::read(dir.join(name)) {
                all.extend(bytes);
            }
        }
        assert!(all.len() > 100_000, "the files were read");
        return all;
    }
    let url = app.db_url.clone();
    blocking(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
        let tables: Vec<String> = c
            .query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", &[])
            .expect("tables")
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut all = Vec::new();
        for t in tables {
            for r in c.query(&format!("SELECT t::text FROM {t} t"), &[]).expect("rows") {
                all.extend(r.get::<_, String>(0).into_bytes());
                all.push(b'\n');
            }
        }
        all
    })
    .await
}

/// A city-wide principal for reading through the store.
fn city() -> shouhu_store::users::Principal {
    shouhu_store::users::Principal {
        user_id: 1,
        username: "shi".into(),
        display_name: "测试".into(),
        role: Role::CityOfficer,
        org_id: 1,
        org_name: "市民政局".into(),
        org_type: OrgType::CityCivilAffairs,
        region_code: "12".into(),
    }
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

async fn upload_csv(app: &TestApp, u: &User, csv: String) -> Value {
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("梅厂镇.csv"));
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/imports"))
        .bearer_auth(&u.token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status(), 202);
    let id = res.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
    for _ in 0..3000 {
        let (_, job) = app.get(u, &format!("/api/v1/imports/{id}")).await;
        if job["state"] != "running" {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("import {id} still running");
}

fn alone_report(phone: &str) -> Value {
    json!({
        "situations": ["living_alone"],
        "discovered_at": "2026-11-29T03:00:00Z",
        "child_description": "男孩，约9岁",
        "village_code": VILLAGE_A,
        "description": "孩子独自在家三天",
        "contact_name": "王老师",
        "contact_phone": phone
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_id_or_phone_number_is_stored_in_the_clear_and_the_blind_index_finds_and_refuses() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let zhen_b = app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let teacher = app.user("laoshi", Role::Teacher, OrgType::School, TOWNSHIP_A).await;
    // A district officer, whose role needs a second factor: its TOTP secret is sealed too.
    let qu = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;

    // A child with an entrusted guardian, then edited: the old numbers go into the history.
    let (id1, id2) = (id_for("120114", "2016-05-04", true, 1), id_for("120114", "2016-05-04", true, 2));
    let guardian_id = id_for("120114", "1960-02-03", false, 7);
    let mut f = child("张小明", VILLAGE_A, 1);
    f["entrusted_guardian"] =
        json!({"name": "张奶奶", "id_number": guardian_id, "phone": "13700001111", "relation": "other_relative"});
    let rec = app.create_child(&zhen, &f).await;
    let mut file = rec["file"].clone();
    file["id_number"] = json!(id2);
    file["father"]["phone"] = json!("13987654321");
    file["mother"]["phone"] = json!("13611112222");
    let (s, body) =
        app.put(&zhen, &format!("/api/v1/children/{}", rec["id"]), &json!({"version": 1, "file": file})).await;
    assert_eq!(s, 200, "{body}");
    let (_, history) = app.get(&zhen, &format!("/api/v1/children/{}/history", rec["id"])).await;
    let changes: Vec<(String, String, String)> = history
        .as_array()
        .expect("history")
        .iter()
        .map(|h| {
            let v = |k: &str| h[k].as_str().unwrap_or_default().to_string();
            (v("field"), v("old_value"), v("new_value"))
        })
        .collect();
    assert!(changes.contains(&("id_number".into(), id1.clone(), id2.clone())), "{changes:?}");
    assert!(changes.contains(&("father.phone".into(), "13812345678".into(), "13987654321".into())), "{changes:?}");

    // A census sheet.
    let imported = id_for("120114", "2015-01-02", false, 5);
    let job = upload_csv(
        &app,
        &zhen,
        format!("{CSV_HEADER}\n李小红,女,2015-01-02,{imported},一组,{VILLAGE_A},是,是,监护情况较好,13566667777\n"),
    )
    .await;
    assert_eq!(job["outcome"]["written"], true, "{job}");
    // A report with the reporter's phone.
    let (s, r) = app.post(&teacher, "/api/v1/reports", &alone_report("13312345678")).await;
    assert_eq!(s, 201, "{r}");
    app.store(|s| s.index_all(|_| {}).expect("indexed")).await;

    let stored = everything_stored(&app).await;
    for plain in [
        id1.as_str(),
        id2.as_str(),
        &guardian_id,
        &imported,
        "13812345678",
        "13987654321",
        "13611112222",
        "13700001111",
        "13566667777",
        "13312345678",
        // No part that the old search terms kept either.
        &id2.chars().rev().collect::<String>(),
        &id2[..14],
        // Whoever reads a TOTP secret makes the officer's codes (decision 213).
        qu.totp.as_deref().expect("a second factor"),
    ] {
        assert!(!holds(&stored, plain), "{plain} is stored in the clear");
    }
    // The names are not what is protected: the test would see them.
    assert!(holds(&stored, "张小明"), "the grep reads the data");

    // The blind index finds the whole number and the last digits, in scope only.
    for q in [id2.as_str(), &id2.to_lowercase(), &id2[14..], &id2[11..]] {
        let (_, p) = app.get(&zhen, &format!("/api/v1/children?q={q}")).await;
        assert_eq!(p["rows"][0]["id"], rec["id"], "{q}: {p}");
        assert_eq!(p["rows"].as_array().expect("rows").len(), 1, "{q}");
        let (_, p) = app.get(&zhen_b, &format!("/api/v1/children?q={q}")).await;
        assert_eq!(p["rows"], json!([]), "{q}: out of scope");
    }
    let (_, p) = app.get(&zhen, &format!("/api/v1/children?q={id1}")).await;
    assert_eq!(p["rows"], json!([]), "the old number finds nothing");
    let (_, p) = app.get(&zhen, &format!("/api/v1/children?q={imported}")).await;
    assert_eq!(p["rows"][0]["name"], "李小红");
    let masked = p["rows"][0]["id_number_masked"].as_str().expect("masked").to_string();
    assert!(masked.starts_with(&imported[..6]) && masked.ends_with("************"), "{masked}");
    // The file, the report and the export read in the clear.
    let (_, got) = app.get(&zhen, &format!("/api/v1/children/{}", rec["id"])).await;
    assert_eq!(got["file"]["id_number"], id2.as_str());
    assert_eq!(got["file"]["entrusted_guardian"]["phone"], "13700001111");

    // The same number again: refused on create and on import.
    let (s, body) = app.post(&zhen, "/api/v1/children", &child("王二", VILLAGE_A, 2)).await;
    assert_eq!((s, body["fields"][0]["field"].as_str()), (409, Some("id_number")), "{body}");
    let (s, body) = app.post(&zhen_b, "/api/v1/children", &child("王三", VILLAGE_B, 2)).await;
    assert_eq!(s, 409, "another region's number is refused too: {body}");
    let job = upload_csv(
        &app,
        &zhen_b,
        format!("{CSV_HEADER}\n李小红,女,2015-01-02,{imported},一组,{VILLAGE_B},是,是,监护情况较好,\n"),
    )
    .await;
    assert_eq!(job["outcome"]["written"], false, "{job}");
    assert_eq!(app.count_children().await, 2);
}

/// The stored form of every sealed value of the app's databases.
async fn stored_versions(store: &Store) -> Vec<(String, Stored)> {
    let s = store.clone();
    blocking(move || {
        let mut out = Vec::new();
        let rows = s
            .pool
            .read(|c| {
                c.query("SELECT data, id_number FROM children", &[], |r| Ok((r.text_or_bytes(0)?, r.opt_text(1)?)))
            })
            .expect("children");
        for (data, idn) in rows {
            out.push(("children.data".to_string(), crypto::stored(&data)));
            if let Some(i) = idn {
                out.push(("children.id_number".to_string(), crypto::stored(i.as_bytes())));
            }
        }
        let history = s
            .pool
            .read(|c| {
                c.query(
                    "SELECT field, old_value, new_value FROM child_history WHERE field LIKE '%phone' OR field LIKE \
                     '%id_number'",
                    &[],
                    |r| Ok((r.text(0)?, r.opt_text(1)?, r.opt_text(2)?)),
                )
            })
            .expect("history");
        for (f, o, n) in history {
            for v in [o, n].into_iter().flatten() {
                out.push((format!("history {f}"), crypto::stored(v.as_bytes())));
            }
        }
        let secrets =
            s.pool.read(|c| c.query("SELECT secret FROM second_factors", &[], |r| r.text(0))).expect("secrets");
        for v in secrets {
            out.push(("second_factors.secret".to_string(), crypto::stored(v.as_bytes())));
        }
        let contacts =
            s.reports.read(|c| c.query("SELECT contact_phone FROM reports", &[], |r| r.opt_text(0))).expect("reports");
        for v in contacts.into_iter().flatten() {
            out.push(("reports.contact_phone".to_string(), crypto::stored(v.as_bytes())));
        }
        out
    })
    .await
}

/// Seven children, each edited (so with sealed history), and a report.
async fn app_with_files() -> (TestApp, User, Vec<(i64, String)>) {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let teacher = app.user("laoshi", Role::Teacher, OrgType::School, TOWNSHIP_A).await;
    // With a second factor (decision 213): signs in with it after every change of keys.
    app.user(DISTRICT_OFFICER, Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let mut files = Vec::new();
    for seq in 1..=7 {
        let rec = app.create_child(&zhen, &child(&format!("孩子{seq}"), VILLAGE_A, seq)).await;
        let mut file = rec["file"].clone();
        file["mother"]["phone"] = json!(format!("1361111000{seq}"));
        let (s, _) =
            app.put(&zhen, &format!("/api/v1/children/{}", rec["id"]), &json!({"version": 1, "file": file})).await;
        assert_eq!(s, 200);
        files.push((rec["id"].as_i64().expect("id"), rec["file"]["id_number"].as_str().expect("idn").to_string()));
    }
    let (s, _) = app.post(&teacher, "/api/v1/reports", &alone_report("13312345678")).await;
    assert_eq!(s, 201);
    (app, zhen, files)
}

/// The district officer of [`app_with_files`], who signs in with a second factor.
const DISTRICT_OFFICER: &str = "qu";

/// The district officer signs in with their password and a code from their authenticator,
/// whose secret the server opens with the keys in force.
async fn officer_signs_in(app: &TestApp, secret: &str) {
    use shouhu_web::second_factor::{STEP_SECONDS, code_at};
    // A step after any code already used.
    app.clock.advance(chrono::Duration::seconds(2 * STEP_SECONDS));
    let code = code_at(secret, shouhu_domain::clock::Clock::now(&*app.clock)).expect("code");
    let body = json!({"username": DISTRICT_OFFICER, "password": PASSWORD, "code": code});
    let res = reqwest::Client::new().post(app.url("/api/v1/tokens")).json(&body).send().await.expect("token");
    assert_eq!(res.status(), 201, "signed in with the second factor");
}

/// The district officer's TOTP secret, opened through the store (as it is now stored).
async fn officer_secret(app: &TestApp) -> String {
    app.store(|s| {
        let p = s.principal_by_username(DISTRICT_OFFICER).expect("officer");
        s.second_factor(p.user_id).expect("read").expect("a second factor").secret
    })
    .await
}

/// Every file reads, by id and by its whole ID number, with its history.
async fn all_read(app: &TestApp, u: &User, files: &[(i64, String)]) {
    for (id, idn) in files {
        let (s, got) = app.get(u, &format!("/api/v1/children/{id}")).await;
        assert_eq!(s, 200, "{got}");
        assert_eq!(got["file"]["id_number"], idn.as_str());
        let (s, h) = app.get(u, &format!("/api/v1/children/{id}/history")).await;
        assert_eq!(s, 200);
        assert!(h.to_string().contains("1361111000"), "the history's phone numbers read: {h}");
        let (_, p) = app.get(u, &format!("/api/v1/children?q={idn}")).await;
        assert_eq!(p["rows"][0]["id"], *id, "found by {idn}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_re_encrypts_everything_in_resumable_batches_while_reads_go_on() {
    let (app, zhen, files) = app_with_files().await;
    let secret = officer_secret(&app).await;
    // The running server looks at its key file at every use here (every 2 s in production;
    // a rotation waits longer before re-encrypting).
    app.store.cipher.look_every(Duration::ZERO);
    assert!(stored_versions(&app.store).await.iter().all(|(_, v)| *v == Stored::Sealed(1)));

    // The rotation runs as its own process would: its own store on the same key file.
    let keys = app.key_file().parent().expect("key dir").to_path_buf();
    let other = app.reopen_with(&keys).await.expect("opens");
    let opts = RotateOpts { batch: 3, max_batches: Some(1), settle: Duration::ZERO };
    let o2 = other.clone();
    let first = blocking(move || rotate(&o2, opts).expect("first batch")).await;
    assert_eq!((first.finished, first.batches, first.rows), (false, 1, 3), "{first:?}");
    let versions = stored_versions(&app.store).await;
    assert!(versions.contains(&("children.data".into(), Stored::Sealed(2))));
    assert!(versions.contains(&("children.data".into(), Stored::Sealed(1))), "stopped part way");
    let text = std::fs::read_to_string(app.key_file()).expect("key file");
    assert_eq!(shouhu_store::crypto::Ring::parse(&text).expect("reads").versions(), vec![1, 2]);
    // Reads go on through the running server, which learns the new key from its file.
    all_read(&app, &zhen, &files).await;
    let (s, _) = app.post(&zhen, "/api/v1/children", &child("新来的", VILLAGE_A, 20)).await;
    assert_eq!(s, 201);
    let (s, _) = app.post(&zhen, "/api/v1/children", &child("重复的", VILLAGE_A, 7)).await;
    assert_eq!(s, 409, "a number under the old key is still refused");

    // Run again: it goes on with version 2 (no third key) to the end.
    let o2 = other.clone();
    let rest = blocking(move || rotate(&o2, RotateOpts { max_batches: None, ..opts }).expect("the rest")).await;
    assert!(rest.finished && rest.rows > 0, "{rest:?}");
    let versions = stored_versions(&app.store).await;
    assert!(versions.len() > 20, "{versions:?}");
    assert!(versions.iter().all(|(_, v)| *v == Stored::Sealed(2)), "{versions:?}");
    let text = std::fs::read_to_string(app.key_file()).expect("key file");
    assert_eq!(shouhu_store::crypto::Ring::parse(&text).expect("reads").versions(), vec![1, 2]);
    all_read(&app, &zhen, &files).await;

    // Retired: the old version leaves the key file, and the database opens with the new one alone.
    let o2 = other.clone();
    assert_eq!(blocking(move || retire(&o2).expect("retired")).await, vec![1]);
    let text = std::fs::read_to_string(app.key_file()).expect("key file");
    assert_eq!(shouhu_store::crypto::Ring::parse(&text).expect("reads").versions(), vec![2]);
    drop(other);
    let again = app.reopen_with(&keys).await.expect("opens with version 2 alone");
    let (id, idn) = files[0].clone();
    let city = city();
    let rec = blocking(move || again.get_child(&city, id).expect("reads")).await;
    assert_eq!(rec.file.id_number.as_deref(), Some(idn.as_str()));
    all_read(&app, &zhen, &files).await;
    officer_signs_in(&app, &secret).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_or_missing_key_stops_start_up_and_nothing_is_written_with_it() {
    let (app, _zhen, _files) = app_with_files().await;
    // No key where one is looked for: none is made for a database that has one.
    let other = tempfile::tempdir().expect("dir");
    let err = format!("{:#}", app.reopen_with(other.path()).await.err().expect("a missing key is refused"));
    assert!(err.contains("no data key at") && err.contains("version 1"), "{err}");
    assert!(!other.path().join(crypto::KEY_FILE_NAME).exists(), "no new key is made for a database that has one");
    // A key file with another key of the same version.
    let wrong = shouhu_store::crypto::key_file_text(&[(1, shouhu_store::keyfile::Secret::random())]);
    {
        let mut f = shouhu_store::keyfile::create(&other.path().join(crypto::KEY_FILE_NAME)).expect("create");
        std::io::Write::write_all(&mut f, wrong.as_bytes()).expect("write");
    }
    let err = format!("{:#}", app.reopen_with(other.path()).await.err().expect("a wrong key is refused"));
    assert!(err.contains("not the one this database") && err.contains("fingerprint"), "{err}");
    let versions = app
        .store(|s| s.pool.read(|c| c.query("SELECT version FROM data_keys", &[], |r| r.i64(0))).expect("keys"))
        .await;
    assert_eq!(versions, vec![1], "nothing was registered");
    // The right key still opens it.
    let keys = app.key_file().parent().expect("dir").to_path_buf();
    app.reopen_with(&keys).await.expect("the right key opens");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_written_before_encryption_are_sealed_at_start_up() {
    let (app, zhen, files) = app_with_files().await;
    let secret = officer_secret(&app).await;
    // Rows as a database from before encryption holds them: plain values, no blind index,
    // the old search term, and the migrations' note that they are still to be sealed.
    let plain: Vec<(i64, String)> = files.clone();
    let p2 = plain.clone();
    let city = city();
    app.store(move |s| {
        for (id, idn) in &p2 {
            let rec = s.get_child(&city, *id).expect("file");
            let compact = s.pool.is_sqlite();
            let data = shouhu_store::file_data::encode(&rec.file, compact).expect("encode");
            let reversed: String = idn.chars().rev().collect();
            s.pool
                .write(|c| {
                    c.exec(
                        "UPDATE children SET data = $1, id_number = $2, id_blind = NULL WHERE id = $3",
                        &[data, idn.as_str().into(), (*id).into()],
                    )?;
                    c.exec("DELETE FROM child_search WHERE child_id = $1 AND term LIKE 's:%'", &[(*id).into()])?;
                    c.exec(
                        "INSERT INTO child_search (term, closed, name, child_id, district_code, village_code) \
                         SELECT $1, closed, name, id, district_code, village_code FROM children WHERE id = $2",
                        &[format!("r:{reversed}").into(), (*id).into()],
                    )?;
                    c.exec(
                        "UPDATE child_history SET old_value = '13812345678', new_value = $1 \
                         WHERE child_id = $2 AND field = 'mother.phone'",
                        &["13611110009".into(), (*id).into()],
                    )
                })
                .expect("plain");
        }
        // A TOTP secret stored as it was before decision 213.
        let officer = s.principal_by_username(DISTRICT_OFFICER).expect("officer").user_id;
        let plain_secret = s.second_factor(officer).expect("read").expect("a second factor").secret;
        s.pool
            .write(|c| {
                c.exec("UPDATE second_factors SET secret = $1 WHERE user_id = $2", &[plain_secret.into(), officer.into()])
            })
            .expect("plain secret");
        s.pool
            .write(|c| c.exec("INSERT INTO sealing_backlog (table_name) VALUES ('children'), ('child_history'), ('second_factors')", &[]))
            .expect("note");
        s.reports
            .write(|c| {
                c.exec("UPDATE reports SET contact_phone = '13312345678'", &[])?;
                c.exec("INSERT INTO report_sealing_backlog (table_name) VALUES ('reports')", &[])
            })
            .expect("plain report");
    })
    .await;
    assert!(stored_versions(&app.store).await.iter().any(|(_, v)| *v == Stored::Plain));

    // Start-up (here: the database opened again with its key) seals them.
    let keys = app.key_file().parent().expect("dir").to_path_buf();
    let again = app.reopen_with(&keys).await.expect("opens");
    let versions = stored_versions(&again).await;
    assert!(versions.iter().all(|(_, v)| *v == Stored::Sealed(1)), "{versions:?}");
    let stored = everything_stored(&app).await;
    for (_, idn) in &plain {
        assert!(!holds(&stored, idn), "{idn} is still in the clear");
        assert!(!holds(&stored, &idn.chars().rev().collect::<String>()), "its old search term is gone");
    }
    for phone in ["13312345678", "13812345678", "13611110009"] {
        assert!(!holds(&stored, phone), "{phone} is still in the clear");
    }
    assert!(!holds(&stored, &secret), "the TOTP secret is still in the clear");
    // And everything reads and is found as before; the officer signs in with the same
    // authenticator.
    all_read(&app, &zhen, &files).await;
    officer_signs_in(&app, &secret).await;
    let (_, p) = app.get(&zhen, &format!("/api/v1/children?q={}", &files[0].1[14..])).await;
    assert_eq!(p["rows"][0]["id"], files[0].0, "the last digits' keyed term was made");
}

/// The first byte of a file's stored value once opened: 2 for the binary form, `{` for JSON.
fn stored_form(s: &Store, id: i64) -> u8 {
    let raw = s
        .pool
        .read(|c| c.query_opt("SELECT data FROM children WHERE id = $1", &[id.into()], |r| r.text_or_bytes(0)))
        .expect("row")
        .expect("file");
    s.cipher.open_vec(crypto::field::CHILD_FILE, raw).expect("opens")[0]
}

/// Files are sealed in the binary form on both databases (decision 204); a file sealed as
/// JSON, as PostgreSQL kept every file before, still reads, and its next edit writes it in
/// the binary form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_are_sealed_in_the_binary_form_and_those_sealed_as_json_still_read() {
    let (app, zhen, files) = app_with_files().await;
    let (id, idn) = files[0].clone();
    let s = app.store.clone();
    let forms = blocking(move || {
        let written = stored_form(&s, id);
        let rec = s.get_child(&city(), id).expect("file");
        let json = serde_json::to_string(&rec.file).expect("json");
        let ring = s.cipher.ring();
        let field = crypto::field::CHILD_FILE;
        // In the column's own type: bytes in SQLite's BLOB, base64 in PostgreSQL's TEXT.
        let sealed = if s.pool.is_sqlite() {
            Val::Bytes(ring.seal(field, json.as_bytes()))
        } else {
            Val::Text(ring.seal_text(field, &json))
        };
        s.pool.write(|c| c.exec("UPDATE children SET data = $1 WHERE id = $2", &[sealed, id.into()])).expect("json");
        (written, stored_form(&s, id))
    })
    .await;
    assert_eq!(forms, (2, b'{'), "written in the binary form, then put back as JSON");

    let (st, got) = app.get(&zhen, &format!("/api/v1/children/{id}")).await;
    assert_eq!(st, 200, "{got}");
    assert_eq!(got["file"]["id_number"], idn.as_str());
    assert_eq!(got["file"]["mother"]["phone"], "13611110001", "the whole file reads from its JSON");
    let mut file = got["file"].clone();
    file["notes"] = json!("母亲春节返乡");
    let (st, body) =
        app.put(&zhen, &format!("/api/v1/children/{id}"), &json!({"version": got["version"], "file": file})).await;
    assert_eq!(st, 200, "{body}");
    let s = app.store.clone();
    assert_eq!(blocking(move || stored_form(&s, id)).await, 2, "the edit wrote the binary form");
    let (_, again) = app.get(&zhen, &format!("/api/v1/children/{id}")).await;
    assert_eq!(again["file"]["notes"], "母亲春节返乡");
    assert_eq!(again["file"]["mother"]["phone"], "13611110001");
}
