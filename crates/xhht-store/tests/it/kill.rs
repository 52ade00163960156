//! A process killed (SIGKILL) in the middle of an import leaves the database as it was: the
//! import runs in a child process that reports when it is writing inside its transaction; the
//! test kills it there, then finds none of the import's rows, an intact database and an audit
//! chain that verifies — and the same import then succeeds.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use xhht_store::{Backend, ImportKind, ImportOptions};

use crate::support::*;

/// A people file of `n` synthetic rows.
fn people_file(path: &std::path::Path, n: usize) {
    let mut s = String::from("id,full_name,birth_year,category\n");
    for i in 0..n {
        s.push_str(&format!("K{i:06},Người Thử {i},{},giao-vien\n", 1960 + i % 40));
    }
    std::fs::write(path, s).unwrap();
}

async fn integrity_ok(db: &TestDb) {
    if db.backend == Backend::Sqlite {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.target)).await.unwrap();
        let (r,): (String,) = sqlx::query_as("PRAGMA integrity_check").fetch_one(&mut c).await.unwrap();
        assert_eq!(r, "ok");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_import_leaves_the_database_as_it_was() {
    each_backend("kill", async |db| {
        let store = db.open().await;
        store.put_areas("t", &areas()).await.unwrap();
        store.put_people("t", &[teacher("p1")]).await.unwrap();
        let counts = store.counts().await.unwrap();
        let chain = store.audit_verify().await.unwrap();
        store.close().await;

        let file = db.dir.join("people-big.csv");
        people_file(&file, 20_000);
        let mut child = Command::new(env!("CARGO_BIN_EXE_xhht-store-import-probe"))
            .args([db.target.as_str(), "people", file.to_str().unwrap(), "150"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut writing = 0;
        for line in lines.by_ref() {
            let line = line.unwrap();
            assert_ne!(line, "committed", "the import finished before it was killed");
            if line.starts_with("writing people") {
                writing += 1;
                if writing == 3 {
                    break;
                }
            }
        }
        assert_eq!(writing, 3, "the probe never reported writing");
        // Inside the transaction (a streamed first load: checked blocks being written), with
        // 3,000 rows written: kill it (SIGKILL on Unix).
        child.kill().unwrap();
        let status = child.wait().unwrap();
        assert!(!status.success());

        integrity_ok(&db).await;
        let store = db.open().await;
        assert_eq!(store.counts().await.unwrap(), counts, "nothing of the import is there");
        assert!(store.person("K000000").await.unwrap().is_none());
        assert_eq!(store.audit_verify().await.unwrap(), chain);

        // The database works: the same import now goes through.
        let r = store.import(ImportKind::People, &file, &ImportOptions::new("t")).await.unwrap();
        assert_eq!(r.written.added, 20_000);
        assert!(store.audit_verify().await.unwrap().is_ok());
        store.close().await;
        integrity_ok(&db).await;
    })
    .await;
}
