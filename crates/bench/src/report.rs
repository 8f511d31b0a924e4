//! The header every report starts with: command line, date, commit, machine.

use std::process::Command;
use std::sync::OnceLock;

static START_LOAD: OnceLock<String> = OnceLock::new();

/// Notes the machine's load average as the run starts (other work on a shared machine).
pub fn note_start() {
    if let Ok(l) = std::fs::read_to_string("/proc/loadavg") {
        let f: Vec<&str> = l.split_whitespace().take(3).collect();
        let _ = START_LOAD.set(f.join(" "));
    }
}

/// `git rev-parse --short HEAD` at run time (noting uncommitted changes), if git is there;
/// `SHOUHU_BENCH_COMMIT` overrides it.
pub fn git_commit() -> String {
    // Set when the binary was built outside a git work tree (e.g. from `git archive`).
    if let Ok(c) = std::env::var("SHOUHU_BENCH_COMMIT") {
        return c;
    }
    let out = Command::new("git").args(["rev-parse", "--short", "HEAD"]).output();
    let Ok(out) = out else {
        return "unknown".into();
    };
    if !out.status.success() {
        return "unknown".into();
    }
    let mut c = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let dirty = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .output()
        .map(|o| o.status.success() && !o.stdout.is_empty())
        .unwrap_or(false);
    if dirty {
        c.push_str(" (work tree has uncommitted changes)");
    }
    c
}

/// Logical CPUs and the CPU model, from the OS.
pub fn machine() -> String {
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map(|kb| format!(", {:.0} GiB memory", kb as f64 / 1024.0 / 1024.0))
        .unwrap_or_default();
    let load = START_LOAD.get().map(|l| format!("; load average (1/5/15 min) at start {l}")).unwrap_or_default();
    format!("nproc = {cpus} ({model}){mem}, shared{load}")
}

/// The command line as typed, for the report.
pub fn command_line() -> String {
    std::env::args()
        .map(|a| if a.contains(' ') || a.is_empty() { format!("'{a}'") } else { a })
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn header(title: &str) {
    println!("### {title}\n");
    println!("- command: `{}`", command_line());
    println!("- date: {}", chrono::Utc::now().format("%Y-%m-%d %H:%M:%S UTC"));
    println!("- git commit: {}", git_commit());
    println!("- machine: {}", machine());
    println!(
        "- build: {}",
        if cfg!(debug_assertions) { "debug (numbers are NOT representative; use --release)" } else { "release" }
    );
}
