//! The audit key: a secret kept outside the database that keys the audit chain (HMAC-SHA256,
//! RFC 2104), so that a person who can write the database but not read the key cannot forge an
//! entry or recompute the chain after editing one.
//!
//! The key is read from a file ([`AuditKey::from_file`]); a deployment names it with the
//! environment variable `XHHT_AUDIT_KEY_FILE` ([`AuditKey::from_env`], read by
//! [`crate::Store::open`]). The file holds at least [`AuditKey::MIN_BYTES`] bytes; leading and
//! trailing white space is not part of the key (`openssl rand -hex 32 > audit.key` makes a good
//! one). HMAC is written here over the SHA-256 of `xhht-core` (no other dependency): 15 lines,
//! checked against the test vectors of RFC 4231.

use std::fmt;
use std::path::Path;

use xhht_core::rulebook::sha256_hex;

use crate::error::{Error, Result};

/// The environment variable naming the key file.
pub const AUDIT_KEY_ENV: &str = "XHHT_AUDIT_KEY_FILE";

/// SHA-256's block size in bytes.
const BLOCK: usize = 64;

/// An audit key: HMAC-SHA256 keys, ready to use. Its `Debug` shows its id, never the key.
#[derive(Clone, PartialEq, Eq)]
pub struct AuditKey {
    /// The key block XOR 0x36.
    ipad: [u8; BLOCK],
    /// The key block XOR 0x5c.
    opad: [u8; BLOCK],
    /// A short public fingerprint ([`AuditKey::id`]).
    id: String,
}

impl fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditKey").field("id", &self.id).finish_non_exhaustive()
    }
}

/// SHA-256 of `bytes` as 32 bytes.
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    let hex = sha256_hex(bytes);
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(hex.as_bytes().chunks(2)) {
        let digit = |b: u8| char::from(b).to_digit(16).unwrap_or(0) as u8;
        *o = (digit(pair[0]) << 4) | digit(pair.get(1).copied().unwrap_or(b'0'));
    }
    out
}

impl AuditKey {
    /// The fewest bytes a key may have (256 bits).
    pub const MIN_BYTES: usize = 32;

    /// A key from its secret bytes; `None` when shorter than [`AuditKey::MIN_BYTES`].
    pub fn new(secret: &[u8]) -> Option<AuditKey> {
        (secret.len() >= Self::MIN_BYTES).then(|| Self::any_length(secret))
    }

    /// HMAC's key set-up, for any length (the tests use RFC 4231's short keys).
    fn any_length(secret: &[u8]) -> AuditKey {
        let mut block = [0u8; BLOCK];
        if secret.len() > BLOCK {
            block[..32].copy_from_slice(&sha256(secret));
        } else {
            block[..secret.len()].copy_from_slice(secret);
        }
        let mut key = AuditKey { ipad: block.map(|b| b ^ 0x36), opad: block.map(|b| b ^ 0x5c), id: String::new() };
        let mut msg = key.inner_start();
        msg.extend_from_slice(b"xhht-audit-key-id\n");
        key.id = key.finish(&msg)[..16].to_owned();
        key
    }

    /// Reads the key from a file: its bytes, white space at either end left out.
    pub fn from_file(path: &Path) -> Result<AuditKey> {
        let bytes = std::fs::read(path).map_err(Error::io(path))?;
        let secret = bytes.trim_ascii();
        Self::new(secret).ok_or_else(|| Error::Io {
            path: path.display().to_string(),
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "the audit key file holds {} bytes; a key needs at least {} (make one with \
                     `openssl rand -hex 32 > FILE`)",
                    secret.len(),
                    Self::MIN_BYTES
                ),
            ),
        })
    }

    /// The key of the file `XHHT_AUDIT_KEY_FILE` names, if it names one.
    pub fn from_env() -> Result<Option<AuditKey>> {
        match std::env::var_os(AUDIT_KEY_ENV) {
            Some(path) if !path.is_empty() => Self::from_file(Path::new(&path)).map(Some),
            _ => Ok(None),
        }
    }

    /// A public fingerprint of the key (16 hex digits of an HMAC of a fixed text), to tell
    /// keys apart in messages without showing them.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The start of HMAC's inner message (the key block XOR ipad); append the message to it
    /// and hand it to [`AuditKey::finish`].
    pub(crate) fn inner_start(&self) -> Vec<u8> {
        self.ipad.to_vec()
    }

    /// HMAC-SHA256 in lower-case hex, given the inner message (from [`AuditKey::inner_start`]).
    pub(crate) fn finish(&self, inner: &[u8]) -> String {
        let mut outer = Vec::with_capacity(BLOCK + 32);
        outer.extend_from_slice(&self.opad);
        outer.extend_from_slice(&sha256(inner));
        sha256_hex(&outer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hmac(key: &[u8], data: &[u8]) -> String {
        let k = AuditKey::any_length(key);
        let mut m = k.inner_start();
        m.extend_from_slice(data);
        k.finish(&m)
    }

    #[test]
    fn hmac_sha256_meets_rfc_4231() {
        // Test case 2: a short key.
        assert_eq!(
            hmac(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than a block is hashed first.
        assert_eq!(
            hmac(&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
        // Test case 4: a 25-byte key.
        let key: Vec<u8> = (1..=25).collect();
        assert_eq!(hmac(&key, &[0xcd; 50]), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    }

    #[test]
    fn a_key_is_long_enough_and_never_shown() {
        assert!(AuditKey::new(b"short").is_none());
        let k = AuditKey::new(&[7u8; 32]).unwrap();
        assert_eq!(k.id().len(), 16);
        let shown = format!("{k:?}");
        assert!(shown.contains(k.id()) && !shown.contains("ipad"), "{shown}");
        assert_ne!(k.id(), AuditKey::any_length(&[8u8; 32]).id());
    }
}
