//! The rulebooks shipped with xhht, embedded at compile time.

use std::sync::OnceLock;

use super::{LoadedRulebook, RulebookSet};
use crate::plan::Plan;

/// The embedded rulebook files: (rulebook id, file text), in the order `rulebook list` shows.
pub const BUILTIN_FILES: &[(&str, &str)] = &[
    ("ke-hoach.can-duoc-2024", include_str!("../../data/rulebooks/ke-hoach.can-duoc-2024.toml")),
    ("cong-dan-hoc-tap", include_str!("../../data/rulebooks/cong-dan-hoc-tap.toml")),
    ("don-vi-hoc-tap.tt22-2020", include_str!("../../data/rulebooks/don-vi-hoc-tap.tt22-2020.toml")),
    ("don-vi-hoc-tap.tt24-2023", include_str!("../../data/rulebooks/don-vi-hoc-tap.tt24-2023.toml")),
    ("cong-dong-hoc-tap.tt25-2023", include_str!("../../data/rulebooks/cong-dong-hoc-tap.tt25-2023.toml")),
    ("gia-dinh-hoc-tap.qd448", include_str!("../../data/rulebooks/gia-dinh-hoc-tap.qd448.toml")),
];

pub(super) fn builtin() -> &'static RulebookSet {
    static SET: OnceLock<RulebookSet> = OnceLock::new();
    SET.get_or_init(|| {
        let plans = [Plan::can_duoc_2024()];
        let books = BUILTIN_FILES
            .iter()
            .map(|(id, src)| {
                #[allow(clippy::expect_used, reason = "embedded data, checked by this crate's tests")]
                LoadedRulebook::from_toml(src, &format!("{id}.toml (embedded)"), &plans)
                    .expect("embedded rulebooks validate")
            })
            .collect();
        #[allow(clippy::expect_used, reason = "embedded data, checked by this crate's tests")]
        RulebookSet::new(books).expect("embedded rulebooks form a consistent set")
    })
}
