//! [`Lru`]: a map bounded by its number of entries and by their weight in bytes, dropping the
//! least recently used entries first — the shape of every cache of the server ([`crate::cache`]).
//!
//! Each entry is weighed once, when it is stored (the caller says how much it weighs); reading
//! an entry makes it the most recently used. An entry heavier than the whole bound is not kept.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use crate::state::CacheBound;

/// What a cache holds now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheUsage {
    /// Entries kept.
    pub entries: usize,
    /// Their weight in bytes, as weighed when they were stored.
    pub bytes: usize,
}

#[derive(Debug)]
struct Slot<V> {
    value: V,
    bytes: usize,
    /// When it was last used (the map's clock).
    used: u64,
}

/// A least-recently-used map bounded by entries and bytes.
#[derive(Debug)]
pub(crate) struct Lru<K, V> {
    bound: CacheBound,
    map: HashMap<K, Slot<V>>,
    /// The keys by when they were last used, oldest first.
    order: BTreeMap<u64, K>,
    clock: u64,
    bytes: usize,
}

impl<K: Hash + Eq + Clone, V: Clone> Lru<K, V> {
    /// An empty map holding at most `bound`.
    pub(crate) fn new(bound: CacheBound) -> Self {
        Self { bound, map: HashMap::new(), order: BTreeMap::new(), clock: 0, bytes: 0 }
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// The value of `key`, which becomes the most recently used.
    pub(crate) fn get(&mut self, key: &K) -> Option<V> {
        let now = self.tick();
        let slot = self.map.get_mut(key)?;
        let before = std::mem::replace(&mut slot.used, now);
        let value = slot.value.clone();
        if let Some(k) = self.order.remove(&before) {
            self.order.insert(now, k);
        }
        Some(value)
    }

    /// Stores `value` for `key`, weighing `bytes`, dropping the least recently used entries
    /// until both bounds hold. Returns false (and keeps nothing) when the entry alone is heavier
    /// than the bound, or the bound allows no entry.
    pub(crate) fn insert(&mut self, key: K, value: V, bytes: usize) -> bool {
        self.remove(&key);
        if self.bound.entries == 0 || bytes > self.bound.bytes {
            return false;
        }
        while self.map.len() >= self.bound.entries || self.bytes.saturating_add(bytes) > self.bound.bytes {
            if !self.evict_oldest() {
                break;
            }
        }
        let used = self.tick();
        self.order.insert(used, key.clone());
        self.map.insert(key, Slot { value, bytes, used });
        self.bytes = self.bytes.saturating_add(bytes);
        true
    }

    /// Forgets `key`.
    pub(crate) fn remove(&mut self, key: &K) -> Option<V> {
        let slot = self.map.remove(key)?;
        self.order.remove(&slot.used);
        self.bytes = self.bytes.saturating_sub(slot.bytes);
        Some(slot.value)
    }

    /// Keeps only the entries for which `keep` is true.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&K, &V) -> bool) {
        let gone: Vec<K> = self.map.iter().filter(|(k, s)| !keep(k, &s.value)).map(|(k, _)| k.clone()).collect();
        for k in gone {
            self.remove(&k);
        }
    }

    /// How many entries it holds and what they weigh.
    pub(crate) fn usage(&self) -> CacheUsage {
        CacheUsage { entries: self.map.len(), bytes: self.bytes }
    }

    fn evict_oldest(&mut self) -> bool {
        let Some((_, key)) = self.order.pop_first() else { return false };
        if let Some(slot) = self.map.remove(&key) {
            self.bytes = self.bytes.saturating_sub(slot.bytes);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lru(entries: usize, bytes: usize) -> Lru<u32, &'static str> {
        Lru::new(CacheBound { entries, bytes })
    }

    #[test]
    fn the_least_recently_used_entry_goes_first_when_the_entries_are_full() {
        let mut c = lru(2, 1000);
        assert!(c.insert(1, "a", 10));
        assert!(c.insert(2, "b", 10));
        assert_eq!(c.get(&1), Some("a"), "1 is now more recent than 2");
        assert!(c.insert(3, "c", 10));
        assert_eq!(c.get(&2), None);
        assert_eq!(c.get(&1), Some("a"));
        assert_eq!(c.get(&3), Some("c"));
        assert_eq!(c.usage(), CacheUsage { entries: 2, bytes: 20 });
    }

    #[test]
    fn entries_go_until_the_bytes_fit() {
        let mut c = lru(100, 100);
        for k in 0..5 {
            assert!(c.insert(k, "x", 30));
            assert!(c.usage().bytes <= 100);
        }
        assert_eq!(c.usage(), CacheUsage { entries: 3, bytes: 90 });
        assert_eq!(c.get(&1), None);
        assert_eq!(c.get(&2), Some("x"));
        // A heavy entry pushes several out.
        assert!(c.insert(9, "big", 95));
        assert_eq!(c.usage(), CacheUsage { entries: 1, bytes: 95 });
    }

    #[test]
    fn an_entry_heavier_than_the_bound_is_not_kept() {
        let mut c = lru(10, 50);
        assert!(c.insert(1, "a", 20));
        assert!(!c.insert(2, "huge", 51));
        assert_eq!(c.get(&2), None);
        assert_eq!(c.get(&1), Some("a"), "nothing was dropped for it");
        let mut none = lru(0, 50);
        assert!(!none.insert(1, "a", 1));
        assert_eq!(none.usage(), CacheUsage::default());
    }

    #[test]
    fn replacing_removing_and_retaining_keep_the_weight_right() {
        let mut c = lru(10, 100);
        c.insert(1, "a", 40);
        c.insert(1, "b", 10);
        assert_eq!(c.usage(), CacheUsage { entries: 1, bytes: 10 });
        assert_eq!(c.get(&1), Some("b"));
        c.insert(2, "c", 20);
        c.insert(3, "d", 30);
        assert_eq!(c.remove(&2), Some("c"));
        assert_eq!(c.usage(), CacheUsage { entries: 2, bytes: 40 });
        c.retain(|k, _| *k != 3);
        assert_eq!(c.usage(), CacheUsage { entries: 1, bytes: 10 });
        // The order survives removals: 4 and 5 in, then 1 (the oldest) goes first.
        let mut c2 = lru(2, 100);
        c2.insert(1, "a", 1);
        c2.insert(2, "b", 1);
        c2.remove(&2);
        c2.insert(4, "d", 1);
        c2.insert(5, "e", 1);
        assert_eq!(c2.get(&1), None);
        assert_eq!(c2.usage().entries, 2);
    }
}
