//! The bytes of the evidence files (table `evidence_blobs`, schema 9): base64 text keyed by
//! the SHA-256 of the bytes, one row per distinct file, not audited (the audited
//! `evidence_files` rows hold the hash). Also how a backup, a restore and the deep check move
//! and read them: one row at a time, by key, since a row may hold megabytes and a driver may
//! buffer many rows of a streamed query.

use std::io::{BufRead, BufWriter, Write};
use std::path::Path;

use crate::db::{Conn, Ty, Val};
use crate::error::{Error, Result};

/// The table.
pub(crate) const TABLE: &str = "evidence_blobs";
/// The file of a dump that holds the table (one JSON array per line: hash, size, base64).
pub(crate) const DUMP_FILE: &str = "evidence_blobs.jsonl";

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `bytes` in base64 (RFC 4648, the standard alphabet, padded).
pub(crate) fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4u32 {
            if i as usize <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn sextet(c: u8) -> Option<u32> {
    Some(u32::from(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    }))
}

/// The bytes of base64 `text`; `None` when it is not base64 as [`encode`] writes it.
pub(crate) fn decode(text: &str) -> Option<Vec<u8>> {
    let s = text.as_bytes();
    if !s.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let quads = s.len() / 4;
    for (n, quad) in s.chunks(4).enumerate() {
        let pad = quad.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && n + 1 != quads) {
            return None;
        }
        let mut v = 0u32;
        for &c in &quad[..4 - pad] {
            v = (v << 6) | sextet(c)?;
        }
        v <<= 6 * pad as u32;
        let bytes = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

/// Keeps `bytes` under their hash `sha256` (the bytes already there under it are replaced:
/// under a hash are the bytes of that hash).
pub(crate) async fn put<C: Conn>(c: &mut C, sha256: &str, bytes: &[u8]) -> Result<()> {
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    let sql = format!(
        "INSERT INTO {TABLE} (sha256, size, content) VALUES ($1, $2, $3) \
         ON CONFLICT (sha256) DO UPDATE SET size = excluded.size, content = excluded.content"
    );
    c.exec(sql, vec![Val::text(sha256), Val::int(size), Val::text(encode(bytes))]).await?;
    Ok(())
}

/// The size and base64 text kept under `sha256`, if any.
pub(crate) async fn read<C: Conn>(c: &mut C, sha256: &str) -> Result<Option<(i64, String)>> {
    let sql = format!("SELECT size, content FROM {TABLE} WHERE sha256 = $1");
    let row = c.fetch(sql, vec![Val::text(sha256)], vec![Ty::Int, Ty::Text]).await?.into_iter().next();
    Ok(row.and_then(|r| {
        let mut it = r.into_iter();
        let size = it.next().and_then(|v| v.as_int())?;
        Some((size, it.next().and_then(Val::into_string)?))
    }))
}

/// Removes the bytes under `sha256` unless an evidence file still names them.
pub(crate) async fn drop_unused<C: Conn>(c: &mut C, sha256: &str) -> Result<()> {
    let sql = format!(
        "DELETE FROM {TABLE} WHERE sha256 = $1 AND NOT EXISTS (SELECT 1 FROM evidence_files WHERE sha256 = $1)"
    );
    c.exec(sql, vec![Val::text(sha256)]).await?;
    Ok(())
}

/// Every hash kept, in order (64 hex digits each: small, whatever the bytes).
pub(crate) async fn keys<C: Conn>(c: &mut C) -> Result<Vec<String>> {
    let sql = format!("SELECT sha256 FROM {TABLE} ORDER BY sha256");
    let rows = c.fetch(sql, vec![], vec![Ty::Text]).await?;
    Ok(rows.into_iter().filter_map(|r| r.into_iter().next().and_then(Val::into_string)).collect())
}

fn backup_err(path: &Path, message: impl Into<String>) -> Error {
    Error::Backup { path: path.display().to_string(), message: message.into() }
}

/// The manifest entry of a dump's [`DUMP_FILE`] holding `rows` rows.
pub(crate) fn manifest_entry(rows: u64) -> serde_json::Value {
    serde_json::json!({
        "name": TABLE,
        "columns": [
            {"name": "sha256", "type": "text"},
            {"name": "size", "type": "int"},
            {"name": "content", "type": "text"},
        ],
        "rows": rows,
        "file": DUMP_FILE,
    })
}

/// Writes every row to `path` (one JSON array per line: hash, size, base64), a row at a time.
/// Returns the rows written.
pub(crate) async fn dump<C: Conn>(c: &mut C, path: &Path) -> Result<u64> {
    let mut out = BufWriter::new(std::fs::File::create(path).map_err(Error::io(path))?);
    let mut n = 0u64;
    for sha in keys(c).await? {
        let Some((size, content)) = read(c, &sha).await? else { continue };
        let line = serde_json::json!([sha, size, content]);
        writeln!(out, "{line}").map_err(Error::io(path))?;
        n += 1;
    }
    out.flush().map_err(Error::io(path))?;
    Ok(n)
}

async fn insert<C: Conn>(c: &mut C, sha256: String, size: i64, content: String) -> Result<()> {
    let sql = format!("INSERT INTO {TABLE} (sha256, size, content) VALUES ($1, $2, $3)");
    c.exec(sql, vec![Val::Text(Some(sha256)), Val::int(size), Val::Text(Some(content))]).await?;
    Ok(())
}

/// Inserts the rows of a dump's [`DUMP_FILE`] at `path`, a line at a time, as they are.
pub(crate) async fn load_dump<C: Conn>(c: &mut C, path: &Path) -> Result<u64> {
    let f = std::fs::File::open(path).map_err(Error::io(path))?;
    let mut n = 0u64;
    for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
        let line = line.map_err(Error::io(path))?;
        if line.trim().is_empty() {
            continue;
        }
        let bad = || backup_err(path, format!("line {}: not [sha256, size, content]", i + 1));
        let v: (String, i64, String) = serde_json::from_str(&line).map_err(|_| bad())?;
        insert(c, v.0, v.1, v.2).await?;
        n += 1;
    }
    Ok(n)
}

/// Copies every row of `src` (a SQLite backup file; one of a schema before 9 has none) into
/// `dst`, a row at a time, as they are.
pub(crate) async fn copy<S: Conn, C: Conn>(src: &mut S, dst: &mut C) -> Result<u64> {
    let exists = src
        .fetch(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = $1".to_owned(),
            vec![Val::text(TABLE)],
            vec![Ty::Text],
        )
        .await?;
    if exists.is_empty() {
        return Ok(0);
    }
    let mut n = 0u64;
    for sha in keys(src).await? {
        if let Some((size, content)) = read(src, &sha).await? {
            insert(dst, sha, size, content).await?;
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_and_refuses_what_it_does_not_write() {
        for (bytes, text) in
            [(&b""[..], ""), (b"f", "Zg=="), (b"fo", "Zm8="), (b"foo", "Zm9v"), (b"foobar", "Zm9vYmFy")]
        {
            assert_eq!(encode(bytes), text);
            assert_eq!(decode(text).as_deref(), Some(bytes));
        }
        let all: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        assert_eq!(decode(&encode(&all)), Some(all));
        for bad in ["Zg=", "Z===", "Zg==Zg==", "Zm9v!", "Zm=v"] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }
}
