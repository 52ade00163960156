//! What the store's two benchmarks share (`store_bench`, `store_bench_import`): the
//! deterministic sequence and the **synthetic** people file, so both import the same rows.

use std::fmt::Write as _;
use std::io::Write as _;

/// A deterministic pseudo-random sequence (64-bit LCG, high bits).
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    /// A number in `0..n`.
    pub(crate) fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// Prints a line on standard output (a closed pipe is not an error of the benchmark).
pub(crate) fn out(line: &str) {
    let mut o = std::io::stdout().lock();
    let _ = writeln!(o, "{line}");
}

/// The people file (`id,full_name,birth_year,citizen_id,category`) of `people` synthetic
/// people drawn from `rng`: Vietnamese-looking names, birth years, citizen ids, categories.
pub(crate) fn people_csv(rng: &mut Rng, people: usize) -> String {
    const HO: [&str; 10] = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ"];
    const DEM: [&str; 6] = ["Văn", "Thị", "Minh", "Ngọc", "Quốc", "Thanh"];
    const TEN: [&str; 10] = ["An", "Bình", "Châu", "Dũng", "Hà", "Lan", "Mai", "Phúc", "Tâm", "Hùng"];
    const CAT: [&str; 6] = ["giao-vien", "cong-chuc", "vien-chuc", "can-bo", "nguoi-lao-dong", "other"];
    let pick = |rng: &mut Rng, a: &[&'static str]| a[rng.next(a.len() as u64) as usize];
    let mut s = String::with_capacity(people * 60);
    s.push_str("id,full_name,birth_year,citizen_id,category\n");
    for p in 0..people {
        let (h, d, t) = (pick(rng, &HO), pick(rng, &DEM), pick(rng, &TEN));
        let year = 1955 + rng.next(50);
        let cccd = 100_000_000_000 + rng.next(900_000_000_000);
        let _ = writeln!(s, "P{p:07},{h} {d} {t},{year},{cccd:012},{}", pick(rng, &CAT));
    }
    s
}
