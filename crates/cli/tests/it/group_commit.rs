//! The group-commit writer (audit entries, reports): a write that fails is undone and its
//! caller told its own error, whether it was alone in its transaction or among others whose
//! writes commit.

use crate::harness::*;
use shouhu_store::StoreError;
use shouhu_store::db::Conn;
use shouhu_store::group_commit::GroupCommit;

fn insert(c: &mut Conn<'_, '_>, keys: &[&str]) -> Result<(), StoreError> {
    for k in keys {
        c.exec("INSERT INTO gc_probe (k) VALUES ($1)", &[(*k).into()])?;
    }
    Ok(())
}

fn keys(c: &mut Conn<'_, '_>) -> Result<Vec<String>, StoreError> {
    c.query("SELECT k FROM gc_probe ORDER BY k", &[], |r| r.text(0))
}

#[tokio::test]
async fn a_failed_write_is_undone_alone_and_its_caller_hears_why() {
    let app = TestApp::new().await;
    let (alone, batched, left) = app
        .store(|s| {
            s.pool.write(|c| c.batch("CREATE TABLE gc_probe (k TEXT PRIMARY KEY)")).expect("table");
            let writer = GroupCommit::start(s.pool.clone(), "gc-probe", None).expect("writer");
            writer.run(|c| insert(c, &["a"])).expect("a");
            // Alone in its batch: "b" is written, then "a" again fails the job.
            let alone = writer.run(|c| insert(c, &["b", "a"]));

            // The first job holds the writer until the other three are queued, so the
            // failing one is taken with others, whatever the order the writer wakes in.
            let (go, wait) = std::sync::mpsc::channel::<()>();
            let first = writer.submit(move |c| {
                wait.recv().expect("go");
                insert(c, &["c"])
            });
            let d = writer.submit(|c| insert(c, &["d"]));
            let e = writer.submit(|c| insert(c, &["e", "a"]));
            let f = writer.submit(|c| insert(c, &["f"]));
            go.send(()).expect("go");
            let batched: Vec<Result<(), StoreError>> =
                [first, d, e, f].into_iter().map(|rx| rx.blocking_recv().expect("answered")).collect();
            let left = s.pool.read(keys).expect("keys");
            (alone, batched, left)
        })
        .await;
    assert!(matches!(alone, Err(StoreError::UniqueViolation)), "the lone job's own error: {alone:?}");
    assert!(batched[0].is_ok() && batched[1].is_ok() && batched[3].is_ok(), "the others commit: {batched:?}");
    assert!(matches!(batched[2], Err(StoreError::UniqueViolation)), "{:?}", batched[2]);
    assert_eq!(left, ["a", "c", "d", "f"], "neither failed job left a row");
}
