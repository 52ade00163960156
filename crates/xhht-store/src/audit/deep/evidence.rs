//! The deep check of the evidence files' bytes (`evidence_blobs`, schema 9), which the trail
//! does not hold (it holds each file's SHA-256 and size, checked with `evidence_files`): every
//! row's base64 is decoded and hashed again, and must be the bytes of its hash, of the size the
//! files that name it say; a hash a file names must have its row; a row no file names was put
//! there behind the store's back. One row is read at a time.

use std::collections::BTreeMap;

use crate::db::{Conn, Ty, Val};
use crate::error::Result;
use crate::evidence::blobs;

use super::{DeepReport, DifferenceKind, TableCheck, shown};

/// Hashes every row of `evidence_blobs` again and compares it with the files that name it.
pub(super) async fn blobs<C: Conn>(c: &mut C, report: &mut DeepReport) -> Result<()> {
    const T: &str = blobs::TABLE;
    report.tables.push(TableCheck { table: T.to_owned(), expected_rows: 0, actual_rows: 0, differences: 0 });
    // The bytes the files name: each hash with the size they give it.
    let sql = "SELECT sha256, size FROM evidence_files ORDER BY sha256".to_owned();
    let mut named: BTreeMap<String, (i64, bool)> = BTreeMap::new();
    for r in c.fetch(sql, vec![], vec![Ty::Text, Ty::Int]).await? {
        let mut it = r.into_iter();
        let (Some(sha), size) = (it.next().and_then(Val::into_string), it.next().and_then(|v| v.as_int())) else {
            continue;
        };
        named.insert(sha, (size.unwrap_or(-1), false));
    }
    let keys = blobs::keys(c).await?;
    let actual = keys.len() as u64;
    for sha in keys {
        let Some((size, content)) = blobs::read(c, &sha).await? else { continue };
        let column = |column: &str, expected: String, actual: String| DifferenceKind::Column {
            column: column.to_owned(),
            expected: shown(&Some(expected)),
            actual: shown(&Some(actual)),
        };
        match blobs::decode(&content) {
            None => report.add(T, sha.clone(), column("content", "base64".into(), "not base64".into())),
            Some(bytes) => {
                let hash = crate::EvidenceFile::digest(&bytes);
                if hash != sha {
                    report.add(T, sha.clone(), column("content", format!("sha256 {sha}"), format!("sha256 {hash}")));
                }
                if i64::try_from(bytes.len()).ok() != Some(size) {
                    report.add(T, sha.clone(), column("size", bytes.len().to_string(), size.to_string()));
                }
            }
        }
        match named.get_mut(&sha) {
            None => report.add(T, sha, DifferenceKind::Extra),
            Some((want, seen)) => {
                *seen = true;
                if *want != size {
                    let kind = column("size", want.to_string(), size.to_string());
                    report.add(T, sha, kind);
                }
            }
        }
    }
    let expected = named.len() as u64;
    for (sha, _) in named.into_iter().filter(|(_, (_, seen))| !seen) {
        report.add(T, sha, DifferenceKind::Missing);
    }
    if let Some(t) = report.tables.last_mut() {
        t.expected_rows = expected;
        t.actual_rows = actual;
    }
    Ok(())
}
