//! Boots the real application on 127.0.0.1:0 against a fresh database and talks HTTP to it.
//!
//! The backend is SQLite (a new file per test) unless `SHOUHU_TEST_PG_URL` is set, in which
//! case every test gets a new PostgreSQL database on that server. There is no fallback: if
//! the variable is set and the server cannot be reached, the tests fail.

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};
use shouhu::server;
use shouhu_domain::clock::FixedClock;
use shouhu_domain::id_number;
use shouhu_domain::role::{OrgType, Role};
use shouhu_store::Store;
use std::sync::Arc;

pub const PASSWORD: &str = "correct-horse-battery";

/// Which backend this test run uses.
pub fn pg_url() -> Option<String> {
    std::env::var("SHOUHU_TEST_PG_URL").ok().filter(|s| !s.is_empty())
}

/// A streaming replica of the PostgreSQL server of `SHOUHU_TEST_PG_URL`, in
/// `SHOUHU_TEST_PG_REPLICA_URL` (any database name: each test's is put in), for the test of
/// reads from a replica (`servers.rs`); `skip` leaves that test out, saying so. .ci/run sets
/// one up (`pg_basebackup -R`, port 5433).
pub fn pg_replica_url() -> Option<String> {
    std::env::var("SHOUHU_TEST_PG_REPLICA_URL").ok().filter(|s| !s.is_empty())
}

/// A database for one test, removed when dropped.
pub enum Db {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

/// A new, empty database on this run's backend, and its URL.
pub async fn fresh_database() -> (String, Db) {
    match pg_url() {
        Some(admin) => {
            let name = format!("shouhu_it_{}", &shouhu_web::auth::random_token()[..12]);
            let (a, n) = (admin.clone(), name.clone());
            blocking(move || {
                let mut c =
                    postgres::Client::connect(&a, postgres::NoTls).expect("SHOUHU_TEST_PG_URL must reach PostgreSQL");
                c.batch_execute(&format!("CREATE DATABASE {n}")).expect("create test database");
            })
            .await;
            (with_database(&admin, &name), Db::Postgres { admin_url: admin, name })
        }
        None => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}/shouhu.db", dir.path().display());
            (url, Db::Sqlite(dir))
        }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Db::Postgres { admin_url, name } = self {
            let (a, n) = (admin_url.clone(), name.clone());
            // Outside the async runtime's threads: the driver blocks.
            let _ = std::thread::spawn(move || {
                if let Ok(mut c) = postgres::Client::connect(&a, postgres::NoTls) {
                    let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {n} WITH (FORCE)"));
                }
            })
            .join();
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub clock: Arc<FixedClock>,
    /// The database's URL and its audit key (64 hexadecimal digits), for running the binary
    /// on the same database.
    pub db_url: String,
    pub audit_key: String,
    running: Option<server::Running>,
    _db: Db,
    _work: tempfile::TempDir,
    /// Holds the data key file, apart from the database (on PostgreSQL there is no folder).
    keys: tempfile::TempDir,
}

/// A user created for a test, with an API token.
#[derive(Clone)]
pub struct User {
    pub id: i64,
    pub token: String,
    /// The TOTP secret of a user whose role needs a second factor (set up through the store).
    pub totp: Option<String>,
}

impl TestApp {
    pub async fn new() -> TestApp {
        TestApp::with_config(shouhu_web::Config::default()).await
    }

    pub async fn with_config(config: shouhu_web::Config) -> TestApp {
        TestApp::with(config, shouhu_domain::settings::Settings::default()).await
    }

    /// An app whose settings document says `toml` (the rest at their defaults).
    pub async fn with_settings(toml: &str) -> TestApp {
        let settings = shouhu_domain::settings::Settings::from_toml(toml).expect("valid settings");
        TestApp::with(shouhu_web::Config::default(), settings).await
    }

    pub async fn with(config: shouhu_web::Config, settings: shouhu_domain::settings::Settings) -> TestApp {
        TestApp::with_options(config, settings, None).await
    }

    /// An app on PostgreSQL whose server reads lists and statistics from the streaming
    /// replica `replica` (its URL with any database name) once the database has reached it.
    /// Returns the app and the URL of its database on the replica.
    pub async fn with_replica(replica: &str) -> (TestApp, String) {
        let app = TestApp::with_options(shouhu_web::Config::default(), Default::default(), Some(replica)).await;
        let Db::Postgres { name, .. } = &app._db else { panic!("a replica needs PostgreSQL") };
        let url = with_database(replica, name);
        (app, url)
    }

    async fn with_options(
        mut config: shouhu_web::Config,
        mut settings: shouhu_domain::settings::Settings,
        replica: Option<&str>,
    ) -> TestApp {
        // The server looks for late reports on the real clock (decision 215), while tests move
        // an injected one: its look waits an hour here, and a test that wants one runs
        // `announce_late_reports` itself, so no late notice lands in another test's counts.
        settings.notify.late_check = chrono::Duration::hours(1);
        let work = tempfile::tempdir().expect("work dir");
        config.work_dir = work.path().to_path_buf();
        // Noon in China on 2026-11-29.
        let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 11, 29, 4, 0, 0).single().expect("valid")));
        let (url, db) = fresh_database().await;
        let keys = tempfile::tempdir().expect("key dir");
        let c2: Arc<dyn shouhu_domain::clock::Clock> = clock.clone();
        let key = shouhu_store::audit_chain::AuditKey::random_bytes();
        let (db_url, audit_key) = (url.clone(), hex::encode(key));
        let (u2, source) = (url.clone(), key_source(keys.path()));
        // The new database reaches the replica by replication: wait (with a deadline) until
        // it is there, so that the server finds the replica answering.
        let replica = match (replica, &db) {
            (Some(r), Db::Postgres { name, .. }) => {
                let on_replica = with_database(r, name);
                let u = on_replica.clone();
                blocking(move || {
                    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
                    while postgres::Client::connect(&u, postgres::NoTls).is_err() {
                        assert!(std::time::Instant::now() < deadline, "the test database never reached the replica");
                        std::thread::sleep(std::time::Duration::from_millis(50));
                    }
                })
                .await;
                Some(on_replica)
            }
            (Some(_), Db::Sqlite(_)) => panic!("a replica needs PostgreSQL"),
            (None, _) => None,
        };
        let store = blocking(move || {
            let store =
                server::open_store_keyed(&u2, c2, settings, source, shouhu_store::audit_chain::AuditKey::new(&key))
                    .expect("open store");
            match replica {
                Some(r) => store.with_replica(&r).expect("the replica"),
                None => store,
            }
        })
        .await;
        let running = server::start("127.0.0.1:0", store.clone(), config).await.expect("start server");
        TestApp {
            base: format!("http://{}", running.addr),
            store,
            clock,
            db_url,
            audit_key,
            running: Some(running),
            _db: db,
            _work: work,
            keys,
        }
    }

    /// The data key file the app was started with.
    pub fn key_file(&self) -> std::path::PathBuf {
        self.keys.path().join(shouhu_store::crypto::KEY_FILE_NAME)
    }

    /// Opens the app's database again in this process with the app's keys: a second server.
    pub async fn reopen(&self) -> anyhow::Result<Store> {
        self.reopen_with(self.keys.path()).await
    }

    /// Opens the app's database again in this process, with the key in `keys` (a folder
    /// holding a key file).
    pub async fn reopen_with(&self, keys: &std::path::Path) -> anyhow::Result<Store> {
        let (url, clock, source) = (self.db_url.clone(), self.clock.clone(), key_source(keys));
        let key = shouhu_store::audit_chain::AuditKey::from_hex(&self.audit_key).expect("audit key");
        blocking(move || server::open_store_keyed(&url, clock, Default::default(), source, key)).await
    }

    /// Runs store code off the async threads (the PostgreSQL driver blocks).
    pub async fn store<T: Send + 'static>(&self, f: impl FnOnce(&Store) -> T + Send + 'static) -> T {
        let s = self.store.clone();
        blocking(move || f(&s)).await
    }

    pub async fn org(&self, name: &str, t: OrgType, region: &str) -> i64 {
        let (name, region) = (name.to_string(), region.to_string());
        self.store(move |s| s.create_org(&name, t, &region).expect("create org")).await
    }

    /// Creates a user in a new organisation and signs them in over the API.
    pub async fn user(&self, username: &str, role: Role, org_type: OrgType, region: &str) -> User {
        let org = self.org(&format!("{username}的单位"), org_type, region).await;
        self.user_in(username, role, org).await
    }

    pub async fn user_in(&self, username: &str, role: Role, org: i64) -> User {
        self.named_user_in(username, "测试用户", role, org).await
    }

    /// [`TestApp::user_in`] with the person's name.
    pub async fn named_user_in(&self, username: &str, name: &str, role: Role, org: i64) -> User {
        let hash = blocking(|| shouhu_web::auth::hash_password(PASSWORD).expect("hash")).await;
        let (u, n) = (username.to_string(), name.to_string());
        let id = self.store(move |s| s.create_user(&u, &n, &hash, org, role).expect("create user")).await;
        // A role that needs a second factor gets one, set up through the store (decision 83).
        let totp = if role.needs_second_factor() { Some(self.enrol(id).await) } else { None };
        let mut body = json!({"username": username, "password": PASSWORD});
        if totp.is_some() {
            body["code"] = json!(self.next_code(id).await);
        }
        let res = reqwest::Client::new()
            .post(format!("{}/api/v1/tokens", self.base))
            .json(&body)
            .send()
            .await
            .expect("token");
        assert_eq!(res.status(), 201, "token for {username}");
        let token = res.json::<Value>().await.expect("json")["token"].as_str().expect("token").to_string();
        User { id, token, totp }
    }

    /// Sets up a second factor for the user through the store; returns its TOTP secret.
    pub async fn enrol(&self, user_id: i64) -> String {
        let secret = shouhu_web::second_factor::new_secret();
        let s2 = secret.clone();
        self.store(move |s| {
            s.start_enrolment(user_id, &s2).expect("start");
            s.confirm_second_factor(user_id, 0, &[]).expect("confirm");
        })
        .await;
        secret
    }

    /// A TOTP code the user's second factor accepts now (on the injected clock): the first
    /// step within the allowed drift not yet used, the clock moving on a step if all are used.
    pub async fn next_code(&self, user_id: i64) -> String {
        use shouhu_domain::clock::Clock;
        use shouhu_web::second_factor::{STEP_SECONDS, code_at, step_of};
        let f = self.store(move |s| s.second_factor(user_id).expect("read").expect("a second factor")).await;
        loop {
            let now = step_of(self.clock.now());
            if let Some(step) = (now - 1..=now + 1).find(|s| *s > f.last_step) {
                let t = chrono::DateTime::from_timestamp(step * STEP_SECONDS, 0).expect("time");
                return code_at(&f.secret, t).expect("code");
            }
            self.clock.advance(chrono::Duration::seconds(STEP_SECONDS));
        }
    }

    /// The server's folder for uploads, error reports and exports being written.
    pub fn work_dir(&self) -> &std::path::Path {
        self._work.path()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A GET over the API; the response is checked against the OpenAPI document.
    pub async fn get(&self, user: &User, path: &str) -> (u16, Value) {
        let res = reqwest::Client::new().get(self.url(path)).bearer_auth(&user.token).send().await.expect("request");
        crate::openapi::checked("GET", path, res).await
    }

    /// A request with a JSON body over the API; the response is checked against the OpenAPI
    /// document.
    pub async fn send(&self, user: &User, method: reqwest::Method, path: &str, body: &Value) -> (u16, Value) {
        let res = reqwest::Client::new()
            .request(method.clone(), self.url(path))
            .bearer_auth(&user.token)
            .json(body)
            .send()
            .await
            .expect("request");
        crate::openapi::checked(method.as_str(), path, res).await
    }

    pub async fn post(&self, user: &User, path: &str, body: &Value) -> (u16, Value) {
        self.send(user, reqwest::Method::POST, path, body).await
    }

    pub async fn put(&self, user: &User, path: &str, body: &Value) -> (u16, Value) {
        self.send(user, reqwest::Method::PUT, path, body).await
    }

    /// Creates a child through the API and returns the stored record.
    pub async fn create_child(&self, user: &User, file: &Value) -> Value {
        let (status, body) = self.post(user, "/api/v1/children", file).await;
        assert_eq!(status, 201, "create child: {body}");
        body
    }

    /// Uploads a census sheet through the API with the given form fields and waits, within a
    /// deadline, for its import to end; returns the finished job.
    pub async fn import_sheet(&self, user: &User, file_name: &str, bytes: Vec<u8>, fields: &[(&str, &str)]) -> Value {
        let mut form = reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_string()));
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        let res = reqwest::Client::new()
            .post(self.url("/api/v1/imports"))
            .bearer_auth(&user.token)
            .multipart(form)
            .send()
            .await
            .expect("upload");
        let job: Value = res.json().await.expect("job");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let (_, j) = self.get(user, &format!("/api/v1/imports/{}", job["id"])).await;
            if j["state"] != "running" {
                return j;
            }
            assert!(std::time::Instant::now() < deadline, "the import did not end");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    pub async fn count_children(&self) -> i64 {
        self.store(|s| {
            s.pool
                .read(|c| c.query_opt("SELECT count(*) FROM children", &[], |r| r.i64(0)))
                .expect("count")
                .unwrap_or(0)
        })
        .await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            let _ = r.stop.send(());
            r.done.abort();
        }
    }
}

/// The data key file in `dir`, made on first start.
pub fn key_source(dir: &std::path::Path) -> shouhu_store::crypto::KeySource {
    shouhu_store::crypto::KeySource::File { path: dir.join(shouhu_store::crypto::KEY_FILE_NAME), create: true }
}

pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.expect("blocking task")
}

/// The admin URL with another database name.
fn with_database(url: &str, db: &str) -> String {
    match url.rsplit_once('/') {
        Some((head, tail)) if !tail.contains('@') && head.contains("://") && head.len() > "postgres://".len() => {
            let params = tail.split_once('?').map(|(_, p)| format!("?{p}")).unwrap_or_default();
            format!("{head}/{db}{params}")
        }
        _ => format!("{}/{db}", url.trim_end_matches('/')),
    }
}

/// A valid 18-digit ID number for a birth date, sex and district, with sequence `seq`.
pub fn id_for(district: &str, birth: &str, male: bool, seq: u32) -> String {
    let seq = seq % 500 * 2 + u32::from(male);
    let first17 = format!("{district}{}{:03}", birth.replace('-', ""), seq);
    let c = id_number::check_character(&first17).expect("17 digits");
    format!("{first17}{c}")
}

/// A minimal valid file: a boy born 2016-05-04 in `village`, both parents away for work.
pub fn child(name: &str, village: &str, seq: u32) -> Value {
    json!({
        "name": name,
        "sex": "male",
        "birth_date": "2016-05-04",
        "id_number": id_for(&village[..6], "2016-05-04", true, seq),
        "address": "三组12号",
        "village_code": village,
        "father": {"name": "父亲", "away_for_work": true, "capable": true, "phone": "13812345678"},
        "mother": {"name": "母亲", "away_for_work": true, "capable": true},
        "guardianship_type": "good"
    })
}

/// Villages used by the tests: two in 梅厂镇 (武清区), one in 大碱厂镇, one in 宝坻区.
pub const VILLAGE_A: &str = "120114101204";
pub const VILLAGE_A2: &str = "120114101001";
pub const VILLAGE_B: &str = "120114102201";
pub const TOWNSHIP_A: &str = "120114101";
pub const TOWNSHIP_B: &str = "120114102";
