//! Files on disk are shouhu's account's alone (issue 21): the data folder 0700, the
//! databases, their WAL files and the settings document 0600, also those an older shouhu
//! left open to others.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())).permissions().mode() & 0o777
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_data_folder_and_its_files_are_readable_by_shouhu_alone() {
    let (out, dir) = crate::settings::start_with(None).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let d = dir.path();
    assert_eq!(mode(d), 0o700, "the data folder");
    let mut seen = 0;
    for entry in std::fs::read_dir(d).expect("folder").flatten() {
        assert_eq!(mode(&entry.path()), 0o600, "{}", entry.path().display());
        seen += 1;
    }
    assert!(seen >= 3, "the registry, the reports and the settings document");

    // Files an older shouhu made open to others are closed at the next start.
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    for name in ["shouhu.db", "shouhu-reports.db"] {
        std::fs::set_permissions(d.join(name), std::fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_shouhu"))
        .args(["--data-dir", &d.display().to_string(), "export", "--as", "root", "--out"])
        .arg(d.join("x.xlsx"))
        .env_remove("SHOUHU_SETTINGS")
        .env_remove("SHOUHU_DATABASE_URL")
        .output()
        .await
        .expect("run shouhu");
    let _ = out; // The administrator may not export; the store was opened all the same.
    assert_eq!(mode(d), 0o700);
    assert_eq!(mode(&d.join("shouhu.db")), 0o600);
    assert_eq!(mode(&d.join("shouhu-reports.db")), 0o600);
}
