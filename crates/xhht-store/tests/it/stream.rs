//! Big files imported a block at a time: references between rows of different blocks, and
//! skipping bad rows without reading the whole file first (the rejected rows, their messages
//! and what is written are those of the same file imported whole).

use std::path::Path;

use xhht_store::{ImportKind, ImportOptions};

use crate::support::*;

fn opts() -> ImportOptions {
    ImportOptions::new("chuyen-vien")
}

/// An organisations file of `n` rows (synthetic): the first `top` have no parent, each later
/// one has row `parent_of(i)` as its parent.
fn orgs_file(path: &Path, n: usize, top: usize, parent_of: impl Fn(usize) -> String) {
    let mut s = String::from("code,name,kind,school_level,ownership,level,area,parent\n");
    for i in 0..n {
        let parent = if i < top { String::new() } else { parent_of(i) };
        s.push_str(&format!("O{i:06},Đơn vị thử {i} (tổng hợp),agency,,public,district,27700,{parent}\n"));
    }
    std::fs::write(path, s).unwrap();
}

/// Rows of a later block may name as parent a row of a block already written, even when the
/// first block names no parent at all (the streamed import then had not kept its keys).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_later_block_may_refer_to_rows_of_a_block_already_written() {
    each_backend("stream_refs", async |db| {
        let store = db.open().await;
        store.put_areas("t", &areas()).await.unwrap();
        let file = db.dir.join("orgs-20k.csv");
        orgs_file(&file, 20_000, 16_500, |i| format!("O{:06}", i % 100));
        let r = store.import(ImportKind::Organisations, &file, &opts()).await.unwrap();
        assert_eq!((r.imported, r.written.added), (20_000, 20_000));
        store.close().await;
    })
    .await;
}
