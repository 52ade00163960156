//! Verifying the chain: every entry's number, link and hash in order (keyed entries with the
//! key), the head compared with one published elsewhere, and on request the deep check
//! ([`super::deep`]).

use std::fmt;

use crate::db::{Conn, Ty, Val};
use crate::error::Result;
use crate::schema::AUDIT_LOG;

use super::deep::{self, DeepReport};
use super::{AuditEntry, AuditKey, GENESIS, KEYED_PREFIX};

/// A link of the chain that does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The number of the first entry that does not verify.
    pub seq: i64,
    /// What the entry should carry: the hash recomputed from its fields (for a bad hash), the
    /// previous entry's hash (for a bad link), the next number (for a gap), or `hmac:…` (for
    /// an unkeyed entry after keyed ones).
    pub expected: String,
    /// What it carries.
    pub actual: String,
    /// Which check failed, in English: `seq` (numbers not consecutive), `prev_hash` (the link
    /// to the entry before), `hash` (the entry's own hash: altered, or keyed with another key)
    /// or `unkeyed` (an unkeyed entry after a keyed one: forged or recomputed without the key).
    pub check: &'static str,
}

/// The head of a chain: its last entry's number and hash (0 and [`GENESIS`] for an empty
/// trail). Written `SEQ:HASH`; publish it elsewhere (a signed report, a message to the
/// province) to detect later that entries were removed from the end or the chain rewritten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditHead {
    /// The entry's number.
    pub seq: i64,
    /// Its hash as stored.
    pub hash: String,
}

impl fmt::Display for AuditHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

/// A head published before, to compare the chain with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedHead {
    /// The entry's number, when it was published with it.
    pub seq: Option<i64>,
    /// The entry's hash (64 lower-case hex digits, or `hmac:` and 64).
    pub hash: String,
    /// False: the entry must be the chain's head (nothing appended since it was published);
    /// true: a checkpoint, entries may follow it.
    pub later_entries_allowed: bool,
}

impl ExpectedHead {
    /// Reads `SEQ:HASH` or `HASH` (as [`AuditHead`] prints it); the entry must be the head.
    /// `None` when the text is neither.
    pub fn parse(text: &str) -> Option<ExpectedHead> {
        let text = text.trim();
        let (seq, hash) = match text.split_once(':') {
            Some((n, rest)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
                (Some(n.parse::<i64>().ok()?), rest)
            }
            _ => (None, text),
        };
        let hash = hash.to_ascii_lowercase();
        let digits = hash.strip_prefix(KEYED_PREFIX).unwrap_or(&hash);
        (digits.len() == 64 && digits.bytes().all(|b| b.is_ascii_hexdigit())).then_some(ExpectedHead {
            seq,
            hash,
            later_entries_allowed: false,
        })
    }
}

/// What became of an [`ExpectedHead`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeadCheck {
    /// The entry is in the chain with the hash published; `after` entries follow it (0: it is
    /// the head).
    Found {
        /// Its number.
        seq: i64,
        /// How many entries follow it.
        after: i64,
    },
    /// The entry numbered `seq` carries another hash: the chain was rewritten.
    Differs {
        /// Its number.
        seq: i64,
        /// The hash it carries.
        actual: String,
    },
    /// No such entry: the chain ends at `last`, before it (entries removed from the end), or
    /// no entry carries the hash.
    Missing {
        /// The number of the chain's last entry (0: empty).
        last: i64,
    },
}

/// What [`crate::Store::audit_check`] checks besides the chain itself.
#[derive(Debug, Clone, Default)]
pub struct AuditCheck {
    key: Option<AuditKey>,
    expect: Option<ExpectedHead>,
    deep: bool,
}

impl AuditCheck {
    /// The chain only, keyed entries with the store's own key.
    pub fn new() -> AuditCheck {
        AuditCheck::default()
    }

    /// Verifies keyed entries with `key` rather than the store's.
    pub fn key(mut self, key: AuditKey) -> AuditCheck {
        self.key = Some(key);
        self
    }

    /// Compares the chain with a head published before.
    pub fn expect(mut self, head: ExpectedHead) -> AuditCheck {
        self.expect = Some(head);
        self
    }

    /// Also replays the trail into the audited tables and compares them ([`DeepReport`]).
    pub fn deep(mut self, deep: bool) -> AuditCheck {
        self.deep = deep;
        self
    }

    /// The key set with [`AuditCheck::key`], if any.
    pub(crate) fn key_given(&self) -> Option<&AuditKey> {
        self.key.as_ref()
    }
}

/// The outcome of checking the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    /// How many entries were checked (up to and including a broken one).
    pub entries: u64,
    /// The hash of the last entry that verified (the genesis value for an empty log).
    pub last_hash: String,
    /// The first link that does not hold, if any.
    pub broken: Option<BrokenLink>,
    /// The chain's head: its last entry as stored, whether or not the chain verifies.
    pub head: AuditHead,
    /// Entries checked that carry a keyed hash.
    pub keyed: u64,
    /// Entries checked that carry an unkeyed hash (written without a key, e.g. before the
    /// deployment had one).
    pub unkeyed: u64,
    /// Keyed entries whose hash could not be checked: no key was given (their numbers and
    /// links were).
    pub unchecked: u64,
    /// The id ([`AuditKey::id`]) of the key keyed entries were checked with.
    pub key_id: Option<String>,
    /// The head compared with, if one was given, and what became of it.
    pub expected: Option<(ExpectedHead, HeadCheck)>,
    /// The deep check, if asked for.
    pub deep: Option<DeepReport>,
}

impl AuditReport {
    /// True when nothing wrong was found: every entry checked verified, the expected head (if
    /// given) is there as published, and the deep check (if run) found no difference. Keyed
    /// entries not checked for want of the key do not count against it; see
    /// [`AuditReport::is_verified`].
    pub fn is_ok(&self) -> bool {
        self.broken.is_none() && self.head_ok() && self.deep.as_ref().is_none_or(DeepReport::is_clean)
    }

    /// True when [`AuditReport::is_ok`] and every keyed entry's hash was checked.
    pub fn is_verified(&self) -> bool {
        self.is_ok() && self.unchecked == 0
    }

    /// True when no head was expected, or it is there as published (and is the head, unless
    /// later entries are allowed).
    pub fn head_ok(&self) -> bool {
        match &self.expected {
            None => true,
            Some((e, HeadCheck::Found { after, .. })) => *after == 0 || e.later_entries_allowed,
            Some(_) => false,
        }
    }
}

/// Walks the chain in order, a page at a time, and does what `check` asks; keyed entries are
/// checked with `key` (the check's, or the store's).
pub(crate) async fn check<C: Conn>(c: &mut C, key: Option<&AuditKey>, check: &AuditCheck) -> Result<AuditReport> {
    let mut report = walk(c, key).await?;
    report.head = head(c).await?;
    if let Some(e) = &check.expect {
        let found = compare_head(c, e, report.head.seq).await?;
        report.expected = Some((e.clone(), found));
    }
    if check.deep {
        report.deep = Some(deep::run(c).await?);
    }
    Ok(report)
}

/// The deep check alone.
pub(crate) async fn deep_only<C: Conn>(c: &mut C) -> Result<DeepReport> {
    deep::run(c).await
}

async fn walk<C: Conn>(c: &mut C, key: Option<&AuditKey>) -> Result<AuditReport> {
    let mut r = AuditReport {
        entries: 0,
        last_hash: GENESIS.to_owned(),
        broken: None,
        head: AuditHead { seq: 0, hash: GENESIS.to_owned() },
        keyed: 0,
        unkeyed: 0,
        unchecked: 0,
        key_id: key.map(|k| k.id().to_owned()),
        expected: None,
        deep: None,
    };
    // One entry in memory at a time (an insert entry may hold a thousand rows); after a break
    // the rest is read and let go.
    let sql = format!("SELECT {} FROM audit_log ORDER BY seq", AUDIT_LOG.col_list());
    c.scan(sql, vec![], AUDIT_LOG.types(), &mut |row| {
        if r.broken.is_some() {
            return;
        }
        let e = AuditEntry::from_vals(row);
        r.entries += 1;
        let seq = i64::try_from(r.entries).unwrap_or(i64::MAX);
        if let Some(b) = check_entry(&e, seq, &r.last_hash, r.keyed > 0, key) {
            r.broken = Some(b);
            return;
        }
        match (e.is_keyed(), key) {
            (true, Some(_)) => r.keyed += 1,
            (true, None) => {
                r.keyed += 1;
                r.unchecked += 1;
            }
            (false, _) => r.unkeyed += 1,
        }
        r.last_hash = e.hash;
    })
    .await?;
    Ok(r)
}

/// The first check `e` fails, if any: its number, its link to `prev`, its scheme (no unkeyed
/// entry after a keyed one) and its hash (a keyed one only with the key).
fn check_entry(e: &AuditEntry, seq: i64, prev: &str, keyed_before: bool, key: Option<&AuditKey>) -> Option<BrokenLink> {
    let broken =
        |expected: String, actual: &str, check| BrokenLink { seq: e.seq, expected, actual: actual.to_owned(), check };
    if e.seq != seq {
        return Some(broken(seq.to_string(), &e.seq.to_string(), "seq"));
    }
    if e.prev_hash != prev {
        return Some(broken(prev.to_owned(), &e.prev_hash, "prev_hash"));
    }
    if !e.is_keyed() {
        if keyed_before {
            return Some(broken(format!("{KEYED_PREFIX}…"), &e.hash, "unkeyed"));
        }
        let h = e.compute_hash();
        return (h != e.hash).then(|| broken(h, &e.hash, "hash"));
    }
    let Some(key) = key else {
        // Without the key only the form of a keyed hash can be checked.
        let digits = &e.hash[KEYED_PREFIX.len()..];
        let well_formed = digits.len() == 64 && digits.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        return (!well_formed).then(|| broken(format!("{KEYED_PREFIX}<64 hex digits>"), &e.hash, "hash"));
    };
    let h = e.compute_keyed_hash(key);
    (h != e.hash).then(|| broken(h, &e.hash, "hash"))
}

/// The chain's last entry as stored.
async fn head<C: Conn>(c: &mut C) -> Result<AuditHead> {
    let rows = c
        .fetch("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1".to_owned(), vec![], vec![Ty::Int, Ty::Text])
        .await?;
    Ok(match rows.first() {
        Some(r) => AuditHead {
            seq: r.first().and_then(Val::as_int).unwrap_or(0),
            hash: r.get(1).and_then(Val::as_str).unwrap_or_default().to_owned(),
        },
        None => AuditHead { seq: 0, hash: GENESIS.to_owned() },
    })
}

/// Looks the expected entry up (by number when given, else by hash).
async fn compare_head<C: Conn>(c: &mut C, e: &ExpectedHead, last: i64) -> Result<HeadCheck> {
    let (sql, arg) = match e.seq {
        Some(seq) => ("SELECT seq, hash FROM audit_log WHERE seq = $1", Val::int(seq)),
        None => ("SELECT seq, hash FROM audit_log WHERE hash = $1 ORDER BY seq LIMIT 1", Val::text(&e.hash)),
    };
    let rows = c.fetch(sql.to_owned(), vec![arg], vec![Ty::Int, Ty::Text]).await?;
    Ok(match rows.first() {
        None if e.seq == Some(0) && e.hash == GENESIS && last == 0 => HeadCheck::Found { seq: 0, after: 0 },
        None if e.seq == Some(0) && e.hash == GENESIS => HeadCheck::Found { seq: 0, after: last },
        None => HeadCheck::Missing { last },
        Some(r) => {
            let seq = r.first().and_then(Val::as_int).unwrap_or(0);
            let hash = r.get(1).and_then(Val::as_str).unwrap_or_default();
            if hash == e.hash {
                HeadCheck::Found { seq, after: last - seq }
            } else {
                HeadCheck::Differs { seq, actual: hash.to_owned() }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_published_head_is_read_with_or_without_its_number() {
        let h = "a".repeat(64);
        assert_eq!(
            ExpectedHead::parse(&format!("12:{h}")),
            Some(ExpectedHead { seq: Some(12), hash: h.clone(), later_entries_allowed: false })
        );
        let keyed = format!("hmac:{}", "B".repeat(64));
        let e = ExpectedHead::parse(&format!(" 7:{keyed}\n")).unwrap();
        assert_eq!((e.seq, e.hash), (Some(7), keyed.to_ascii_lowercase()));
        assert_eq!(ExpectedHead::parse(&keyed).unwrap().seq, None);
        for bad in ["", "12:", "12:abc", "x:", "hmac:zz", &format!("-1:{h}"), &format!("{h}0")] {
            assert_eq!(ExpectedHead::parse(bad), None, "{bad}");
        }
        assert_eq!(AuditHead { seq: 3, hash: h.clone() }.to_string(), format!("3:{h}"));
    }
}
