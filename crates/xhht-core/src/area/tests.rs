//! Tests of area history.

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn area(
    code: &str,
    name: &str,
    level: AreaLevel,
    parent: Option<&str>,
    from: NaiveDate,
    to: Option<NaiveDate>,
) -> AdminArea {
    AdminArea {
        code: code.into(),
        name: name.into(),
        level,
        parent: parent.map(Into::into),
        valid: DateRange::new(from, to).unwrap(),
    }
}

/// Long An and Cần Đước before the reform; Tây Ninh and a merged commune after it.
fn registry() -> AreaRegistry {
    let before = d(2025, 6, 30);
    let reform = d(2025, 7, 1);
    let origin = d(2000, 1, 1);
    AreaRegistry::new(
        vec![
            area("80", "Tỉnh Long An", AreaLevel::Province, None, origin, Some(before)),
            area("806", "Huyện Cần Đước", AreaLevel::District, Some("80"), origin, Some(before)),
            area("A", "Xã Long Hựu Đông", AreaLevel::Commune, Some("806"), origin, Some(before)),
            area("B", "Xã Long Hựu Tây", AreaLevel::Commune, Some("806"), origin, Some(before)),
            area("72", "Tỉnh Tây Ninh", AreaLevel::Province, None, origin, None),
            area("N", "Xã Long Hựu", AreaLevel::Commune, Some("72"), reform, None),
        ],
        vec![
            Succession {
                from: "80".into(),
                to: "72".into(),
                date: reform,
                kind: SuccessionKind::Merged,
                provenance: Provenance::Verified,
            },
            Succession {
                from: "A".into(),
                to: "N".into(),
                date: reform,
                kind: SuccessionKind::Merged,
                provenance: Provenance::Verified,
            },
            Succession {
                from: "B".into(),
                to: "N".into(),
                date: reform,
                kind: SuccessionKind::Merged,
                provenance: Provenance::Verified,
            },
            Succession {
                from: "806".into(),
                to: "72".into(),
                date: reform,
                kind: SuccessionKind::TierAbolished,
                provenance: Provenance::Verified,
            },
        ],
    )
    .unwrap()
}

#[test]
fn old_areas_resolve_to_their_successors_after_the_reform() {
    let r = registry();
    let after = d(2025, 12, 31);
    assert_eq!(r.resolve_on("A", after).iter().map(|a| a.code.as_str()).collect::<Vec<_>>(), ["N"]);
    assert_eq!(r.resolve_on("B", after).iter().map(|a| a.code.as_str()).collect::<Vec<_>>(), ["N"]);
    assert_eq!(r.resolve_on("80", after).iter().map(|a| a.code.as_str()).collect::<Vec<_>>(), ["72"]);
    assert_eq!(r.resolve_on("A", d(2024, 12, 31)).iter().map(|a| a.code.as_str()).collect::<Vec<_>>(), ["A"]);
    assert!(r.resolve_on("N", d(2024, 12, 31)).is_empty(), "the new commune did not exist in 2024");
    assert_eq!(r.path_on("A", after).len(), 1);
}

#[test]
fn parents_and_children_follow_the_day() {
    let r = registry();
    assert_eq!(r.parent_on("A", d(2024, 1, 1)).map(|a| a.code.as_str()), Some("806"));
    assert_eq!(r.parent_on("N", d(2026, 1, 1)).map(|a| a.code.as_str()), Some("72"));
    assert_eq!(r.children_on("806", d(2024, 1, 1)).len(), 2);
    assert!(r.children_on("806", d(2026, 1, 1)).is_empty());
}

#[test]
fn inconsistent_history_is_rejected() {
    let origin = d(2000, 1, 1);
    let dup = AreaRegistry::new(
        vec![
            area("72", "Tỉnh Tây Ninh", AreaLevel::Province, None, origin, None),
            area("72", "Tỉnh Tây Ninh", AreaLevel::Province, None, origin, None),
        ],
        vec![],
    );
    assert!(dup.unwrap_err().to_string().contains("used twice"));
    let orphan = AreaRegistry::new(vec![area("A", "Xã A", AreaLevel::Commune, Some("806"), origin, None)], vec![]);
    assert!(orphan.unwrap_err().to_string().contains("unknown parent"));
    let early = AreaRegistry::new(
        vec![
            area("72", "Tỉnh Tây Ninh", AreaLevel::Province, None, origin, None),
            area("A", "Xã A", AreaLevel::Commune, Some("72"), origin, Some(d(2025, 6, 30))),
            area("N", "Xã N", AreaLevel::Commune, Some("72"), d(2025, 7, 1), None),
        ],
        vec![Succession {
            from: "A".into(),
            to: "N".into(),
            date: d(2025, 6, 1),
            kind: SuccessionKind::Merged,
            provenance: Provenance::Verified,
        }],
    );
    assert!(early.unwrap_err().to_string().contains("still exists"));
}
