//! The server's log, as a log collector or a file gets it (a pipe): no colour codes, one JSON
//! object a line when asked for, and never an ID number or a phone number.

use crate::harness::*;
use serde_json::{Value, json};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::process::Command;

const ID_DIGITS: &str = "110101202311012176";
const ID_WITH_X: &str = "11010519491231002X";
const PHONE: &str = "13812345678";

/// Runs `shouhu serve` with its standard error in a pipe, makes requests that carry ID and
/// phone numbers in paths, queries and bodies, stops it and returns everything it wrote.
async fn serve_and_log(extra_args: &[&str], env: &[(&str, &str)]) -> Vec<u8> {
    let (url, _db) = fresh_database().await;
    let data = tempfile::tempdir().expect("data dir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shouhu"));
    cmd.arg("--data-dir").arg(data.path()).args(["--database-url", &url]).args(extra_args);
    cmd.args(["serve", "--bind", "127.0.0.1:0"]).env_remove("RUST_LOG").env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.stderr(Stdio::piped()).stdout(Stdio::piped()).kill_on_drop(true).spawn().expect("spawn");
    let log: Arc<Mutex<Vec<u8>>> = Arc::default();
    let mut stderr = child.stderr.take().expect("stderr");
    let reader = {
        let log = log.clone();
        tokio::spawn(async move {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                log.lock().expect("lock").extend_from_slice(&buf[..n]);
            }
        })
    };
    // The address, from the text line or the JSON event that says the server listens.
    let base = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            let text = String::from_utf8_lossy(&log.lock().expect("lock")).to_string();
            // Whole lines only: a line read half-way would give half an address.
            let whole = text.rfind('\n').map_or("", |end| &text[..end]);
            for line in whole.lines() {
                if let Some(a) = line.strip_prefix("shouhu: http://") {
                    return format!("http://{a}");
                }
                if let Ok(v) = serde_json::from_str::<Value>(line)
                    && let Some(a) = v["fields"]["addr"].as_str()
                {
                    return format!("http://{a}");
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no address in the log: {}", String::from_utf8_lossy(&log.lock().expect("lock"))));
    let c = reqwest::Client::new();
    for path in [
        format!("/api/v1/children/{ID_DIGITS}"),
        format!("/api/v1/children/{ID_WITH_X}"),
        format!("/api/v1/children/{PHONE}"),
        format!("/children/{ID_DIGITS}/history"),
        format!("/api/v1/children?q={ID_DIGITS}&phone={PHONE}"),
        format!("/children?q={ID_WITH_X}"),
    ] {
        c.get(format!("{base}{path}")).send().await.expect("request");
    }
    let res = c
        .post(format!("{base}/api/v1/tokens"))
        .json(&json!({"username": ID_DIGITS, "password": PHONE}))
        .send()
        .await
        .expect("token request");
    assert_eq!(res.status(), 401);
    child.start_kill().expect("stop");
    child.wait().await.expect("stopped");
    reader.await.expect("reader");
    let log = log.lock().expect("lock").clone();
    let text = String::from_utf8_lossy(&log);
    assert!(text.matches("/api/v1/children").count() >= 4, "the requests are in the log: {text}");
    log
}

fn assert_no_id_or_phone_number(log: &[u8]) {
    let text = String::from_utf8_lossy(log);
    for secret in [ID_DIGITS, ID_WITH_X, PHONE] {
        assert!(!text.contains(secret), "{secret} in the log:\n{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_that_is_not_a_terminal_has_no_colour_codes() {
    let log = serve_and_log(&[], &[]).await;
    assert!(!log.contains(&0x1b), "escape codes in:\n{}", String::from_utf8_lossy(&log));
    assert_no_id_or_phone_number(&log);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_are_one_object_a_line() {
    for (args, env) in [(&["--log-format", "json"][..], &[][..]), (&[][..], &[("SHOUHU_LOG_FORMAT", "json")][..])] {
        let log = serve_and_log(args, env).await;
        assert!(!log.contains(&0x1b));
        assert_no_id_or_phone_number(&log);
        let text = String::from_utf8(log).expect("UTF-8");
        let lines: Vec<Value> =
            text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))).collect();
        let requests: Vec<&Value> = lines.iter().filter(|l| l["fields"]["message"] == "request").collect();
        assert!(requests.len() >= 7, "every request is a line (the pages also redirect to /login): {text}");
        assert!(requests.iter().all(|r| r["fields"]["status"].is_u64() && r["span"]["id"].is_string()), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_log_format_stops_start_up_naming_the_flag() {
    let data = tempfile::tempdir().expect("data dir");
    for (args, env) in [(&["--log-format", "xml"][..], None), (&[][..], Some("xml"))] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_shouhu"));
        cmd.arg("--data-dir").arg(data.path()).args(args).args(["serve", "--bind", "127.0.0.1:0"]);
        if let Some(v) = env {
            cmd.env("SHOUHU_LOG_FORMAT", v);
        }
        let out = tokio::time::timeout(Duration::from_secs(30), cmd.kill_on_drop(true).output())
            .await
            .expect("stops at once")
            .expect("run");
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--log-format") && err.contains("xml"), "{err}");
        assert!(!data.path().join("shouhu.db").exists(), "nothing was started");
    }
}
