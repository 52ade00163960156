//! The keys a streamed import has seen so far, to find a key given twice in the file.
//!
//! Files exported from another system are usually in key order. While a table's keys come in
//! strictly increasing order no key can repeat, so each is only compared with the one before
//! and appended to a sorted list (one byte buffer); nothing is hashed. From the first key out of
//! order on, a key is looked up in that sorted list (binary search) and in a map of the keys
//! after it (128-bit fingerprints), so an unsorted file costs what it did before: a hash-map
//! entry per key.

use std::collections::HashMap;

use crate::db::{FastHash, Val};

/// The keys seen so far, table by table.
#[derive(Debug, Default)]
pub(super) struct Seen {
    tables: Vec<(&'static str, Keys)>,
}

impl Seen {
    /// Records `key` of a row of `table` on `line`; the line it was already on, if it was.
    pub(super) fn insert(&mut self, table: &'static str, key: &[Val], line: u64) -> Option<u64> {
        let n = match self.tables.iter().position(|(t, _)| *t == table) {
            Some(n) => n,
            None => {
                self.tables.push((table, Keys::default()));
                self.tables.len() - 1
            }
        };
        self.tables.get_mut(n).and_then(|(_, keys)| keys.insert(table, key, line))
    }
}

/// The keys of one table.
#[derive(Debug, Default)]
struct Keys {
    /// The keys of the sorted run, encoded ([`encode`]) one after another.
    bytes: Vec<u8>,
    /// Where each key of the run ends in `bytes`.
    ends: Vec<usize>,
    /// The line of each key of the run.
    lines: Vec<u64>,
    /// Whether a key came out of order (the run stopped there).
    unsorted: bool,
    /// The keys after the run, by fingerprint.
    after: HashMap<u128, u64, FastHash>,
    scratch: Vec<u8>,
}

impl Keys {
    fn key(&self, n: usize) -> &[u8] {
        let start = n.checked_sub(1).and_then(|p| self.ends.get(p)).copied().unwrap_or(0);
        let end = self.ends.get(n).copied().unwrap_or(start);
        self.bytes.get(start..end).unwrap_or_default()
    }

    fn insert(&mut self, table: &str, key: &[Val], line: u64) -> Option<u64> {
        let mut k = std::mem::take(&mut self.scratch);
        encode(key, &mut k);
        let found = self.place(&k, table, key, line);
        self.scratch = k;
        found
    }

    fn place(&mut self, k: &[u8], table: &str, key: &[Val], line: u64) -> Option<u64> {
        if !self.unsorted {
            let last = self.ends.len().checked_sub(1).map(|n| self.key(n));
            if last.is_none_or(|last| last < k) {
                self.bytes.extend_from_slice(k);
                self.ends.push(self.bytes.len());
                self.lines.push(line);
                return None;
            }
            self.unsorted = true;
        }
        let (mut lo, mut hi) = (0usize, self.ends.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.key(mid).cmp(k) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return self.lines.get(mid).copied(),
            }
        }
        match self.after.entry(super::fingerprint(table, key)) {
            std::collections::hash_map::Entry::Occupied(l) => Some(*l.get()),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(line);
                None
            }
        }
    }
}

/// A key as bytes whose order is a total order and whose equality is the key's: each value a
/// tag and its bytes, text ended by a NUL byte (a streamed import's cells have none).
fn encode(key: &[Val], out: &mut Vec<u8>) {
    out.clear();
    for v in key {
        match v {
            Val::Text(Some(s)) => {
                out.push(b'T');
                out.extend_from_slice(s.as_bytes());
                out.push(0);
            }
            Val::Int(Some(i)) => {
                out.push(b'I');
                out.extend_from_slice(&(i ^ i64::MIN).to_be_bytes());
            }
            Val::Date(Some(d)) => {
                out.push(b'D');
                out.extend_from_slice(crate::db::iso_date(*d).as_bytes());
                out.push(0);
            }
            Val::Text(None) | Val::Int(None) | Val::Date(None) => out.push(b'N'),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Vec<Val> {
        vec![Val::text(s)]
    }

    #[test]
    fn a_sorted_run_then_keys_out_of_order_find_every_repeat() {
        let mut seen = Seen::default();
        assert_eq!(seen.insert("people", &t("P1"), 2), None);
        assert_eq!(seen.insert("people", &t("P2"), 3), None);
        assert_eq!(seen.insert("people", &t("P3"), 4), None);
        // Out of order: found in the sorted run.
        assert_eq!(seen.insert("people", &t("P2"), 5), Some(3));
        // Out of order and new, then repeated after the run.
        assert_eq!(seen.insert("people", &t("P0"), 6), None);
        assert_eq!(seen.insert("people", &t("P0"), 7), Some(6));
        assert_eq!(seen.insert("people", &t("P3"), 8), Some(4));
        assert_eq!(seen.insert("people", &t("P9"), 9), None);
        assert_eq!(seen.insert("people", &t("P9"), 10), Some(9));
        // Another table keeps its own keys.
        assert_eq!(seen.insert("areas", &t("P1"), 11), None);
    }

    #[test]
    fn the_same_key_twice_in_a_row_is_a_repeat() {
        let mut seen = Seen::default();
        assert_eq!(seen.insert("people", &t("P1"), 2), None);
        assert_eq!(seen.insert("people", &t("P1"), 3), Some(2));
    }

    #[test]
    fn keys_of_several_values_do_not_run_together() {
        let mut seen = Seen::default();
        let k = |a: &str, b: &str| vec![Val::text(a), Val::text(b)];
        assert_eq!(seen.insert("m", &k("ab", "c"), 2), None);
        assert_eq!(seen.insert("m", &k("a", "bc"), 3), None);
        assert_eq!(seen.insert("m", &[Val::Int(Some(-1))], 4), None);
        assert_eq!(seen.insert("m", &[Val::Int(Some(1))], 5), None);
        assert_eq!(seen.insert("m", &[Val::Int(Some(-1))], 6), Some(4));
    }

    proptest::proptest! {
        /// Whatever the order, a key is reported as a repeat exactly when it came before, with
        /// the line it first came on.
        #[test]
        fn repeats_are_found_in_any_order(
            mut keys in proptest::collection::vec(0u16..300, 0..400),
            sorted in 0usize..400,
        ) {
            // A sorted run of some length first (files are often in key order), then any order.
            let run = sorted.min(keys.len());
            keys[..run].sort_unstable();
            let mut seen = Seen::default();
            let mut first: HashMap<u16, u64> = HashMap::new();
            for (line, k) in (1u64..).zip(&keys) {
                let expected = first.get(k).copied();
                proptest::prop_assert_eq!(seen.insert("people", &t(&format!("P{k:03}")), line), expected);
                first.entry(*k).or_insert(line);
            }
        }
    }
}
